// What a buffer method reads and checks of its buffers: address, length, MPI_IN_PLACE. Every
// helper here is inlined into the method and reads the buffer's fields itself, because a
// buffer passed to a call (a `length` getter's too) is a managed value that the caller first
// saves on the shadow stack: loads and stores through the stack pointer, ~6 ns a call.
// Allreduce's buffer helpers took ~50 ns a call that way, ~8 inlined; an Allreduce of 8 B on
// one rank went from 0.20 to 0.14 µs.
//
// Function decorators are AssemblyScript's own syntax, which the formatter cannot parse: like
// bindings.ts, this file is left out of its checks.
import { OBJECT, TOTAL_OVERHEAD } from "rt/common";
import { fail } from "./errors";

/** Sends nothing of its own: the data is already in the receive buffer (MPI_IN_PLACE). */
export const IN_PLACE: usize = <usize>-1;

/** Address of a buffer's first element. */
// @ts-ignore: decorator
@inline
export function dataOf<B>(buf: B): usize {
  if (buf instanceof ArrayBufferView) {
    return buf.dataStart;
  } else if (buf instanceof StaticArray) {
    return changetype<usize>(buf);
  } else {
    ERROR("wasmpi buffers are typed arrays or StaticArray of numbers");
    return 0;
  }
}

/** Address of a buffer that may be absent: 0 for null. B may itself be a nullable type, as
 *  inferred from `comm.Scatter(big_array, local_array)` with `big_array: Float64Array | null`. */
// @ts-ignore: decorator
@inline
export function addressOf<B>(buf: B): usize {
  if (changetype<usize>(buf) == 0) return 0;
  return dataOf<nonnull<B>>(changetype<nonnull<B>>(buf));
}

/** Elements of a buffer that may be absent: 0 for null. */
// @ts-ignore: decorator
@inline
export function lengthOf<B>(buf: B): i32 {
  const at = changetype<usize>(buf);
  if (at == 0) return 0;
  // What the `length` getters compute, without calling them.
  const shift = alignof<valueof<nonnull<B>>>();
  const b = changetype<nonnull<B>>(buf);
  if (b instanceof ArrayBufferView) return b.byteLength >>> shift;
  return <i32>(changetype<OBJECT>(at - TOTAL_OVERHEAD).rtSize >>> shift);
}

/** Whether two buffers are the same elements: MPI_IN_PLACE when passed as send and receive. */
// @ts-ignore: decorator
@inline
export function sameBuffer<B>(a: B, b: B): bool {
  return addressOf<B>(a) == addressOf<B>(b) && lengthOf<B>(a) == lengthOf<B>(b);
}

/** Ends the job unless a buffer holds `expected` elements. */
export function expectLength(
  call: string,
  what: string,
  length: i32,
  expected: i64,
  rule: string,
): void {
  if (<i64>length != expected) {
    fail(call, `${what} holds ${length} elements, ${rule} is ${expected}`);
  }
}

/** Ends the job if the buffer the root must provide is null. */
// @ts-ignore: decorator
@inline
export function expectAtRoot<B>(call: string, what: string, buf: B): void {
  if (changetype<usize>(buf) == 0) fail(call, `the root's ${what} buffer is null`);
}

/** The send argument of a reduction: IN_PLACE when sendbuf is recvbuf, else sendbuf, which must
 *  be as long as recvbuf. */
// @ts-ignore: decorator
@inline
export function operandOf<B>(call: string, sendbuf: B, recvbuf: B): usize {
  if (sameBuffer<B>(sendbuf, recvbuf)) return IN_PLACE;
  const length = lengthOf<B>(sendbuf);
  expectLength(
    call,
    "the receive buffer",
    lengthOf<B>(recvbuf),
    length,
    "the send buffer's length",
  );
  return addressOf<B>(sendbuf);
}
