/**
 * Element-wise reductions for the collectives: `dst[i] = op(a[i], b[i])` over buffers that may
 * live in different ranks' memories. Runs in browsers too, so nothing here imports node:*.
 *
 * Why the code is shaped like this (see bench/reduce.ts for the figures):
 * - One kernel function per element kind ("lane"), each taking only its own typed-array class,
 *   so every load and store site stays monomorphic and V8 compiles each loop tightly. Op and
 *   signedness are chosen once per call, outside the loop.
 * - Wrapping sums, products, bit and logical ops give the same bits whatever the signedness,
 *   so the signed and unsigned types of one width share a lane; MIN/MAX compare both as
 *   signed after XOR-ing the sign bit of the unsigned type in (`flip`), which maps unsigned
 *   order onto signed order.
 * - 64-bit integers go as pairs of 32-bit halves (little-endian: low word first) with an
 *   explicit carry, not BigInt, except PROD, whose 64 × 64-bit product BigInt computes exactly.
 * - Views are cached per buffer: making one costs ~25 ns and an 8-byte reduction should cost
 *   about that in all.
 * - JS loops, although Wasm SIMD (f64x2.add) runs 3-8x faster once both operands are in one
 *   memory: a Wasm function sees one memory (until multi-memory is everywhere). Copying the
 *   other rank's operand into the destination's memory first still leaves 2-3.5x, but needs
 *   a scratch region in every rank's memory; copying both into a memory of the engine's own
 *   leaves ~1.5x on 80 MB and nothing on one element. bench/reduce.ts has the figures.
 */
import { DATATYPE_SIZES, Datatype, Op } from "../abi.js";
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

/** The sign bit of a 32-bit word, as an int32. */
const SIGN32 = 0x80000000 | 0;

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
  if (recent?.buffer === buffer) return recent;
  let v = older?.buffer === buffer ? older : views.get(buffer);
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

// The lanes. `flip` is XOR-ed into both operands before a MIN/MAX comparison: 0 where the
// lane's view already compares as the type does, the sign bit where it does not.

function lane8(
  op: number,
  flip: number,
  d: Uint8Array,
  di: number,
  a: Uint8Array,
  ai: number,
  b: Uint8Array,
  bi: number,
  n: number,
): void {
  switch (op) {
    case SUM:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) + (b[bi + i] as number);
      return;
    case PROD:
      for (let i = 0; i < n; i++) d[di + i] = Math.imul(a[ai + i] as number, b[bi + i] as number);
      return;
    case MIN:
      for (let i = 0; i < n; i++) {
        const x = a[ai + i] as number;
        const y = b[bi + i] as number;
        d[di + i] = (x ^ flip) <= (y ^ flip) ? x : y;
      }
      return;
    case MAX:
      for (let i = 0; i < n; i++) {
        const x = a[ai + i] as number;
        const y = b[bi + i] as number;
        d[di + i] = (x ^ flip) >= (y ^ flip) ? x : y;
      }
      return;
    case LAND:
      for (let i = 0; i < n; i++) d[di + i] = a[ai + i] !== 0 && b[bi + i] !== 0 ? 1 : 0;
      return;
    case LOR:
      for (let i = 0; i < n; i++)
        d[di + i] = ((a[ai + i] as number) | (b[bi + i] as number)) !== 0 ? 1 : 0;
      return;
    case LXOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] !== 0) !== (b[bi + i] !== 0) ? 1 : 0;
      return;
    case BAND:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) & (b[bi + i] as number);
      return;
    case BOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) | (b[bi + i] as number);
      return;
    case BXOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) ^ (b[bi + i] as number);
      return;
  }
}

function lane16(
  op: number,
  flip: number,
  d: Uint16Array,
  di: number,
  a: Uint16Array,
  ai: number,
  b: Uint16Array,
  bi: number,
  n: number,
): void {
  switch (op) {
    case SUM:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) + (b[bi + i] as number);
      return;
    case PROD:
      for (let i = 0; i < n; i++) d[di + i] = Math.imul(a[ai + i] as number, b[bi + i] as number);
      return;
    case MIN:
      for (let i = 0; i < n; i++) {
        const x = a[ai + i] as number;
        const y = b[bi + i] as number;
        d[di + i] = (x ^ flip) <= (y ^ flip) ? x : y;
      }
      return;
    case MAX:
      for (let i = 0; i < n; i++) {
        const x = a[ai + i] as number;
        const y = b[bi + i] as number;
        d[di + i] = (x ^ flip) >= (y ^ flip) ? x : y;
      }
      return;
    case LAND:
      for (let i = 0; i < n; i++) d[di + i] = a[ai + i] !== 0 && b[bi + i] !== 0 ? 1 : 0;
      return;
    case LOR:
      for (let i = 0; i < n; i++)
        d[di + i] = ((a[ai + i] as number) | (b[bi + i] as number)) !== 0 ? 1 : 0;
      return;
    case LXOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] !== 0) !== (b[bi + i] !== 0) ? 1 : 0;
      return;
    case BAND:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) & (b[bi + i] as number);
      return;
    case BOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) | (b[bi + i] as number);
      return;
    case BXOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) ^ (b[bi + i] as number);
      return;
  }
}

