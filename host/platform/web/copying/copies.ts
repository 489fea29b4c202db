import { ErrorCode } from "../../../abi.js";
import { MpiError } from "../../../engine/errors.js";
import type { LinearMemory } from "../../../engine/memory.js";

/**
 * Bytes [ptr, ptr + bytes) of a rank's memory, copied into a buffer of their own that can be
 * moved to another worker (a view of shared memory cannot be sent without cross-origin
 * isolation; the copy is the price of the fallback).
 */
export function copyOut(memory: LinearMemory, ptr: number, bytes: number): ArrayBuffer {
  if (!memory.contains(ptr, bytes)) throw outside(ptr, bytes, memory);
  return memory.u8.slice(ptr, ptr + bytes).buffer;
}

/** Writes `data` into a rank's memory at `ptr`. */
export function copyIn(memory: LinearMemory, ptr: number, data: ArrayBuffer | Uint8Array): void {
  const bytes = data.byteLength;
  if (bytes === 0) return;
  if (!memory.contains(ptr, bytes)) throw outside(ptr, bytes, memory);
  memory.u8.set(data instanceof Uint8Array ? data : new Uint8Array(data), ptr);
}

/** Copies within a rank's memory (ranges may overlap). */
export function copyWithin(memory: LinearMemory, from: number, to: number, bytes: number): void {
  if (bytes === 0 || from === to) return;
  if (!memory.contains(from, bytes) || !memory.contains(to, bytes)) {
    throw outside(Math.max(from, to), bytes, memory);
  }
  memory.u8.copyWithin(to, from, from + bytes);
}

/** An address the imports' checks let through but the transport cannot use (a bug). */
function outside(ptr: number, bytes: number, memory: LinearMemory): MpiError {
  return new MpiError(
    ErrorCode.ERR_INTERN,
    `[${ptr}, ${ptr + bytes}) lies outside the rank's memory (${memory.byteLength} bytes)`,
  );
}
