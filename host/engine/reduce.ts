/**
 * Element-wise reductions for the collectives: `dst[i] = op(a[i], b[i])` over buffers that may
 * live in different ranks' memories. Runs in browsers too, so nothing here imports node:*.
 * This file checks that the op applies to the datatype and the ranges fit, then hands the
 * elements to the loop for their kind (reduce-lanes.ts, which says why the loops are shaped
 * as they are) or to MAXLOC/MINLOC's (reduce-loc.ts).
 *
 * Views are cached per buffer: making one costs ~25 ns and an 8-byte reduction should cost
 * about that in all (bench/reduce.ts has the figures).
 */
import { DATATYPE_SIZES, Datatype, Op } from "../abi.js";
import { lane8, lane16, lane32, lane64, laneF32, laneF64, prod64, SIGN32 } from "./reduce-lanes.js";
import { combineLoc, elementsPerPair, isLocOp, locApplies } from "./reduce-loc.js";

const { BYTE, INT8_T, UINT8_T, INT16_T, UINT16_T, INT32_T, UINT32_T, INT64_T, UINT64_T } = Datatype;
const { SUM, PROD, MIN, MAX, LAND, LOR, LXOR, BAND, BOR, BXOR } = Op;

const bit = (...ops: number[]): number => ops.reduce((mask, op) => mask | (1 << op), 0);
const ARITHMETIC = bit(SUM, PROD, MIN, MAX);
const INTEGER = ARITHMETIC | bit(LAND, LOR, LXOR, BAND, BOR, BXOR);

/** Per datatype, the ops MPI defines on it, one bit per op code. */
const OPS_OF: Readonly<Record<number, number>> = {
  [BYTE]: bit(BAND, BOR, BXOR),
  [INT8_T]: INTEGER,
  [UINT8_T]: INTEGER,
  [INT16_T]: INTEGER,
  [UINT16_T]: INTEGER,
  [INT32_T]: INTEGER,
  [UINT32_T]: INTEGER,
  [INT64_T]: INTEGER,
  [UINT64_T]: INTEGER,
  [Datatype.FLOAT]: ARITHMETIC,
  [Datatype.DOUBLE]: ARITHMETIC,
};

/** Whether `op` applies to `datatype` as in MPI (MPI 4.0 §6.9.2). */
export function opApplies(op: number, datatype: number): boolean {
  if (isLocOp(op)) return locApplies(datatype);
  const ops = OPS_OF[datatype];
  return ops !== undefined && op >= SUM && op <= BXOR && (op | 0) === op && ((ops >> op) & 1) === 1;
}

/** dst[i] = op(dst[i], src[i]) for i < count, elements of `datatype` at byte offsets. */
export function accumulate(
  op: number,
  datatype: number,
  dst: ArrayBufferLike,
  dstAt: number,
  src: ArrayBufferLike,
  srcAt: number,
  count: number,
): void {
  combine(op, datatype, dst, dstAt, dst, dstAt, src, srcAt, count);
}

/**
 * dst[i] = op(a[i], b[i]) for i < count; `dst` may be `a` or `b` exactly (same buffer and
 * offset), not partly overlap them. Throws RangeError for an op that does not apply or a range
 * outside its buffer: callers check both first and answer ERR_OP or ERR_BUFFER themselves.
 */
export function combine(
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
  if (!opApplies(op, datatype)) {
    throw new RangeError(`reduction op ${op} does not apply to datatype ${datatype}`);
  }
  const size = DATATYPE_SIZES[datatype] as number;
  const bytes = count * size;
  const d = viewsOf(dst);
  const x = a === dst ? d : viewsOf(a);
  const y = b === dst ? d : viewsOf(b);
  if (!(count >= 0 && fits(d, dstAt, bytes) && fits(x, aAt, bytes) && fits(y, bAt, bytes))) {
    throw new RangeError(`reduction of ${count} elements of size ${size} runs outside a buffer`);
  }
  if (count === 0) return;
  if (isLocOp(op)) {
    if (count % elementsPerPair(datatype) !== 0) {
      throw new RangeError(
        `MAXLOC/MINLOC on ${count} elements of datatype ${datatype}: not whole pairs`,
      );
    }
    combineLoc(op, datatype, dst, dstAt, a, aAt, b, bAt, count);
    return;
  }
  // Offsets reach 4 GiB, but `|` keeps their low bits, which are all the test needs.
  if (((dstAt | aAt | bAt) & (size - 1)) !== 0) {
    combineStaged(op, datatype, size, d, dstAt, x, aAt, y, bAt, count);
  } else {
    combineAligned(op, datatype, d, dstAt / size, x, aAt / size, y, bAt / size, count);
  }
}

function fits(v: Views, at: number, bytes: number): boolean {
  return at >= 0 && at + bytes <= v.bytes;
}

/** Every view a lane needs of one buffer; each as long as the whole elements that fit. */
class Views {
  /** The buffer's length when the views were made (getting `byteLength` costs ~12 ns). */
  readonly bytes: number;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly u64: BigUint64Array;

