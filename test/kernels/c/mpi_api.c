// mpi.h's calls at any number of ranks, each result checked against what MPI defines. A failed
// check prints what failed and aborts the job with code 3; at the end every rank prints
// "rank R: N checks passed".
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rank, size, checks;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    checks++;                                                                         \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "rank %d: check failed at line %d: %s\n", rank, __LINE__, #cond); \
      MPI_Abort(MPI_COMM_WORLD, 3);                                                   \
    }                                                                                 \
  } while (0)

static void environment(void) {
  int flag = 0;
  MPI_Initialized(&flag);
  CHECK(flag == 1);
  MPI_Finalized(&flag);
  CHECK(flag == 0);
  char name[MPI_MAX_PROCESSOR_NAME];
  int len = -1;
  MPI_Get_processor_name(name, &len);
  CHECK(len > 0 && len == (int)strlen(name));
  double t0 = MPI_Wtime();
  CHECK(t0 >= 0 && MPI_Wtime() >= t0 && MPI_Wtick() > 0);
  int bytes;
  MPI_Type_size(MPI_LONG, &bytes);
  CHECK(bytes == sizeof(long));
  MPI_Type_size(MPI_LONG_LONG, &bytes);
  CHECK(bytes == sizeof(long long));
  MPI_Type_size(MPI_CHAR, &bytes);
  CHECK(bytes == 1);
}

