// The communicator, clock, name and abort imports, fuzzed. Split and Dup of COMM_WORLD would
// wait for the other ranks, so they are made there only with an argument the host refuses
// first; of a one-rank communicator they make new one-rank communicators, which the fuzzer
// then uses and frees. abort is made only with an invalid communicator (a valid one ends the
// job: test/fuzz.test.ts checks that path in jobs of its own).
import * as abi from "../../../assembly/bindings";
import * as arena from "./arena";
import { a, begin, Fn, fail, p, returned, settle, skip, trace } from "./calls";
import { CommKind, commFreed, commKind, commMade, commSize, pickComm, UNDEFINED } from "./model";
import { anyI32, below, chance, wild } from "./random";
import { overlaps, pickOut, pickPtr, rangeOk } from "./values";

export function fuzzCommRank(): void {
  begin(Fn.comm_rank);
  const comm = pickComm();
  const out = pickOut();
  const valid = commKind(comm) != CommKind.INVALID && rangeOk(out, 4);
  if (valid) arena.name(out, 4);
  a(comm);
  p(out);
  trace();
  const code = abi.comm_rank(comm, out);
  returned(code, !valid, valid);
  if (code == 0 && load<i32>(out) != 0)
    fail(`rank ${load<i32>(out)}; the fuzzer is rank 0 everywhere`);
  settle();
}

export function fuzzCommSize(): void {
  begin(Fn.comm_size);
  const comm = pickComm();
  const out = pickOut();
  const valid = commKind(comm) != CommKind.INVALID && rangeOk(out, 4);
  if (valid) arena.name(out, 4);
  a(comm);
  p(out);
  trace();
  const code = abi.comm_size(comm, out);
  returned(code, !valid, valid);
  if (code == 0 && load<i32>(out) != commSize(comm))
    fail(`size ${load<i32>(out)}, expected ${commSize(comm)}`);
  settle();
}

function pickColor(): i32 {
  const roll = wild ? below(100) : below(80);
  if (roll < 60) return <i32>below(4);
  if (roll < 80) return UNDEFINED;
  switch (below(4)) {
    case 0:
      return -1;
    case 1:
      return i32.MIN_VALUE;
    case 2:
      return i32.MAX_VALUE;
    default:
      return anyI32();
  }
}

/** Records the communicator a Split or Dup wrote at `out`. */
function made(out: u32, undefinedColor: bool): void {
  const handle = load<i32>(out);
  if (undefinedColor) {
    if (handle != 0) fail(`color UNDEFINED gave handle ${handle}, not COMM_NULL`);
  } else if (!commMade(handle)) {
    fail(`gave handle ${handle}, which is live or out of range`);
  }
}

export function fuzzCommSplit(): void {
  begin(Fn.comm_split);
  const comm = pickComm();
  const color = pickColor();
  const key = !wild || chance(70) ? <i32>below(4) : anyI32();
  const out = pickOut();
  const valid =
    commKind(comm) != CommKind.INVALID && rangeOk(out, 4) && (color >= 0 || color == UNDEFINED);
  if (valid && commKind(comm) == CommKind.WORLD) {
    skip();
    return;
  }
  if (valid) arena.name(out, 4);
  a(comm);
  a(color);
  a(key);
  p(out);
  trace();
  const code = abi.comm_split(comm, color, key, out);
  returned(code, !valid, valid);
  if (code == 0) made(out, color == UNDEFINED);
  settle();
}

export function fuzzCommDup(): void {
  begin(Fn.comm_dup);
  const comm = pickComm();
  const out = pickOut();
  const valid = commKind(comm) != CommKind.INVALID && rangeOk(out, 4);
  if (valid && commKind(comm) == CommKind.WORLD) {
    skip();
    return;
  }
  if (valid) arena.name(out, 4);
  a(comm);
  p(out);
  trace();
  const code = abi.comm_dup(comm, out);
  returned(code, !valid, valid);
  if (code == 0) made(out, false);
  settle();
}

export function fuzzCommFree(): void {
  begin(Fn.comm_free);
  const comm = pickComm();
  // COMM_WORLD and COMM_SELF cannot be freed; made ones can.
  const valid = commKind(comm) == CommKind.SOLO && comm >= 3;
  a(comm);
  trace();
  const code = abi.comm_free(comm);
  returned(code, !valid, valid);
  if (code == 0) commFreed(comm);
  settle();
}

export function fuzzAbort(): void {
  begin(Fn.abort);
  const comm = pickComm();
  if (commKind(comm) != CommKind.INVALID) {
    skip();
    return;
  }
  const code = chance(50) ? <i32>below(256) : anyI32();
  a(comm);
  a(code);
  trace();
  returned(abi.abort(comm, code), true, false);
  settle();
}

let lastTime: f64 = 0;

export function fuzzWtime(): void {
  begin(Fn.wtime);
  trace();
  const now = abi.wtime();
  returned(0, false, false);
  if (!(now >= lastTime) || !F64.isFinite(now)) fail(`Wtime ${now} after ${lastTime}`);
  lastTime = now;
  settle();
}

export function fuzzWtick(): void {
  begin(Fn.wtick);
  trace();
  const tick = abi.wtick();
  returned(0, false, false);
  if (!(tick > 0) || !(tick < 1)) fail(`Wtick ${tick}`);
  settle();
}

export function fuzzProcessorName(): void {
  begin(Fn.get_processor_name);
  const roll = wild ? below(100) : below(80);
  const buflen =
    roll < 70 ? <i32>below(300) : roll < 80 ? 0 : roll < 90 ? -1 - <i32>below(10) : anyI32();
  const buf = pickPtr(buflen, false);
  const out = pickOut();
  const valid = buflen >= 0 && rangeOk(buf, buflen) && rangeOk(out, 4);
  if (valid) {
    arena.name(buf, buflen);
    arena.name(out, 4);
  }
  p(buf);
  a(buflen);
  p(out);
  trace();
  const code = abi.get_processor_name(buf, buflen, out);
  returned(code, !valid, valid);
  // The name is written after its length: where they overlap, the length is overwritten.
  if (code == 0 && !overlaps(out, 4, buf, buflen) && load<i32>(out) <= 0) {
    fail(`name length ${load<i32>(out)}`);
  }
  settle();
}
