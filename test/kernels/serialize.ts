// Round-trips every type the object methods accept through encode/decode and checks that the
// copy equals the original, down to NaN payloads, -0.0 and lone surrogates.
// Run: npx wasmpi run -n 1 test/kernels/serialize.ts
import { decode, encode, typeName } from "../../assembly/serialize";

let cases = 0;

/** Equality that tells -0.0 from 0.0 and holds for NaN, element by element for arrays. */
function same<T>(a: T, b: T): bool {
  if (isNullable<T>()) {
    if (changetype<usize>(a) == 0 || changetype<usize>(b) == 0) {
      return changetype<usize>(a) == changetype<usize>(b);
    }
    return same<nonnull<T>>(changetype<nonnull<T>>(a), changetype<nonnull<T>>(b));
  }
  if (isFloat<T>()) {
    if (sizeof<T>() == 4) return reinterpret<u32>(<f32>a) == reinterpret<u32>(<f32>b);
    return reinterpret<u64>(<f64>a) == reinterpret<u64>(<f64>b);
  }
  if (!isReference<T>() || isString<T>()) return a == b;
  // @ts-ignore: Array, StaticArray and typed arrays all have length and index
  if (a.length != b.length) return false;
  // @ts-ignore
  for (let i = 0; i < a.length; i++) {
    // @ts-ignore
    if (!same<valueof<T>>(a[i], b[i])) return false;
  }
  return true;
}

function roundTrip<T>(value: T): void {
  const bytes = encode<T>(value);
  const copy = decode<T>("recv", changetype<usize>(bytes), bytes.byteLength);
  const name = typeName<T>();
  if (!same<T>(value, copy)) abort(`round trip changed a ${name}`);
  if (isReference<T>() && changetype<usize>(value) != 0) {
    if (changetype<usize>(value) == changetype<usize>(copy) && !isString<T>()) {
      abort(`decode of ${name} returned the original object`);
    }
  }
  cases++;
  console.log(`ok ${name} (${bytes.byteLength} bytes)`);
}

function expectName<T>(expected: string): void {
  const name = typeName<T>();
  console.log(`typeName: ${name}`);
  if (name != expected) abort(`typeName gave "${name}", expected "${expected}"`);
}

// Scalars, at their extremes.
roundTrip<bool>(true);
roundTrip<bool>(false);
roundTrip<i8>(i8.MIN_VALUE);
roundTrip<i8>(i8.MAX_VALUE);
roundTrip<u8>(u8.MAX_VALUE);
roundTrip<i16>(i16.MIN_VALUE);
roundTrip<u16>(u16.MAX_VALUE);
roundTrip<i32>(i32.MIN_VALUE);
roundTrip<i32>(-1);
roundTrip<u32>(u32.MAX_VALUE);
roundTrip<i64>(i64.MIN_VALUE);
roundTrip<i64>(i64.MAX_VALUE);
roundTrip<u64>(u64.MAX_VALUE);
roundTrip<u64>(((<u64>1) << 63) | 1);
roundTrip<isize>(-12345);
roundTrip<usize>(<usize>-1);
roundTrip<f32>(f32.MIN_VALUE);
roundTrip<f32>(-0.0);
roundTrip<f32>(NaN);
roundTrip<f64>(Math.PI);
roundTrip<f64>(-0.0);
roundTrip<f64>(NaN);
roundTrip<f64>(reinterpret<f64>(((<u64>0x7ff8dead) << 32) | 0xbeef0001)); // NaN with a payload
roundTrip<f64>(Infinity);
roundTrip<f64>(-Infinity);
roundTrip<f64>(f64.MIN_VALUE);
roundTrip<f64>(f64.MAX_VALUE);

// Strings: empty, non-ASCII, surrogate pairs, a lone surrogate, embedded NUL.
roundTrip<string>("");
roundTrip<string>("hello");
roundTrip<string>("héllo wörld, Ωμέγα, 日本語");
roundTrip<string>("emoji 😀 and 𝄞");
roundTrip<string>(`${String.fromCharCode(0xd800)}lone${String.fromCharCode(0xdfff)}`);
roundTrip<string>("nul\0inside");
roundTrip<string>("x".repeat(100_000));
roundTrip<string | null>(null);
roundTrip<string | null>("present");

// Arrays of numbers (bulk-copied) and of references.
roundTrip<Array<f64>>([]);
roundTrip<Array<f64>>([1.5, -0.0, NaN, Infinity, f64.MIN_VALUE]);
roundTrip<Array<i8>>([-128, 0, 127]);
roundTrip<Array<u16>>([0, 65535]);
roundTrip<Array<i64>>([i64.MIN_VALUE, i64.MAX_VALUE, 0]);
roundTrip<Array<u64>>([u64.MAX_VALUE, 1]);
roundTrip<Array<bool>>([true, false, true]);
roundTrip<Array<f32>>([1.25, NaN, -0.0]);
roundTrip<Array<string>>([]);
roundTrip<Array<string>>(["a", "", "ünï", "😀"]);
roundTrip<Array<string | null>>(["a", null, "", null]);
roundTrip<Array<i32> | null>(null);
roundTrip<Array<i32> | null>([1, 2, 3]);
roundTrip<Array<Array<i32>>>([[1, 2], [], [3]]);
roundTrip<Array<Array<i32>>>([]);
roundTrip<Array<Array<Array<f64>>>>([[[1.0], []], [], [[2.0, 3.0]]]);
roundTrip<Array<Array<string | null> | null>>([null, ["x", null], []]);

