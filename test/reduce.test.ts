/**
 * The reduction kernels against MPI's semantics, computed here independently: integers as
 * BigInt wrapped to the type's width, FLOAT through Math.fround, every element read and
 * written through DataView. Every op × every datatype it applies to × every buffer layout.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Datatype, Op } from "../host/abi.js";
import { accumulate, combine, opApplies } from "../host/engine/reduce.js";

type Value = bigint | number;

interface Type {
  readonly name: string;
  readonly code: number;
  readonly size: number;
  /** Absent for BYTE (bits only) and the floats. */
  readonly signed?: boolean;
  readonly float?: boolean;
}

const TYPES: readonly Type[] = [
  { name: "BYTE", code: Datatype.BYTE, size: 1 },
  { name: "INT8_T", code: Datatype.INT8_T, size: 1, signed: true },
  { name: "UINT8_T", code: Datatype.UINT8_T, size: 1, signed: false },
  { name: "INT16_T", code: Datatype.INT16_T, size: 2, signed: true },
  { name: "UINT16_T", code: Datatype.UINT16_T, size: 2, signed: false },
  { name: "INT32_T", code: Datatype.INT32_T, size: 4, signed: true },
  { name: "UINT32_T", code: Datatype.UINT32_T, size: 4, signed: false },
  { name: "INT64_T", code: Datatype.INT64_T, size: 8, signed: true },
  { name: "UINT64_T", code: Datatype.UINT64_T, size: 8, signed: false },
  { name: "FLOAT", code: Datatype.FLOAT, size: 4, float: true },
  { name: "DOUBLE", code: Datatype.DOUBLE, size: 8, float: true },
];
const type = (name: string): Type => TYPES.find((t) => t.name === name) as Type;

const OPS: readonly (readonly [string, number])[] = Object.entries(Op);
const opName = (op: number): string => OPS.find(([, code]) => code === op)?.[0] ?? `op ${op}`;

/** MPI 4.0 §6.9.2: which op families apply to which types. */
function mpiAllows(op: number, t: Type): boolean {
  const arithmetic = op === Op.SUM || op === Op.PROD || op === Op.MIN || op === Op.MAX;
  const logical = op === Op.LAND || op === Op.LOR || op === Op.LXOR;
  const bitwise = op === Op.BAND || op === Op.BOR || op === Op.BXOR;
  // MAXLOC and MINLOC: on (value, index) pairs of two elements of one number type, as
  // Fortran's MPI_2INTEGER and MPI_2DOUBLE_PRECISION (reduce-loc.test.ts checks them).
  if (op === Op.MAXLOC || op === Op.MINLOC) return t.float === true || t.signed !== undefined;
  if (t.float) return arithmetic;
  if (t.signed === undefined) return bitwise; // BYTE
  return arithmetic || logical || bitwise;
}

// ---- values and their reference results ----

const bits = (t: Type): number => 8 * t.size;
const wrap = (t: Type, v: bigint): bigint =>
  t.signed === true ? BigInt.asIntN(bits(t), v) : BigInt.asUintN(bits(t), v);

function expected(op: number, t: Type, x: Value, y: Value): Value {
  if (typeof x === "number" && typeof y === "number") {
    const round = t.code === Datatype.FLOAT ? Math.fround : (v: number) => v;
    if (op === Op.SUM) return round(x + y);
    if (op === Op.PROD) return round(x * y);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
    if (op === Op.MIN) return x < y ? x : y;
    if (op === Op.MAX) return x > y ? x : y;
  } else if (typeof x === "bigint" && typeof y === "bigint") {
    const truth = (b: boolean): bigint => (b ? 1n : 0n);
    switch (op) {
      case Op.SUM:
        return wrap(t, x + y);
      case Op.PROD:
        return wrap(t, x * y);
      case Op.MIN:
        return x < y ? x : y;
      case Op.MAX:
        return x > y ? x : y;
      case Op.LAND:
        return truth(x !== 0n && y !== 0n);
      case Op.LOR:
        return truth(x !== 0n || y !== 0n);
      case Op.LXOR:
        return truth((x !== 0n) !== (y !== 0n));
      case Op.BAND:
        return wrap(t, x & y);
      case Op.BOR:
        return wrap(t, x | y);
      case Op.BXOR:
        return wrap(t, x ^ y);
    }
  }
  throw new Error(`no reference for ${opName(op)} on ${t.name}`);
}

