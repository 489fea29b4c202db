/*
 * Collectives benchmark, Open MPI side. bench/kernels/collectives.ts is the same program for
 * wasmpi: same collectives, sizes, data, iteration counts, checks and output, so
 * bench/collectives.ts treats both alike.
 *
 *   collectives [--ops Barrier,Bcast,...] [--sizes a,b,c] [--quick]
 *
 * The size of a row is the largest buffer of the call, the same total at every rank count:
 *   Bcast            the buffer broadcast
 *   Scatter          the root's send buffer (each rank receives size / N)
 *   Gather           the root's receive buffer (each rank sends size / N)
 *   Allgather        each rank's receive buffer (each rank contributes size / N)
 *   Alltoall         each rank's send and receive buffer (blocks of size / N per pair)
 *   Reduce/Allreduce the buffer reduced (MPI_SUM), every element
 * Elements are doubles when the blocks hold whole doubles, else bytes (uint8): 8 B is one
 * double for Bcast/Reduce/Allreduce and 8 / N bytes a block for the others.
 *
 * Timing as the OSU micro-benchmarks do it: every iteration is Barrier, then the one call
 * timed with MPI_Wtime, so a root cannot run ahead into the next call. Per rank the mean over
 * the iterations; rank 0 prints the maximum over ranks ("usec") with the minimum and mean.
 * Before each iteration a few received elements are overwritten and after it they are
 * compared with what the collective must deliver, so a broken collective ends the job.
 *
 * Build: mpicc -O2 -o collectives collectives.c   Run: mpirun -n 4 ./collectives
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZE (256L << 20)
#define MAX_SIZES 64
#define SMALL 8192
#define MAX_CHECKS 72

enum op { BARRIER, BCAST, SCATTER, GATHER, REDUCE, ALLREDUCE, ALLGATHER, ALLTOALL, OPS };
static const char *const names[OPS] = {"Barrier", "Bcast",     "Scatter",   "Gather",
                                       "Reduce",  "Allreduce", "Allgather", "Alltoall"};

static int rank, nranks;

/* Iteration counts: these two functions are mirrored in bench/kernels/collectives.ts. */
static int iterations(long bytes, int quick) {
  /* 2000 calls up to 8 KiB, then about 400 MB moved per size: 47 at 8 MiB, 5 at 80 MB. */
  long n = bytes <= SMALL ? 2000 : 400000000L / bytes;
  if (n > 2000) n = 2000;
  if (n < 5) n = 5;
  if (quick) n = n / 10 < 2 ? 2 : n / 10;
  return (int)n;
}

/* Untimed calls first. Small sizes get 10,000, with --quick too: wasmpi's Allreduce of 8 B at
   2 ranks took 40 us a call over its first 2,000 calls, 17 us over the next 2,000 and reached
   its steady 0.7 us only after ~10,000, while V8 optimizes the host side. Large sizes get a
   fifth of their timed calls (1 at 80 MB): a call is all copying, and one warm call is enough. */
static int warmups(int iters, long bytes) {
  if (bytes <= SMALL) return 10000;
  return iters / 5 < 1 ? 1 : iters / 5;
}

/* How many blocks the size is cut into: one per rank for the block collectives. */
static int blocks_of(int op) {
  return op == SCATTER || op == GATHER || op == ALLGATHER || op == ALLTOALL ? nranks : 1;
}

/* Doubles when every block holds whole doubles, else bytes. */
static int element_size(int op, long bytes) { return bytes % (8L * blocks_of(op)) == 0 ? 8 : 1; }

/* What rank r holds at element i of its send buffer: distinct per rank and per position, and
   sums over ranks stay exact. */
static double pattern(int elem, int r, long i) {
  if (elem == 1) return (double)((r * 37 + i * 7 + 13) & 0xff);
  return (double)(r + 1) * 1e6 + (double)(i % 999983);
}

static double reduced(int elem, long i) {
  double sum = 0;
  for (int r = 0; r < nranks; r++) sum += pattern(elem, r, i);
  return elem == 1 ? (double)((long)sum & 0xff) : sum;
}

static void *page_aligned(size_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, 4096, bytes < 4096 ? 4096 : bytes) != 0) {
    fprintf(stderr, "collectives: cannot allocate %zu bytes\n", bytes);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  return p;
}

static double get(const void *buf, int elem, long i) {
  return elem == 1 ? (double)((const uint8_t *)buf)[i] : ((const double *)buf)[i];
}