function lane32(
  op: number,
  flip: number,
  d: Int32Array,
  di: number,
  a: Int32Array,
  ai: number,
  b: Int32Array,
  bi: number,
  n: number,
): void {
  switch (op) {
    case SUM:
      for (let i = 0; i < n; i++) d[di + i] = ((a[ai + i] as number) + (b[bi + i] as number)) | 0;
      return;
    case PROD:
      for (let i = 0; i < n; i++) d[di + i] = Math.imul(a[ai + i] as number, b[bi + i] as number);
      return;
    case MIN:
      for (let i = 0; i < n; i++) {
        const x = a[ai + i] as number;
        const y = b[bi + i] as number;
        d[di + i] = (x ^ flip) <= (y ^ flip) ? x : y;
      }
      return;
    case MAX:
      for (let i = 0; i < n; i++) {
        const x = a[ai + i] as number;
        const y = b[bi + i] as number;
        d[di + i] = (x ^ flip) >= (y ^ flip) ? x : y;
      }
      return;
    case LAND:
      for (let i = 0; i < n; i++) d[di + i] = a[ai + i] !== 0 && b[bi + i] !== 0 ? 1 : 0;
      return;
    case LOR:
      for (let i = 0; i < n; i++)
        d[di + i] = ((a[ai + i] as number) | (b[bi + i] as number)) !== 0 ? 1 : 0;
      return;
    case LXOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] !== 0) !== (b[bi + i] !== 0) ? 1 : 0;
      return;
    case BAND:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) & (b[bi + i] as number);
      return;
    case BOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) | (b[bi + i] as number);
      return;
    case BXOR:
      for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as number) ^ (b[bi + i] as number);
      return;
  }
}

/**
 * 64-bit SUM, MIN, MAX and the logical ops on (low, high) int32 pairs; indices are in words
 * and `n` in elements. `flip` applies to the high words; low words always compare unsigned.
 * Both operands are read before the result is written, so `d` may alias `a` or `b`.
 */
function lane64(
  op: number,
  flip: number,
  d: Int32Array,
  di: number,
  a: Int32Array,
  ai: number,
  b: Int32Array,
  bi: number,
  n: number,
): void {
  const end = 2 * n;
  switch (op) {
    case SUM:
      for (let i = 0; i < end; i += 2) {
        const xl = a[ai + i] as number;
        const yl = b[bi + i] as number;
        const low = (xl + yl) | 0;
        const carry = (low ^ SIGN32) < (xl ^ SIGN32) ? 1 : 0;
        d[di + i + 1] = ((a[ai + i + 1] as number) + (b[bi + i + 1] as number) + carry) | 0;
        d[di + i] = low;
      }
      return;
    case MIN:
    case MAX: {
      const max = op === MAX;
      for (let i = 0; i < end; i += 2) {
        const xl = a[ai + i] as number;
        const xh = a[ai + i + 1] as number;
        const yl = b[bi + i] as number;
        const yh = b[bi + i + 1] as number;
        const xBelow = (xh ^ flip) < (yh ^ flip) || (xh === yh && (xl ^ SIGN32) < (yl ^ SIGN32));
        const takeX = xBelow !== max;
        d[di + i] = takeX ? xl : yl;
        d[di + i + 1] = takeX ? xh : yh;
      }
      return;
    }
    case LAND:
    case LOR:
    case LXOR:
      for (let i = 0; i < end; i += 2) {
        const x = ((a[ai + i] as number) | (a[ai + i + 1] as number)) !== 0;
        const y = ((b[bi + i] as number) | (b[bi + i + 1] as number)) !== 0;
        d[di + i] = (op === LAND ? x && y : op === LOR ? x || y : x !== y) ? 1 : 0;
        d[di + i + 1] = 0;
      }
      return;
  }
}

/** 64-bit PROD: the low 64 bits of the product are the same signed or unsigned. */
function prod64(
  d: BigUint64Array,
  di: number,
  a: BigUint64Array,
  ai: number,
  b: BigUint64Array,
  bi: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) d[di + i] = (a[ai + i] as bigint) * (b[bi + i] as bigint);
}

// Float results are rounded once, by the store: a float sum or product computed in double
// and rounded to float equals the float operation. MIN/MAX: NaN if either operand is NaN
// (Math.min/max), and -0 below +0. The float lanes, which carry the large Allreduces, go
// four elements a turn: 1.5-1.8x the speed of one at a time on 80 MB (bench/reduce.ts).