  constructor(readonly buffer: ArrayBufferLike) {
    const n = buffer.byteLength;
    this.bytes = n;
    this.u8 = new Uint8Array(buffer, 0, n);
    this.u16 = new Uint16Array(buffer, 0, n >>> 1);
    this.i32 = new Int32Array(buffer, 0, n >>> 2);
    this.f32 = new Float32Array(buffer, 0, n >>> 2);
    this.f64 = new Float64Array(buffer, 0, Math.floor(n / 8));
    this.u64 = new BigUint64Array(buffer, 0, Math.floor(n / 8));
  }
}

// Keyed by the buffer object: a Wasm memory's `buffer` keeps its length and is replaced by a
// new object when the memory grows, so a grown memory gets fresh views. (A growable
// SharedArrayBuffer would keep the views of its first length: ranges past it throw.)
const views = new WeakMap<ArrayBufferLike, Views>();
// A WeakMap lookup costs ~13 ns; most calls use the same one or two buffers as the last, so
// those two are kept at hand. They stay reachable until two other buffers have been used.
let recent: Views | undefined;
let older: Views | undefined;

function viewsOf(buffer: ArrayBufferLike): Views {
  // A hit changes nothing: a reduction between the control memory and a rank's memory
  // alternates between the two, and reordering them each time cost ~6 ns a call.
  if (recent?.buffer === buffer) return recent;
  if (older?.buffer === buffer) return older;
  let v = views.get(buffer);
  if (v === undefined) {
    v = new Views(buffer);
    views.set(buffer, v);
  }
  older = recent;
  recent = v;
  return v;
}

/** Indices are in elements of `datatype`; offsets are aligned to its size. */
function combineAligned(
  op: number,
  datatype: number,
  d: Views,
  di: number,
  a: Views,
  ai: number,
  b: Views,
  bi: number,
  n: number,
): void {
  switch (datatype) {
    case BYTE:
    case UINT8_T:
      lane8(op, 0, d.u8, di, a.u8, ai, b.u8, bi, n);
      return;
    case INT8_T:
      lane8(op, 0x80, d.u8, di, a.u8, ai, b.u8, bi, n);
      return;
    case UINT16_T:
      lane16(op, 0, d.u16, di, a.u16, ai, b.u16, bi, n);
      return;
    case INT16_T:
      lane16(op, 0x8000, d.u16, di, a.u16, ai, b.u16, bi, n);
      return;
    case INT32_T:
      lane32(op, 0, d.i32, di, a.i32, ai, b.i32, bi, n);
      return;
    case UINT32_T:
      lane32(op, SIGN32, d.i32, di, a.i32, ai, b.i32, bi, n);
      return;
    case INT64_T:
    case UINT64_T:
      if (op === PROD) {
        prod64(d.u64, di, a.u64, ai, b.u64, bi, n);
      } else if (op === BAND || op === BOR || op === BXOR) {
        lane32(op, 0, d.i32, 2 * di, a.i32, 2 * ai, b.i32, 2 * bi, 2 * n);
      } else {
        lane64(
          op,
          datatype === INT64_T ? 0 : SIGN32,
          d.i32,
          2 * di,
          a.i32,
          2 * ai,
          b.i32,
          2 * bi,
          n,
        );
      }
      return;
    case Datatype.FLOAT:
      laneF32(op, d.f32, di, a.f32, ai, b.f32, bi, n);
      return;
    case Datatype.DOUBLE:
      laneF64(op, d.f64, di, a.f64, ai, b.f64, bi, n);
      return;
  }
}

/**
 * Misaligned offsets (never produced by the collectives, whose buffers come from aligned
 * allocations) go through two aligned scratch buffers a chunk at a time: the same lanes then
 * compute the result, so there is no second implementation of the ops to keep in step.
 */
const STAGE_BYTES = 64 * 1024;
let stage: { readonly x: Views; readonly y: Views } | undefined;

function combineStaged(
  op: number,
  datatype: number,
  size: number,
  dst: Views,
  dstAt: number,
  a: Views,
  aAt: number,
  b: Views,
  bAt: number,
  count: number,
): void {
  stage ??= {
    x: new Views(new ArrayBuffer(STAGE_BYTES)),
    y: new Views(new ArrayBuffer(STAGE_BYTES)),
  };
  const { x, y } = stage;
  const d8 = dst.u8;
  const a8 = a.u8;
  const b8 = b.u8;
  const chunk = STAGE_BYTES / size;
  for (let done = 0; done < count; done += chunk) {
    const n = Math.min(chunk, count - done);
    const from = done * size;
    const bytes = n * size;
    // Both operands are read before any of the chunk is written: dst may alias a or b.
    x.u8.set(a8.subarray(aAt + from, aAt + from + bytes));
    y.u8.set(b8.subarray(bAt + from, bAt + from + bytes));
    combineAligned(op, datatype, x, 0, x, 0, y, 0, n);
    d8.set(x.u8.subarray(0, bytes), dstAt + from);
  }
}