static void put(void *buf, int elem, long i, double v) {
  if (elem == 1) ((uint8_t *)buf)[i] = (uint8_t)((long)v & 0xff);
  else ((double *)buf)[i] = v;
}

/* The received elements checked after every call: the first of every block and the last. */
struct checks {
  int n;
  long at[MAX_CHECKS];
  double expected[MAX_CHECKS];
};

static void add_check(struct checks *c, long at, double expected) {
  if (c->n < MAX_CHECKS) {
    c->at[c->n] = at;
    c->expected[c->n] = expected;
    c->n++;
  }
}

/* The checks of this rank for one collective: which element of recv must hold what. */
static struct checks checks_for(int op, int elem, long count, long block) {
  struct checks c = {0};
  switch (op) {
  case BCAST:
    if (rank != 0) {
      add_check(&c, 0, pattern(elem, 0, 0));
      add_check(&c, count / 2, pattern(elem, 0, count / 2));
      add_check(&c, count - 1, pattern(elem, 0, count - 1));
    }
    break;
  case SCATTER:
    add_check(&c, 0, pattern(elem, 0, rank * block));
    add_check(&c, block - 1, pattern(elem, 0, rank * block + block - 1));
    break;
  case GATHER:
  case ALLGATHER:
    if (op == GATHER && rank != 0) break;
    for (int s = 0; s < nranks; s++) add_check(&c, s * block, pattern(elem, s, 0));
    add_check(&c, count - 1, pattern(elem, nranks - 1, block - 1));
    break;
  case ALLTOALL:
    for (int s = 0; s < nranks; s++) add_check(&c, s * block, pattern(elem, s, rank * block));
    add_check(&c, count - 1, pattern(elem, nranks - 1, rank * block + block - 1));
    break;
  case REDUCE:
  case ALLREDUCE:
    if (op == REDUCE && rank != 0) break;
    add_check(&c, 0, reduced(elem, 0));
    add_check(&c, count / 2, reduced(elem, count / 2));
    add_check(&c, count - 1, reduced(elem, count - 1));
    break;
  }
  return c;
}

/* Overwrites the checked elements with values the collective must replace. */
static void poison(const struct checks *c, void *recv, int elem) {
  for (int k = 0; k < c->n; k++) put(recv, elem, c->at[k], c->expected[k] + 1);
}

static void verify(const struct checks *c, const void *recv, int elem, int op, long bytes) {
  for (int k = 0; k < c->n; k++) {
    double got = get(recv, elem, c->at[k]);
    if (got != c->expected[k]) {
      fprintf(stderr,
              "collectives: rank %d: %s of %ld B: element %ld is %.17g, expected %.17g\n", rank,
              names[op], bytes, c->at[k], got, c->expected[k]);
      MPI_Abort(MPI_COMM_WORLD, 3);
    }
  }
}

static void call(int op, MPI_Datatype type, void *sbuf, void *rbuf, long count, long block) {
  int n = (int)count, b = (int)block;
  switch (op) {
  case BARRIER:
    MPI_Barrier(MPI_COMM_WORLD);
    break;
  case BCAST:
    MPI_Bcast(rank == 0 ? sbuf : rbuf, n, type, 0, MPI_COMM_WORLD);
    break;
  case SCATTER:
    MPI_Scatter(sbuf, b, type, rbuf, b, type, 0, MPI_COMM_WORLD);
    break;
  case GATHER:
    MPI_Gather(sbuf, b, type, rank == 0 ? rbuf : NULL, b, type, 0, MPI_COMM_WORLD);
    break;
  case REDUCE:
    MPI_Reduce(sbuf, rank == 0 ? rbuf : NULL, n, type, MPI_SUM, 0, MPI_COMM_WORLD);
    break;
  case ALLREDUCE:
    MPI_Allreduce(sbuf, rbuf, n, type, MPI_SUM, MPI_COMM_WORLD);
    break;
  case ALLGATHER:
    MPI_Allgather(sbuf, b, type, rbuf, b, type, MPI_COMM_WORLD);
    break;
  case ALLTOALL:
    MPI_Alltoall(sbuf, b, type, rbuf, b, type, MPI_COMM_WORLD);
    break;
  }
}

