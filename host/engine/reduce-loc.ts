/**
 * MAXLOC and MINLOC: element-wise over (value, index) pairs, the winner of each pair of pairs
 * is the one with the larger (MAXLOC) or smaller (MINLOC) value, and of equal values the one
 * with the smaller index, as MPI defines them (MPI 4.0 §6.9.4). A pair is one element of a
 * pair datatype (C's MPI_DOUBLE_INT and the like: a value, then an int32 index, with C's
 * padding) or two elements of one number datatype (value, then index: Fortran's
 * MPI_2DOUBLE_PRECISION; a kernel's typed array of even length).
 *
 * These reductions are rare and small next to SUM and MAX, so one generic loop over DataViews
 * serves every layout.
 */
import { Datatype, Op } from "../abi.js";

type Read = (view: DataView, at: number) => number | bigint;

/** Where a pair's parts lie and how they are read. */
interface PairLayout {
  /** Bytes from one pair to the next. */
  readonly stride: number;
  /** Byte offset of the index within a pair. */
  readonly index: number;
  readonly readValue: Read;
  readonly readIndex: Read;
}

const f32: Read = (v, at) => v.getFloat32(at, true);
const f64: Read = (v, at) => v.getFloat64(at, true);
const i8: Read = (v, at) => v.getInt8(at);
const u8: Read = (v, at) => v.getUint8(at);
const i16: Read = (v, at) => v.getInt16(at, true);
const u16: Read = (v, at) => v.getUint16(at, true);
const i32: Read = (v, at) => v.getInt32(at, true);
const u32: Read = (v, at) => v.getUint32(at, true);
const i64: Read = (v, at) => v.getBigInt64(at, true);
const u64: Read = (v, at) => v.getBigUint64(at, true);

const sameTypePair = (size: number, read: Read): PairLayout => ({
  stride: 2 * size,
  index: size,
  readValue: read,
  readIndex: read,
});

/** The pair datatypes, each with its C layout. */
const PAIR_DATATYPES: ReadonlyMap<number, PairLayout> = new Map([
  [Datatype.FLOAT_INT, { stride: 8, index: 4, readValue: f32, readIndex: i32 }],
  [Datatype.DOUBLE_INT, { stride: 16, index: 8, readValue: f64, readIndex: i32 }],
  [Datatype.SHORT_INT, { stride: 8, index: 4, readValue: i16, readIndex: i32 }],
  [Datatype.INT_INT, { stride: 8, index: 4, readValue: i32, readIndex: i32 }],
]);

/** Number datatypes whose elements pair up two by two. */
const NUMBER_PAIRS: ReadonlyMap<number, PairLayout> = new Map([
  [Datatype.INT8_T, sameTypePair(1, i8)],
  [Datatype.UINT8_T, sameTypePair(1, u8)],
  [Datatype.INT16_T, sameTypePair(2, i16)],
  [Datatype.UINT16_T, sameTypePair(2, u16)],
  [Datatype.INT32_T, sameTypePair(4, i32)],
  [Datatype.UINT32_T, sameTypePair(4, u32)],
  [Datatype.INT64_T, sameTypePair(8, i64)],
  [Datatype.UINT64_T, sameTypePair(8, u64)],
  [Datatype.FLOAT, sameTypePair(4, f32)],
  [Datatype.DOUBLE, sameTypePair(8, f64)],
]);

/** Whether `op` is MAXLOC or MINLOC. */
export function isLocOp(op: number): boolean {
  return op === Op.MAXLOC || op === Op.MINLOC;
}

/** Whether MAXLOC and MINLOC apply to `datatype`. */
export function locApplies(datatype: number): boolean {
  return PAIR_DATATYPES.has(datatype) || NUMBER_PAIRS.has(datatype);
}

/**
 * Elements of `datatype` per (value, index) pair: 1 for a pair datatype, 2 for a number
 * datatype (a count of those must be even).
 */
export function elementsPerPair(datatype: number): number {
  return PAIR_DATATYPES.has(datatype) ? 1 : 2;
}

/**
 * dst = a MAXLOC/MINLOC b over `count` elements of `datatype` at byte offsets; `dst` may be
 * `a` or `b` exactly. Callers have checked the op, the datatype, the count and the ranges.
 */
export function combineLoc(
  op: number,
  datatype: number,
  dst: ArrayBufferLike,
  dstAt: number,
  a: ArrayBufferLike,
  aAt: number,
  b: ArrayBufferLike,
  bAt: number,
  count: number,
): void {
  const layout = PAIR_DATATYPES.get(datatype) ?? NUMBER_PAIRS.get(datatype);
  if (layout === undefined) throw new RangeError(`MAXLOC/MINLOC on datatype ${datatype}`);
  const pairs = count / elementsPerPair(datatype);
  const { stride, index, readValue, readIndex } = layout;
  const max = op === Op.MAXLOC;
  const va = new DataView(a);
  const vb = new DataView(b);
  const vd = new DataView(dst);
  for (let p = 0; p < pairs; p++) {
    const x = aAt + p * stride;
    const y = bAt + p * stride;
    const xv = readValue(va, x);
    const yv = readValue(vb, y);
    const xNaN = typeof xv === "number" && Number.isNaN(xv);
    const yNaN = typeof yv === "number" && Number.isNaN(yv);
    let takeB: boolean;
    if (xv === yv || (xNaN && yNaN)) takeB = readIndex(vb, y + index) < readIndex(va, x + index);
    else if (xNaN || yNaN)
      takeB = xNaN; // a NaN value loses to any number
    else takeB = max ? yv > xv : yv < xv;
    const d = dstAt + p * stride;
    if (takeB) {
      if (b !== dst || y !== d) copyPair(vb, y, vd, d, stride);
    } else if (a !== dst || x !== d) {
      copyPair(va, x, vd, d, stride);
    }
  }
}

function copyPair(from: DataView, at: number, to: DataView, d: number, stride: number): void {
  if (stride % 4 === 0) {
    for (let k = 0; k < stride; k += 4) to.setInt32(d + k, from.getInt32(at + k, true), true);
  } else {
    for (let k = 0; k < stride; k++) to.setUint8(d + k, from.getUint8(at + k));
  }
}
