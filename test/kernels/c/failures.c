// One way to fail per argument, each after a line of output that must not be lost:
//   truncate   rank 1 receives 100 ints into a buffer of 10 (the host finds the error)
//   get_count  MPI_Get_count with a datatype that does not exist (mpi.h finds it)
//   abort      rank 0 calls MPI_Abort(MPI_COMM_WORLD, 7) while the others wait in a barrier
#include <mpi.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const char *mode = argc > 1 ? argv[1] : "";
  printf("rank %d before %s\n", rank, mode);

  if (strcmp(mode, "truncate") == 0) {
    int data[100] = {0};
    if (rank == 0) MPI_Send(data, 100, MPI_INT, 1, 5, MPI_COMM_WORLD);
    if (rank == 1) MPI_Recv(data, 10, MPI_INT, 0, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else if (strcmp(mode, "get_count") == 0) {
    MPI_Status status = {0};
    int count;
    if (rank == 0) MPI_Get_count(&status, 99, &count);
  } else if (strcmp(mode, "abort") == 0) {
    if (rank == 0) MPI_Abort(MPI_COMM_WORLD, 7);
    MPI_Barrier(MPI_COMM_WORLD);
  }

  printf("rank %d after %s\n", rank, mode);
  MPI_Finalize();
  return 0;
}
