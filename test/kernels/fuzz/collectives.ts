// The collective imports, fuzzed. On a one-rank communicator every collective completes, so
// any arguments go. On COMM_WORLD the other ranks never join a collective, so a call is made
// only with an argument the host must refuse before it waits (an invalid root, op or
// datatype, a negative count, a range outside the memory): most such calls get one on purpose.
// Those refusals are asserted; a call on one rank may succeed or fail, but never trap, throw,
// hang, or write outside the receive ranges it names.
import * as abi from "../../../assembly/bindings";
import * as arena from "./arena";
import { a, begin, Fn, p, returned, settle, skip, trace } from "./calls";
import { CommKind, commKind, commSize, pickComm, pickRank } from "./model";
import { anyI32, below, chance } from "./random";
import {
  bytesOf,
  DATATYPES,
  OPS,
  pickCount,
  pickOp,
  pickPtr,
  pickType,
  rangeOk,
  typeSize,
} from "./values";

const IN_PLACE: u32 = 0xffffffff;

/** Where the call goes: null when it would wait forever. */
let comm = 0;
let size = 0;
/** Whether the current call must be refused. */
let bad = false;

/** Picks the communicator; on COMM_WORLD the call will usually get a bad argument. */
function pickCommunicator(): bool {
  comm = pickComm();
  size = commSize(comm);
  bad = commKind(comm) == CommKind.INVALID;
  return commKind(comm) == CommKind.WORLD && chance(75);
}

/** Makes the call only if it cannot wait forever. */
function mayCall(): bool {
  if (commKind(comm) == CommKind.WORLD && !bad) {
    skip();
    return false;
  }
  return true;
}

/** A root; with `spoil`, one outside the communicator. */
function pickRoot(spoil: bool): i32 {
  let root = chance(90) ? 0 : pickRank(size);
  if (spoil) {
    const roll = below(5);
    root =
      roll == 0
        ? size
        : roll == 1
          ? -2
          : roll == 2
            ? -1
            : roll == 3
              ? size + <i32>below(1 << 20)
              : i32.MIN_VALUE;
  }
  if (root < 0 || root >= size) bad = true;
  return root;
}

function pickBadType(): i32 {
  bad = true;
  return chance(50) ? 0 : DATATYPES + 1 + <i32>below(1000);
}

function pickBadOp(): i32 {
  bad = true;
  return chance(50) ? 0 : OPS + 1 + <i32>below(1000);
}

/** A send pointer, sometimes IN_PLACE. */
function pickSend(bytes: i64): u32 {
  return chance(15) ? IN_PLACE : pickPtr(bytes, true);
}

/** Names a receive range of a call that may succeed. */
function nameRecv(ptr: u32, bytes: i64): void {
  if (!bad) arena.name(ptr, bytes);
}

/** Writes n i32 counts (or displacements) at `at` when they lie in the arena. */
function writeInts(at: u32, n: i32, displacements: bool): void {
  if (!rangeOk(at, <i64>n * 4) || at < arena.base) return;
  for (let i = 0; i < n; i++) {
    let value: i32;
    if (chance(85)) value = <i32>below(displacements ? 64 : 48);
    else value = chance(50) ? -1 - <i32>below(4) : chance(50) ? anyI32() : 0x40000000;
    store<i32>(at + ((<u32>i) << 2), value);
  }
  arena.name(at, <i64>n * 4);
}

/**
 * The first of n i32s at `at` as the host will read it (-1 if it cannot), read once every
 * array is written: arrays may be one and the same, the last write winning.
 */
function firstInt(at: u32, n: i32): i32 {
  return rangeOk(at, <i64>n * 4) ? load<i32>(at) : -1;
}

/** Names block 0 of a v-collective's receive buffer, from its count and displacement. */
function nameBlock(buf: u32, count: i32, displ: i32, size: i32): void {
  const start = <i64>buf + <i64>displ * size;
  if (count < 0 || displ < 0 || size == 0 || start > <i64>u32.MAX_VALUE) return;
  nameRecv(<u32>start, <i64>count * size);
}

export function fuzzBarrier(): void {
  begin(Fn.barrier);
  pickCommunicator();
  if (!mayCall()) return;
  a(comm);
  trace();
  returned(abi.barrier(comm), bad, false);
  settle();
}

