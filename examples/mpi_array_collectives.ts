// mpi_numpy_collectives: rank 0 scatters a big array with one call, every rank sums its chunk,
// and one reduce adds the partial sums at rank 0.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();

// Total number of elements in the big array (must be divisible by size)
const N = 10_000_000;

// Only rank 0 creates the full array
let big_array: Float64Array | null;
if (rank == 0) {
  big_array = new Float64Array(N).fill(1.0); // for simplicity, all ones
} else {
  big_array = null;
}

// Each process will receive a chunk of this size
const local_N = N / size;

// Allocate local buffer on each process
const local_array = new Float64Array(local_N);

// Scatter the big array from root to all processes
comm.Scatter(
  big_array, // send buffer (only meaningful on root)
  local_array, // receive buffer on every rank
  0,
);

// Each process computes a local sum
let local_sum = 0.0;
for (let i = 0; i < local_array.length; i++) local_sum += local_array[i];

// Reduce all local sums to a global sum on root
const global_sum = comm.reduce<f64>(local_sum, MPI.SUM, 0);

if (rank == 0) {
  console.log(`Global sum = ${global_sum}`);
  console.log(`Expected   = ${<f64>N}`);
}
