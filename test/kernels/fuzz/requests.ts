// The nonblocking imports, fuzzed. Every request the host hands out is recorded with what it
// waits for (model.ts); a wait is made only for requests that complete without this rank, a
// Waitany only when one of its entries ends the wait (a sure request, or an invalid handle
// the host rejects as it looks through them). The buffer of a pending receive is left out of
// the arena checks until the request ends, and must then hold no peer's bytes.
import * as abi from "../../../assembly/bindings";
import * as arena from "./arena";
import {
  a,
  begin,
  ERR_REQUEST,
  ERR_TRUNCATE,
  Fn,
  fail,
  p,
  ranks,
  returned,
  settle,
  skip,
  trace,
} from "./calls";
import {
  commSize,
  isRecv,
  pickComm,
  pickRank,
  pickRequest,
  pickTag,
  ReqKind,
  requestEnded,
  requestKind,
  requestMade,
  roomForRequest,
  Target,
  tagOk,
  target,
  UNDEFINED,
  waitEnds,
} from "./model";
import { below, chance, wild } from "./random";
import {
  bytesOf,
  eagerLimit,
  pickCount,
  pickOut,
  pickPtr,
  pickStatus,
  pickStatusApart,
  pickType,
  rangeOk,
  statusOk,
  typeSize,
} from "./values";

/** The request ended (completed, failed or freed): forget it; its buffer becomes canaries. */
export function ended(handle: i32): void {
  if (isRecv(requestKind(handle))) {
    const leak = arena.endLive(handle, ranks);
    if (leak != 0)
      fail(`request ${handle}: another rank's bytes appeared at ${leak} of its buffer`);
  }
  requestEnded(handle);
}

export function fuzzIsend(): void {
  begin(Fn.isend);
  const comm = pickComm();
  const datatype = pickType();
  const count = pickCount(typeSize(datatype));
  const bytes = bytesOf(count, typeSize(datatype));
  const dest = pickRank(commSize(comm), false);
  const tag = pickTag(false);
  const buf = pickPtr(bytes, true);
  const out = pickOut();
  const to = target(comm, dest, false);
  const valid = to != Target.BAD && tagOk(tag, false) && rangeOk(buf, bytes) && rangeOk(out, 4);
  const kind =
    to == Target.SELF && bytes > <i64>eagerLimit ? ReqKind.SEND_MAYBE : ReqKind.SEND_SURE;
  if (valid && !roomForRequest(false)) {
    skip();
    return;
  }
  if (valid) arena.name(out, 4);
  p(buf);
  a(count);
  a(datatype);
  a(dest);
  a(tag);
  a(comm);
  p(out);
  trace();
  const code = abi.isend(buf, count, datatype, dest, tag, comm, out);
  returned(code, !valid, valid);
  if (code == 0) {
    const handle = load<i32>(out);
    if (!requestMade(handle, kind, comm))
      fail(`handed out request ${handle}, which is live or invalid`);
  }
  settle();
}

export function fuzzIrecv(): void {
  begin(Fn.irecv);
  const comm = pickComm();
  const datatype = pickType();
  const count = pickCount(typeSize(datatype));
  const bytes = bytesOf(count, typeSize(datatype));
  const source = pickRank(commSize(comm));
  const tag = pickTag();
  const buf = pickPtr(bytes, false);
  const out = pickOut();
  const from = target(comm, source, true);
  const valid = from != Target.BAD && tagOk(tag, true) && rangeOk(buf, bytes) && rangeOk(out, 4);
  const kind =
    from == Target.NULL
      ? ReqKind.RECV_SURE
      : from == Target.PEER
        ? ReqKind.RECV_NEVER
        : ReqKind.RECV_MAYBE;
  if (valid && !roomForRequest(kind == ReqKind.RECV_NEVER)) {
    skip();
    return;
  }
  if (valid && kind != ReqKind.RECV_SURE && !arena.liveRoom()) {
    skip();
    return;
  }
  if (valid) {
    arena.name(buf, bytes);
    arena.name(out, 4);
  }
  p(buf);
  a(count);
  a(datatype);
  a(source);
  a(tag);
  a(comm);
  p(out);
  trace();
  const code = abi.irecv(buf, count, datatype, source, tag, comm, out);
  returned(code, !valid, valid);
  if (code == 0) {
    const handle = load<i32>(out);
    if (!requestMade(handle, kind, comm))
      fail(`handed out request ${handle}, which is live or invalid`);
    if (kind != ReqKind.RECV_SURE) arena.addLive(handle, buf, bytes);
  }
  settle();
}

