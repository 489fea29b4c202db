// Load: `wasmpi run -n 4 stress.ts -- <seed> <messages> <seconds> <eager limit> <progress seconds>`.
//
// Rounds of messages of random sizes (stress/plan.ts) between random pairs of ranks (to itself
// one time in 16), until <messages> messages were sent (or, with 0, for <seconds>). Every round,
// each rank receives as its plan says: Irecv(ANY_SOURCE) posted before it sends, blocking
// Recv(ANY_SOURCE) after (a quarter of them after a Probe), or both; completes receives with
// Wait, Waitany or Test and sends with Waitall, Testall or Waitany; and sends with blocking
// Send or Isend (a large blocking Send only to a rank that posted all its receives in advance,
// so that no round can deadlock). The round number is the tag.
//
// Every message carries its sequence number in its pair and a checksum (stress/payload.ts).
// Receives are checked in the order they were posted, which is the order messages from one
// sender match them: per sender, consecutive sequence numbers (nothing lost, duplicated or
// reordered), the size its sender's plan says, intact contents. A failed check ends the job.
//
// Prints `stress progress messages M bytes B seconds T memory W` (rank 0, every <progress
// seconds>; W: the largest memory of any rank, in bytes),
// `stress rank R sent S received X`, and `stress ok messages M bytes B seconds T` (rank 0).
import { MPI } from "wasmpi/assembly";
import { checksum, expectedShort, intact, seqOf, shortContent, write } from "./stress/payload";
import { MAX_SENDS, MAX_SIZE, Plan, RECV_POOL, SEND_POOL } from "./stress/plan";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const argv = process.argv;
if (argv.length < 6)
  abort("usage: stress.ts -- <seed> <messages> <seconds> <eager limit> <progress seconds>");
const seed = U64.parseInt(argv[1]);
const target = I64.parseInt(argv[2]);
const seconds = F64.parseFloat(argv[3]);
const eagerLimit = I32.parseInt(argv[4]);
const progressEvery = argv.length > 5 ? F64.parseFloat(argv[5]) : 0;

const sendPool = new Uint8Array(SEND_POOL);
const recvPool = new Uint8Array(RECV_POOL);
const single = new Uint8Array(MAX_SIZE + 8);
const plan = new Plan(size);
const nextSeq = new StaticArray<u32>(size);
const expectSeq = new StaticArray<u32>(size);
/** Where each sender's plan was read up to, while checking a round. */
const planAt = new StaticArray<i32>(size);

// Receives of a round in the order they were posted.
const MAX_IN = MAX_SENDS * 64;
const recSource = new StaticArray<i32>(MAX_IN);
const recBytes = new StaticArray<i32>(MAX_IN);
const recSeq = new StaticArray<i64>(MAX_IN);
const recShort = new StaticArray<u64>(MAX_IN);

let round = 0;
let sent: i64 = 0;
let received: i64 = 0;
let messages: i64 = 0;
let volume: i64 = 0;

function fail(what: string): void {
  abort(`stress rank ${rank}, seed ${seed}, round ${round}: ${what}`);
}

/** Checks a received message at once (its bytes are reused) and keeps what the order check needs. */
function arrived(slot: i32, at: usize, status: MPI.Status): void {
  const bytes = status.Get_count();
  if (status.Get_tag() != round)
    fail(`a message with tag ${status.Get_tag()} matched a receive for tag ${round}`);
  if (!intact(at, bytes)) {
    fail(
      `message ${seqOf(at, bytes)} from rank ${status.Get_source()} (${bytes} bytes) is corrupted: checksum ${load<u32>(at + 4)}, contents give ${checksum(at + 8, bytes - 8)}`,
    );
  }
  recSource[slot] = status.Get_source();
  recBytes[slot] = bytes;
  recSeq[slot] = seqOf(at, bytes);
  recShort[slot] = bytes < 8 ? shortContent(at, bytes) : 0;
  received++;
}

/** Checks the round's receives in post order against every sender's plan. */
function checkOrder(count: i32): void {
  for (let s = 0; s < size; s++) planAt[s] = 0;
  for (let i = 0; i < count; i++) {
    const s = recSource[i];
    const base = s * MAX_SENDS;
    let k = planAt[s];
    while (k < plan.sends[s] && plan.dst[base + k] != rank) k++;
    if (k == plan.sends[s])
      fail(`received more messages from rank ${s} than it sent (receive ${i})`);
    planAt[s] = k + 1;
    const seq = expectSeq[s];
    const bytes = plan.bytes[base + k];
    if (recBytes[i] != bytes)
      fail(
        `receive ${i}: message ${seq} from rank ${s} has ${recBytes[i]} bytes, it sent ${bytes}`,
      );
    if (recSeq[i] >= 0 && recSeq[i] != <i64>seq) {
      fail(
        `receive ${i}: message ${recSeq[i]} from rank ${s} arrived where message ${seq} was due (lost, duplicated or reordered)`,
      );
    }
    if (bytes < 8 && recShort[i] != expectedShort(bytes, s, rank, seq)) {
      fail(`receive ${i}: the ${bytes}-byte message ${seq} from rank ${s} holds other bytes`);
    }
    expectSeq[s] = seq + 1;
  }
  for (let s = 0; s < size; s++) {
    for (let k = planAt[s]; k < plan.sends[s]; k++) {
      if (plan.dst[s * MAX_SENDS + k] == rank) fail(`a message from rank ${s} was never received`);
    }
  }
}