function store(view: DataView, at: number, t: Type, v: Value): void {
  if (typeof v === "number") {
    if (t.code === Datatype.FLOAT) view.setFloat32(at, v, true);
    else view.setFloat64(at, v, true);
  } else if (t.size === 8) {
    view.setBigUint64(at, BigInt.asUintN(64, v), true);
  } else {
    const n = Number(BigInt.asUintN(bits(t), v));
    if (t.size === 1) view.setUint8(at, n);
    else if (t.size === 2) view.setUint16(at, n, true);
    else view.setUint32(at, n, true);
  }
}

function load(view: DataView, at: number, t: Type): Value {
  if (t.code === Datatype.FLOAT) return view.getFloat32(at, true);
  if (t.code === Datatype.DOUBLE) return view.getFloat64(at, true);
  if (t.size === 8) return wrap(t, view.getBigUint64(at, true));
  if (t.size === 1) return wrap(t, BigInt(view.getUint8(at)));
  if (t.size === 2) return wrap(t, BigInt(view.getUint16(at, true)));
  return wrap(t, BigInt(view.getUint32(at, true)));
}

const same = (x: Value, y: Value): boolean =>
  x === y || (typeof x === "number" && typeof y === "number" && Number.isNaN(x) && Number.isNaN(y));
const show = (v: Value): string =>
  typeof v === "bigint" ? `${v}` : Object.is(v, -0) ? "-0" : `${v}`;

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return (r ^ (r >>> 14)) >>> 0;
  };
}

const min = (t: Type): bigint => (t.signed === true ? -(1n << BigInt(bits(t) - 1)) : 0n);
const max = (t: Type): bigint => (1n << BigInt(t.signed === true ? bits(t) - 1 : bits(t))) - 1n;

/** Edge values of the type: zero, ±1, the extremes and their neighbours, the half-width. */
function edges(t: Type): Value[] {
  if (t.float) {
    const big = t.code === Datatype.FLOAT ? 3e38 : 1e308;
    const values = [0, -0, 1, -1, 1.5, -7.25, 1 / 3, big, -big, 1e-40, Infinity, -Infinity, NaN];
    return values.map((v) => (t.code === Datatype.FLOAT ? Math.fround(v) : v));
  }
  const half = 1n << BigInt(bits(t) / 2);
  const [lo, hi] = [min(t), max(t)];
  const raw = [0n, 1n, 2n, 3n, -1n, -2n, 100n, -56n, lo, lo + 1n, hi, hi - 1n, half, half - 1n];
  return [...new Set(raw.map((v) => wrap(t, v)))];
}

/** Operand pairs: every pair of edge values, then random ones up to an odd count. */
function operands(t: Type, seed: number): { xs: Value[]; ys: Value[] } {
  const e = edges(t);
  const xs: Value[] = [];
  const ys: Value[] = [];
  for (const x of e) {
    for (const y of e) {
      xs.push(x);
      ys.push(y);
    }
  }
  const next = random(seed);
  const draw = (): Value =>
    t.float
      ? (t.code === Datatype.FLOAT ? Math.fround : (v: number) => v)((next() - 2 ** 31) / 977)
      : wrap(t, (BigInt(next()) << 32n) | BigInt(next()));
  while (xs.length < e.length ** 2 + 40 || xs.length % 2 === 0) {
    xs.push(draw());
    // Small values too, so products and logical ops see more than overflow and non-zero.
    ys.push(next() % 3 === 0 ? wrapSmall(t, next()) : draw());
  }
  return { xs, ys };
}