export function fuzzWait(): void {
  begin(Fn.wait);
  const handle = pickRequest();
  const status = pickStatus();
  const kind = requestKind(handle);
  const valid = kind != ReqKind.DEAD && statusOk(status);
  if (valid && !waitEnds(handle)) {
    skip();
    return;
  }
  if (valid) arena.name(status, 16);
  a(handle);
  p(status);
  trace();
  const code = abi.wait(handle, status);
  returned(code, !valid, valid);
  if (valid && code == ERR_REQUEST) fail(`request ${handle} is live, the host says it is not`);
  if (valid && (code == 0 || code == ERR_TRUNCATE)) ended(handle);
  settle();
}

export function fuzzTest(): void {
  begin(Fn.test);
  const handle = pickRequest();
  const flag = pickOut();
  const status = pickStatusApart(flag);
  const kind = requestKind(handle);
  const valid = kind != ReqKind.DEAD && rangeOk(flag, 4) && statusOk(status);
  if (valid) {
    arena.name(flag, 4);
    arena.name(status, 16);
  }
  a(handle);
  p(flag);
  p(status);
  trace();
  const code = abi.test(handle, flag, status);
  returned(code, !valid, valid);
  if (valid && code == ERR_REQUEST) fail(`request ${handle} is live, the host says it is not`);
  if (valid && code == 0) {
    const done = load<i32>(flag);
    if (done != 0 && done != 1) fail(`flag ${done}`);
    if (done == 1 && kind == ReqKind.RECV_NEVER)
      fail(`request ${handle} can never complete, yet did`);
    if (done == 0 && kind == ReqKind.RECV_SURE) fail(`a receive from PROC_NULL is not complete`);
    if (done == 1) ended(handle);
  }
  if (valid && code == ERR_TRUNCATE) ended(handle);
  settle();
}

const entries = new StaticArray<i32>(16);

/** A count of array entries: a few, or one the host must refuse. */
function pickEntries(): i32 {
  if (!wild || chance(85)) return <i32>below(7);
  switch (below(6)) {
    case 0:
      return -1;
    case 1:
      return i32.MIN_VALUE;
    case 2:
      return i32.MAX_VALUE;
    case 3:
      return 0x40000000;
    case 4:
      return 0x3fffffff;
    default:
      return <i32>(arena.end >> 2) + 1;
  }
}

/** Writes `count` request handles (some 0) at `at`, keeping a copy in `entries`. */
function writeEntries(at: u32, count: i32): void {
  for (let i = 0; i < count; i++) {
    const handle = chance(15) ? 0 : pickRequest();
    entries[i] = handle;
    store<i32>(at + ((<u32>i) << 2), handle);
  }
}

