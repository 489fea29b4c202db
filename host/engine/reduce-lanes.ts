/**
 * The loops of the element-wise reductions (reduce.ts), one per element kind ("lane"): each
 * computes `d[di + i] = op(a[ai + i], b[bi + i])` for i < n over views of one typed-array
 * class, with indices in that view's elements. Runs in browsers too, so nothing here imports
 * node:*.
 *
 * Why the loops are shaped like this (see bench/reduce.ts for the figures):
 * - One kernel function per element kind, each taking only its own typed-array class, so
 *   every load and store site stays monomorphic and V8 compiles each loop tightly. Op and
 *   signedness are chosen once per call, outside the loop.
 * - Wrapping sums, products, bit and logical ops give the same bits whatever the signedness,
 *   so the signed and unsigned types of one width share a lane; MIN/MAX compare both as
 *   signed after XOR-ing the sign bit of the unsigned type in (`flip`), which maps unsigned
 *   order onto signed order.
 * - 64-bit integers go as pairs of 32-bit halves (little-endian: low word first) with an
 *   explicit carry, not BigInt, except PROD, whose 64 × 64-bit product BigInt computes exactly.
 * - JS loops, although Wasm SIMD (f64x2.add) runs 3-8x faster once both operands are in one
 *   memory: a Wasm function sees one memory (until multi-memory is everywhere). Copying the
 *   other rank's operand into the destination's memory first still leaves 2-3.5x, but needs
 *   a scratch region in every rank's memory; copying both into a memory of the engine's own
 *   leaves ~1.5x on 80 MB and nothing on one element. bench/reduce.ts has the figures.
 */
import { Op } from "../abi.js";

const { SUM, PROD, MIN, MAX, LAND, LOR, LXOR, BAND, BOR, BXOR } = Op;

/** The sign bit of a 32-bit word, as an int32. */
export const SIGN32 = 0x80000000 | 0;

// The lanes. `flip` is XOR-ed into both operands before a MIN/MAX comparison: 0 where the
// lane's view already compares as the type does, the sign bit where it does not.

export function lane8(
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

export function lane16(
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

export function lane32(
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
export function lane64(
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
export function prod64(
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

export function laneF32(
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

export function laneF64(
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
