// Serialization for the object (lowercase) methods, wasmpi's counterpart of mpi4py's pickle.
// A value of a statically known type T becomes bytes that carry T's descriptor, so that a
// receiver asking for another type can name both types instead of misreading the payload.
//
// Wire format (integers little-endian, nothing aligned):
//   message    = descriptor payload
//   descriptor = one tag byte per type constructor, outermost first, ending at a scalar, string
//                or typed-array tag; bit 0x80 marks a nullable reference. f64 is [0x0D],
//                Array<string | null> | null is [0x91, 0x90]. Being prefix-free it needs no
//                length; both names of a mismatch report are read back from it (`describe`), so
//                sender and receiver name types the same way.
//   payload    = bool: 1 byte (0 or 1); integers and floats: sizeof<T>() bytes;
//                nullable: 1 byte (0 null, 1 present), then the value's payload;
//                string: u32 length in UTF-16 code units, then the code units;
//                Array, StaticArray, typed array: u32 element count, then the elements' bytes
//                in one copy for numbers, or each element's payload for references.
// Every tag is a compile-time constant, so checking the descriptor of an f64 is a one-byte
// compare; only a mismatch pays for building names. The descriptors are built, matched and
// named in type-descriptors.ts; this file writes and reads the payloads.
import { BLOCK_MAXSIZE } from "~lib/rt/common";
import { fail } from "./errors";
import {
  describe,
  descriptorSize,
  matchDescriptor,
  Shape,
  writeDescriptor,
} from "./type-descriptors";

/** Serializes `value` with its type descriptor. */
export function encode<T>(value: T): ArrayBuffer {
  const size = <u64>descriptorSize<T>() + payloadSize<T>(value);
  if (size > <u64>BLOCK_MAXSIZE) {
    fail("serialize", `${typeName<T>()} value too large (${size} bytes)`);
  }
  const buffer = new ArrayBuffer(<i32>size);
  writePayload<T>(value, writeDescriptor<T>(changetype<usize>(buffer)));
  return buffer;
}

/** Deserializes bytes [ptr, ptr+len) produced by encode<U>; if U is not T, ends the job via
 *  fail(call, "type mismatch: expected <T's name>, received <U's name>"). Also fails cleanly
 *  (same fail(), reason "malformed object message ...") on truncated or corrupt input: never
 *  trap, never read outside [ptr, ptr+len). */
export function decode<T>(call: string, ptr: usize, len: i32): T {
  // Reports are built in separate functions: kept out of here, they cost the fast path nothing.
  readCall = call;
  readAt = ptr;
  readEnd = ptr + <usize>max(len, 0);
  if (len < 0) malformedValue("negative length", len);
  if (len < descriptorSize<T>() || !matchDescriptor<T>(ptr)) mismatch<T>(call, ptr, len);
  readAt = ptr + <usize>descriptorSize<T>();
  const value = readPayload<T>();
  if (readAt != readEnd) trailingBytes<T>();
  return value;
}

/** A readable name of T as a user writes it: "f64", "string | null", "Array<Array<i32>>"... */
export function typeName<T>(): string {
  const descriptor = new ArrayBuffer(descriptorSize<T>());
  const start = changetype<usize>(descriptor);
  writeDescriptor<T>(start);
  return describe(start, start + <usize>descriptor.byteLength) as string;
}

function mismatch<T>(call: string, ptr: usize, len: i32): void {
  const received = describe(ptr, ptr + <usize>len);
  if (received == null) malformed(len == 0 ? "empty" : "bad type descriptor");
  fail(call, `type mismatch: expected ${typeName<T>()}, received ${received as string}`);
}

// --- Payloads ----------------------------------------------------------------------------

// Reading state of the one decode in progress (decode calls no user code, so none nests).
let readCall = "";
let readAt: usize = 0;
let readEnd: usize = 0;

/** Ends the job: the input is truncated or corrupt. */
function malformed(what: string): void {
  fail(readCall, `malformed object message (${what})`);
}

function malformedValue(what: string, value: i32): void {
  malformed(`${what} ${value}`);
}

function trailingBytes<T>(): void {
  malformed(`${readEnd - readAt} bytes left after a complete ${typeName<T>()}`);
}

/** Ends the job unless `bytes` more bytes are left to read. */
function need(bytes: u64): void {
  if (bytes > <u64>(readEnd - readAt)) malformed("truncated");
}

/** Reads an element count, checked against the bytes left: each element takes `minBytes`. */
function readCount(minBytes: u64): i32 {
  need(4);
  const count = load<u32>(readAt, 0, 1);
  readAt += 4;
  need(<u64>count * minBytes);
  return <i32>count;
}

/** The fewest payload bytes a value of T takes, to reject a count before allocating. */
function minPayloadSize<T>(): u64 {
  if (isNullable<T>()) return 1;
  if (isReference<T>()) return 4;
  return sizeof<T>();
}