export function fuzzWaitany(): void {
  begin(Fn.waitany);
  const count = pickEntries();
  const arr = pickPtr(count >= 0 ? <i64>count * 4 : -1, false);
  const index = pickOut();
  const status = pickStatusApart(index);
  const arrayOk = count >= 0 && count <= 16 && rangeOk(arr, <i64>count * 4);
  const valid = arrayOk && rangeOk(index, 4) && statusOk(status);
  let any = 0;
  let invalid = false;
  let sure = false;
  if (arrayOk) {
    writeEntries(arr, count);
    arena.name(arr, <i64>count * 4);
    for (let i = 0; i < count; i++) {
      const handle = unchecked(entries[i]);
      if (handle == 0) continue;
      any++;
      if (requestKind(handle) == ReqKind.DEAD) invalid = true;
      if (waitEnds(handle)) sure = true;
    }
  }
  // The host looks through every entry before it waits: an invalid one ends the call.
  if (valid && any > 0 && !invalid && !sure) {
    skip();
    return;
  }
  if (valid) {
    arena.name(index, 4);
    arena.name(status, 16);
  }
  p(arr);
  a(count);
  p(index);
  p(status);
  trace();
  const code = abi.waitany(arr, count, index, status);
  returned(code, !valid, valid);
  if (valid && code == ERR_REQUEST && !invalid) fail("refused live requests");
  if (valid && (code == 0 || code == ERR_TRUNCATE)) {
    const i = load<i32>(index);
    if (any == 0) {
      if (i != UNDEFINED || code != 0) fail(`index ${i} with no active request`);
    } else {
      if (i < 0 || i >= count) fail(`index ${i} out of ${count}`);
      const handle = unchecked(entries[i]);
      if (requestKind(handle) == ReqKind.DEAD) fail(`index ${i} names handle ${handle}, not live`);
      if (requestKind(handle) == ReqKind.RECV_NEVER)
        fail(`request ${handle} can never complete, yet did`);
      ended(handle);
    }
  }
  settle();
}

export function fuzzTestall(): void {
  begin(Fn.testall);
  const count = pickEntries();
  const arr = pickPtr(count >= 0 ? <i64>count * 4 : -1, false);
  const flag = pickOut();
  const arrayOk = count >= 0 && count <= 16 && rangeOk(arr, <i64>count * 4);
  let handlesOk = true;
  let never = false;
  if (arrayOk) {
    writeEntries(arr, count);
    arena.name(arr, <i64>count * 4);
    for (let i = 0; i < count; i++) {
      const handle = unchecked(entries[i]);
      if (handle == 0) continue;
      if (requestKind(handle) == ReqKind.DEAD) handlesOk = false;
      if (requestKind(handle) == ReqKind.RECV_NEVER) never = true;
      // A request named twice is an error, as in MPI.
      for (let j = 0; j < i; j++) if (unchecked(entries[j]) == handle) handlesOk = false;
    }
  }
  const valid = arrayOk && handlesOk && rangeOk(flag, 4);
  if (valid) arena.name(flag, 4);
  p(arr);
  a(count);
  p(flag);
  trace();
  const code = abi.testall(arr, count, flag);
  returned(code, !valid, valid);
  const all = valid && (code == ERR_TRUNCATE || (code == 0 && load<i32>(flag) == 1));
  if (valid && code == 0) {
    const done = load<i32>(flag);
    if (done != 0 && done != 1) fail(`flag ${done}`);
    if (done == 1 && never) fail("completed a request that can never complete");
  }
  if (all) {
    for (let i = 0; i < count; i++) {
      const handle = unchecked(entries[i]);
      if (handle != 0) ended(handle);
    }
  }
  settle();
}

export function fuzzRequestFree(): void {
  begin(Fn.request_free);
  const handle = pickRequest();
  const kind = requestKind(handle);
  const valid = kind != ReqKind.DEAD;
  a(handle);
  trace();
  const code = abi.request_free(handle);
  returned(code, !valid, valid);
  // A pending receive cannot be freed; every other live request can.
  if (valid && code == ERR_REQUEST && !(kind == ReqKind.RECV_MAYBE || kind == ReqKind.RECV_NEVER)) {
    fail(`refused to free request ${handle}`);
  }
  if (valid && code == 0) {
    if (kind == ReqKind.RECV_NEVER)
      fail(`freed request ${handle}, a receive that cannot have completed`);
    ended(handle);
  }
  settle();
}
