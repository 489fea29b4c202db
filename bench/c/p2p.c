/*
 * Point-to-point benchmark, Open MPI side. bench/kernels/p2p.ts is the same program for
 * wasmpi: same sizes, iteration counts and output, so bench/p2p.ts treats both alike.
 *
 *   p2p latency   [--sizes a,b,c] [--quick]   OSU-style ping-pong; one-way = round trip / 2
 *   p2p bandwidth [--sizes a,b,c] [--quick]   W=16 blocking sends, then a 1-byte ack
 *   p2p bandwidth-nb [--window W] [--sizes a,b,c] [--quick]
 *                 osu_bw: the receiver posts W MPI_Irecv, the sender W MPI_Isend (default
 *                 W=16), both MPI_Waitall, then a 1-byte ack (blocking) from the receiver.
 *                 As osu_bw, every slot of a window uses the same buffer (one send buffer,
 *                 one receive buffer). Printed as test "bandwidth-nb-w<W>".
 *
 * Rank 0 times with MPI_Wtime and prints one JSON line per size.
 * Build: mpicc -O2 -o p2p p2p.c   Run: mpirun -n 2 ./p2p latency
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZE (64 << 20)
#define WINDOW 16
#define MAX_WINDOW 1024
#define MAX_SIZES 64
#define TAG 1
#define ACK_TAG 2

/* Iteration counts: these two functions are mirrored in bench/kernels/p2p.ts. */
static int latency_iters(long bytes, int quick) {
  /* 10000 round trips up to 8 KiB, then about 80 MB of round trips per size, at least 20. */
  long n = bytes <= 8192 ? 10000 : 10000L * 8192 / bytes;
  if (n < 20) n = 20;
  if (quick) n = n / 10 < 2 ? 2 : n / 10;
  return (int)n;
}

static int bandwidth_iters(long bytes, int window, int quick) {
  /* About 1 GiB per size (at most 1000 windows, at least 5). */
  long n = (1L << 30) / (window * (bytes > 0 ? bytes : 1));
  if (n > 1000) n = 1000;
  if (n < 5) n = 5;
  if (quick) n = n / 10 < 2 ? 2 : n / 10;
  return (int)n;
}

/* As many untimed iterations as timed ones before each size. With a tenth, wasmpi showed
   one-off slow stretches of ~50 ms inside timed loops: the first time messages grow past
   16 B (32 B: 1.3-2.5 us one-way instead of 0.31 us over a whole 10,000-round-trip loop), and
   after the launcher forwards the first output line. Mirrored in bench/kernels/p2p.ts. */
static int warmup_iters(int iters) { return iters; }

/* One-off warm-up before the first size: ping-pong round trips, then windows of small sends
   (the sender running ahead takes other paths than ping-pong). wasmpi's first ~30,000 round
   trips run about 10x slower (8 B: 3.5-5.6 us one-way, then 0.3 us) while V8 optimizes the
   host side, so whichever size came first would show that start-up cost instead of
   steady-state messaging. Mirrored in bench/kernels/p2p.ts; a few ms for Open MPI. */
#define STARTUP_ROUND_TRIPS 50000
#define STARTUP_WINDOWS 3000
#define STARTUP_WINDOW_BYTES 1024

