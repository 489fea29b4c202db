// mpi_collectives: rank 0 broadcasts a string to every rank, then gathers one string from each.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Strings travel in fixed-size blocks, as C programs usually send them.
#define MSG_LEN 64

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);

  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  // --- Broadcast example ---
  char data[MSG_LEN] = "";
  if (rank == 0) strcpy(data, "Hello from the root process");

  // Broadcast data from process 0 to all others
  MPI_Bcast(data, MSG_LEN, MPI_CHAR, 0, MPI_COMM_WORLD);
  printf("Process %d received: %s\n", rank, data);

  // --- Gather example ---
  // Each process creates its own message
  char local_msg[MSG_LEN];
  snprintf(local_msg, MSG_LEN, "Message from process %d", rank);

  // Gather all messages at the root process (rank 0)
  char *all_msgs = rank == 0 ? malloc((size_t)size * MSG_LEN) : NULL;
  MPI_Gather(local_msg, MSG_LEN, MPI_CHAR, all_msgs, MSG_LEN, MPI_CHAR, 0, MPI_COMM_WORLD);

  if (rank == 0) {
    printf("\nGathered messages at root:\n");
    for (int i = 0; i < size; i++) printf("%s\n", all_msgs + (size_t)i * MSG_LEN);
    free(all_msgs);
  }

  MPI_Finalize();
  return 0;
}
