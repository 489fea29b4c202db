// What the object (lowercase) methods do beneath Comm, on the byte-buffer imports: receive one
// value of a length learned first, and the collectives.
//
// An object collective moves serialized values whose byte lengths differ from rank to rank (one
// string per rank, say), so each runs in two steps: the lengths first, one i32 per value through
// the fixed-count collective, then the bytes through its v-form with offsets computed from them.
// Every rank decodes, the root of bcast too, so that every rank gets a value of its own, as
// mpi4py's unpickling gives.
import * as abi from "./bindings";
import { datatypeOf } from "./buffers";
import { Comm } from "./comm";
import { check, fail } from "./errors";
import { decode, encode } from "./serialize";
import { MAXLOC, MINLOC, Op, PROC_NULL, Status } from "./types";

/** The datatype an encoded value travels as. */
export const BYTE_CODE: i32 = 1;
const INT32_CODE: i32 = 6;

// ---- receiving one value ----------------------------------------------------------------

/** The value a receive from PROC_NULL gives: null, or zero. */
function nothing<T>(): T {
  if (isReference<T>()) return changetype<T>(0);
  else return <T>0;
}

/** Reusable receive area of the object path (decode copies out of it). */
let scratch = new ArrayBuffer(256);

/** The receive area, grown to hold at least `bytes`. */
function scratchOf(bytes: i32): usize {
  if (scratch.byteLength < bytes) scratch = new ArrayBuffer(max(bytes, scratch.byteLength << 1));
  return changetype<usize>(scratch);
}

/** Receives a value of type T for Comm.recv and Comm.sendrecv: probes for its length, then
 *  receives into the scratch area and decodes from there. */
export function receiveObject<T>(
  comm: Comm,
  call: string,
  source: i32,
  tag: i32,
  status: Status | null,
): T {
  const st = status != null ? status : new Status();
  check(call, abi.probe(source, tag, comm.handle, changetype<usize>(st)));
  if (st.source == PROC_NULL) return nothing<T>();
  const bytes = st.count;
  const data = scratchOf(bytes);
  check(
    call,
    abi.recv(data, bytes, BYTE_CODE, st.source, st.tag, comm.handle, changetype<usize>(st)),
  );
  return decode<T>(call, data, bytes);
}

// ---- object collectives ------------------------------------------------------------------

/** Where a byte length travels. */
const lengthCell = memory.data(4);

/** Offsets of `lengths` packed in order; ends the job if they add up past 2 GiB. */
function packedOffsets(call: string, lengths: Int32Array): Int32Array {
  const offsets = new Int32Array(lengths.length);
  let total: i64 = 0;
  for (let i = 0; i < lengths.length; i++) {
    offsets[i] = <i32>total;
    total += lengths[i];
    if (total > <i64>i32.MAX_VALUE) fail(call, `the values add up to more than 2 GiB`);
  }
  return offsets;
}

function totalOf(lengths: Int32Array, offsets: Int32Array): i32 {
  const last = lengths.length - 1;
  return last < 0 ? 0 : offsets[last] + lengths[last];
}

/** Every value of `objs` serialized, back to back: the bytes, their lengths and offsets. */
class Packed {
  readonly lengths: Int32Array;
  readonly offsets: Int32Array;
  readonly bytes: ArrayBuffer;

  constructor(call: string, objs: Array<ArrayBuffer>) {
    const lengths = new Int32Array(objs.length);
    for (let i = 0; i < objs.length; i++) lengths[i] = objs[i].byteLength;
    const offsets = packedOffsets(call, lengths);
    const bytes = new ArrayBuffer(totalOf(lengths, offsets));
    for (let i = 0; i < objs.length; i++) {
      const at = changetype<usize>(bytes) + <usize>offsets[i];
      memory.copy(at, changetype<usize>(objs[i]), <usize>lengths[i]);
    }
    this.lengths = lengths;
    this.offsets = offsets;
    this.bytes = bytes;
  }

  static of<T>(call: string, objs: Array<T>): Packed {
    const encoded = new Array<ArrayBuffer>(objs.length);
    for (let i = 0; i < objs.length; i++) encoded[i] = encode<T>(objs[i]);
    return new Packed(call, encoded);
  }
}

