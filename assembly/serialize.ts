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
// compare; only a mismatch pays for building names.
import { BLOCK_MAXSIZE } from "~lib/rt/common";
import { fail } from "./errors";

const NULLABLE: u8 = 0x80;
const BOOL: u8 = 0x01;
const I8: u8 = 0x02;
const U8: u8 = 0x03;
const I16: u8 = 0x04;
const U16: u8 = 0x05;
const I32: u8 = 0x06;
const U32: u8 = 0x07;
const I64: u8 = 0x08;
const U64: u8 = 0x09;
const ISIZE: u8 = 0x0a;
const USIZE: u8 = 0x0b;
const F32: u8 = 0x0c;
const F64: u8 = 0x0d;
const STRING: u8 = 0x10;
const ARRAY: u8 = 0x11;
const STATIC_ARRAY: u8 = 0x12;
const INT8_ARRAY: u8 = 0x20;
const UINT8_ARRAY: u8 = 0x21;
const UINT8_CLAMPED_ARRAY: u8 = 0x22;
const INT16_ARRAY: u8 = 0x23;
const UINT16_ARRAY: u8 = 0x24;
const INT32_ARRAY: u8 = 0x25;
const UINT32_ARRAY: u8 = 0x26;
const INT64_ARRAY: u8 = 0x27;
const UINT64_ARRAY: u8 = 0x28;
const FLOAT32_ARRAY: u8 = 0x29;
const FLOAT64_ARRAY: u8 = 0x2a;

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

// --- Descriptors: resolved at compile time --------------------------------------------------

/** The tag of T's outermost constructor; any unsupported T stops compilation here. */
function tagOf<T>(): u8 {
  if (isBoolean<T>()) return BOOL;
  if (isInteger<T>()) {
    // `instanceof` on a value type compares the exact type, which tells isize from i32.
    // @ts-ignore: AssemblyScript-only use of instanceof
    if (<T>0 instanceof isize) return ISIZE;
    // @ts-ignore: AssemblyScript-only use of instanceof
    if (<T>0 instanceof usize) return USIZE;
    if (sizeof<T>() == 1) return isSigned<T>() ? I8 : U8;
    if (sizeof<T>() == 2) return isSigned<T>() ? I16 : U16;
    if (sizeof<T>() == 4) return isSigned<T>() ? I32 : U32;
    return isSigned<T>() ? I64 : U64;
  }
  if (isFloat<T>()) return sizeof<T>() == 4 ? F32 : F64;
  if (isReference<T>()) {
    return referenceTag<nonnull<T>>() | (isNullable<T>() ? NULLABLE : 0);
  }
  ERROR(
    "wasmpi: object methods (send, recv, bcast...) take bool, integers, floats, string, Array, StaticArray, typed arrays and their nullable forms; this type is not one of them",
  );
  return 0;
}

function referenceTag<U>(): u8 {
  if (isString<U>()) return STRING;
  if (isArray<U>()) return ARRAY;
  const probe = changetype<U>(0);
  if (probe instanceof StaticArray) return STATIC_ARRAY;
  if (probe instanceof Int8Array) return INT8_ARRAY;
  if (probe instanceof Uint8Array) return UINT8_ARRAY;
  if (probe instanceof Uint8ClampedArray) return UINT8_CLAMPED_ARRAY;
  if (probe instanceof Int16Array) return INT16_ARRAY;
  if (probe instanceof Uint16Array) return UINT16_ARRAY;
  if (probe instanceof Int32Array) return INT32_ARRAY;
  if (probe instanceof Uint32Array) return UINT32_ARRAY;
  if (probe instanceof Int64Array) return INT64_ARRAY;
  if (probe instanceof Uint64Array) return UINT64_ARRAY;
  if (probe instanceof Float32Array) return FLOAT32_ARRAY;
  if (probe instanceof Float64Array) return FLOAT64_ARRAY;
  ERROR(
    "wasmpi: object methods (send, recv, bcast...) take bool, integers, floats, string, Array, StaticArray, typed arrays and their nullable forms; this class is not one of them",
  );
  return 0;
}

/** Questions about a type asked in `if` conditions. Being @inline, each folds to a constant
 *  and the compiler skips the branches that do not apply to T (as it does for isArray<T>()). */
// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript @inline and Biome decorators: methods only
class Shape {
  /** Whether U (non-null) is Array<E> or StaticArray<E>, whose descriptor continues with E's. */
  @inline static isContainer<U>(): bool {
    if (isReference<U>()) {
      if (isArray<U>()) return true;
      if (changetype<U>(0) instanceof StaticArray) return true;
    }
    return false;
  }

  /** Whether U (non-null) is a typed array, stored like an array of numbers. */
  @inline static isTypedArray<U>(): bool {
    if (isReference<U>()) {
      if (changetype<U>(0) instanceof ArrayBufferView) return true;
    }
    return false;
  }
}

function descriptorSize<T>(): i32 {
  // encode, decode and typeName all start here: an unsupported T gets the one clear ERROR of
  // tagOf before the payload functions, which skip any type they do not know, are compiled.
  tagOf<T>();
  if (Shape.isContainer<nonnull<T>>()) return 1 + descriptorSize<valueof<nonnull<T>>>();
  return 1;
}

function writeDescriptor<T>(at: usize): usize {
  store<u8>(at, tagOf<T>());
  if (Shape.isContainer<nonnull<T>>()) return writeDescriptor<valueof<nonnull<T>>>(at + 1);
  return at + 1;
}

/** Whether the descriptor at `at` (descriptorSize<T>() bytes, known readable) is T's. */
function matchDescriptor<T>(at: usize): bool {
  if (load<u8>(at) != tagOf<T>()) return false;
  if (Shape.isContainer<nonnull<T>>()) return matchDescriptor<valueof<nonnull<T>>>(at + 1);
  return true;
}

// --- Descriptors read at run time: only to name what arrived --------------------------------

/** The name of the descriptor at [at, end), or null if it is not a complete, known one. */
function describe(at: usize, end: usize): string | null {
  // The chain is containers down to one leaf: find the leaf, then wrap its name outwards.
  let leaf = at;
  while (leaf < end && isContainerTag(load<u8>(leaf))) leaf++;
  if (leaf >= end) return null;
  let name = leafName(load<u8>(leaf));
  if (name == null) return null;
  while (leaf > at) {
    const tag = load<u8>(--leaf);
    const outer = (tag & ~NULLABLE) == ARRAY ? "Array<" : "StaticArray<";
    name = outer + (name as string) + (tag & NULLABLE ? "> | null" : ">");
  }
  return name;
}

function isContainerTag(tag: u8): bool {
  const base = tag & ~NULLABLE;
  return base == ARRAY || base == STATIC_ARRAY;
}

function leafName(tag: u8): string | null {
  switch (tag) {
    case BOOL:
      return "bool";
    case I8:
      return "i8";
    case U8:
      return "u8";
    case I16:
      return "i16";
    case U16:
      return "u16";
    case I32:
      return "i32";
    case U32:
      return "u32";
    case I64:
      return "i64";
    case U64:
      return "u64";
    case ISIZE:
      return "isize";
    case USIZE:
      return "usize";
    case F32:
      return "f32";
    case F64:
      return "f64";
  }
  let name: string;
  switch (tag & ~NULLABLE) {
    case STRING:
      name = "string";
      break;
    case INT8_ARRAY:
      name = "Int8Array";
      break;
    case UINT8_ARRAY:
      name = "Uint8Array";
      break;
    case UINT8_CLAMPED_ARRAY:
      name = "Uint8ClampedArray";
      break;
    case INT16_ARRAY:
      name = "Int16Array";
      break;
    case UINT16_ARRAY:
      name = "Uint16Array";
      break;
    case INT32_ARRAY:
      name = "Int32Array";
      break;
    case UINT32_ARRAY:
      name = "Uint32Array";
      break;
    case INT64_ARRAY:
      name = "Int64Array";
      break;
    case UINT64_ARRAY:
      name = "Uint64Array";
      break;
    case FLOAT32_ARRAY:
      name = "Float32Array";
      break;
    case FLOAT64_ARRAY:
      name = "Float64Array";
      break;
    default:
      return null;
  }
  return tag & NULLABLE ? `${name} | null` : name;
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