function wrapSmall(t: Type, r: number): Value {
  const v = (r % 7) - 3;
  return t.float ? v : wrap(t, BigInt(v));
}

// ---- buffers ----

const GUARD = 0xa5;

/** A shared buffer of `bytes` guard bytes with `values` written from `at`. */
function buffer(bytes: number, t: Type, at: number, values: readonly Value[]): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(bytes);
  new Uint8Array(sab).fill(GUARD);
  const view = new DataView(sab);
  for (const [i, v] of values.entries()) store(view, at + i * t.size, t, v);
  return sab;
}

/**
 * Checks that `sab` holds `values` from `at`, and guard bytes outside them and outside the
 * byte range `alsoUsed` (another operand in the same buffer).
 */
function check(
  label: string,
  sab: SharedArrayBuffer,
  t: Type,
  at: number,
  values: readonly Value[],
  inputs?: { op: number; xs: readonly Value[]; ys: readonly Value[] },
  alsoUsed: readonly [number, number] = [0, 0],
): void {
  const view = new DataView(sab);
  values.forEach((want, i) => {
    const got = load(view, at + i * t.size, t);
    if (!same(got, want)) {
      const what = inputs
        ? `${show(inputs.xs[i] as Value)} ${opName(inputs.op)} ${show(inputs.ys[i] as Value)}`
        : "operand";
      assert.unreachable(
        `${label}: element ${i}: ${what} gave ${show(got)}, expected ${show(want)}`,
      );
    }
  });
  const bytes = new Uint8Array(sab);
  const end = at + values.length * t.size;
  for (let i = 0; i < bytes.length; i++) {
    const used = (i >= at && i < end) || (i >= alsoUsed[0] && i < alsoUsed[1]);
    if (!used && bytes[i] !== GUARD) {
      assert.unreachable(`${label}: byte ${i}, outside [${at}, ${end}), was overwritten`);
    }
  }
}

// ---- the matrix: every op × every datatype it applies to × every layout ----

interface Layout {
  readonly name: string;
  /** Element count: all operand pairs, or only the first. */
  readonly one?: boolean;
  run(op: number, t: Type, xs: Value[], ys: Value[], want: Value[], label: string): void;
}

const room = (t: Type, n: number): number => n * t.size + 32;

