// A ring exchange whose messages travel while the ranks compute.
//
// Every rank starts with a block of N doubles, block[i] = rank + i / N. In each of size - 1
// steps it passes the block it holds to its right neighbour and takes one from its left
// (Isend and Irecv), and while the two messages are on their way it adds the block it holds
// to a running total. After the last step every rank has added every rank's block once, so
// each rank's total sums to
//
//   sum over i of (0 + 1 + ... + (size - 1) + size * i / N) = N * size * (size - 1) / 2 + size * (N - 1) / 2
//
// which every rank prints next to what it got.
//
//   npx wasmpi run -n 4 examples/ring_overlap.ts
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const right = (rank + 1) % size;
const left = (rank + size - 1) % size;

const N = 1 << 18; // 2 MiB of doubles: large messages, copied straight into the receiver
let held = new Float64Array(N);
let incoming = new Float64Array(N);
const total = new Float64Array(N);
for (let i = 0; i < N; i++) held[i] = <f64>rank + <f64>i / <f64>N;

const requests = new Array<MPI.Request>(2);
for (let step = 1; step < size; step++) {
  requests[0] = comm.Irecv(incoming, left, step);
  requests[1] = comm.Isend(held, right, step);
  // The computation the messages overlap: it reads `held`, which the send only reads too.
  for (let i = 0; i < N; i++) total[i] += held[i];
  MPI.Request.Waitall(requests);
  const t = held;
  held = incoming;
  incoming = t;
}
for (let i = 0; i < N; i++) total[i] += held[i];

let sum = 0.0;
for (let i = 0; i < N; i++) sum += total[i];
const n = <f64>N;
const p = <f64>size;
const expected = (n * p * (p - 1)) / 2 + (p * (n - 1)) / 2;
console.log(`rank ${rank}: sum of totals = ${sum}, expected ${expected}`);
