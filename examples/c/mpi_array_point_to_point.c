// mpi_numpy_point_to_point: rank 0 hands out chunks of a big array with MPI_Send/MPI_Recv,
// every rank sums its chunk, and the partial sums come back to rank 0.
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
  int local_N = N / size;

  double *big_array = NULL;
  double *local_array;

  if (rank == 0) {
    // Root creates the full big array
    big_array = malloc(sizeof(double) * N);
    for (int i = 0; i < N; i++) big_array[i] = 1.0;  // all ones for simplicity

    // --- Send chunks to other ranks ---
    for (int dest = 1; dest < size; dest++) {
      double *chunk = big_array + (size_t)dest * local_N;
      MPI_Send(chunk, local_N, MPI_DOUBLE, dest, 0, MPI_COMM_WORLD);
    }

    // Root keeps its own chunk (rank 0)
    local_array = big_array;
  } else {
    // Other ranks allocate a buffer and receive their chunk
    local_array = malloc(sizeof(double) * local_N);
    MPI_Recv(local_array, local_N, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }

  // Each process computes its local sum
  double local_sum = 0.0;
  for (int i = 0; i < local_N; i++) local_sum += local_array[i];

  if (rank == 0) {
    // Root starts with its own local sum
    double global_sum = local_sum;

    // --- Receive partial sums from all other ranks ---
    for (int source = 1; source < size; source++) {
      double recv_sum;
      MPI_Recv(&recv_sum, 1, MPI_DOUBLE, source, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      global_sum += recv_sum;
    }

    printf("Global sum (point-to-point) = %.1f\n", global_sum);
    printf("Expected                    = %.1f\n", (double)N);
  } else {
    // Other ranks send their local sum back to root
    MPI_Send(&local_sum, 1, MPI_DOUBLE, 0, 1, MPI_COMM_WORLD);
  }

  free(rank == 0 ? big_array : local_array);
  MPI_Finalize();
  return 0;
}
