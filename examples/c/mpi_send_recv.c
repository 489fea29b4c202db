// mpi_send_recv: rank 0 sends a string to rank 1.
#include <mpi.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);

  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  if (rank == 0) {
    // Process 0 sends a message, with its terminating NUL
    const char *data = "Hello from process 0";
    MPI_Send(data, (int)strlen(data) + 1, MPI_CHAR, 1, 0, MPI_COMM_WORLD);  // send to process 1
    printf("Process %d sent data: %s\n", rank, data);
  } else if (rank == 1) {
    // Process 1 receives a message
    char data[64];
    MPI_Recv(data, sizeof data, MPI_CHAR, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);  // from 0
    printf("Process %d received data: %s\n", rank, data);
  } else {
    // Other ranks do nothing
    printf("Process %d is idle\n", rank);
  }

  MPI_Finalize();
  return 0;
}
