// mpi_collectives: rank 0 broadcasts a string to every rank, then gathers one string from each.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();

// --- Broadcast example ---
let data: string | null;
if (rank == 0) {
  data = "Hello from the root process";
} else {
  data = null;
}

// Broadcast data from process 0 to all others
data = comm.bcast(data, 0);
console.log(`Process ${rank} received: ${data}`);

// --- Gather example ---
// Each process creates its own message
const local_msg = `Message from process ${rank}`;

// Gather all messages at the root process (rank 0)
const all_msgs = comm.gather(local_msg, 0);

if (rank == 0) {
  console.log("\nGathered messages at root:");
  const msgs = all_msgs as string[]; // not null at the root
  for (let i = 0; i < msgs.length; i++) {
    const msg = msgs[i];
    console.log(msg);
  }
}
