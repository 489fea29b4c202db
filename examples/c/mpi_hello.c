// mpi_hello: every rank says who it is.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
  // Initialize MPI
  MPI_Init(&argc, &argv);

  // Get the number of processes
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  // Get the rank (ID) of this process
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  // Print a message from each process
  printf("Hello from process %d out of %d\n", rank, size);

  MPI_Finalize();
  return 0;
}
