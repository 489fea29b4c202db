// mpi_hello: every rank says who it is.
import { MPI } from "wasmpi/assembly";

// Initialize communicator
const comm = MPI.COMM_WORLD;

// Get the number of processes
const size = comm.Get_size();

// Get the rank (ID) of this process
const rank = comm.Get_rank();

// Print a message from each process
console.log(`Hello from process ${rank} out of ${size}`);