/** Decodes the values that arrived back to back at `at`. */
function unpack<T>(call: string, at: usize, lengths: Int32Array, offsets: Int32Array): Array<T> {
  const values = new Array<T>(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    values[i] = decode<T>(call, at + <usize>offsets[i], lengths[i]);
  }
  return values;
}

/** The root's value, on every rank. */
export function bcastObject<T>(comm: Comm, obj: T, root: i32, rank: i32): T {
  const data = rank == root ? encode<T>(obj) : null;
  store<i32>(lengthCell, data != null ? data.byteLength : 0);
  check("bcast", abi.bcast(lengthCell, 1, INT32_CODE, root, comm.handle));
  const bytes = load<i32>(lengthCell);
  const at = data != null ? changetype<usize>(data) : scratchOf(bytes);
  check("bcast", abi.bcast(at, bytes, BYTE_CODE, root, comm.handle));
  return decode<T>("bcast", at, bytes);
}

/** Rank i gets the root's objs[i]. */
export function scatterObject<T>(
  comm: Comm,
  objs: Array<T> | null,
  root: i32,
  rank: i32,
  size: i32,
): T {
  let packed: Packed | null = null;
  if (rank == root) {
    if (objs == null) fail("scatter", "objs is null at the root");
    const values = changetype<Array<T>>(objs);
    if (values.length != size)
      fail("scatter", `the root has ${values.length} values for ${size} ranks`);
    packed = Packed.of<T>("scatter", values);
  }
  const sendLengths = packed != null ? packed.lengths.dataStart : 0;
  check(
    "scatter",
    abi.scatter(
      sendLengths,
      packed != null ? 1 : 0,
      INT32_CODE,
      lengthCell,
      1,
      INT32_CODE,
      root,
      comm.handle,
    ),
  );
  const bytes = load<i32>(lengthCell);
  const at = scratchOf(bytes);
  check(
    "scatter",
    abi.scatterv(
      packed != null ? changetype<usize>(packed.bytes) : 0,
      sendLengths,
      packed != null ? packed.offsets.dataStart : 0,
      BYTE_CODE,
      at,
      bytes,
      BYTE_CODE,
      root,
      comm.handle,
    ),
  );
  return decode<T>("scatter", at, bytes);
}

/** Every rank's value, in rank order, at the root; null elsewhere. */
export function gatherObject<T>(
  comm: Comm,
  obj: T,
  root: i32,
  rank: i32,
  size: i32,
): Array<T> | null {
  const data = encode<T>(obj);
  store<i32>(lengthCell, data.byteLength);
  if (rank != root) {
    // Off the root the receive side is ignored: no buffers, as for Gather with recvbuf null.
    check("gather", abi.gather(lengthCell, 1, INT32_CODE, 0, 0, INT32_CODE, root, comm.handle));
    check(
      "gather",
      abi.gatherv(
        changetype<usize>(data),
        data.byteLength,
        BYTE_CODE,
        0,
        0,
        0,
        BYTE_CODE,
        root,
        comm.handle,
      ),
    );
    return null;
  }
  const lengths = new Int32Array(size);
  check(
    "gather",
    abi.gather(lengthCell, 1, INT32_CODE, lengths.dataStart, 1, INT32_CODE, root, comm.handle),
  );
  const offsets = packedOffsets("gather", lengths);
  const at = scratchOf(totalOf(lengths, offsets));
  check(
    "gather",
    abi.gatherv(
      changetype<usize>(data),
      data.byteLength,
      BYTE_CODE,
      at,
      lengths.dataStart,
      offsets.dataStart,
      BYTE_CODE,
      root,
      comm.handle,
    ),
  );
  return unpack<T>("gather", at, lengths, offsets);
}

