// What the buffer (Uppercase) methods pass the host for a buffer argument: its address, element
// count and datatype code, resolved at compile time from its type, and the length rules they
// check first so that the host never reads or writes past a user's buffer.
import { fail } from "./errors";

/** Sends nothing of its own: the data is already in the receive buffer (MPI_IN_PLACE). */
export const IN_PLACE: usize = <usize>-1;

/** Address of a buffer's first element. */
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

/** The datatype code of a buffer's elements, known at compile time. */
export function datatypeOf<B>(): i32 {
  if (isFloat<valueof<nonnull<B>>>()) {
    return sizeof<valueof<nonnull<B>>>() == 4 ? 10 : 11;
  } else if (isInteger<valueof<nonnull<B>>>()) {
    const size = sizeof<valueof<nonnull<B>>>();
    const base = size == 1 ? 2 : size == 2 ? 4 : size == 4 ? 6 : 8;
    return isSigned<valueof<nonnull<B>>>() ? base : base + 1;
  } else {
    ERROR("wasmpi buffers hold numbers");
    return 0;
  }
}

/** Address of a buffer that may be absent: 0 for null. B may itself be a nullable type, as
 *  inferred from `comm.Scatter(big_array, local_array)` with `big_array: Float64Array | null`. */
export function addressOf<B>(buf: B): usize {
  if (changetype<usize>(buf) == 0) return 0;
  return dataOf<nonnull<B>>(changetype<nonnull<B>>(buf));
}

/** Elements of a buffer that may be absent: 0 for null. */
export function lengthOf<B>(buf: B): i32 {
  if (changetype<usize>(buf) == 0) return 0;
  return changetype<nonnull<B>>(buf).length;
}

/** Whether two buffers are the same elements: MPI_IN_PLACE when passed as send and receive. */
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
export function expectAtRoot<B>(call: string, what: string, buf: B): void {
  if (changetype<usize>(buf) == 0) fail(call, `the root's ${what} buffer is null`);
}

/** The send argument of a reduction: IN_PLACE when sendbuf is recvbuf, else sendbuf, which must
 *  be as long as recvbuf. */
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