function laneF32(
  op: number,
  d: Float32Array,
  di: number,
  a: Float32Array,
  ai: number,
  b: Float32Array,
  bi: number,
  n: number,
): void {
  const whole = n - (n & 3);
  let i = 0;
  switch (op) {
    case SUM:
      for (; i < whole; i += 4) {
        d[di + i] = (a[ai + i] as number) + (b[bi + i] as number);
        d[di + i + 1] = (a[ai + i + 1] as number) + (b[bi + i + 1] as number);
        d[di + i + 2] = (a[ai + i + 2] as number) + (b[bi + i + 2] as number);
        d[di + i + 3] = (a[ai + i + 3] as number) + (b[bi + i + 3] as number);
      }
      for (; i < n; i++) d[di + i] = (a[ai + i] as number) + (b[bi + i] as number);
      return;
    case PROD:
      for (; i < whole; i += 4) {
        d[di + i] = (a[ai + i] as number) * (b[bi + i] as number);
        d[di + i + 1] = (a[ai + i + 1] as number) * (b[bi + i + 1] as number);
        d[di + i + 2] = (a[ai + i + 2] as number) * (b[bi + i + 2] as number);
        d[di + i + 3] = (a[ai + i + 3] as number) * (b[bi + i + 3] as number);
      }
      for (; i < n; i++) d[di + i] = (a[ai + i] as number) * (b[bi + i] as number);
      return;
    case MIN:
      for (; i < whole; i += 4) {
        d[di + i] = Math.min(a[ai + i] as number, b[bi + i] as number);
        d[di + i + 1] = Math.min(a[ai + i + 1] as number, b[bi + i + 1] as number);
        d[di + i + 2] = Math.min(a[ai + i + 2] as number, b[bi + i + 2] as number);
        d[di + i + 3] = Math.min(a[ai + i + 3] as number, b[bi + i + 3] as number);
      }
      for (; i < n; i++) d[di + i] = Math.min(a[ai + i] as number, b[bi + i] as number);
      return;
    case MAX:
      for (; i < whole; i += 4) {
        d[di + i] = Math.max(a[ai + i] as number, b[bi + i] as number);
        d[di + i + 1] = Math.max(a[ai + i + 1] as number, b[bi + i + 1] as number);
        d[di + i + 2] = Math.max(a[ai + i + 2] as number, b[bi + i + 2] as number);
        d[di + i + 3] = Math.max(a[ai + i + 3] as number, b[bi + i + 3] as number);
      }
      for (; i < n; i++) d[di + i] = Math.max(a[ai + i] as number, b[bi + i] as number);
      return;
  }
}

function laneF64(
  op: number,
  d: Float64Array,
  di: number,
  a: Float64Array,
  ai: number,
  b: Float64Array,
  bi: number,
  n: number,
): void {
  const whole = n - (n & 3);
  let i = 0;
  switch (op) {
    case SUM:
      for (; i < whole; i += 4) {
        d[di + i] = (a[ai + i] as number) + (b[bi + i] as number);
        d[di + i + 1] = (a[ai + i + 1] as number) + (b[bi + i + 1] as number);
        d[di + i + 2] = (a[ai + i + 2] as number) + (b[bi + i + 2] as number);
        d[di + i + 3] = (a[ai + i + 3] as number) + (b[bi + i + 3] as number);
      }
      for (; i < n; i++) d[di + i] = (a[ai + i] as number) + (b[bi + i] as number);
      return;
    case PROD:
      for (; i < whole; i += 4) {
        d[di + i] = (a[ai + i] as number) * (b[bi + i] as number);
        d[di + i + 1] = (a[ai + i + 1] as number) * (b[bi + i + 1] as number);
        d[di + i + 2] = (a[ai + i + 2] as number) * (b[bi + i + 2] as number);
        d[di + i + 3] = (a[ai + i + 3] as number) * (b[bi + i + 3] as number);
      }
      for (; i < n; i++) d[di + i] = (a[ai + i] as number) * (b[bi + i] as number);
      return;
    case MIN:
      for (; i < whole; i += 4) {
        d[di + i] = Math.min(a[ai + i] as number, b[bi + i] as number);
        d[di + i + 1] = Math.min(a[ai + i + 1] as number, b[bi + i + 1] as number);
        d[di + i + 2] = Math.min(a[ai + i + 2] as number, b[bi + i + 2] as number);
        d[di + i + 3] = Math.min(a[ai + i + 3] as number, b[bi + i + 3] as number);
      }
      for (; i < n; i++) d[di + i] = Math.min(a[ai + i] as number, b[bi + i] as number);
      return;
    case MAX:
      for (; i < whole; i += 4) {
        d[di + i] = Math.max(a[ai + i] as number, b[bi + i] as number);
        d[di + i + 1] = Math.max(a[ai + i + 1] as number, b[bi + i + 1] as number);
        d[di + i + 2] = Math.max(a[ai + i + 2] as number, b[bi + i + 2] as number);
        d[di + i + 3] = Math.max(a[ai + i + 3] as number, b[bi + i + 3] as number);
      }
      for (; i < n; i++) d[di + i] = Math.max(a[ai + i] as number, b[bi + i] as number);
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
