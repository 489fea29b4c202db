// The blocking point-to-point imports and the probes, fuzzed. A receive or probe with valid
// arguments is made only when the fuzzer knows it returns: from PROC_NULL, or from itself or
// ANY_SOURCE when iprobe says a matching message is there. A large send to itself is never
// made (nobody would receive it); sends to peers always complete, as peers receive everything.
import * as abi from "../../../assembly/bindings";
import * as arena from "./arena";
import { a, begin, Fn, fail, p, returned, settle, skip, trace } from "./calls";
import {
  ANY_TAG,
  commSize,
  PROC_NULL,
  pickComm,
  pickRank,
  pickTag,
  TAG_UB,
  Target,
  tagOk,
  target,
} from "./model";
import {
  bytesOf,
  eagerLimit,
  overlaps,
  pickCount,
  pickPtr,
  pickStatus,
  pickType,
  rangeOk,
  statusOk,
  typeSize,
} from "./values";

const scratch = memory.data(16);

/** Whether a message matching (source, tag, comm) can be received now. */
function matchWaiting(source: i32, tag: i32, comm: i32): bool {
  const code = abi.iprobe(source, tag, comm, scratch, 0);
  if (code != 0) fail(`iprobe(${source}, ${tag}, ${comm}) before the call returned ${code}`);
  return load<i32>(scratch) != 0;
}

/** Whether a valid blocking receive from `from` returns. */
function receivable(from: Target, source: i32, tag: i32, comm: i32): bool {
  if (from == Target.NULL) return true;
  if (from == Target.PEER) return false;
  return matchWaiting(source, tag, comm);
}

/** Checks a status the host wrote for a receive of at most `capacity` bytes matching `tag`. */
export function checkStatus(at: u32, from: Target, tag: i32, capacity: i64): void {
  if (at == 0) return;
  const source = load<i32>(at);
  const got = load<i32>(at + 4);
  const bytes = load<i32>(at + 12);
  if (from == Target.NULL) {
    if (source != PROC_NULL || got != ANY_TAG || bytes != 0) {
      fail(`status (${source}, ${got}, ${bytes} bytes) for PROC_NULL`);
    }
    return;
  }
  // Only this rank ever sends to itself.
  if (source != 0) fail(`status names source ${source}; only rank 0 sends to rank 0`);
  if (got < 0 || got > TAG_UB || (tag != ANY_TAG && got != tag)) fail(`status tag ${got}`);
  if (bytes < 0 || <i64>bytes > capacity) fail(`status count ${bytes} bytes, capacity ${capacity}`);
}

export function fuzzSend(): void {
  begin(Fn.send);
  const comm = pickComm();
  const datatype = pickType();
  const count = pickCount(typeSize(datatype));
  const bytes = bytesOf(count, typeSize(datatype));
  const dest = pickRank(commSize(comm), false);
  const tag = pickTag(false);
  const buf = pickPtr(bytes, true);
  const to = target(comm, dest, false);
  const valid = to != Target.BAD && tagOk(tag, false) && rangeOk(buf, bytes);
  if (valid && to == Target.SELF && bytes > <i64>eagerLimit) {
    skip();
    return;
  }
  p(buf);
  a(count);
  a(datatype);
  a(dest);
  a(tag);
  a(comm);
  trace();
  const code = abi.send(buf, count, datatype, dest, tag, comm);
  returned(code, !valid, valid);
  settle();
}

export function fuzzRecv(): void {
  begin(Fn.recv);
  const comm = pickComm();
  const datatype = pickType();
  const count = pickCount(typeSize(datatype));
  const bytes = bytesOf(count, typeSize(datatype));
  const source = pickRank(commSize(comm));
  const tag = pickTag();
  const buf = pickPtr(bytes, false);
  const status = pickStatus();
  const from = target(comm, source, true);
  const valid = from != Target.BAD && tagOk(tag, true) && rangeOk(buf, bytes) && statusOk(status);
  if (valid && !receivable(from, source, tag, comm)) {
    skip();
    return;
  }
  if (valid) {
    arena.name(buf, bytes);
    arena.name(status, 16);
  }
  p(buf);
  a(count);
  a(datatype);
  a(source);
  a(tag);
  a(comm);
  p(status);
  trace();
  const code = abi.recv(buf, count, datatype, source, tag, comm, status);
  returned(code, !valid, valid);
  if (code == 0) checkStatus(status, from, tag, bytes);
  settle();
}

