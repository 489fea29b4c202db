// mpi_numpy_collectives: rank 0 scatters a big array with one call, every rank sums its chunk,
// and one reduce adds the partial sums at rank 0.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

// Total number of elements in the big array (must be divisible by size)
#define N 10000000

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);

  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  // Only rank 0 creates the full array
  double *big_array = NULL;
  if (rank == 0) {
    big_array = malloc(sizeof(double) * N);
    for (int i = 0; i < N; i++) big_array[i] = 1.0;  // for simplicity, all ones
  }

  // Each process will receive a chunk of this size
  int local_N = N / size;

  // Allocate local buffer on each process
  double *local_array = malloc(sizeof(double) * local_N);

  // Scatter the big array from root to all processes
  MPI_Scatter(big_array, local_N, MPI_DOUBLE,    // send buffer (only meaningful on root)
              local_array, local_N, MPI_DOUBLE,  // receive buffer on every rank
              0, MPI_COMM_WORLD);

  // Each process computes a local sum
  double local_sum = 0.0;
  for (int i = 0; i < local_N; i++) local_sum += local_array[i];

  // Reduce all local sums to a global sum on root
  double global_sum = 0.0;
  MPI_Reduce(&local_sum, &global_sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);

  if (rank == 0) {
    printf("Global sum = %.1f\n", global_sum);
    printf("Expected   = %.1f\n", (double)N);
  }

  free(local_array);
  free(big_array);
  MPI_Finalize();
  return 0;
}