const LAYOUTS: readonly Layout[] = [
  {
    name: "accumulate across two buffers",
    run(op, t, xs, ys, want, label) {
      const dst = buffer(room(t, xs.length), t, 8, xs);
      const src = buffer(room(t, ys.length), t, 16, ys);
      accumulate(op, t.code, dst, 8, src, 16, xs.length);
      check(label, dst, t, 8, want, { op, xs, ys });
      check(`${label} (src unchanged)`, src, t, 16, ys);
    },
  },
  {
    name: "accumulate, count 1",
    one: true,
    run(op, t, xs, ys, want, label) {
      const dst = buffer(room(t, 1), t, 8, xs);
      const src = buffer(room(t, 1), t, 8, ys);
      accumulate(op, t.code, dst, 8, src, 8, 1);
      check(label, dst, t, 8, want, { op, xs, ys });
    },
  },
  {
    name: "accumulate within one buffer",
    run(op, t, xs, ys, want, label) {
      const n = xs.length;
      const srcAt = 16 + n * t.size;
      const sab = buffer(srcAt + room(t, n), t, 8, xs);
      const view = new DataView(sab);
      for (const [i, v] of ys.entries()) store(view, srcAt + i * t.size, t, v);
      accumulate(op, t.code, sab, 8, sab, srcAt, n);
      check(label, sab, t, 8, want, { op, xs, ys }, [srcAt, srcAt + n * t.size]);
      check(`${label} (src unchanged)`, sab, t, srcAt, ys, undefined, [8, 8 + n * t.size]);
    },
  },
  {
    name: "combine into a third buffer",
    run(op, t, xs, ys, want, label) {
      const a = buffer(room(t, xs.length), t, 0, xs);
      const b = buffer(room(t, ys.length), t, 24, ys);
      const dst = buffer(room(t, xs.length), t, 16, []);
      combine(op, t.code, dst, 16, a, 0, b, 24, xs.length);
      check(label, dst, t, 16, want, { op, xs, ys });
      check(`${label} (a unchanged)`, a, t, 0, xs);
      check(`${label} (b unchanged)`, b, t, 24, ys);
    },
  },
  {
    name: "combine in place (dst === a)",
    run(op, t, xs, ys, want, label) {
      const a = buffer(room(t, xs.length), t, 8, xs);
      const b = buffer(room(t, ys.length), t, 8, ys);
      combine(op, t.code, a, 8, a, 8, b, 8, xs.length);
      check(label, a, t, 8, want, { op, xs, ys });
    },
  },
  {
    name: "combine in place (dst === b)",
    run(op, t, xs, ys, want, label) {
      const a = buffer(room(t, xs.length), t, 8, xs);
      const b = buffer(room(t, ys.length), t, 8, ys);
      combine(op, t.code, b, 8, a, 8, b, 8, xs.length);
      check(label, b, t, 8, want, { op, xs, ys });
    },
  },
  {
    name: "accumulate at unaligned offsets",
    run(op, t, xs, ys, want, label) {
      const dst = buffer(room(t, xs.length), t, 3, xs);
      const src = buffer(room(t, ys.length), t, 13, ys);
      accumulate(op, t.code, dst, 3, src, 13, xs.length);
      check(label, dst, t, 3, want, { op, xs, ys });
    },
  },
  {
    name: "combine at unaligned offsets, dst === b",
    run(op, t, xs, ys, want, label) {
      const a = buffer(room(t, xs.length), t, 5, xs);
      const b = buffer(room(t, ys.length), t, 1, ys);
      combine(op, t.code, b, 1, a, 5, b, 1, xs.length);
      check(label, b, t, 1, want, { op, xs, ys });
    },
  },
];

const ELEMENTWISE = OPS.filter(([, op]) => op !== Op.MAXLOC && op !== Op.MINLOC);

for (const t of TYPES) {
  for (const [name, op] of ELEMENTWISE) {
    if (!mpiAllows(op, t)) continue;
    for (const layout of LAYOUTS) {
      const label = `${name} ${t.name}: ${layout.name}`;
      test(label, () => {
        let { xs, ys } = operands(t, op * 131 + t.code);
        if (layout.one) {
          // One pair where every op gives a distinct, non-trivial result: the largest value and
          // its neighbour overflow SUM and PROD and differ in their low bits.
          const [x, y] = t.float ? [Math.fround(1 / 3), -7.25] : [max(t), max(t) - 1n];
          xs = [x];
          ys = [y];
        }
        const want = xs.map((x, i) => expected(op, t, x, ys[i] as Value));
        layout.run(op, t, xs, ys, want, label);
      });
    }
  }
}

// ---- the cases the matrix covers, spelled out ----

/** `accumulate` on one element of each operand; returns the result. */
function one(op: number, name: string, x: Value, y: Value): Value {
  const t = type(name);
  const dst = buffer(16, t, 0, [x]);
  const src = buffer(16, t, 8, [y]);
  accumulate(op, t.code, dst, 0, src, 8, 1);
  return load(new DataView(dst), 0, t);
}

test("SUM INT8_T wraps: 100 + 100 = -56; UINT8_T: 200 + 100 = 44", () => {
  assert.is(one(Op.SUM, "INT8_T", 100n, 100n), -56n);
  assert.is(one(Op.SUM, "UINT8_T", 200n, 100n), 44n);
});

test("PROD UINT32_T and INT32_T wrap at 32 bits: 65536 × 65537 = 65536", () => {
  assert.is(one(Op.PROD, "UINT32_T", 65536n, 65537n), 65536n);
  assert.is(one(Op.PROD, "UINT32_T", 0xffffffffn, 0xffffffffn), 1n);
  assert.is(one(Op.PROD, "INT32_T", 0x7fffffffn, 3n), 0x7ffffffdn);
  assert.is(
    one(Op.PROD, "INT32_T", 123456789n, 987654321n),
    BigInt.asIntN(32, 121932631112635269n),
  );
});