export function fuzzBcast(): void {
  begin(Fn.bcast);
  const spoil = pickCommunicator();
  const datatype = spoil && chance(50) ? pickBadType() : pickType();
  const count = pickCount(typeSize(datatype));
  const bytes = bytesOf(count, typeSize(datatype));
  const root = pickRoot(spoil);
  const buf = pickPtr(bytes, false);
  if (!rangeOk(buf, bytes)) bad = true;
  if (!mayCall()) return;
  nameRecv(buf, bytes);
  p(buf);
  a(count);
  a(datatype);
  a(root);
  a(comm);
  trace();
  returned(abi.bcast(buf, count, datatype, root, comm), bad, false);
  settle();
}

/** scatter, gather, allgather and alltoall: one block per rank. */
function blocks(fn: Fn): void {
  begin(fn);
  const spoil = pickCommunicator();
  const rooted = fn == Fn.scatter || fn == Fn.gather;
  // The root is checked first; otherwise allgather's receive and alltoall's send datatype.
  const root = rooted ? pickRoot(spoil) : 0;
  const spoilType = spoil && !rooted;
  const sendtype = spoilType && fn == Fn.alltoall ? pickBadType() : pickType();
  const recvtype = spoilType && fn == Fn.allgather ? pickBadType() : pickType();
  const sendcount = pickCount(typeSize(sendtype));
  const recvcount = chance(60) ? sendcount : pickCount(typeSize(recvtype));
  const many = fn == Fn.scatter || fn == Fn.alltoall ? size : 1;
  const sendBytes = bytesOf(sendcount, typeSize(sendtype));
  const sendbuf = fn == Fn.alltoall ? pickPtr(sendBytes * many, true) : pickSend(sendBytes * many);
  const recvMany = fn == Fn.gather || fn == Fn.allgather || fn == Fn.alltoall ? size : 1;
  const recvBytes = bytesOf(recvcount, typeSize(recvtype));
  const recvbuf = fn == Fn.scatter && chance(15) ? IN_PLACE : pickPtr(recvBytes * recvMany, false);
  if (!mayCall()) return;
  if (recvbuf != IN_PLACE) nameRecv(recvbuf, recvBytes * recvMany);
  p(sendbuf);
  a(sendcount);
  a(sendtype);
  p(recvbuf);
  a(recvcount);
  a(recvtype);
  if (rooted) a(root);
  a(comm);
  trace();
  let code = 0;
  if (fn == Fn.scatter) {
    code = abi.scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
  } else if (fn == Fn.gather) {
    code = abi.gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
  } else if (fn == Fn.allgather) {
    code = abi.allgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
  } else {
    code = abi.alltoall(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
  }
  returned(code, bad, false);
  settle();
}

export function fuzzScatter(): void {
  blocks(Fn.scatter);
}

export function fuzzGather(): void {
  blocks(Fn.gather);
}

export function fuzzAllgather(): void {
  blocks(Fn.allgather);
}

export function fuzzAlltoall(): void {
  blocks(Fn.alltoall);
}

/** scatterv, gatherv, allgatherv and alltoallv: counts and displacements per rank. */
function vblocks(fn: Fn): void {
  begin(fn);
  const spoil = pickCommunicator();
  const rooted = fn == Fn.scatterv || fn == Fn.gatherv;
  // The root is checked first everywhere; the receive datatype only where every rank reads it.
  const root = rooted ? pickRoot(spoil) : 0;
  const sendtype = pickType();
  const recvtype = spoil && !rooted ? pickBadType() : chance(70) ? sendtype : pickType();
  const element = typeSize(recvtype);
  const sendcount = pickCount(typeSize(sendtype));
  const sendBytes = bytesOf(sendcount, typeSize(sendtype));
  const n = size > 0 ? size : 1;
  const counts = pickPtr(<i64>n * 4, true);
  const displs = pickPtr(<i64>n * 4, true);
  const recvCounts = pickPtr(<i64>n * 4, true);
  const recvDispls = pickPtr(<i64>n * 4, true);
  writeInts(counts, n, false);
  writeInts(displs, n, true);
  let recvbuf = pickPtr(<i64>arena.targetable() / 2, false);
  const recvcount = pickCount(element);
  if (!mayCall()) return;
  let code = 0;
  if (fn == Fn.scatterv) {
    if (chance(15)) recvbuf = IN_PLACE;
    else nameRecv(recvbuf, bytesOf(recvcount, element));
    const sendbuf = pickPtr(<i64>arena.targetable() / 2, true);
    p(sendbuf);
    p(counts);
    p(displs);
    a(sendtype);
    p(recvbuf);
    a(recvcount);
    a(recvtype);
    a(root);
    a(comm);
    trace();
    code = abi.scatterv(
      sendbuf,
      counts,
      displs,
      sendtype,
      recvbuf,
      recvcount,
      recvtype,
      root,
      comm,
    );
  } else if (fn == Fn.gatherv || fn == Fn.allgatherv) {
    const sendbuf = pickSend(sendBytes);
    nameBlock(recvbuf, firstInt(counts, n), firstInt(displs, n), element);
    p(sendbuf);
    a(sendcount);
    a(sendtype);
    p(recvbuf);
    p(counts);
    p(displs);
    a(recvtype);
    if (fn == Fn.gatherv) a(root);
    a(comm);
    trace();
    code =
      fn == Fn.gatherv
        ? abi.gatherv(sendbuf, sendcount, sendtype, recvbuf, counts, displs, recvtype, root, comm)
        : abi.allgatherv(sendbuf, sendcount, sendtype, recvbuf, counts, displs, recvtype, comm);
  } else {
    const sendbuf = pickPtr(<i64>arena.targetable() / 2, true);
    writeInts(recvCounts, n, false);
    writeInts(recvDispls, n, true);
    nameBlock(recvbuf, firstInt(recvCounts, n), firstInt(recvDispls, n), element);
    p(sendbuf);
    p(counts);
    p(displs);
    a(sendtype);
    p(recvbuf);
    p(recvCounts);
    p(recvDispls);
    a(recvtype);
    a(comm);
    trace();
    code = abi.alltoallv(
      sendbuf,
      counts,
      displs,
      sendtype,
      recvbuf,
      recvCounts,
      recvDispls,
      recvtype,
      comm,
    );
  }
  returned(code, bad, false);
  settle();
}

export function fuzzScatterv(): void {
  vblocks(Fn.scatterv);
}

export function fuzzGatherv(): void {
  vblocks(Fn.gatherv);
}

export function fuzzAllgatherv(): void {
  vblocks(Fn.allgatherv);
}

export function fuzzAlltoallv(): void {
  vblocks(Fn.alltoallv);
}

/** reduce, allreduce, scan, exscan and reduce_scatter_block. */
function reduction(fn: Fn): void {
  begin(fn);
  const spoil = pickCommunicator();
  const root = fn == Fn.reduce ? pickRoot(spoil && chance(50)) : 0;
  const spoilArgs = spoil && !bad;
  const datatype = spoilArgs && chance(50) ? pickBadType() : pickType();
  const op = spoilArgs && !bad ? pickBadOp() : pickOp();
  if (typeSize(datatype) == 0 || op < 1 || op > OPS) bad = true;
  const count = pickCount(typeSize(datatype));
  const blocks: i64 = fn == Fn.reduce_scatter_block ? size : 1;
  const bytes = bytesOf(count, typeSize(datatype));
  const recvbuf = pickPtr(bytes * blocks, false);
  const sendbuf = chance(15) ? recvbuf : pickSend(bytes * blocks);
  if (!mayCall()) return;
  const inPlace = sendbuf == IN_PLACE || sendbuf == recvbuf;
  nameRecv(recvbuf, fn == Fn.reduce_scatter_block && inPlace ? bytes * blocks : bytes);
  p(sendbuf);
  p(recvbuf);
  a(count);
  a(datatype);
  a(op);
  if (fn == Fn.reduce) a(root);
  a(comm);
  trace();
  let code = 0;
  if (fn == Fn.reduce) code = abi.reduce(sendbuf, recvbuf, count, datatype, op, root, comm);
  else if (fn == Fn.allreduce) code = abi.allreduce(sendbuf, recvbuf, count, datatype, op, comm);
  else if (fn == Fn.scan) code = abi.scan(sendbuf, recvbuf, count, datatype, op, comm);
  else if (fn == Fn.exscan) code = abi.exscan(sendbuf, recvbuf, count, datatype, op, comm);
  else code = abi.reduce_scatter_block(sendbuf, recvbuf, count, datatype, op, comm);
  returned(code, bad, false);
  settle();
}

export function fuzzReduce(): void {
  reduction(Fn.reduce);
}

export function fuzzAllreduce(): void {
  reduction(Fn.allreduce);
}

export function fuzzScan(): void {
  reduction(Fn.scan);
}

export function fuzzExscan(): void {
  reduction(Fn.exscan);
}

export function fuzzReduceScatterBlock(): void {
  reduction(Fn.reduce_scatter_block);
}
