// mpi_send_recv: rank 0 sends a string to rank 1.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();

if (rank == 0) {
  // Process 0 sends a message
  const data = "Hello from process 0";
  comm.send(data, 1); // send to process 1
  console.log(`Process ${rank} sent data: ${data}`);
} else if (rank == 1) {
  // Process 1 receives a message
  const data = comm.recv<string>(0); // receive from process 0
  console.log(`Process ${rank} received data: ${data}`);
} else {
  // Other ranks do nothing
  console.log(`Process ${rank} is idle`);
}