test("SUM INT64_T carries across 2^32 and wraps at 2^63", () => {
  assert.is(one(Op.SUM, "INT64_T", 0xffffffffn, 1n), 0x100000000n);
  assert.is(one(Op.SUM, "INT64_T", 0xffffffffn, 0xffffffffn), 0x1fffffffen);
  assert.is(one(Op.SUM, "INT64_T", 2n ** 63n - 1n, 1n), -(2n ** 63n));
  assert.is(one(Op.SUM, "INT64_T", -1n, 1n), 0n);
  assert.is(one(Op.SUM, "INT64_T", -(2n ** 32n), -1n), -(2n ** 32n) - 1n);
});

test("SUM UINT64_T wraps at 2^64; PROD INT64_T and UINT64_T keep all 64 bits", () => {
  assert.is(one(Op.SUM, "UINT64_T", 2n ** 64n - 1n, 2n), 1n);
  assert.is(
    one(Op.PROD, "UINT64_T", 2n ** 53n + 1n, 2n ** 10n + 1n),
    2n ** 63n + 2n ** 53n + 2n ** 10n + 1n,
  );
  assert.is(one(Op.PROD, "INT64_T", 3037000499n, 3037000499n), 3037000499n ** 2n);
  assert.is(one(Op.PROD, "INT64_T", -(2n ** 32n), 2n ** 31n), -(2n ** 63n));
  assert.is(one(Op.PROD, "INT64_T", 2n ** 32n, 2n ** 32n), 0n);
});

test("MIN and MAX of -1 and 1: signed types compare signed, unsigned types see all ones", () => {
  for (const width of [8, 16, 32, 64]) {
    const all = (1n << BigInt(width)) - 1n;
    assert.is(one(Op.MIN, `INT${width}_T`, -1n, 1n), -1n, `MIN INT${width}_T`);
    assert.is(one(Op.MAX, `INT${width}_T`, -1n, 1n), 1n, `MAX INT${width}_T`);
    assert.is(one(Op.MIN, `UINT${width}_T`, all, 1n), 1n, `MIN UINT${width}_T`);
    assert.is(one(Op.MAX, `UINT${width}_T`, all, 1n), all, `MAX UINT${width}_T`);
  }
  // 64-bit values equal in their high words, and differing only there.
  assert.is(
    one(Op.MIN, "INT64_T", -(2n ** 32n) + 5n, -(2n ** 32n) + 0x80000000n),
    -(2n ** 32n) + 5n,
  );
  assert.is(one(Op.MAX, "UINT64_T", 2n ** 32n, 0xffffffffn), 2n ** 32n);
});

test("LAND LOR LXOR give 1 or 0; a 64-bit value with only high bits set is true", () => {
  assert.is(one(Op.LAND, "INT32_T", 7n, -3n), 1n);
  assert.is(one(Op.LOR, "UINT8_T", 0n, 0n), 0n);
  assert.is(one(Op.LXOR, "INT16_T", 5n, 9n), 0n);
  assert.is(one(Op.LAND, "UINT64_T", 2n ** 40n, 1n), 1n);
  assert.is(one(Op.LXOR, "INT64_T", 2n ** 63n, 0n), 1n);
});

test("FLOAT rounds each result to single precision", () => {
  assert.is(one(Op.SUM, "FLOAT", 1, Math.fround(2 ** -24)), 1);
  assert.is(one(Op.PROD, "FLOAT", Math.fround(1 / 3), 3), Math.fround(Math.fround(1 / 3) * 3));
  assert.is(one(Op.SUM, "FLOAT", Math.fround(3e38), Math.fround(3e38)), Infinity);
});