/** Every rank's value, in rank order, on every rank. */
export function allgatherObject<T>(comm: Comm, obj: T, size: i32): Array<T> {
  const data = encode<T>(obj);
  store<i32>(lengthCell, data.byteLength);
  const lengths = new Int32Array(size);
  check(
    "allgather",
    abi.allgather(lengthCell, 1, INT32_CODE, lengths.dataStart, 1, INT32_CODE, comm.handle),
  );
  const offsets = packedOffsets("allgather", lengths);
  const at = scratchOf(totalOf(lengths, offsets));
  check(
    "allgather",
    abi.allgatherv(
      changetype<usize>(data),
      data.byteLength,
      BYTE_CODE,
      at,
      lengths.dataStart,
      offsets.dataStart,
      BYTE_CODE,
      comm.handle,
    ),
  );
  return unpack<T>("allgather", at, lengths, offsets);
}

/** objs[j] goes to rank j; the result's i-th value comes from rank i. */
export function alltoallObject<T>(comm: Comm, objs: Array<T>, size: i32): Array<T> {
  if (objs.length != size) fail("alltoall", `${objs.length} values for ${size} ranks`);
  const packed = Packed.of<T>("alltoall", objs);
  const lengths = new Int32Array(size);
  check(
    "alltoall",
    abi.alltoall(
      packed.lengths.dataStart,
      1,
      INT32_CODE,
      lengths.dataStart,
      1,
      INT32_CODE,
      comm.handle,
    ),
  );
  const offsets = packedOffsets("alltoall", lengths);
  const at = scratchOf(totalOf(lengths, offsets));
  check(
    "alltoall",
    abi.alltoallv(
      changetype<usize>(packed.bytes),
      packed.lengths.dataStart,
      packed.offsets.dataStart,
      BYTE_CODE,
      at,
      lengths.dataStart,
      offsets.dataStart,
      BYTE_CODE,
      comm.handle,
    ),
  );
  return unpack<T>("alltoall", at, lengths, offsets);
}

// ---- reductions of one number --------------------------------------------------------------

/** The datatype code a number of type T travels as. bool travels as an i32 0 or 1, so that SUM
 *  counts the true values instead of wrapping at 256 as a byte would. */
function numberDatatype<T>(): i32 {
  if (isBoolean<T>()) return INT32_CODE;
  if (isFloat<T>() || isInteger<T>()) return datatypeOf<StaticArray<T>>();
  ERROR(
    "wasmpi: reduce, allreduce, scan and exscan combine numbers (bool, integers, floats); combine arrays element-wise with Reduce, Allreduce, Scan or Exscan",
  );
  return 0;
}

export enum Reduction {
  Reduce,
  Allreduce,
  Scan,
  Exscan,
}

/** The object method of each kind, as errors name it. */
const REDUCTION_CALLS: StaticArray<string> = ["reduce", "allreduce", "scan", "exscan"];

/**
 * Combines one number per rank through the buffer import of `kind`. The result cell starts at
 * zero: where MPI defines no result (reduce off the root, exscan at rank 0) T's zero comes back.
 */
export function reduceNumber<T>(comm: Comm, kind: Reduction, value: T, op: Op, root: i32): T {
  if (op == MAXLOC || op == MINLOC) {
    const call = REDUCTION_CALLS[kind];
    fail(
      call,
      `${op.name} combines (value, index) pairs, not single numbers: use ${call.charAt(0).toUpperCase()}${call.slice(1)} on a typed array of (value, index) elements`,
    );
  }
  const cells = memory.data(16);
  const operand = cells;
  const result = cells + 8;
  const datatype = numberDatatype<T>();
  if (isBoolean<T>()) store<i32>(operand, value ? 1 : 0);
  else store<T>(operand, value);
  store<u64>(result, 0);
  if (kind == Reduction.Reduce) {
    check("reduce", abi.reduce(operand, result, 1, datatype, op.code, root, comm.handle));
  } else if (kind == Reduction.Allreduce) {
    check("allreduce", abi.allreduce(operand, result, 1, datatype, op.code, comm.handle));
  } else if (kind == Reduction.Scan) {
    check("scan", abi.scan(operand, result, 1, datatype, op.code, comm.handle));
  } else {
    check("exscan", abi.exscan(operand, result, 1, datatype, op.code, comm.handle));
    if (comm.Get_rank() == 0) store<u64>(result, 0);
  }
  if (isBoolean<T>()) return <T>(load<i32>(result) != 0);
  return load<T>(result);
}
