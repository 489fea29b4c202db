// Bookkeeping shared by every fuzzed import: which import is being called with which
// arguments (for the failure report and the trace), the count of calls, successes, errors and
// skips per import, the check of every returned code, and the arena checks after each call.
import * as arena from "./arena";

export enum Fn {
  comm_rank,
  comm_size,
  comm_split,
  comm_dup,
  comm_free,
  send,
  recv,
  sendrecv,
  isend,
  irecv,
  wait,
  test,
  waitany,
  testall,
  request_free,
  probe,
  iprobe,
  barrier,
  bcast,
  scatter,
  gather,
  allgather,
  alltoall,
  scatterv,
  gatherv,
  allgatherv,
  alltoallv,
  reduce,
  allreduce,
  scan,
  exscan,
  reduce_scatter_block,
  abort,
  wtime,
  wtick,
  get_processor_name,
  COUNT,
}

/** The ABI's names, in Fn order. */
export const NAMES: StaticArray<string> = [
  "comm_rank",
  "comm_size",
  "comm_split",
  "comm_dup",
  "comm_free",
  "send",
  "recv",
  "sendrecv",
  "isend",
  "irecv",
  "wait",
  "test",
  "waitany",
  "testall",
  "request_free",
  "probe",
  "iprobe",
  "barrier",
  "bcast",
  "scatter",
  "gather",
  "allgather",
  "alltoall",
  "scatterv",
  "gatherv",
  "allgatherv",
  "alltoallv",
  "reduce",
  "allreduce",
  "scan",
  "exscan",
  "reduce_scatter_block",
  "abort",
  "wtime",
  "wtick",
  "get_processor_name",
];

/** The error codes of host/abi.ts. */
const CODES: StaticArray<i32> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 15, 16, 17, 75];
export const ERR_REQUEST = 7;
export const ERR_TRUNCATE = 15;
export const ERR_OTHER = 16;

const callsOf = new StaticArray<i64>(Fn.COUNT);
const oksOf = new StaticArray<i64>(Fn.COUNT);
const errorsOf = new StaticArray<i64>(Fn.COUNT);
const skipsOf = new StaticArray<i64>(Fn.COUNT);

/** Import calls made so far (skips and guard calls do not count). */
export let made: i64 = 0;
/** Trace every call from this one on (-1: none). */
export let traceFrom: i64 = -1;
export let seedText = "";
/** Ranks in the job: the fuzzer and its peers. */
export let ranks = 1;

export function configure(seed: string, trace: i64, size: i32): void {
  seedText = seed;
  traceFrom = trace;
  ranks = size;
}

let current: Fn = Fn.comm_rank;
const args = new StaticArray<i64>(12);
let argCount = 0;

/** Starts the next call of `fn`. */
export function begin(fn: Fn): void {
  current = fn;
  argCount = 0;
  arena.clearNamed();
}

/** Records the next argument (for reports) and returns it. */
export function a(value: i32): i32 {
  args[argCount++] = value;
  return value;
}

/** Records a pointer argument. */
export function p(value: u32): u32 {
  args[argCount++] = value;
  return value;
}

/** The call was not made: with these (valid) arguments it could wait forever. */
export function skip(): void {
  unchecked(skipsOf[current]++);
  arena.restoreNamed();
}

function describeCall(): string {
  let text = "";
  for (let i = 0; i < argCount; i++) text += `${i > 0 ? ", " : ""}${unchecked(args[i])}`;
  return `${unchecked(NAMES[current])}(${text})`;
}

/** Ends the job: `what` went wrong in the current call. */
export function fail(what: string): void {
  abort(`fuzz seed ${seedText}, call ${made}: ${describeCall()}: ${what}`);
}

/** Prints the call about to be made when tracing. */
export function trace(): void {
  if (traceFrom >= 0 && made >= traceFrom) console.log(`call ${made}: ${describeCall()}`);
}

function knownCode(code: i32): bool {
  for (let i = 0; i < CODES.length; i++) if (unchecked(CODES[i]) == code) return true;
  return false;
}

/**
 * Checks the code a call returned: one of the ABI's codes; not success for arguments the
 * host must refuse; and for `valid` arguments (all of them checked in this rank) success, or
 * one of the errors valid arguments can meet (truncation, a table full).
 */
export function returned(code: i32, mustFail: bool, valid: bool): void {
  made++;
  unchecked(callsOf[current]++);
  if (!knownCode(code)) fail(`returned ${code}, which is not an error code of the ABI`);
  if (code == 0) unchecked(oksOf[current]++);
  else unchecked(errorsOf[current]++);
  if (mustFail && code == 0) fail("succeeded with arguments it must refuse");
  if (valid && code != 0 && code != ERR_TRUNCATE && code != ERR_OTHER && code != ERR_REQUEST) {
    fail(`refused valid arguments with code ${code}`);
  }
}

/** After the call and its bookkeeping: the arena checks. */
export function settle(): void {
  const problem = arena.checkAfterCall(ranks);
  if (problem.length > 0) fail(problem);
  if (arena.moved()) fail("the memory grew during the call");
}

/** One line per import: calls, successes, errors, skips. */
export function report(): void {
  for (let f = 0; f < Fn.COUNT; f++) {
    console.log(
      `fuzz import ${unchecked(NAMES[f])} calls ${unchecked(callsOf[f])} ok ${unchecked(oksOf[f])} errors ${unchecked(errorsOf[f])} skipped ${unchecked(skipsOf[f])}`,
    );
  }
}
