// Arguments for the imports: valid ones most of the time, and the boundary values a hostile
// kernel would pass (negative and huge counts, pointers past the memory's end, ranges whose
// end wraps past 4 GiB, codes that mean nothing).
import * as arena from "./arena";
import { anyI32, below, chance, wild } from "./random";

/** Element sizes by datatype code: the numbers, then the (value, index) pairs. */
const SIZES: StaticArray<i32> = [0, 1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 8, 16, 8, 8];
/** The datatype and op codes of the ABI run from 1 to these. */
export const DATATYPES: i32 = SIZES.length - 1;
export const OPS: i32 = 12;

/** Element size of a datatype code, or 0 for an invalid one. */
export function typeSize(datatype: i32): i32 {
  return datatype >= 1 && datatype <= DATATYPES ? unchecked(SIZES[datatype]) : 0;
}

export function pickType(): i32 {
  if (!wild || chance(80)) return 1 + <i32>below(DATATYPES);
  switch (below(6)) {
    case 0:
      return 0;
    case 1:
      return DATATYPES + 1;
    case 2:
      return -1;
    case 3:
      return i32.MIN_VALUE;
    case 4:
      return i32.MAX_VALUE;
    default:
      return anyI32();
  }
}

export function pickOp(): i32 {
  if (!wild || chance(80)) return 1 + <i32>below(OPS);
  switch (below(4)) {
    case 0:
      return 0;
    case 1:
      return OPS + 1;
    case 2:
      return -1;
    default:
      return anyI32();
  }
}

/** Large sends to itself (above this) wait for its own receive: the fuzzer avoids them. */
export let eagerLimit: i32 = 0;

export function setEagerLimit(bytes: i32): void {
  eagerLimit = bytes;
}

/** A count of elements of `size` bytes (size 0: an invalid datatype, any count). */
export function pickCount(size: i32): i32 {
  const unit = size > 0 ? size : 1;
  const roll = wild ? below(100) : below(77);
  if (roll < 25) return <i32>below(5);
  if (roll < 50) return <i32>below(64);
  if (roll < 62) return <i32>below(<u32>(eagerLimit / unit) + 2);
  if (roll < 72) return <i32>below(arena.targetable() / <u32>unit + 1);
  if (roll < 77) return eagerLimit / unit + 1 + <i32>below(64);
  switch (below(9)) {
    case 0:
      return -1;
    case 1:
      return i32.MIN_VALUE;
    case 2:
      return i32.MAX_VALUE;
    case 3:
      return 0x40000000;
    case 4:
      return 0x20000000;
    case 5:
      return 0x7fffffff / unit + 1;
    case 6:
      return <i32>(arena.end / <u32>unit);
    case 7:
      return -(<i32>below(1000));
    default:
      return anyI32();
  }
}

/** Bytes of `count` elements of `size`, or -1 if the host must refuse them. */
export function bytesOf(count: i32, size: i32): i64 {
  if (size == 0 || count < 0) return -1;
  const bytes = <i64>count * <i64>size;
  return bytes > 0x7fffffff ? -1 : bytes;
}

/** Whether [ptr, ptr + bytes) lies in the memory (bytes -1: refused anyway). */
export function rangeOk(ptr: u32, bytes: i64): bool {
  return bytes >= 0 && <i64>ptr + bytes <= <i64>arena.end;
}

/** A status pointer: 0 means "no status". */
export function statusOk(ptr: u32): bool {
  return ptr == 0 || rangeOk(ptr, 16);
}

/**
 * A pointer for a buffer of `bytes` bytes (-1: a refused size). In-memory pointers always
 * point into the arena: a pointer elsewhere would let a valid call write over the kernel's own
 * data. `readOnly` buffers may also be null.
 */
export function pickPtr(bytes: i64, readOnly: bool): u32 {
  const len: u32 = bytes > 0 && bytes <= <i64>arena.targetable() ? <u32>bytes : 0;
  const roll = wild ? below(100) : below(65);
  if (roll < 55) {
    const room = arena.targetable() - len;
    let at = arena.base + arena.MOAT + below(room + 1);
    if (chance(60)) at &= ~7;
    return at < arena.base + arena.MOAT ? at + 8 : at;
  }
  if (roll < 65) return arena.end - len;
  if (roll < 72) return arena.end - len + 1 + below(8);
  if (roll < 76) return arena.end + below(1 << 20);
  if (roll < 80) return readOnly || bytes == 0 ? 0 : arena.end;
  switch (below(6)) {
    case 0:
      return 0xffffffff;
    case 1:
      return 0xfffffff0 + below(16);
    case 2:
      return 0x80000000;
    case 3:
      return 0x7fffffff;
    case 4:
      return arena.end;
    default: {
      const any = <u32>anyI32();
      // Inside the memory but outside the arena: move it past the end instead.
      return any < arena.end ? arena.end + (any & 0xffff) : any;
    }
  }
}

/** A pointer to an i32 the host writes (a rank, a handle, a flag). */
export function pickOut(): u32 {
  return pickPtr(4, false);
}

/** A status pointer: none, a valid one, or a bad one. */
export function pickStatus(): u32 {
  return chance(30) ? 0 : pickPtr(16, false);
}

/** Whether [a, a + aBytes) and [b, b + bBytes) share a byte. */
export function overlaps(a: u32, aBytes: i64, b: u32, bBytes: i64): bool {
  return <i64>a < <i64>b + bBytes && <i64>b < <i64>a + aBytes;
}

/**
 * A status pointer that does not overlap `out`: the host writes the status after `out`, and
 * the fuzzer must read back what it wrote there (a flag, an index).
 */
export function pickStatusApart(out: u32): u32 {
  const status = pickStatus();
  return status != 0 && overlaps(status, 16, out, 4) ? 0 : status;
}
