// pi by integration: pi = integral of 4 / (1 + x^2) over [0, 1] by the midpoint rule, the
// intervals dealt out to the ranks round-robin; rank 0 reads n, broadcasts it, and reduces.
// Usage: pi [intervals] (default 1000000).
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define PI25DT 3.141592653589793238462643

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);

  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  int n = 0;
  if (rank == 0) n = argc > 1 ? atoi(argv[1]) : 1000000;
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (n <= 0) {
    if (rank == 0) fprintf(stderr, "pi: the number of intervals must be positive\n");
    MPI_Finalize();
    return 2;
  }

  double start = MPI_Wtime();
  double h = 1.0 / (double)n;
  double sum = 0.0;
  for (int i = rank + 1; i <= n; i += size) {
    double x = h * ((double)i - 0.5);
    sum += 4.0 / (1.0 + x * x);
  }
  double mypi = h * sum;

  double pi = 0.0;
  MPI_Reduce(&mypi, &pi, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);

  if (rank == 0) {
    printf("pi is approximately %.16f, error is %.16f\n", pi, fabs(pi - PI25DT));
    printf("%d intervals on %d ranks, wall clock time = %f s\n", n, size, MPI_Wtime() - start);
  }

  MPI_Finalize();
  return 0;
}