function oneRound(): void {
  plan.make(seed, round, eagerLimit);
  const tag = round;
  const incoming = plan.incoming[rank];
  const posted = plan.posted[rank];
  const capacity = plan.capacity(rank);
  const status = new MPI.Status();

  const receives = new Array<MPI.Request>(posted);
  for (let i = 0; i < posted; i++) {
    receives[i] = comm.Irecv(
      recvPool.subarray(i * capacity, (i + 1) * capacity),
      MPI.ANY_SOURCE,
      tag,
    );
  }

  const sends: MPI.Request[] = [];
  let at = 0;
  const base = rank * MAX_SENDS;
  for (let k = 0; k < plan.sends[rank]; k++) {
    const d = plan.dst[base + k];
    const bytes = plan.bytes[base + k];
    const view = sendPool.subarray(at, at + bytes);
    write(view.dataStart, bytes, rank, d, nextSeq[d]++);
    at += (bytes + 7) & ~7;
    if (plan.blocking[base + k] && (bytes <= eagerLimit || plan.allPosted(d)))
      comm.Send(view, d, tag);
    else sends.push(comm.Isend(view, d, tag));
    sent++;
  }

  const into = single.subarray(0, capacity);
  for (let i = posted; i < incoming; i++) {
    if (i % 4 == 0) {
      comm.Probe(MPI.ANY_SOURCE, tag, status);
      comm.Recv(into, status.Get_source(), tag, status);
    } else {
      comm.Recv(into, MPI.ANY_SOURCE, tag, status);
    }
    arrived(i, into.dataStart, status);
  }

  completeReceives(receives, capacity, status);
  completeSends(sends);
  checkOrder(incoming);
  messages += plan.messages;
  volume += plan.volume;
}

function completeReceives(receives: Array<MPI.Request>, capacity: i32, status: MPI.Status): void {
  const n = receives.length;
  const pool = recvPool.dataStart;
  if (plan.recvStyle == 0) {
    for (let i = 0; i < n; i++) {
      receives[i].Wait(status);
      arrived(i, pool + <usize>(i * capacity), status);
    }
  } else if (plan.recvStyle == 1) {
    for (let done = 0; done < n; done++) {
      const i = MPI.Request.Waitany(receives, status);
      arrived(i, pool + <usize>(i * capacity), status);
    }
  } else {
    const done = new StaticArray<bool>(n);
    for (let left = n; left > 0; ) {
      for (let i = 0; i < n; i++) {
        if (done[i] || !receives[i].Test(status)) continue;
        done[i] = true;
        left--;
        arrived(i, pool + <usize>(i * capacity), status);
      }
    }
  }
}

function completeSends(sends: Array<MPI.Request>): void {
  if (plan.sendStyle == 0) {
    MPI.Request.Waitall(sends);
  } else if (plan.sendStyle == 1) {
    // Polls a while, then waits: a polling rank must not keep its core from the others for long.
    let polls = 0;
    while (!MPI.Request.Testall(sends)) if (++polls == 1000) MPI.Request.Waitall(sends);
  } else {
    while (MPI.Request.Waitany(sends) != MPI.UNDEFINED) {}
  }
}

const start = MPI.Wtime();
let lastProgress = start;
/** Agreed on every 8 rounds: whether to stop (time mode), the largest memory of any rank. */
const agreed = new Int32Array(2);
for (;;) {
  round++;
  oneRound();
  const now = MPI.Wtime();
  if (round % 8 == 0) {
    // Rank 0's clock decides when to stop, for all.
    agreed[0] = target == 0 && rank == 0 && now - start >= seconds ? 1 : 0;
    agreed[1] = memory.size();
    comm.Allreduce(agreed, agreed, MPI.MAX);
    if (agreed[0] != 0) break;
  }
  if (target > 0 && messages >= target) break;
  if (rank == 0 && progressEvery > 0 && now - lastProgress >= progressEvery) {
    lastProgress = now;
    const largest = (<i64>agreed[1]) << 16;
    console.log(
      `stress progress messages ${messages} bytes ${volume} seconds ${now - start} memory ${largest}`,
    );
  }
}
comm.Barrier();
// Nothing may be left over: every message sent was received exactly once.
if (comm.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG)) fail("a message is left over after the last round");
console.log(`stress rank ${rank} sent ${sent} received ${received}`);
const elapsed = MPI.Wtime() - start;
if (rank == 0) console.log(`stress ok messages ${messages} bytes ${volume} seconds ${elapsed}`);
