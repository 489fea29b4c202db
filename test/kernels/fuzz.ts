// Hostile-kernel fuzzing: `wasmpi run -n N fuzz.ts -- <seed> <calls> <eager limit> [trace from]`.
//
// Rank 0 calls every wasmpi import (but fatal and panic, which end the job by design) with
// random and boundary arguments, <calls> times, from a seeded generator. Every call must
// return an ABI error code (success for valid arguments), never trap or throw out of the
// import, never wait forever, and never write outside the ranges it names (fuzz/arena.ts).
// The other ranks receive everything rank 0 sends them, with canaries in their own memory;
// at the end each checks that nothing reached its canaries.
//
// No valid call may wait forever, so the fuzzer knows which would (fuzz/model.ts) and skips
// them: sends go to PROC_NULL, to itself (large blocking ones skipped: nobody would receive
// them) or to the peers, which receive everything; blocking receives and probes are made from
// PROC_NULL, or from itself or ANY_SOURCE once iprobe says a match is waiting (peers never
// send); waits only for requests sure to complete; collectives on one-rank communicators
// (COMM_SELF and those made from it), on COMM_WORLD only with an argument the host refuses
// before it waits for the peers. A hang is a failure the test's deadline catches.
//
// Rank 0 prints one `fuzz import NAME calls C ok O errors E skipped S` line per import and
// `fuzz ok seed SEED calls N`; the other ranks print `fuzz peer R ok messages M`. With a
// fourth argument, rank 0 prints every call from that one on before making it.
import { MPI } from "wasmpi/assembly";
import * as abi from "../../assembly/bindings";
import * as arena from "./fuzz/arena";
import { configure, made, report } from "./fuzz/calls";
import * as collectives from "./fuzz/collectives";
import * as misc from "./fuzz/misc";
import {
  CommKind,
  commKind,
  initComms,
  liveRequest,
  liveRequests,
  orphaned,
  ReqKind,
  requestEnded,
  requestKind,
  TAG_UB,
  waitEnds,
} from "./fuzz/model";
import * as p2p from "./fuzz/p2p";
import * as random from "./fuzz/random";
import * as requests from "./fuzz/requests";
import { setEagerLimit } from "./fuzz/values";

const ARENA_PAGES = 4;
const FULL_CHECK_EVERY = 4096;
const PROGRESS_EVERY = 25000;

const rank = MPI.COMM_WORLD.Get_rank();
const size = MPI.COMM_WORLD.Get_size();
const argv = process.argv;
if (argv.length < 4) abort("usage: fuzz.ts -- <seed> <calls> <eager limit> [trace from]");
const seedText = argv[1];
const calls = I64.parseInt(argv[2]);
const traceFrom: i64 = argv.length > 4 ? I64.parseInt(argv[4]) : -1;
setEagerLimit(I32.parseInt(argv[3]));

/** The message that tells a peer the fuzzing is over (tag TAG_UB, these 16 bytes). */
const DONE = memory.data<u8>([
  0x77, 0x61, 0x73, 0x6d, 0x70, 0x69, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x64, 0x6f, 0x6e, 0x65,
]);
const status = memory.data(16);

/** Leaves the allocator free memory for the lines printed later, so that it never grows the
 * memory past the arena (an arena pointer near the memory's end must stay an arena pointer). */
function reserveHeap(): void {
  heap.free(heap.alloc(4 << 20));
}

/** A peer: receives whatever rank 0 sends until the end message, then checks its canaries. */
function sink(): void {
  // Room for any message rank 0 can send: its whole memory, which is not larger than this one.
  const capacity = <i32>arena.end + (1 << 16);
  const buf = heap.alloc(<usize>capacity);
  let messages = 0;
  for (;;) {
    const code = abi.recv(
      buf,
      capacity,
      MPI.BYTE.code,
      0,
      MPI.ANY_TAG,
      MPI.COMM_WORLD.handle,
      status,
    );
    if (code != 0) abort(`fuzz peer ${rank}: receive failed with code ${code}`);
    messages++;
    const tag = load<i32>(status + 4);
    const bytes = load<i32>(status + 12);
    if (tag == TAG_UB && bytes == 16 && memory.compare(buf, DONE, 16) == 0) break;
  }
  const changed = arena.firstPeerChanged(rank);
  if (changed < arena.end) {
    abort(
      `fuzz peer ${rank}: byte ${changed} of its arena changed to ${load<u8>(changed)}: another rank wrote into this rank's memory`,
    );
  }
  console.log(`fuzz peer ${rank} ok messages ${messages}`);
}

