// Buffer arguments as the host takes them: a buffer's address, element count and datatype code,
// resolved at compile time from its type; and the checks of lengths and v-collective block
// layouts that the buffer (Uppercase) methods make first, so that the host never reads or
// writes past a user's buffer.
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

/**
 * The offsets of a v-collective's blocks, one per rank: `displs`, or the blocks packed in rank
 * order when it is null. Ends the job unless every block lies inside the `length` elements of
 * the buffer, so that the host never reads or writes past the user's buffer.
 */
export function blockOffsets(
  call: string,
  what: string,
  counts: Int32Array | null,
  displs: Int32Array | null,
  size: i32,
  length: i32,
): Int32Array {
  if (counts == null) {
    fail(call, `the ${what} counts are null`);
    return new Int32Array(0);
  }
  if (counts.length != size) {
    fail(call, `${counts.length} ${what} counts for ${size} ranks`);
  }
  if (displs != null && displs.length != size) {
    fail(call, `${displs.length} ${what} displacements for ${size} ranks`);
  }
  const offsets = displs != null ? displs : new Int32Array(size);
  let packed: i64 = 0;
  for (let i = 0; i < size; i++) {
    const count = counts[i];
    if (count < 0) fail(call, `negative ${what} count ${count} for rank ${i}`);
    if (displs == null) offsets[i] = <i32>min(packed, <i64>i32.MAX_VALUE);
    const start = <i64>offsets[i];
    if (start < 0 || start + count > length) {
      fail(
        call,
        `block ${i} [${start}, ${start + count}) lies outside the ${what} buffer (${length} elements)`,
      );
    }
    packed += count;
  }
  return offsets;
}
