// Reduction kernels: does dst[i] += src[i] on doubles run faster as the JS typed-array loops
// of host/engine/reduce-lanes.ts or as a Wasm SIMD loop (f64x2.add)? A Wasm function sees one
// memory, while a collective combines operands that sit in two ranks' memories, so the Wasm
// variants are measured both as a lower bound (both arrays already in one memory) and with
// the copy a collective would have to make first.
//
//   npm run build && node dist/bench/reduce.js [--runs N]
import { cpus } from "node:os";
import { Datatype, Op } from "../host/abi.js";
import { type ByteViews, copyBytes } from "../host/engine/memory.js";
import { accumulate } from "../host/engine/reduce.js";

const PAGE = 65536;
const STAGE_BYTES = 256 * 1024;

// ---- a Wasm module, assembled by hand ----

const uleb = (value: number): number[] => {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    const low = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return out;
};
const sleb = (value: number): number[] => {
  const out: number[] = [];
  let n = value | 0;
  for (;;) {
    const low = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (low & 0x40) === 0) || (n === -1 && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) return out;
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const text = (s: string): number[] => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
/** memarg: alignment hint 2^3 (the arrays are 8-byte aligned), offset 0; memory `m`. */
const memarg = (m: number): number[] => (m === 0 ? [3, 0] : [3 | 0x40, ...uleb(m), 0]);
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  const: (value: number) => [0x41, ...sleb(value)],
  and: [0x71],
  shl: [0x74],
  add: [0x6a],
  geU: [0x4f],
  ltU: [0x49],
  f64Load: (m: number) => [0x2b, ...memarg(m)],
  f64Store: [0x39, ...memarg(0)],
  f64Add: [0xa0],
  v128Load: (m: number) => [0xfd, ...uleb(0), ...memarg(m)],
  v128Store: [0xfd, ...uleb(11), ...memarg(0)],
  f64x2Add: [0xfd, ...uleb(240)],
};

/**
 * A module exporting add(dst, src, n): dst[i] += src[i] for n doubles at byte addresses
 * `dst` (in memory 0) and `src` (in memory `srcMemory`), two at a time with f64x2.add, then
 * the odd one. It imports one shared memory per entry of `pages`, as env.m0, env.m1, ...
 * Locals: 0 dst, 1 src, 2 n, 3 the end of the pairs.
 */
function addModule(pages: readonly number[], srcMemory: number): Uint8Array<ArrayBuffer> {
  const m = srcMemory;
  const body = [
    ...vec([[1, I32]]),
    ...[op.get(0), op.get(2), op.const(-2), op.and, op.const(3), op.shl, op.add, op.set(3)],
    ...[op.block, op.get(0), op.get(3), op.geU, op.brIf(0), op.loop],
    ...[op.get(0), op.get(0), op.v128Load(0), op.get(1), op.v128Load(m), op.f64x2Add, op.v128Store],
    ...[op.get(1), op.const(16), op.add, op.set(1)],
    ...[op.get(0), op.const(16), op.add, op.tee(0), op.get(3), op.ltU, op.brIf(0)],
    ...[op.end, op.end],
    ...[op.get(2), op.const(1), op.and, op.if],
    ...[op.get(0), op.get(0), op.f64Load(0), op.get(1), op.f64Load(m), op.f64Add, op.f64Store],
    ...[op.end, op.end],
  ].flat();
  // Memory imports: shared, with a maximum (limits flags 0x03).
  const imports = pages.map((n, i) => [
    ...text("env"),
    ...text(`m${i}`),
    0x02,
    0x03,
    ...uleb(n),
    ...uleb(n),
  ]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32]]), ...vec([])]])),
    ...section(2, vec(imports)),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...text("add"), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

type Add = (dst: number, src: number, n: number) => void;

function instantiate(memories: readonly WebAssembly.Memory[], srcMemory: number): Add {
  const pages = memories.map((m) => m.buffer.byteLength / PAGE);
  const module = new WebAssembly.Module(addModule(pages, srcMemory));
  const env = Object.fromEntries(memories.map((m, i) => [`m${i}`, m]));
  return new WebAssembly.Instance(module, { env }).exports.add as Add;
}

/** Whether this engine takes modules with several memories (Node 22+, or 20 with a flag). */
const multiMemory = WebAssembly.validate(addModule([1, 1], 1));

// ---- the memories and the variants ----

