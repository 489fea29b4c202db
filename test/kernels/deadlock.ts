// Deadlocks, and jobs that only look like one for a while, one scenario per run:
// `wasmpi run -n N deadlock.ts -- <scenario>`. The deadlocks never end by themselves: the test
// checks that the job is stopped with one line per rank naming the call it is blocked in. The
// others (`slow-*`, `big-rendezvous`, `busy`) must end normally: every rank prints `ok`.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const scenario = process.argv.length > 1 ? process.argv[1] : "";
const right = (rank + 1) % size;
const left = (rank + size - 1) % size;
const last = size - 1;

function expect(ok: bool, what: string): void {
  if (!ok) abort(`rank ${rank}: ${scenario}: ${what}`);
}

/** Computes, outside any wasmpi call, for `seconds`. */
function compute(seconds: f64): void {
  const until = Date.now() + <i64>(seconds * 1000);
  let x: u64 = 1;
  while (Date.now() < until) {
    for (let i = 0; i < 100000; i++) x = x * 6364136223846793005 + 1442695040888963407;
  }
  expect(x != 0, "the generator reached 0");
}

/** Larger than the eager limit: sent by rendezvous, so a Send waits for its receiver. */
const LARGE = 1 << 17;

if (scenario == "recv-cycle") {
  const buf = new Int32Array(1);
  comm.Recv(buf, right, 0);
  comm.Send(buf, left, 0);
} else if (scenario == "send-cycle") {
  const buf = new Float64Array(LARGE);
  comm.Send(buf, right, 1);
  comm.Recv(buf, left, 1);
} else if (scenario == "sendrecv") {
  // The receives ask for a tag nobody sends.
  const out = new Int32Array(4);
  const into = new Int32Array(4);
  comm.Sendrecv(out, right, 1, into, left, 2);
} else if (scenario == "collective-missing") {
  if (rank == last) comm.Recv(new Int32Array(1), 0, 7);
  else comm.Barrier();
} else if (scenario == "collective-split") {
  const sub = comm.Split(0, rank);
  const x = new Float64Array(4);
  if (rank == last) sub.Recv(x, 0, 3);
  else sub.Allreduce(x, new Float64Array(4));
} else if (scenario == "wait-irecv") {
  const buf = new Int32Array(1);
  comm.Irecv(buf, MPI.ANY_SOURCE, 9).Wait();
} else if (scenario == "waitany") {
  const a = new Int32Array(1);
  const b = new Int32Array(1);
  MPI.Request.Waitany([comm.Irecv(a, right, 1), comm.Irecv(b, right, 2)]);
} else if (scenario == "probe") {
  comm.Probe(right, 5);
} else if (scenario == "ring-full") {
  // Rank 0 fills its ring to rank 1, which never receives: the Send waits for space.
  if (rank == 0) {
    const msg = new Uint8Array(1024);
    for (let i = 0; i < 1 << 20; i++) comm.Send(msg, 1, 1);
  } else {
    comm.Barrier();
  }
} else if (scenario == "some-ended") {
  // Ranks 2 and up return at once; ranks 0 and 1 wait for each other.
  if (rank < 2) comm.Recv(new Int32Array(1), 1 - rank, 0);
} else if (scenario == "slow-sender") {
  // Rank 0 computes for 2 s before it sends: the others wait that long in Recv.
  const buf = new Int32Array(1);
  if (rank == 0) {
    compute(2);
    for (let r = 1; r < size; r++) {
      buf[0] = r;
      comm.Send(buf, r, 4);
    }
  } else {
    comm.Recv(buf, 0, 4);
    expect(buf[0] == rank, `got ${buf[0]}`);
  }
  console.log("ok");
} else if (scenario == "slow-collective") {
  if (rank == last) compute(2);
  const x = new Float64Array(1);
  x[0] = 1;
  const sum = new Float64Array(1);
  comm.Allreduce(x, sum);
  expect(sum[0] == <f64>size, `sum ${sum[0]}`);
  console.log("ok");
} else if (scenario == "big-rendezvous") {
  // 256 MiB messages: each copy is long, and the sender waits all along.
  const n = 32 << 20;
  const buf = new Float64Array(n);
  for (let k = 0; k < 3; k++) {
    if (rank == 0) {
      buf[0] = <f64>k;
      buf[n - 1] = <f64>(k + 1);
      comm.Send(buf, 1, k);
    } else if (rank == 1) {
      comm.Recv(buf, 0, k);
      expect(buf[0] == <f64>k && buf[n - 1] == <f64>(k + 1), `message ${k}`);
    }
  }
  console.log("ok");
} else if (scenario == "busy") {
  // Exchanges, collectives and pauses: ranks wait on each other all the time, never forever.
  const small = new Int32Array(16);
  const smallIn = new Int32Array(16);
  const large = new Float64Array(LARGE);
  const largeIn = new Float64Array(LARGE);
  const one = new Float64Array(1);
  const sum = new Float64Array(1);
  for (let round = 0; round < 40; round++) {
    if (rank == round % size && round % 8 == 0) compute(0.2);
    small[0] = round;
    comm.Sendrecv(small, right, round, smallIn, left, round);
    expect(smallIn[0] == round, `round ${round}: small message ${smallIn[0]}`);
    const req = comm.Irecv(largeIn, left, round);
    large[0] = <f64>round;
    comm.Send(large, right, round);
    req.Wait();
    expect(largeIn[0] == <f64>round, `round ${round}: large message ${largeIn[0]}`);
    one[0] = <f64>round;
    comm.Allreduce(one, sum);
    expect(sum[0] == <f64>(round * size), `round ${round}: sum ${sum[0]}`);
    if (round % 5 == 0) comm.Barrier();
  }
  console.log("ok");
} else {
  abort(`unknown scenario '${scenario}'`);
}