static void warm_up_startup(int rank, unsigned char *sbuf, unsigned char *rbuf, long largest) {
  int peer = 1 - rank;
  int window_bytes = largest < STARTUP_WINDOW_BYTES ? (int)largest : STARTUP_WINDOW_BYTES;
  unsigned char ack = 0;
  for (int i = 0; i < STARTUP_ROUND_TRIPS; i++) {
    if (rank == 0) {
      MPI_Send(sbuf, 1, MPI_BYTE, peer, TAG, MPI_COMM_WORLD);
      MPI_Recv(rbuf, 1, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
      MPI_Recv(rbuf, 1, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(sbuf, 1, MPI_BYTE, peer, TAG, MPI_COMM_WORLD);
    }
  }
  for (int i = 0; i < STARTUP_WINDOWS; i++) {
    if (rank == 0) {
      for (int w = 0; w < WINDOW; w++)
        MPI_Send(sbuf, window_bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD);
      MPI_Recv(&ack, 1, MPI_BYTE, peer, ACK_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
      for (int w = 0; w < WINDOW; w++)
        MPI_Recv(rbuf, window_bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(&ack, 1, MPI_BYTE, peer, ACK_TAG, MPI_COMM_WORLD);
    }
  }
}

/* Before the nonblocking test, also as many windows of nonblocking small sends, so that its
   first size does not pay for warming up the Isend/Irecv/Waitall paths either. Mirrored in
   bench/kernels/p2p.ts. */
static void warm_up_nonblocking(int rank, unsigned char *sbuf, unsigned char *rbuf, long largest,
                                int window, MPI_Request *reqs) {
  int peer = 1 - rank;
  int window_bytes = largest < STARTUP_WINDOW_BYTES ? (int)largest : STARTUP_WINDOW_BYTES;
  unsigned char ack = 0;
  for (int i = 0; i < STARTUP_WINDOWS; i++) {
    if (rank == 0) {
      for (int w = 0; w < window; w++)
        MPI_Isend(sbuf, window_bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, &reqs[w]);
      MPI_Waitall(window, reqs, MPI_STATUSES_IGNORE);
      MPI_Recv(&ack, 1, MPI_BYTE, peer, ACK_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
      for (int w = 0; w < window; w++)
        MPI_Irecv(rbuf, window_bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, &reqs[w]);
      MPI_Waitall(window, reqs, MPI_STATUSES_IGNORE);
      MPI_Send(&ack, 1, MPI_BYTE, peer, ACK_TAG, MPI_COMM_WORLD);
    }
  }
}

static unsigned char pattern(long i) { return (unsigned char)((i * 7 + 13) & 0xff); }

static void *page_aligned(size_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, 4096, bytes) != 0) {
    fprintf(stderr, "p2p: cannot allocate %zu bytes\n", bytes);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  return p;
}

/* The last byte of a message was never written by a smaller earlier one: a cheap check that
   whole messages arrived. */
static void check_received(const unsigned char *buf, long bytes, int rank) {
  if (bytes > 0 && buf[bytes - 1] != pattern(bytes - 1)) {
    fprintf(stderr, "p2p: rank %d: wrong data at byte %ld of a %ld-byte message\n", rank,
            bytes - 1, bytes);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
}

static void latency(const long *sizes, int count, int quick, int rank, unsigned char *sbuf,
                    unsigned char *rbuf) {
  int peer = 1 - rank;
  for (int s = 0; s < count; s++) {
    long bytes = sizes[s];
    int iters = latency_iters(bytes, quick);
    int warmup = warmup_iters(iters);
    double start = 0;
    for (int i = -warmup; i < iters; i++) {
      if (i == 0) {
        MPI_Barrier(MPI_COMM_WORLD);
        start = MPI_Wtime();
      }
      if (rank == 0) {
        MPI_Send(sbuf, (int)bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD);
        MPI_Recv(rbuf, (int)bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      } else {
        MPI_Recv(rbuf, (int)bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(sbuf, (int)bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD);
      }
    }
    double elapsed = MPI_Wtime() - start;
    check_received(rbuf, bytes, rank);
    if (rank == 0) {
      printf("{\"impl\":\"openmpi\",\"test\":\"latency\",\"bytes\":%ld,\"usec\":%.3f,\"iters\":%d}\n",
             bytes, elapsed * 1e6 / (2.0 * iters), iters);
      fflush(stdout);
    }
  }
}

static void bandwidth(const long *sizes, int count, int quick, int rank, unsigned char *sbuf,
                      unsigned char *rbuf) {
  int peer = 1 - rank;
  unsigned char ack = 0;
  for (int s = 0; s < count; s++) {
    long bytes = sizes[s];
    int iters = bandwidth_iters(bytes, WINDOW, quick);
    int warmup = warmup_iters(iters);
    double start = 0;
    for (int i = -warmup; i < iters; i++) {
      if (i == 0) {
        MPI_Barrier(MPI_COMM_WORLD);
        start = MPI_Wtime();
      }
      if (rank == 0) {
        for (int w = 0; w < WINDOW; w++)
          MPI_Send(sbuf, (int)bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD);
        MPI_Recv(&ack, 1, MPI_BYTE, peer, ACK_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      } else {
        for (int w = 0; w < WINDOW; w++)
          MPI_Recv(rbuf, (int)bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(&ack, 1, MPI_BYTE, peer, ACK_TAG, MPI_COMM_WORLD);
      }
    }
    double elapsed = MPI_Wtime() - start;
    if (rank == 1) check_received(rbuf, bytes, rank);
    if (rank == 0) {
      double mbps = (double)bytes * WINDOW * iters / elapsed / 1e6;
      printf("{\"impl\":\"openmpi\",\"test\":\"bandwidth\",\"bytes\":%ld,\"MBps\":%.1f,\"iters\":%d}\n",
             bytes, mbps, iters);
      fflush(stdout);
    }
  }
}

/* osu_bw: W nonblocking sends against W pre-posted nonblocking receives per window, all
   slots on the same buffer, then a blocking 1-byte ack from the receiver. */
static void bandwidth_nb(const long *sizes, int count, int quick, int rank, int window,
                         MPI_Request *reqs, unsigned char *sbuf, unsigned char *rbuf) {
  int peer = 1 - rank;
  unsigned char ack = 0;
  for (int s = 0; s < count; s++) {
    long bytes = sizes[s];
    int iters = bandwidth_iters(bytes, window, quick);
    int warmup = warmup_iters(iters);
    double start = 0;
    for (int i = -warmup; i < iters; i++) {
      if (i == 0) {
        MPI_Barrier(MPI_COMM_WORLD);
        start = MPI_Wtime();
      }
      if (rank == 0) {
        for (int w = 0; w < window; w++)
          MPI_Isend(sbuf, (int)bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, &reqs[w]);
        MPI_Waitall(window, reqs, MPI_STATUSES_IGNORE);
        MPI_Recv(&ack, 1, MPI_BYTE, peer, ACK_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      } else {
        for (int w = 0; w < window; w++)
          MPI_Irecv(rbuf, (int)bytes, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, &reqs[w]);
        MPI_Waitall(window, reqs, MPI_STATUSES_IGNORE);
        MPI_Send(&ack, 1, MPI_BYTE, peer, ACK_TAG, MPI_COMM_WORLD);
      }
    }
    double elapsed = MPI_Wtime() - start;
    if (rank == 1) check_received(rbuf, bytes, rank);
    if (rank == 0) {
      double mbps = (double)bytes * window * iters / elapsed / 1e6;
      printf("{\"impl\":\"openmpi\",\"test\":\"bandwidth-nb-w%d\",\"window\":%d,\"bytes\":%ld,"
             "\"MBps\":%.1f,\"iters\":%d}\n",
             window, window, bytes, mbps, iters);
      fflush(stdout);
    }
  }
}

static int default_sizes(int is_latency, long *sizes) {
  int n = 0;
  if (is_latency) sizes[n++] = 0;
  for (long b = is_latency ? 1 : 1024; b <= MAX_SIZE; b *= 2) sizes[n++] = b;
  return n;
}

static int parse_sizes(const char *list, long *sizes) {
  int n = 0;
  char *copy = strdup(list);
  for (char *tok = strtok(copy, ","); tok != NULL && n < MAX_SIZES; tok = strtok(NULL, ",")) {
    char *end;
    long b = strtol(tok, &end, 10);
    if (*end != '\0' || b < 0 || b > MAX_SIZE) {
      free(copy);
      return -1;
    }
    sizes[n++] = b;
  }
  free(copy);
  return n;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  const char *mode = NULL;
  const char *size_list = NULL;
  const char *window_arg = NULL;
  int quick = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) quick = 1;
    else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) size_list = argv[++i];
    else if (strcmp(argv[i], "--window") == 0 && i + 1 < argc) window_arg = argv[++i];
    else if (mode == NULL) mode = argv[i];
  }
  int is_latency = mode != NULL && strcmp(mode, "latency") == 0;
  int is_bandwidth = mode != NULL && strcmp(mode, "bandwidth") == 0;
  int is_bandwidth_nb = mode != NULL && strcmp(mode, "bandwidth-nb") == 0;
  if (!is_latency && !is_bandwidth && !is_bandwidth_nb) {
    if (rank == 0)
      fprintf(stderr, "usage: p2p latency|bandwidth|bandwidth-nb [--window W] [--sizes a,b,c] "
                      "[--quick]\n");
    MPI_Finalize();
    return 2;
  }
  int window = WINDOW;
  if (window_arg != NULL) {
    char *end;
    long w = strtol(window_arg, &end, 10);
    if (*end != '\0' || w < 1 || w > MAX_WINDOW) {
      if (rank == 0) fprintf(stderr, "p2p: bad --window '%s' (1..%d)\n", window_arg, MAX_WINDOW);
      MPI_Finalize();
      return 2;
    }
    window = (int)w;
  }
  if (size != 2) {
    if (rank == 0) fprintf(stderr, "p2p: needs exactly 2 ranks, got %d\n", size);
    MPI_Finalize();
    return 2;
  }

  long sizes[MAX_SIZES];
  int count = size_list ? parse_sizes(size_list, sizes) : default_sizes(is_latency, sizes);
  if (count < 0) {
    if (rank == 0) fprintf(stderr, "p2p: bad --sizes '%s' (bytes, 0..%d)\n", size_list, MAX_SIZE);
    MPI_Finalize();
    return 2;
  }
  long largest = 1;
  for (int s = 0; s < count; s++)
    if (sizes[s] > largest) largest = sizes[s];

  /* Touch every page before timing so no first-touch fault lands inside a timed loop. */
  unsigned char *sbuf = page_aligned((size_t)largest);
  unsigned char *rbuf = page_aligned((size_t)largest);
  for (long i = 0; i < largest; i++) sbuf[i] = pattern(i);
  MPI_Request *reqs = malloc((size_t)window * sizeof *reqs);
  warm_up_startup(rank, sbuf, rbuf, largest);
  if (is_bandwidth_nb) warm_up_nonblocking(rank, sbuf, rbuf, largest, window, reqs);
  memset(rbuf, 0, (size_t)largest);

  if (is_latency) latency(sizes, count, quick, rank, sbuf, rbuf);
  else if (is_bandwidth) bandwidth(sizes, count, quick, rank, sbuf, rbuf);
  else bandwidth_nb(sizes, count, quick, rank, window, reqs, sbuf, rbuf);

  free(reqs);
  free(sbuf);
  free(rbuf);
  MPI_Finalize();
  return 0;
}
