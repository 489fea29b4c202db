/**
 * MAXLOC and MINLOC against MPI's definition, computed here independently: on pairs of two
 * elements of every number datatype (value, then index) and on the C pair datatypes with their
 * padding, at unaligned offsets and in place; ties go to the smaller index; a NaN value loses.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DATATYPE_SIZES, Datatype, Op } from "../host/abi.js";
import { accumulate, combine, opApplies } from "../host/engine/reduce.js";

type Value = bigint | number;

/** How the test writes and reads one pair. */
interface Pair {
  readonly name: string;
  readonly code: number;
  /** Elements of the datatype per pair (a count of a number datatype is twice the pairs). */
  readonly elements: number;
  readonly stride: number;
  readonly index: number;
  readonly put: Put;
  readonly get: Get;
  readonly putIndex: Put;
  readonly getIndex: Get;
  readonly big?: boolean;
}

const n = (x: Value) => Number(x);
const b = (x: Value) => BigInt(x);
type Get = (v: DataView, at: number) => Value;
type Put = (v: DataView, at: number, x: Value) => void;

/** How each number type is read and written, little-endian. */
const ACCESS: Readonly<Record<string, readonly [Get, Put]>> = {
  i8: [(v, at) => v.getInt8(at), (v, at, x) => v.setInt8(at, n(x))],
  u8: [(v, at) => v.getUint8(at), (v, at, x) => v.setUint8(at, n(x))],
  i16: [(v, at) => v.getInt16(at, true), (v, at, x) => v.setInt16(at, n(x), true)],
  u16: [(v, at) => v.getUint16(at, true), (v, at, x) => v.setUint16(at, n(x), true)],
  i32: [(v, at) => v.getInt32(at, true), (v, at, x) => v.setInt32(at, n(x), true)],
  u32: [(v, at) => v.getUint32(at, true), (v, at, x) => v.setUint32(at, n(x), true)],
  i64: [(v, at) => v.getBigInt64(at, true), (v, at, x) => v.setBigInt64(at, b(x), true)],
  u64: [(v, at) => v.getBigUint64(at, true), (v, at, x) => v.setBigUint64(at, b(x), true)],
  f32: [(v, at) => v.getFloat32(at, true), (v, at, x) => v.setFloat32(at, n(x), true)],
  f64: [(v, at) => v.getFloat64(at, true), (v, at, x) => v.setFloat64(at, n(x), true)],
};

function numberPair(name: keyof typeof Datatype, size: number, kind: string): Pair {
  const [get, put] = ACCESS[kind] as readonly [Get, Put];
  return {
    name,
    code: Datatype[name],
    elements: 2,
    stride: 2 * size,
    index: size,
    put,
    get,
    putIndex: put,
    getIndex: get,
    big: kind === "i64" || kind === "u64",
  };
}

const [getI32, putI32] = ACCESS.i32 as readonly [Get, Put];
const [getF32, putF32] = ACCESS.f32 as readonly [Get, Put];
const [getF64, putF64] = ACCESS.f64 as readonly [Get, Put];
const [getI16, putI16] = ACCESS.i16 as readonly [Get, Put];

const PAIRS: readonly Pair[] = [
  numberPair("INT8_T", 1, "i8"),
  numberPair("UINT8_T", 1, "u8"),
  numberPair("INT16_T", 2, "i16"),
  numberPair("UINT16_T", 2, "u16"),
  numberPair("INT32_T", 4, "i32"),
  numberPair("UINT32_T", 4, "u32"),
  numberPair("INT64_T", 8, "i64"),
  numberPair("UINT64_T", 8, "u64"),
  numberPair("FLOAT", 4, "f32"),
  numberPair("DOUBLE", 8, "f64"),
  {
    name: "FLOAT_INT",
    code: Datatype.FLOAT_INT,
    elements: 1,
    stride: 8,
    index: 4,
    put: putF32,
    get: getF32,
    putIndex: putI32,
    getIndex: getI32,
  },
  {
    name: "DOUBLE_INT",
    code: Datatype.DOUBLE_INT,
    elements: 1,
    stride: 16,
    index: 8,
    put: putF64,
    get: getF64,
    putIndex: putI32,
    getIndex: getI32,
  },
  {
    name: "SHORT_INT",
    code: Datatype.SHORT_INT,
    elements: 1,
    stride: 8,
    index: 4,
    put: putI16,
    get: getI16,
    putIndex: putI32,
    getIndex: getI32,
  },
  {
    name: "INT_INT",
    code: Datatype.INT_INT,
    elements: 1,
    stride: 8,
    index: 4,
    put: putI32,
    get: getI32,
    putIndex: putI32,
    getIndex: getI32,
  },
];

/** Values small enough for every type, with repeats so that ties are common. */
function values(p: Pair, count: number, seed: number): [Value, Value][] {
  const out: [Value, Value][] = [];
  for (let i = 0; i < count; i++) {
    const v = (i * 7 + seed * 13) % 5;
    const at = (i * 3 + seed) % 4;
    out.push(p.big ? [BigInt(v), BigInt(at)] : [v, at]);
  }
  return out;
}

function write(
  p: Pair,
  bytes: number,
  at: number,
  pairs: readonly [Value, Value][],
): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(bytes);
  new Uint8Array(sab).fill(0xa5);
  const view = new DataView(sab);
  pairs.forEach(([v, i], k) => {
    p.put(view, at + k * p.stride, v);
    p.putIndex(view, at + k * p.stride + p.index, i);
  });
  return sab;
}