// StaticArray.
const staticF64 = new StaticArray<f64>(3);
staticF64[0] = 1.0;
staticF64[1] = NaN;
staticF64[2] = -0.0;
roundTrip<StaticArray<f64>>(staticF64);
roundTrip<StaticArray<i32>>(new StaticArray<i32>(0));
roundTrip<StaticArray<i32>>(StaticArray.fromArray<i32>([i32.MIN_VALUE, 0, i32.MAX_VALUE]));
roundTrip<StaticArray<string>>(StaticArray.fromArray<string>(["s", "", "😀"]));
roundTrip<StaticArray<string | null>>(StaticArray.fromArray<string | null>([null, "t"]));
roundTrip<StaticArray<bool>>(StaticArray.fromArray<bool>([false, true]));
roundTrip<StaticArray<u64> | null>(null);
roundTrip<Array<StaticArray<i16>>>([StaticArray.fromArray<i16>([-1, 2]), new StaticArray<i16>(0)]);
roundTrip<StaticArray<Array<u8>>>(StaticArray.fromArray<Array<u8>>([[1, 2], [255]]));

// Typed arrays, whole and as subarray views (only the view's elements travel).
const i8s = new Int8Array(4);
i8s[0] = -128;
i8s[3] = 127;
roundTrip<Int8Array>(i8s);
const u8s = new Uint8Array(3);
u8s[1] = 255;
roundTrip<Uint8Array>(u8s);
const clamped = new Uint8ClampedArray(2);
clamped[0] = 300;
roundTrip<Uint8ClampedArray>(clamped);
const i16s = new Int16Array(2);
i16s[0] = -32768;
roundTrip<Int16Array>(i16s);
const u16s = new Uint16Array(2);
u16s[1] = 65535;
roundTrip<Uint16Array>(u16s);
const i32s = new Int32Array(5);
for (let i = 0; i < 5; i++) i32s[i] = i * 1000 - 2000;
roundTrip<Int32Array>(i32s);
roundTrip<Int32Array>(i32s.subarray(1, 4));
const u32s = new Uint32Array(1);
u32s[0] = u32.MAX_VALUE;
roundTrip<Uint32Array>(u32s);
const i64s = new Int64Array(2);
i64s[0] = i64.MIN_VALUE;
i64s[1] = i64.MAX_VALUE;
roundTrip<Int64Array>(i64s);
const u64s = new Uint64Array(2);
u64s[0] = u64.MAX_VALUE;
roundTrip<Uint64Array>(u64s);
roundTrip<Uint64Array>(u64s.subarray(1));
const f32s = new Float32Array(3);
f32s[0] = NaN;
f32s[1] = -0.0;
f32s[2] = Infinity;
roundTrip<Float32Array>(f32s);
const f64s = new Float64Array(6);
for (let i = 0; i < 6; i++) f64s[i] = <f64>i * 0.5;
f64s[5] = -0.0;
roundTrip<Float64Array>(f64s);
roundTrip<Float64Array>(f64s.subarray(2, 5));
roundTrip<Float64Array>(f64s.subarray(3, 3));
roundTrip<Float64Array>(new Float64Array(0));
roundTrip<Float64Array | null>(null);
roundTrip<Float64Array | null>(f64s.subarray(4));
roundTrip<Array<Float64Array | null>>([f64s.subarray(0, 2), null, new Float64Array(0)]);

// A decoded subarray is a fresh, compact array.
const view = f64s.subarray(2, 5);
const viewBytes = encode<Float64Array>(view);
const viewCopy = decode<Float64Array>("recv", changetype<usize>(viewBytes), viewBytes.byteLength);
if (viewCopy.length != 3 || viewCopy.byteOffset != 0 || viewCopy.buffer.byteLength != 24) {
  abort("decoded subarray is not a compact Float64Array of 3 elements");
}
if (viewBytes.byteLength != 1 + 4 + 24) abort("Float64Array view encoded more than its elements");

// Sizes fixed by the wire format: one descriptor byte for an f64, no padding.
if (encode<f64>(1.0).byteLength != 9) abort("f64 should encode to 9 bytes");
if (encode<string>("ab").byteLength != 1 + 4 + 4) abort("string should encode to 9 bytes");
if (encode<Array<f64>>([1.0, 2.0]).byteLength != 2 + 4 + 16) abort("Array<f64> size");

// Names, as a user writes the types.
expectName<bool>("bool");
expectName<i8>("i8");
expectName<u8>("u8");
expectName<i16>("i16");
expectName<u16>("u16");
expectName<i32>("i32");
expectName<u32>("u32");
expectName<i64>("i64");
expectName<u64>("u64");
expectName<isize>("isize");
expectName<usize>("usize");
expectName<f32>("f32");
expectName<f64>("f64");
expectName<string>("string");
expectName<string | null>("string | null");
expectName<Array<f64>>("Array<f64>");
expectName<Array<string | null>>("Array<string | null>");
expectName<Array<i32> | null>("Array<i32> | null");
expectName<Array<Array<i32>>>("Array<Array<i32>>");
expectName<StaticArray<i32>>("StaticArray<i32>");
expectName<StaticArray<string> | null>("StaticArray<string> | null");
expectName<Int8Array>("Int8Array");
expectName<Uint8Array>("Uint8Array");
expectName<Uint8ClampedArray>("Uint8ClampedArray");
expectName<Int16Array>("Int16Array");
expectName<Uint16Array>("Uint16Array");
expectName<Int32Array>("Int32Array");
expectName<Uint32Array>("Uint32Array");
expectName<Int64Array>("Int64Array");
expectName<Uint64Array>("Uint64Array");
expectName<Float32Array>("Float32Array");
expectName<Float64Array>("Float64Array");
expectName<Float64Array | null>("Float64Array | null");
expectName<Array<Float64Array | null> | null>("Array<Float64Array | null> | null");

console.log(`serialize: ${cases} cases ok`);