interface Variant {
  readonly name: string;
  /** Whether a collective could work this way (B and A' only set bounds). */
  readonly usable: boolean;
  /** dst[i] += src[i] for n doubles, dst at address 0 of the first rank's memory. */
  run(n: number): void;
}

function sharedMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / PAGE);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

const byteViews = (memory: WebAssembly.Memory): ByteViews => ({
  u8: new Uint8Array(memory.buffer),
  i32: new Int32Array(memory.buffer),
});

/** Every variant, and the array they all add into. */
function setUp(maxN: number): { variants: Variant[]; dst: Float64Array } {
  const bytes = maxN * 8;
  // Two ranks' memories, dst at 0 in the first and src at 0 in the second, as in a collective
  // where both ranks run the same kernel. The first also holds a copy of src after dst, at a
  // 1 MiB boundary so that it shares dst's page offsets as src in another memory would (the
  // one-memory variants); the second holds another src 1 KiB further on.
  const shifted = 1024;
  const copyAt = Math.ceil(bytes / 2 ** 20) * 2 ** 20;
  const rank0 = sharedMemory(copyAt + bytes);
  const rank1 = sharedMemory(bytes + shifted);
  const scratch = sharedMemory(2 * STAGE_BYTES);
  new Float64Array(rank0.buffer, 0, maxN).fill(0.5);
  new Float64Array(rank0.buffer, copyAt, maxN).fill(1);
  new Float64Array(rank1.buffer).fill(1);
  new Float64Array(scratch.buffer).fill(0);

  const addInRank0 = instantiate([rank0], 0);
  const addInScratch = instantiate([scratch], 0);
  const dst0 = rank0.buffer;
  const src1 = rank1.buffer;
  const r0 = byteViews(rank0);
  const r1 = byteViews(rank1);
  const sc = byteViews(scratch);
  const chunk = STAGE_BYTES / 8;

  const variants: Variant[] = [
    {
      name: "A  accumulate(), same offsets in two memories",
      usable: true,
      run: (n) => accumulate(Op.SUM, Datatype.DOUBLE, dst0, 0, src1, 0, n),
    },
    {
      name: "A' accumulate(), src 1 KiB further on",
      usable: false,
      run: (n) => accumulate(Op.SUM, Datatype.DOUBLE, dst0, 0, src1, shifted, n),
    },
    {
      name: "B  Wasm SIMD, src already in dst's memory (~F)",
      usable: false,
      run: (n) => addInRank0(0, copyAt, n),
    },
    {
      name: "C  copy all of src into dst's memory, SIMD",
      usable: true,
      run: (n) => {
        copyBytes(r1, 0, r0, copyAt, n * 8);
        addInRank0(0, copyAt, n);
      },
    },
    {
      name: "D  copy src by 256 KiB into dst's memory, SIMD",
      usable: true,
      run: (n) => {
        for (let done = 0; done < n; done += chunk) {
          const k = Math.min(chunk, n - done);
          copyBytes(r1, done * 8, r0, copyAt, k * 8);
          addInRank0(done * 8, copyAt, k);
        }
      },
    },
    {
      name: "E  copy both by 256 KiB to scratch, SIMD, back",
      usable: true,
      run: (n) => {
        for (let done = 0; done < n; done += chunk) {
          const k = Math.min(chunk, n - done);
          copyBytes(r0, done * 8, sc, 0, k * 8);
          copyBytes(r1, done * 8, sc, STAGE_BYTES, k * 8);
          addInScratch(0, STAGE_BYTES, k);
          copyBytes(sc, 0, r0, done * 8, k * 8);
        }
      },
    },
  ];
  if (multiMemory) {
    const addAcross = instantiate([rank0, rank1], 1);
    variants.push({
      name: "F  multi-memory Wasm SIMD, no copy",
      usable: true,
      run: (n) => addAcross(0, 0, n),
    });
  }
  return { variants, dst: new Float64Array(dst0, 0, maxN) };
}

/** Checks every variant against plain arithmetic once, on a few odd-sized arrays. */
function selfCheck(variants: readonly Variant[], dst: Float64Array): void {
  for (const v of variants) {
    for (const n of [1, 3, 16_385]) {
      const before = dst.slice(0, n + 1);
      v.run(n);
      for (let i = 0; i <= n; i++) {
        const want = (before[i] as number) + (i < n ? 1 : 0);
        if (dst[i] !== want) throw new Error(`${v.name}: n=${n}, element ${i} is ${dst[i]}`);
      }
    }
  }
}