function read(p: Pair, sab: SharedArrayBuffer, at: number, count: number): [Value, Value][] {
  const view = new DataView(sab);
  return Array.from({ length: count }, (_, k) => [
    p.get(view, at + k * p.stride),
    p.getIndex(view, at + k * p.stride + p.index),
  ]);
}

/** MPI 4.0 §6.9.4, and a NaN value losing to any number. */
function winner(op: number, x: [Value, Value], y: [Value, Value]): [Value, Value] {
  const [xv, xi] = x;
  const [yv, yi] = y;
  const xNaN = Number.isNaN(xv);
  const yNaN = Number.isNaN(yv);
  if (xv === yv || (xNaN && yNaN)) return yi < xi ? y : x;
  if (xNaN) return y;
  if (yNaN) return x;
  return (op === Op.MAXLOC ? yv > xv : yv < xv) ? y : x;
}

for (const p of PAIRS) {
  for (const op of [Op.MAXLOC, Op.MINLOC]) {
    const name = op === Op.MAXLOC ? "MAXLOC" : "MINLOC";
    test(`${name} ${p.name}: pairs at unaligned offsets, apart and in place`, () => {
      const count = 37;
      const xs = values(p, count, 1);
      const ys = values(p, count, 2);
      const want = xs.map((x, k) => winner(op, x, ys[k] as [Value, Value]));
      const bytes = count * p.stride + 32;
      const a = write(p, bytes, 3, xs);
      const c = write(p, bytes, 9, ys);
      const dst = write(p, bytes, 5, []);
      combine(op, p.code, dst, 5, a, 3, c, 9, count * p.elements);
      assert.equal(read(p, dst, 5, count), want, "apart");
      accumulate(op, p.code, a, 3, c, 9, count * p.elements);
      assert.equal(read(p, a, 3, count), want, "dst === a");
      const a2 = write(p, bytes, 3, xs);
      combine(op, p.code, c, 9, a2, 3, c, 9, count * p.elements);
      assert.equal(read(p, c, 9, count), want, "dst === b");
      // Nothing written past the last pair.
      assert.is(new Uint8Array(dst)[5 + count * p.stride], 0xa5);
    });
  }
}

test("ties go to the smaller index, whichever operand holds it", () => {
  const p = PAIRS.find((q) => q.name === "DOUBLE_INT") as Pair;
  for (const op of [Op.MAXLOC, Op.MINLOC]) {
    const a = write(p, 32, 0, [[2.5, 7]]);
    const c = write(p, 32, 0, [[2.5, 3]]);
    combine(op, p.code, a, 0, a, 0, c, 0, 1);
    assert.equal(read(p, a, 0, 1), [[2.5, 3]]);
    const d = write(p, 32, 0, [[2.5, 1]]);
    combine(op, p.code, d, 0, d, 0, c, 0, 1);
    assert.equal(read(p, d, 0, 1), [[2.5, 1]]);
  }
});

test("a NaN value loses to any number; of two NaNs the smaller index", () => {
  const p = PAIRS.find((q) => q.name === "DOUBLE") as Pair;
  for (const op of [Op.MAXLOC, Op.MINLOC]) {
    const a = write(p, 32, 0, [[Number.NaN, 0]]);
    const c = write(p, 32, 0, [[-1, 5]]);
    combine(op, p.code, a, 0, a, 0, c, 0, 2);
    assert.equal(read(p, a, 0, 1), [[-1, 5]]);
    const x = write(p, 32, 0, [[Number.NaN, 4]]);
    const y = write(p, 32, 0, [[Number.NaN, 2]]);
    combine(op, p.code, x, 0, x, 0, y, 0, 2);
    const [[v, i]] = read(p, x, 0, 1) as [[Value, Value]];
    assert.ok(Number.isNaN(v));
    assert.is(i, 2);
  }
});

test("the winner's whole pair is copied, its padding too", () => {
  const p = PAIRS.find((q) => q.name === "DOUBLE_INT") as Pair;
  const a = write(p, 16, 0, [[1, 0]]);
  const c = write(p, 16, 0, [[2, 1]]);
  new Uint8Array(c).fill(0x3c, 12, 16);
  combine(Op.MAXLOC, p.code, a, 0, a, 0, c, 0, 1);
  assert.equal([...new Uint8Array(a, 12, 4)], [0x3c, 0x3c, 0x3c, 0x3c]);
});

test("MAXLOC and MINLOC apply to pairs only: the pair datatypes take no other op", () => {
  for (const code of [
    Datatype.FLOAT_INT,
    Datatype.DOUBLE_INT,
    Datatype.SHORT_INT,
    Datatype.INT_INT,
  ]) {
    for (const op of Object.values(Op)) {
      assert.is(opApplies(op, code), op === Op.MAXLOC || op === Op.MINLOC, `op ${op} on ${code}`);
    }
  }
  assert.not.ok(opApplies(Op.MAXLOC, Datatype.BYTE));
  assert.not.ok(opApplies(Op.MINLOC, Datatype.BYTE));
  assert.is(DATATYPE_SIZES[Datatype.DOUBLE_INT], 16);
});

test("an odd count of a number datatype is not whole pairs: refused before anything is written", () => {
  const a = new SharedArrayBuffer(64);
  const c = new SharedArrayBuffer(64);
  new Int32Array(a).fill(9);
  assert.throws(() => combine(Op.MAXLOC, Datatype.INT32_T, a, 0, a, 0, c, 0, 3), /not whole pairs/);
  assert.equal([...new Int32Array(a, 0, 4)], [9, 9, 9, 9]);
});

test.run();