function fuzz(): void {
  random.seed(U64.parseInt(seedText));
  configure(seedText, traceFrom, size);
  initComms(size);
  let nextFull: i64 = FULL_CHECK_EVERY;
  let nextProgress: i64 = PROGRESS_EVERY;
  while (made < calls) {
    random.setWild(random.chance(50));
    callOne();
    // While tracing, after every call: a stray write is caught at the call that made it.
    if (made >= nextFull || (traceFrom >= 0 && made >= traceFrom)) {
      nextFull = made + FULL_CHECK_EVERY;
      fullCheck();
    }
    if (made >= nextProgress) {
      nextProgress += PROGRESS_EVERY;
      console.log(`fuzz progress ${made} calls`);
      if (arena.moved()) abort("the kernel's allocator grew the memory past the arena");
    }
  }
  finish();
  fullCheck();
  for (let peer = 1; peer < size; peer++) {
    const code = abi.send(DONE, 16, MPI.BYTE.code, peer, TAG_UB, MPI.COMM_WORLD.handle);
    if (code != 0) abort(`fuzz: the end message to rank ${peer} failed with code ${code}`);
  }
  report();
  console.log(`fuzz ok seed ${seedText} calls ${made}`);
}

function fullCheck(): void {
  const problem = arena.checkAll();
  if (problem.length > 0) abort(`fuzz seed ${seedText}, after call ${made}: ${problem}`);
}

/** Every fuzzed import; point-to-point and requests more often, as they hold the most state. */
const CALLS: StaticArray<() => void> = [
  misc.fuzzCommRank,
  misc.fuzzCommSize,
  misc.fuzzCommSplit,
  misc.fuzzCommDup,
  misc.fuzzCommFree,
  p2p.fuzzSend,
  p2p.fuzzSend,
  p2p.fuzzSend,
  p2p.fuzzRecv,
  p2p.fuzzRecv,
  p2p.fuzzRecv,
  p2p.fuzzSendrecv,
  p2p.fuzzSendrecv,
  requests.fuzzIsend,
  requests.fuzzIsend,
  requests.fuzzIsend,
  requests.fuzzIrecv,
  requests.fuzzIrecv,
  requests.fuzzIrecv,
  requests.fuzzWait,
  requests.fuzzWait,
  requests.fuzzTest,
  requests.fuzzTest,
  requests.fuzzWaitany,
  requests.fuzzTestall,
  requests.fuzzRequestFree,
  p2p.fuzzProbe,
  p2p.fuzzIprobe,
  p2p.fuzzIprobe,
  collectives.fuzzBarrier,
  collectives.fuzzBcast,
  collectives.fuzzScatter,
  collectives.fuzzGather,
  collectives.fuzzAllgather,
  collectives.fuzzAlltoall,
  collectives.fuzzScatterv,
  collectives.fuzzGatherv,
  collectives.fuzzAllgatherv,
  collectives.fuzzAlltoallv,
  collectives.fuzzReduce,
  collectives.fuzzAllreduce,
  collectives.fuzzScan,
  collectives.fuzzExscan,
  collectives.fuzzReduceScatterBlock,
  misc.fuzzAbort,
  misc.fuzzWtime,
  misc.fuzzWtick,
  misc.fuzzProcessorName,
];

function callOne(): void {
  CALLS[random.below(<u32>CALLS.length)]();
}

/**
 * After the last call: every sure request completes, every message this rank sent itself is
 * received (which completes its large sends to itself: nothing is lost), and the arena holds
 * canaries again.
 */
function finish(): void {
  for (let i = liveRequests() - 1; i >= 0; i--) {
    const handle = liveRequest(i);
    if (!waitEnds(handle)) continue;
    const code = abi.wait(handle, 0);
    if (code != 0 && code != 15)
      abort(`fuzz: the final wait for request ${handle} returned ${code}`);
    requests.ended(handle);
  }
  const scratch = arena.base + arena.MOAT;
  for (let comm = 1; comm < 128; comm++) {
    if (commKind(comm) == CommKind.INVALID) continue;
    for (;;) {
      let code = abi.iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG, comm, status, 0);
      if (code != 0) abort(`fuzz: draining iprobe on ${comm} returned ${code}`);
      if (load<i32>(status) == 0) break;
      code = abi.recv(
        scratch,
        <i32>arena.targetable(),
        MPI.BYTE.code,
        MPI.ANY_SOURCE,
        MPI.ANY_TAG,
        comm,
        0,
      );
      if (code != 0 && code != 15) abort(`fuzz: draining receive on ${comm} returned ${code}`);
    }
  }
  for (let i = liveRequests() - 1; i >= 0; i--) {
    const handle = liveRequest(i);
    if (requestKind(handle) != ReqKind.SEND_MAYBE || orphaned(handle)) continue;
    const code = abi.test(handle, status, 0);
    if (code != 0 || load<i32>(status) != 1) {
      abort(
        `fuzz seed ${seedText}: request ${handle}, a send to itself, is not complete once every message was received (code ${code})`,
      );
    }
    requestEnded(handle);
  }
  arena.fillOwn(scratch, arena.end);
}

reserveHeap();
arena.grow(ARENA_PAGES);
if (rank == 0) arena.fillOwn(arena.base, arena.end);
else arena.fillPeer(rank);
MPI.COMM_WORLD.Barrier();
if (rank == 0) fuzz();
else sink();