static void measure(int op, long bytes, int quick, void *sbuf, void *rbuf) {
  int elem = op == BARRIER ? 1 : element_size(op, bytes);
  long count = op == BARRIER ? 0 : bytes / elem;
  long block = count / blocks_of(op);
  MPI_Datatype type = elem == 1 ? MPI_UINT8_T : MPI_DOUBLE;
  /* Everything a rank sends is its pattern: the root's whole buffer for Bcast and Scatter,
     its block for Gather and Allgather, all of it for the others. */
  for (long i = 0; i < count; i++) put(sbuf, elem, i, pattern(elem, rank, i));
  struct checks c = checks_for(op, elem, count, block);

  int iters = iterations(bytes, quick);
  int warmup = warmups(iters, bytes);
  double total = 0;
  for (int i = -warmup; i < iters; i++) {
    poison(&c, rbuf, elem);
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime();
    call(op, type, sbuf, rbuf, count, block);
    double elapsed = MPI_Wtime() - start;
    if (i >= 0) total += elapsed;
    verify(&c, rbuf, elem, op, bytes);
  }
  double mean = total / iters, slowest, fastest, sum;
  MPI_Reduce(&mean, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  MPI_Reduce(&mean, &fastest, 1, MPI_DOUBLE, MPI_MIN, 0, MPI_COMM_WORLD);
  MPI_Reduce(&mean, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    printf("{\"impl\":\"openmpi\",\"test\":\"%s\",\"ranks\":%d,\"bytes\":%ld,\"usec\":%.3f,"
           "\"usec_min\":%.3f,\"usec_avg\":%.3f,\"datatype\":\"%s\",\"count\":%ld,\"iters\":%d}\n",
           names[op], nranks, op == BARRIER ? 0 : bytes, slowest * 1e6, fastest * 1e6,
           sum / nranks * 1e6, op == BARRIER ? "none" : elem == 1 ? "byte" : "double", count, iters);
    fflush(stdout);
  }
}

static int parse_sizes(const char *list, long *sizes) {
  int n = 0;
  char *copy = strdup(list);
  for (char *tok = strtok(copy, ","); tok != NULL; tok = strtok(NULL, ",")) {
    char *end;
    long b = strtol(tok, &end, 10);
    if (*end != '\0' || b < 1 || b > MAX_SIZE || n == MAX_SIZES) {
      free(copy);
      return -1;
    }
    sizes[n++] = b;
  }
  free(copy);
  return n;
}

/* Sets wanted[op] for every name in the list; -1 for an unknown name. */
static int parse_ops(const char *list, int *wanted) {
  char *copy = strdup(list);
  int ok = 0;
  for (char *tok = strtok(copy, ","); tok != NULL; tok = strtok(NULL, ",")) {
    int found = -1;
    for (int op = 0; op < OPS; op++)
      if (strcmp(tok, names[op]) == 0) found = op;
    if (found < 0) {
      ok = -1;
      break;
    }
    wanted[found] = 1;
  }
  free(copy);
  return ok;
}

static int usage(const char *message, const char *detail) {
  if (rank == 0) fprintf(stderr, "collectives: %s%s\n", message, detail);
  MPI_Finalize();
  return 2;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &nranks);

  long sizes[MAX_SIZES] = {8, 8192, 8L << 20, 80000000};
  int count = 4, quick = 0;
  int wanted[OPS] = {0};
  const char *op_list = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) quick = 1;
    else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
      count = parse_sizes(argv[++i], sizes);
      if (count < 0) return usage("bad --sizes (bytes, 1..268435456): ", argv[i]);
    } else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
      op_list = argv[++i];
      if (parse_ops(op_list, wanted) < 0) return usage("unknown collective in --ops ", op_list);
    } else {
      return usage("usage: collectives [--ops Barrier,Bcast,...] [--sizes a,b,c] [--quick]; got ",
                   argv[i]);
    }
  }
  if (op_list == NULL)
    for (int op = 0; op < OPS; op++) wanted[op] = 1;
  for (int s = 0; s < count; s++)
    if (sizes[s] % nranks != 0) return usage("every size must split into one block per rank", "");

  long largest = 8;
  for (int s = 0; s < count; s++)
    if (sizes[s] > largest) largest = sizes[s];
  /* Touch every page before timing so no first-touch fault lands inside a timed loop. */
  unsigned char *sbuf = page_aligned((size_t)largest);
  unsigned char *rbuf = page_aligned((size_t)largest);
  memset(sbuf, 1, (size_t)largest);
  memset(rbuf, 0, (size_t)largest);

  for (int op = 0; op < OPS; op++) {
    if (!wanted[op]) continue;
    if (op == BARRIER) measure(op, 0, quick, sbuf, rbuf);
    else
      for (int s = 0; s < count; s++) measure(op, sizes[s], quick, sbuf, rbuf);
  }

  free(sbuf);
  free(rbuf);
  MPI_Finalize();
  return 0;
}
