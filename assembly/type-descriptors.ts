// Type descriptors of the object serializer (serialize.ts gives the wire format): the tag table,
// T's descriptor written and matched at compile time, and `describe`, which names a descriptor
// read at run time, so that the serializer's reports name sender's and receiver's types alike.

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
export class Shape {
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

export function descriptorSize<T>(): i32 {
  // encode, decode and typeName all start here: an unsupported T gets the one clear ERROR of
  // tagOf before the payload functions, which skip any type they do not know, are compiled.
  tagOf<T>();
  if (Shape.isContainer<nonnull<T>>()) return 1 + descriptorSize<valueof<nonnull<T>>>();
  return 1;
}

export function writeDescriptor<T>(at: usize): usize {
  store<u8>(at, tagOf<T>());
  if (Shape.isContainer<nonnull<T>>()) return writeDescriptor<valueof<nonnull<T>>>(at + 1);
  return at + 1;
}

/** Whether the descriptor at `at` (descriptorSize<T>() bytes, known readable) is T's. */
export function matchDescriptor<T>(at: usize): bool {
  if (load<u8>(at) != tagOf<T>()) return false;
  if (Shape.isContainer<nonnull<T>>()) return matchDescriptor<valueof<nonnull<T>>>(at + 1);
  return true;
}

// --- Descriptors read at run time: only to name what arrived --------------------------------

/** The name of the descriptor at [at, end), or null if it is not a complete, known one. */
export function describe(at: usize, end: usize): string | null {
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