test("MIN and MAX with NaN give NaN, whichever side it is on", () => {
  for (const name of ["FLOAT", "DOUBLE"]) {
    for (const op of [Op.MIN, Op.MAX]) {
      assert.ok(Number.isNaN(one(op, name, NaN, 1)), `${opName(op)} ${name} NaN, 1`);
      assert.ok(Number.isNaN(one(op, name, 1, NaN)), `${opName(op)} ${name} 1, NaN`);
    }
  }
});

test("count 0 writes nothing, even at the end of a buffer", () => {
  for (const t of TYPES) {
    const dst = buffer(16, t, 0, []);
    const src = buffer(16, t, 0, []);
    const op = mpiAllows(Op.SUM, t) ? Op.SUM : Op.BXOR;
    accumulate(op, t.code, dst, 16, src, 16, 0);
    combine(op, t.code, dst, 0, src, 0, src, 3, 0);
    check(`${t.name}: count 0`, dst, t, 0, []);
  }
});

test("SUM DOUBLE at unaligned offsets over more elements than one staging chunk", () => {
  const t = type("DOUBLE");
  const n = 20_001;
  const xs = Array.from({ length: n }, (_, i) => i * 0.5);
  const ys = Array.from({ length: n }, (_, i) => n - i);
  const dst = buffer(room(t, n), t, 3, xs);
  const src = buffer(room(t, n), t, 7, ys);
  accumulate(Op.SUM, t.code, dst, 3, src, 7, n);
  check(
    "SUM DOUBLE unaligned, 20,001 elements",
    dst,
    t,
    3,
    xs.map((x, i) => x + (ys[i] as number)),
  );
});

test("SUM INT32_T on a shared memory that grows between calls", () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const before = memory.buffer;
  new Int32Array(before).fill(1);
  accumulate(Op.SUM, Datatype.INT32_T, before, 0, before, 4, 1);
  memory.grow(1);
  const after = memory.buffer;
  const words = new Int32Array(after);
  words.fill(5, 65536 / 4);
  accumulate(Op.SUM, Datatype.INT32_T, after, 65536, after, 0, 1);
  assert.is(words[0], 2);
  assert.is(words[65536 / 4], 7, "the grown part is reached through fresh views");
});

test("an op that does not apply, or a range outside a buffer, throws RangeError", () => {
  const sab = new SharedArrayBuffer(64);
  assert.throws(() => accumulate(Op.LAND, Datatype.DOUBLE, sab, 0, sab, 8, 1), RangeError);
  assert.throws(() => accumulate(Op.SUM, Datatype.BYTE, sab, 0, sab, 8, 1), RangeError);
  assert.throws(() => accumulate(Op.SUM, Datatype.DOUBLE, sab, 0, sab, 32, 5), RangeError);
  assert.throws(() => accumulate(Op.SUM, Datatype.INT8_T, sab, -1, sab, 8, 1), RangeError);
  assert.throws(() => combine(Op.SUM, Datatype.INT32_T, sab, 0, sab, 0, sab, 60, 2), RangeError);
  assert.throws(() => accumulate(Op.SUM, Datatype.INT32_T, sab, 0, sab, 8, -1), RangeError);
});

test("opApplies accepts exactly MPI's op and datatype pairs", () => {
  for (const t of TYPES) {
    for (const [name, op] of OPS) {
      assert.is(opApplies(op, t.code), mpiAllows(op, t), `${name} on ${t.name}`);
    }
  }
  for (const [op, datatype] of [
    [0, Datatype.INT32_T],
    [13, Datatype.INT32_T],
    [-1, Datatype.INT32_T],
    [1.5, Datatype.INT32_T],
    [33, Datatype.INT32_T],
    [Op.SUM, 0],
    [Op.SUM, 16],
    [Op.SUM, Datatype.FLOAT_INT],
    [Op.BAND, -1],
  ] as const) {
    assert.not.ok(opApplies(op, datatype), `op ${op} on datatype ${datatype}`);
  }
});

test.run();