// ---- measuring ----

interface Row {
  readonly n: number;
  readonly variant: Variant;
  /** Seconds per call, one per run. */
  readonly seconds: number[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function time(run: (n: number) => void, n: number, calls: number): number {
  const start = performance.now();
  for (let c = 0; c < calls; c++) run(n);
  return (performance.now() - start) / 1000 / calls;
}

function measure(all: readonly Variant[], n: number, runs: number): Row[] {
  // ~20 ms of work per run, so a small n is timed over many calls.
  const calls = Math.max(1, Math.round(2e6 / (n + 20)));
  for (const v of all) time(v.run, n, calls); // warm-up: both tiers compiled, pages touched
  const rows = all.map((variant) => ({ n, variant, seconds: [] as number[] }));
  for (let r = 0; r < runs; r++) {
    all.forEach((v, i) => {
      rows[i]?.seconds.push(time(v.run, n, calls));
    });
  }
  return rows;
}

function duration(seconds: number): string {
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(2)} ms`;
  if (seconds >= 1e-6) return `${(seconds * 1e6).toFixed(2)} µs`;
  return `${(seconds * 1e9).toFixed(1)} ns`;
}

/** STREAM's convention for "add": 24 bytes per element (read dst, read src, write dst). */
const gbps = (n: number, seconds: number): number => (24 * n) / seconds / 1e9;

function table(rows: readonly Row[]): string {
  const lines = [["elements", "variant", "median", "min", "max", "GB/s", "÷ A"]];
  for (const row of rows) {
    const m = median(row.seconds);
    const a = median(rows.find((r) => r.n === row.n)?.seconds ?? []);
    lines.push([
      row.n.toLocaleString("en-US"),
      row.variant.name,
      duration(m),
      duration(Math.min(...row.seconds)),
      duration(Math.max(...row.seconds)),
      row.n >= 1000 ? gbps(row.n, m).toFixed(1) : "-",
      (m / a).toFixed(2),
    ]);
  }
  const widths = (lines[0] as string[]).map((_, c) =>
    Math.max(...lines.map((l) => (l[c] ?? "").length)),
  );
  return lines
    .map((l) =>
      l
        .map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join("  "),
    )
    .join("\n");
}

/** Per size, the fastest way a collective could take, against accumulate(). */
function conclusion(rows: readonly Row[]): string {
  const lines: string[] = [];
  for (const n of [...new Set(rows.map((r) => r.n))]) {
    const ofN = rows.filter((r) => r.n === n && r.variant.usable);
    const best = ofN.reduce((x, y) => (median(y.seconds) < median(x.seconds) ? y : x));
    const js = median(ofN[0]?.seconds ?? []);
    const factor = js / median(best.seconds);
    lines.push(
      `${n.toLocaleString("en-US")} double${n === 1 ? "" : "s"}: the fastest way a collective ` +
        `could take is ${best.variant.name.slice(3)}` +
        (best === ofN[0] ? "" : ` (${factor.toFixed(1)}x accumulate()'s speed)`),
    );
  }
  lines.push(
    "A Wasm function reads one memory, so a collective combining two ranks' operands must first " +
      "copy one into the other's memory (C, D: needs a scratch region in every rank's memory) " +
      "or both into a memory of its own (E), unless the engine has multi-memory (F, which B " +
      "stands in for). accumulate() (A) reads both memories where they are.",
  );
  if (!multiMemory) {
    lines.push("F not run: this engine has no Wasm multi-memory (V8 12.0+: Node 22+, Chrome 120+)");
  }
  return lines.join("\n");
}

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 11;
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive integer");

const sizes = [10_000_000, 65_536, 1];
const { variants, dst } = setUp(Math.max(...sizes));
selfCheck(variants, dst);
const rows = sizes.flatMap((n) => measure(variants, n, runs));
const cpu = cpus()[0]?.model ?? "unknown CPU";
process.stdout.write(
  `reduce: SUM of doubles, dst[i] += src[i]; time per call, median (min, max) over ${runs} ` +
    `interleaved runs\n${cpu}, ${cpus().length} CPUs, Node ${process.versions.node}; ` +
    `GB/s counts 24 B per element (read dst, read src, write dst) as STREAM's "add" does; ` +
    `÷ A is the median over A's median\n\n` +
    `${table(rows)}\n\n${conclusion(rows)}\n`,
);