function payloadSize<T>(value: T): u64 {
  if (isNullable<T>()) {
    if (changetype<usize>(value) == 0) return 1;
    return 1 + payloadSize<nonnull<T>>(changetype<nonnull<T>>(value));
  }
  if (!isReference<T>()) return sizeof<T>();
  if (isString<T>()) return 4 + ((<u64>changetype<string>(value).length) << 1);
  if (Shape.isTypedArray<T>()) return 4 + <u64>changetype<ArrayBufferView>(value).byteLength;
  if (!Shape.isContainer<T>()) return 0;
  // @ts-ignore: Array and StaticArray both have length
  const count = value.length;
  if (!isReference<valueof<T>>()) return 4 + <u64>count * sizeof<valueof<T>>();
  let size: u64 = 4;
  for (let i = 0; i < count; i++) {
    // @ts-ignore: Array and StaticArray both index
    const element: valueof<T> = unchecked(value[i]);
    if (!isNullable<valueof<T>>() && changetype<usize>(element) == 0) nullElement<T>();
    size += payloadSize<valueof<T>>(element);
  }
  return size;
}

/** Ends the job: a holey Array<string> (from `new Array<string>(n)`) has no null on the wire. */
function nullElement<T>(): void {
  fail("serialize", `${typeName<T>()} holds a null element; declare its elements nullable`);
}

function writePayload<T>(value: T, at: usize): usize {
  if (isNullable<T>()) {
    const present = changetype<usize>(value) != 0;
    store<u8>(at, present);
    if (!present) return at + 1;
    return writePayload<nonnull<T>>(changetype<nonnull<T>>(value), at + 1);
  }
  if (!isReference<T>()) {
    store<T>(at, value, 0, 1);
    return at + sizeof<T>();
  }
  if (isString<T>()) {
    const text = changetype<string>(value);
    const bytes = (<usize>text.length) << 1;
    store<u32>(at, <u32>text.length, 0, 1);
    memory.copy(at + 4, changetype<usize>(text), bytes);
    return at + 4 + bytes;
  }
  if (Shape.isTypedArray<T>()) {
    const view = changetype<ArrayBufferView>(value);
    const bytes = <usize>view.byteLength;
    // @ts-ignore: typed arrays have length
    store<u32>(at, <u32>value.length, 0, 1);
    memory.copy(at + 4, view.dataStart, bytes);
    return at + 4 + bytes;
  }
  if (!Shape.isContainer<T>()) return at;
  // @ts-ignore: Array and StaticArray both have length
  const count = value.length;
  store<u32>(at, <u32>count, 0, 1);
  at += 4;
  if (!isReference<valueof<T>>()) {
    const bytes = <usize>count * sizeof<valueof<T>>();
    memory.copy(at, elementsOf<T>(value), bytes);
    return at + bytes;
  }
  for (let i = 0; i < count; i++) {
    // @ts-ignore: Array and StaticArray both index
    at = writePayload<valueof<T>>(unchecked(value[i]), at);
  }
  return at;
}

/** Where the elements of an Array or StaticArray start. */
function elementsOf<T>(value: T): usize {
  if (isArray<T>()) return changetype<Array<valueof<T>>>(value).dataStart;
  return changetype<usize>(value);
}

function readPayload<T>(): T {
  if (isNullable<T>()) {
    need(1);
    const flag = load<u8>(readAt++);
    if (flag == 0) return changetype<T>(0);
    if (flag != 1) malformedValue("null flag", flag);
    return readPayload<nonnull<T>>();
  }
  if (isBoolean<T>()) {
    need(1);
    const byte = load<u8>(readAt++);
    if (byte > 1) malformedValue("bool byte", byte);
    return <T>(byte != 0);
  }
  if (!isReference<T>()) {
    need(sizeof<T>());
    const number = load<T>(readAt, 0, 1);
    readAt += sizeof<T>();
    return number;
  }
  if (isString<T>()) {
    const count = readCount(2);
    const text = String.UTF16.decodeUnsafe(readAt, (<usize>count) << 1);
    readAt += (<usize>count) << 1;
    return changetype<T>(text);
  }
  if (!Shape.isContainer<T>() && !Shape.isTypedArray<T>()) return changetype<T>(0);
  const count = readCount(minPayloadSize<valueof<T>>());
  const result = instantiate<T>(count);
  if (isReference<valueof<T>>()) {
    for (let i = 0; i < count; i++) {
      // @ts-ignore: Array and StaticArray both index
      result[i] = readPayload<valueof<T>>();
    }
    return result;
  }
  const bytes = <usize>count * sizeof<valueof<T>>();
  const start = Shape.isTypedArray<T>()
    ? changetype<ArrayBufferView>(result).dataStart
    : elementsOf<T>(result);
  memory.copy(start, readAt, bytes);
  if (isBoolean<valueof<T>>()) {
    // A byte other than 0 or 1 would be a bool that is neither true nor false.
    for (let i: usize = 0; i < bytes; i++) {
      if (load<u8>(readAt + i) > 1) malformedValue("bool byte", load<u8>(readAt + i));
    }
  }
  readAt += bytes;
  return result;
}
