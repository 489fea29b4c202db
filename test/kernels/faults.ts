// One rank (the victim) fails while the others are inside calls that wait for it:
// `wasmpi run -n N faults.ts -- <fault> <scene> <victim>`.
//
// Faults: trap, oob (out-of-bounds access), abort, Abort (code 5), stack (overflow), oom (the
// allocator's memory.grow refused at the cap), exit (code 3), die (the victim prints `dying`
// and blocks; the test terminates its worker).
// Scenes, where the victim fails:
//   p2p         the others wait in Recv and Wait for a message from it;
//   collective  after a large Allreduce, the others wait for it inside the next one (a victim
//               that dies is inside it too, waiting for a late peer);
//   rendezvous  it has just started a large Isend, which its receiver is copying;
//   copying     it has posted a large Irecv, which its sender is copying into.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const fault = process.argv.length > 1 ? process.argv[1] : "";
const scene = process.argv.length > 2 ? process.argv[2] : "";
const victim = process.argv.length > 3 ? I32.parseInt(process.argv[3]) : size - 1;
const partner = (victim + 1) % size;

/** Elements of the large messages: 16 MiB, sent by rendezvous. */
const LARGE = 2 << 20;

function recurse(depth: i32): i32 {
  return depth == 0 ? 0 : recurse(depth + 1) + 1;
}

function waitForever(): void {
  comm.Recv(new Int32Array(1), MPI.ANY_SOURCE, 99);
}

/**
 * Fails the way `fault` says. For `die` it says so and returns: the caller then blocks in a
 * call, and in a Recv after that, until the test ends the worker.
 */
function fail(): void {
  if (fault == "trap") unreachable();
  if (fault == "oob") store<u64>(0xfffffff0, 1);
  if (fault == "abort") abort("boom");
  if (fault == "Abort") comm.Abort(5);
  if (fault == "stack") recurse(1);
  if (fault == "exit") process.exit(3);
  if (fault == "oom") {
    const kept: Float64Array[] = [];
    for (let i = 0; i < 1 << 16; i++) kept.push(new Float64Array(1 << 20));
  }
  if (fault != "die") abort(`the fault '${fault}' did not end rank ${rank}`);
  console.log("dying");
}

function dieBlocked(): void {
  waitForever();
  abort(`rank ${rank} was not ended`);
}

if (scene == "p2p") {
  if (rank == victim) {
    fail();
    dieBlocked();
  } else if (rank % 2 == 0) {
    comm.Recv(new Int32Array(1), victim, 1);
  } else {
    comm.Irecv(new Int32Array(1), MPI.ANY_SOURCE, 1).Wait();
  }
} else if (scene == "collective") {
  const x = new Float64Array(1 << 17);
  const sum = new Float64Array(1 << 17);
  comm.Allreduce(x, sum);
  if (rank == victim) {
    fail();
    comm.Allreduce(x, sum);
    dieBlocked();
  } else {
    // A victim that dies waits inside the collective for this late peer.
    if (fault == "die" && rank == partner) {
      const until = Date.now() + 1000;
      while (Date.now() < until) {}
    }
    comm.Allreduce(x, sum);
  }
} else if (scene == "rendezvous") {
  const buf = new Float64Array(LARGE);
  if (rank == victim) {
    const req = comm.Isend(buf, partner, 2);
    fail();
    req.Wait();
    dieBlocked();
  } else if (rank == partner) {
    comm.Recv(buf, victim, 2);
    comm.Barrier();
  } else {
    comm.Barrier();
  }
} else if (scene == "copying") {
  const buf = new Float64Array(LARGE);
  if (rank == victim) {
    const req = comm.Irecv(buf, partner, 3);
    fail();
    req.Wait();
    dieBlocked();
  } else if (rank == partner) {
    comm.Send(buf, victim, 3);
    comm.Barrier();
  } else {
    comm.Barrier();
  }
} else {
  abort(`unknown scene '${scene}'`);
}