static void point_to_point(void) {
  int right = (rank + 1) % size, left = (rank + size - 1) % size;
  // Sendrecv around the ring: the status names the left neighbour and the tag.
  long out = 1000 + rank, in = -1;
  MPI_Status status;
  MPI_Sendrecv(&out, 1, MPI_LONG, right, 7, &in, 1, MPI_LONG, left, MPI_ANY_TAG, MPI_COMM_WORLD,
               &status);
  int count = -1;
  MPI_Get_count(&status, MPI_LONG, &count);
  CHECK(in == 1000 + left && status.MPI_SOURCE == left && status.MPI_TAG == 7 && count == 1);
  CHECK(status.MPI_ERROR == MPI_SUCCESS);

  // Probe learns the length of a message before it is received.
  double values[8];
  for (int i = 0; i < 8; i++) values[i] = rank + i / 8.0;
  int n = 1 + rank % 8;
  MPI_Request send;
  MPI_Isend(values, n, MPI_DOUBLE, right, 3, MPI_COMM_WORLD, &send);
  MPI_Probe(left, 3, MPI_COMM_WORLD, &status);
  MPI_Get_count(&status, MPI_DOUBLE, &count);
  CHECK(count == 1 + left % 8);
  MPI_Get_count(&status, MPI_INT, &count);
  CHECK(count == 2 * (1 + left % 8));
  MPI_Get_count(&status, MPI_LONG_LONG, &count);
  CHECK(count == 1 + left % 8);
  double got[8] = {0};
  MPI_Recv(got, 8, MPI_DOUBLE, MPI_ANY_SOURCE, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  int n_left = 1 + left % 8;
  CHECK(got[0] == left && got[n_left - 1] == left + (n_left - 1) / 8.0);
  MPI_Wait(&send, MPI_STATUS_IGNORE);
  CHECK(send == MPI_REQUEST_NULL);
  MPI_Wait(&send, &status);  // a null request completes at once, with an empty status
  CHECK(status.MPI_SOURCE == MPI_ANY_SOURCE && status.MPI_TAG == MPI_ANY_TAG);

  // Nonblocking both ways, completed by Waitall with statuses.
  int from_left = -1, from_right = -1;
  MPI_Request reqs[4];
  MPI_Status statuses[4];
  MPI_Irecv(&from_left, 1, MPI_INT, left, 11, MPI_COMM_WORLD, &reqs[0]);
  MPI_Irecv(&from_right, 1, MPI_INT, right, 12, MPI_COMM_WORLD, &reqs[1]);
  MPI_Isend(&rank, 1, MPI_INT, right, 11, MPI_COMM_WORLD, &reqs[2]);
  MPI_Isend(&rank, 1, MPI_INT, left, 12, MPI_COMM_WORLD, &reqs[3]);
  MPI_Waitall(4, reqs, statuses);
  CHECK(from_left == left && from_right == right);
  CHECK(statuses[0].MPI_SOURCE == left && statuses[1].MPI_SOURCE == right);
  CHECK(reqs[0] == MPI_REQUEST_NULL && reqs[3] == MPI_REQUEST_NULL);

  // Waitany returns each request once, then MPI_UNDEFINED; Test polls until done.
  MPI_Irecv(&from_left, 1, MPI_INT, left, 13, MPI_COMM_WORLD, &reqs[0]);
  MPI_Irecv(&from_right, 1, MPI_INT, right, 14, MPI_COMM_WORLD, &reqs[1]);
  MPI_Send(&rank, 1, MPI_INT, right, 13, MPI_COMM_WORLD);
  MPI_Send(&rank, 1, MPI_INT, left, 14, MPI_COMM_WORLD);
  int index, seen = 0;
  for (int k = 0; k < 2; k++) {
    MPI_Waitany(2, reqs, &index, &status);
    CHECK(index == 0 || index == 1);
    seen |= 1 << index;
  }
  MPI_Waitany(2, reqs, &index, MPI_STATUS_IGNORE);
  CHECK(seen == 3 && index == MPI_UNDEFINED);
  MPI_Irecv(&from_left, 1, MPI_INT, left, 15, MPI_COMM_WORLD, &reqs[0]);
  MPI_Send(&rank, 1, MPI_INT, right, 15, MPI_COMM_WORLD);
  int flag = 0;
  while (!flag) MPI_Test(&reqs[0], &flag, &status);
  CHECK(reqs[0] == MPI_REQUEST_NULL && status.MPI_TAG == 15 && from_left == left);

  // PROC_NULL: sends vanish, receives complete at once with an empty message.
  MPI_Send(&rank, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
  MPI_Recv(&from_left, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &status);
  MPI_Get_count(&status, MPI_INT, &count);
  CHECK(status.MPI_SOURCE == MPI_PROC_NULL && count == 0);
}

static void collectives(void) {
  MPI_Barrier(MPI_COMM_WORLD);
  int root = size - 1;

  int words[4] = {0};
  if (rank == root) for (int i = 0; i < 4; i++) words[i] = 40 + i;
  MPI_Bcast(words, 4, MPI_INT, root, MPI_COMM_WORLD);
  CHECK(words[0] == 40 && words[3] == 43);

  int *all = malloc(sizeof(int) * 2 * size);
  for (int i = 0; i < 2 * size; i++) all[i] = i * 10;
  int mine[2] = {-1, -1};
  MPI_Scatter(all, 2, MPI_INT, mine, 2, MPI_INT, root, MPI_COMM_WORLD);
  CHECK(mine[0] == rank * 20 && mine[1] == rank * 20 + 10);
  mine[0] = -rank;
  memset(all, 0, sizeof(int) * 2 * size);
  MPI_Gather(mine, 2, MPI_INT, rank == root ? all : NULL, 2, MPI_INT, root, MPI_COMM_WORLD);
  if (rank == root) CHECK(all[2 * (size - 1)] == -(size - 1) && all[1] == 10);

  // Allgather in place: each rank's block is already where it belongs.
  for (int i = 0; i < 2 * size; i++) all[i] = i / 2 == rank ? rank * rank : -1;
  MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, all, 2, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size; r++) CHECK(all[2 * r] == r * r && all[2 * r + 1] == r * r);

  int *to = malloc(sizeof(int) * size), *from = malloc(sizeof(int) * size);
  for (int r = 0; r < size; r++) to[r] = rank * 100 + r;
  MPI_Alltoall(to, 1, MPI_INT, from, 1, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size; r++) CHECK(from[r] == r * 100 + rank);

  // Reductions: in place at the root and everywhere, over several datatypes and ops.
  double x = rank + 0.5;
  MPI_Reduce(rank == root ? MPI_IN_PLACE : &x, &x, 1, MPI_DOUBLE, MPI_SUM, root, MPI_COMM_WORLD);
  if (rank == root) CHECK(x == size * size / 2.0);
  long most = rank * 3;
  MPI_Allreduce(MPI_IN_PLACE, &most, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
  CHECK(most == (size - 1) * 3);
  unsigned char bits = (unsigned char)(1u << (rank % 8)), any = 0;
  MPI_Allreduce(&bits, &any, 1, MPI_UNSIGNED_CHAR, MPI_BOR, MPI_COMM_WORLD);
  CHECK(any == (unsigned char)((1u << (size < 8 ? size : 8)) - 1));
  long long one = 1, prefix = 0, before = -1;
  MPI_Scan(&one, &prefix, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  CHECK(prefix == rank + 1);
  MPI_Exscan(&one, &before, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank > 0) CHECK(before == rank);
  // MAXLOC and MINLOC on C's pair structs: where the largest and smallest values are, ties
  // going to the smaller index.
  struct {
    double value;
    int index;
  } peak = {(double)(rank % 3), rank}, top, low;
  MPI_Allreduce(&peak, &top, 1, MPI_DOUBLE_INT, MPI_MAXLOC, MPI_COMM_WORLD);
  CHECK(top.value == (size > 2 ? 2.0 : size - 1.0) && top.index == (size > 2 ? 2 : size - 1));
  MPI_Allreduce(&peak, &low, 1, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD);
  CHECK(low.value == 0.0 && low.index == 0);
  struct {
    int value;
    int index;
  } pairs[2] = {{-rank, rank}, {7, size - 1 - rank}}, best[2];
  MPI_Reduce(pairs, best, 2, MPI_2INT, MPI_MINLOC, root, MPI_COMM_WORLD);
  if (rank == root) CHECK(best[0].value == 1 - size && best[0].index == size - 1 && best[1].index == 0);
  struct {
    float value;
    int index;
  } f = {1.0f - (float)rank, rank}, fbest;
  MPI_Allreduce(&f, &fbest, 1, MPI_FLOAT_INT, MPI_MAXLOC, MPI_COMM_WORLD);
  CHECK(fbest.value == 1.0f && fbest.index == 0);
  struct {
    short value;
    int index;
  } s = {(short)(rank / 2), rank}, sbest;
  MPI_Allreduce(&s, &sbest, 1, MPI_SHORT_INT, MPI_MAXLOC, MPI_COMM_WORLD);
  CHECK(sbest.value == (size - 1) / 2 && sbest.index == ((size - 1) / 2) * 2);

  float blocks[2];
  float *spread = malloc(sizeof(float) * 2 * size);
  for (int i = 0; i < 2 * size; i++) spread[i] = (float)i;
  MPI_Reduce_scatter_block(spread, blocks, 2, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  CHECK(blocks[0] == (float)(2 * rank * size) && blocks[1] == (float)((2 * rank + 1) * size));

  // Scatterv and Gatherv: rank r gets r + 1 elements.
  int *counts = malloc(sizeof(int) * size), *displs = malloc(sizeof(int) * size);
  int total = 0;
  for (int r = 0; r < size; r++) {
    counts[r] = r + 1;
    displs[r] = total;
    total += r + 1;
  }
  short *seq = malloc(sizeof(short) * total);
  for (int i = 0; i < total; i++) seq[i] = (short)i;
  short part[64];
  MPI_Scatterv(seq, counts, displs, MPI_SHORT, part, rank + 1, MPI_SHORT, 0, MPI_COMM_WORLD);
  CHECK(part[0] == displs[rank] && part[rank] == displs[rank] + rank);
  for (int i = 0; i <= rank; i++) part[i] = (short)-part[i];
  memset(seq, 0, sizeof(short) * total);
  MPI_Gatherv(part, rank + 1, MPI_SHORT, seq, counts, displs, MPI_SHORT, 0, MPI_COMM_WORLD);
  if (rank == 0) CHECK(seq[total - 1] == -(total - 1));
  free(seq);
  free(counts);
  free(displs);
  free(spread);
  free(to);
  free(from);
  free(all);
}

static void communicators(void) {
  // Split by parity, ranked in reverse: the new rank counts down from the highest.
  MPI_Comm half;
  MPI_Comm_split(MPI_COMM_WORLD, rank % 2, -rank, &half);
  int hrank, hsize;
  MPI_Comm_rank(half, &hrank);
  MPI_Comm_size(half, &hsize);
  CHECK(hsize == (size + 1 - rank % 2) / 2);
  CHECK(hrank == hsize - 1 - rank / 2);
  int sum = 0;
  MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, half);
  int want = 0;
  for (int r = rank % 2; r < size; r += 2) want += r;
  CHECK(sum == want);

  MPI_Comm copy;
  MPI_Comm_dup(MPI_COMM_WORLD, &copy);
  int crank;
  MPI_Comm_rank(copy, &crank);
  CHECK(crank == rank && copy != MPI_COMM_WORLD);
  // A message on the copy is not received on the original: tags alike, contexts apart.
  int a = 1, b = 2, got = 0;
  MPI_Request req;
  MPI_Irecv(&got, 1, MPI_INT, rank, 0, MPI_COMM_WORLD, &req);
  MPI_Send(&b, 1, MPI_INT, rank, 0, copy);
  MPI_Send(&a, 1, MPI_INT, rank, 0, MPI_COMM_WORLD);
  MPI_Wait(&req, MPI_STATUS_IGNORE);
  MPI_Recv(&b, 1, MPI_INT, rank, 0, copy, MPI_STATUS_IGNORE);
  CHECK(got == 1 && b == 2);

  MPI_Comm none;
  MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? MPI_UNDEFINED : 0, 0, &none);
  CHECK((rank == 0) == (none == MPI_COMM_NULL));
  if (none != MPI_COMM_NULL) MPI_Comm_free(&none);
  MPI_Comm_free(&copy);
  MPI_Comm_free(&half);
  CHECK(copy == MPI_COMM_NULL && half == MPI_COMM_NULL);

  int srank, ssize;
  MPI_Comm_rank(MPI_COMM_SELF, &srank);
  MPI_Comm_size(MPI_COMM_SELF, &ssize);
  CHECK(srank == 0 && ssize == 1);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  environment();
  point_to_point();
  collectives();
  communicators();
  printf("rank %d: %d checks passed\n", rank, checks);
  MPI_Finalize();
  int flag = 0;
  MPI_Finalized(&flag);
  if (!flag) return 4;
  return 0;
}
