// Kernels that fail on purpose, one way per run: `wasmpi run -n N failures.ts -- <how>`.
// The test checks the job's exit code and the `wasmpi: rank R: ...` line it prints.
import { MPI } from "wasmpi/assembly";
import * as abi from "../../assembly/bindings";
import { check } from "../../assembly/errors";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const how = process.argv.length > 1 ? process.argv[1] : "";
const last = size - 1;

/** Keeps the other ranks busy in a blocking call that only the failure can end. */
function waitForever(): void {
  const buf = new Int32Array(1);
  comm.Recv(buf, MPI.ANY_SOURCE, 12345);
}

function spinForever(): void {
  let x: u64 = 1;
  while (x != 0) x = x * 6364136223846793005 + 1442695040888963407;
}

if (how == "trap") {
  if (rank == last) unreachable();
  waitForever();
} else if (how == "oob") {
  if (rank == last) store<u64>(0xfffffff0, 1);
  waitForever();
} else if (how == "abort") {
  if (rank == last) abort("boom");
  waitForever();
} else if (how == "Abort") {
  if (rank == last) comm.Abort(3);
  waitForever();
} else if (how == "exit") {
  if (rank == last) process.exit(7);
  waitForever();
} else if (how == "trap-while-others-compute") {
  if (rank == 0) unreachable();
  spinForever();
} else if (how == "peer-returned") {
  // Rank 0 returns at once; every other rank waits for a message it never sent.
  if (rank != 0) {
    const buf = new Int32Array(1);
    comm.Recv(buf, 0, 4);
  }
} else if (how == "peer-returned-rendezvous") {
  // The last rank sends a large message to rank 0, which returns without receiving it.
  if (rank == last && rank != 0) comm.Send(new Float64Array(1 << 16), 0, 2);
} else if (how == "bad-dest") {
  comm.Send(new Int32Array(1), size, 0);
} else if (how == "bad-source") {
  comm.Recv(new Int32Array(1), -7, 0);
} else if (how == "bad-tag") {
  comm.Send(new Int32Array(1), 0, -5);
} else if (how == "negative-count") {
  check("Send", abi.send(0, -1, MPI.INT32_T.code, 0, 0, comm.handle));
} else if (how == "bad-datatype") {
  check("Send", abi.send(0, 1, 99, 0, 0, comm.handle));
} else if (how == "bad-pointer") {
  check("Send", abi.send(0xfffffff0, 100, MPI.BYTE.code, 0, 0, comm.handle));
} else if (how == "wrapping-pointer") {
  check("Recv", abi.recv(0xffffff00, 0x7fffffff, MPI.BYTE.code, 0, 0, comm.handle, 0));
} else if (how == "bad-comm") {
  check("Send", abi.send(0, 0, MPI.BYTE.code, 0, 0, 77));
} else if (how == "comm-null") {
  MPI.COMM_NULL.Send(new Int32Array(1), 0, 0);
} else if (how == "comm-null-object") {
  MPI.COMM_NULL.gather<string>("x");
} else if (how == "truncate") {
  if (rank == 0) comm.Send(new Float64Array(100), last, 1);
  if (rank == last) comm.Recv(new Float64Array(10), 0, 1);
} else if (how == "truncate-rendezvous") {
  if (rank == 0) comm.Send(new Float64Array(100000), last, 1);
  if (rank == last) comm.Recv(new Float64Array(10), 0, 1);
} else if (how == "type-mismatch") {
  if (rank == 0) comm.send<f64[]>([1.0, 2.0], last, 1);
  if (rank == last) comm.recv<string>(0, 1);
} else if (how == "deadlock") {
  // Both ranks receive first: nothing can ever arrive.
  const buf = new Int32Array(1);
  comm.Recv(buf, (rank + 1) % size, 0);
  comm.Send(buf, (rank + 1) % size, 0);
} else if (how == "hang") {
  // Rank 0 computes forever; the others wait for it: no deadlock, only a deadline ends it.
  if (rank == 0) spinForever();
  comm.Recv(new Int32Array(1), 0, 0);
} else {
  abort(`unknown failure '${how}'`);
}
