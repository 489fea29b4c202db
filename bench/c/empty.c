/*
 * Start-up of an empty job, Open MPI side: what bench/kernels/empty.ts does for wasmpi
 * (initialise, ask the rank, end), timed from outside as a whole job by bench/jobs.ts.
 * Build: mpicc -O2 -o empty empty.c   Run: mpirun -n 2 ./empty
 */
#include <mpi.h>

int main(int argc, char **argv) {
  int rank;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Finalize();
  return rank < 0;
}
