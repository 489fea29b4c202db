// Buffer arguments as the host takes them: a buffer's address, element count and datatype code,
// resolved at compile time from its type; and the checks of lengths and v-collective block
// layouts that the buffer (Uppercase) methods make first, so that the host never reads or
// writes past a user's buffer. The reads of a buffer's fields are in buffer-fields.ts.
import { fail } from "./errors";

export {
  addressOf,
  dataOf,
  expectAtRoot,
  expectLength,
  IN_PLACE,
  lengthOf,
  operandOf,
  sameBuffer,
} from "./buffer-fields";

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