export function fuzzSendrecv(): void {
  begin(Fn.sendrecv);
  const comm = pickComm();
  const size = commSize(comm);
  const sendtype = pickType();
  const sendcount = pickCount(typeSize(sendtype));
  const sendBytes = bytesOf(sendcount, typeSize(sendtype));
  const dest = pickRank(size, false);
  const sendtag = pickTag(false);
  const sendbuf = pickPtr(sendBytes, true);
  const recvtype = pickType();
  const recvcount = pickCount(typeSize(recvtype));
  const recvBytes = bytesOf(recvcount, typeSize(recvtype));
  const source = pickRank(size);
  const recvtag = pickTag();
  const recvbuf = pickPtr(recvBytes, false);
  const status = pickStatus();
  const to = target(comm, dest, false);
  const from = target(comm, source, true);
  const valid =
    to != Target.BAD &&
    from != Target.BAD &&
    tagOk(sendtag, false) &&
    tagOk(recvtag, true) &&
    rangeOk(sendbuf, sendBytes) &&
    rangeOk(recvbuf, recvBytes) &&
    statusOk(status);
  if (valid && to == Target.SELF && sendBytes > <i64>eagerLimit) {
    skip();
    return;
  }
  if (valid && !receivable(from, source, recvtag, comm)) {
    skip();
    return;
  }
  if (valid) {
    arena.name(recvbuf, recvBytes);
    arena.name(status, 16);
  }
  p(sendbuf);
  a(sendcount);
  a(sendtype);
  a(dest);
  a(sendtag);
  p(recvbuf);
  a(recvcount);
  a(recvtype);
  a(source);
  a(recvtag);
  a(comm);
  p(status);
  trace();
  const code = abi.sendrecv(
    sendbuf,
    sendcount,
    sendtype,
    dest,
    sendtag,
    recvbuf,
    recvcount,
    recvtype,
    source,
    recvtag,
    comm,
    status,
  );
  returned(code, !valid, valid);
  if (code == 0) checkStatus(status, from, recvtag, recvBytes);
  settle();
}

export function fuzzProbe(): void {
  begin(Fn.probe);
  const comm = pickComm();
  const source = pickRank(commSize(comm));
  const tag = pickTag();
  const status = pickStatus();
  const from = target(comm, source, true);
  const valid = from != Target.BAD && tagOk(tag, true) && statusOk(status);
  if (valid && !receivable(from, source, tag, comm)) {
    skip();
    return;
  }
  if (valid) arena.name(status, 16);
  a(source);
  a(tag);
  a(comm);
  p(status);
  trace();
  const code = abi.probe(source, tag, comm, status);
  returned(code, !valid, valid);
  if (code == 0) checkStatus(status, from, tag, i32.MAX_VALUE);
  settle();
}

export function fuzzIprobe(): void {
  begin(Fn.iprobe);
  const comm = pickComm();
  const source = pickRank(commSize(comm));
  const tag = pickTag();
  const flag = pickPtr(4, false);
  const status = pickStatus();
  const from = target(comm, source, true);
  const valid = from != Target.BAD && tagOk(tag, true) && rangeOk(flag, 4) && statusOk(status);
  if (valid) {
    arena.name(flag, 4);
    arena.name(status, 16);
  }
  a(source);
  a(tag);
  a(comm);
  p(flag);
  p(status);
  trace();
  const code = abi.iprobe(source, tag, comm, flag, status);
  returned(code, !valid, valid);
  // The status is written after the flag: where they overlap, the flag is not what it said.
  if (code == 0 && (status == 0 || !overlaps(flag, 4, status, 16))) {
    const found = load<i32>(flag);
    if (found != 0 && found != 1) fail(`flag ${found}`);
    // Peers never send to the fuzzer: a message from one would come from nowhere.
    if (found == 1 && from == Target.PEER) fail("found a message from a rank that never sends");
    if (from == Target.NULL && found != 1) fail("PROC_NULL always matches");
    if (found == 1) checkStatus(status, from, tag, i32.MAX_VALUE);
  }
  settle();
}
