// mpi_numpy_point_to_point: rank 0 hands out chunks of a big array with Send/Recv, every rank
// sums its chunk, and the partial sums come back to rank 0 as objects.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();

// Total number of elements in the big array (must be divisible by size)
const N = 10_000_000;
const local_N = N / size;

let local_array!: Float64Array;

if (rank == 0) {
  // Root creates the full big array
  const big_array = new Float64Array(N).fill(1.0); // all ones for simplicity

  // --- Send chunks to other ranks ---
  for (let dest = 1; dest < size; dest++) {
    const start = dest * local_N;
    const end = (dest + 1) * local_N;
    const chunk = big_array.subarray(start, end);
    comm.Send(chunk, dest, 0);
  }

  // Root keeps its own chunk (rank 0)
  local_array = big_array.subarray(0, local_N);
} else {
  // Other ranks allocate a buffer and receive their chunk
  local_array = new Float64Array(local_N);
  comm.Recv(local_array, 0, 0);
}

// Each process computes its local sum
let local_sum = 0.0;
for (let i = 0; i < local_array.length; i++) local_sum += local_array[i];

if (rank == 0) {
  // Root starts with its own local sum
  let global_sum = local_sum;

  // --- Receive partial sums from all other ranks ---
  for (let source = 1; source < size; source++) {
    const recv_sum = comm.recv<f64>(source, 1);
    global_sum += recv_sum;
  }

  console.log(`Global sum (point-to-point) = ${global_sum}`);
  console.log(`Expected                    = ${<f64>N}`);
} else {
  // Other ranks send their local sum back to root
  comm.send(local_sum, 0, 1);
}
