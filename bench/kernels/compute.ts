// Compute kernels, wasmpi side: the loops a user would write in a kernel, each as plain
// scalar code and with Wasm SIMD (f64x2), timed inside Wasm with MPI.Wtime. bench/c/compute.c
// is the same program in C (plain loops only; gcc -O2 vectorizes what it may), with the same
// sizes, data, repetitions, checks and output, so bench/compute.ts compares the two.
//
//   wasmpi run -n 1 bench/kernels/compute.ts -- [sum|dot|stencil|matmul ...] [--quick]
//
// One JSON line per (kernel, variant):
//   {"impl":"wasmpi","test":"sum","variant":"simd","size":10000000,"sweeps":0,"reps":10,
//    "ms":7.91,"min_ms":7.8,"max_ms":8.4,"checksum":2497500000}
// where ms is the median of the timed repetitions. A result that fails its check aborts the
// program before its line is printed, so a broken kernel posts no time.
//
// The data are small integers (and halves), so sum, dot and matmul are exact in any order and
// are checked against closed forms; the stencil's weights are powers of two and every variant
// adds in the same order, so its checksum must match the C program's to the last bit.
import { MPI } from "wasmpi/assembly";

// ---- sizes and repetitions: mirrored in bench/c/compute.c ----

class Sizes {
  vector: i32 = 10_000_000; // doubles, sum and dot
  grid: i32 = 2048; // side of the stencil's square grid
  sweeps: i32 = 10; // stencil sweeps per repetition
  matrix: i32 = 512; // side of the square matrices
  warmup: i32 = 2; // untimed repetitions first
  reps: i32 = 10; // timed repetitions
}

function quickSizes(): Sizes {
  const s = new Sizes();
  s.vector = 1_000_000;
  s.grid = 512;
  s.sweeps = 4;
  s.matrix = 128;
  s.warmup = 1;
  s.reps = 3;
  return s;
}

// ---- kernels: plain ----

// Address of element i of the doubles at `base`; binaryen inlines it.
function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

function sumPlain(a: usize, _b: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) s += load<f64>(at(a, i));
  return s;
}

function dotPlain(a: usize, b: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) s += load<f64>(at(a, i)) * load<f64>(at(b, i));
  return s;
}

// The two loops below step pointers through the rows, as gcc -O2 compiles the C program's
// indexed loops (bench/c/compute.c). V8 does not strength-reduce an index: written with
// `at(p, j)` it recomputes each address from j and the row's base, and took 84 ms a stencil
// repetition instead of 68, 77 ms a matrix product instead of 60 (C: 57 and 45).

/** One Jacobi-style sweep over the interior of an n×n grid, from `u` into `v`. */
function stencilPlain(u: usize, v: usize, n: i32): void {
  const row = (<usize>n) << 3;
  for (let i = 1; i < n - 1; i++) {
    let c = at(u, i * n + 1);
    let q = at(v, i * n + 1);
    const end = c + ((<usize>(n - 2)) << 3);
    for (; c < end; c += 8, q += 8) {
      const around = load<f64>(c - row) + load<f64>(c + row) + load<f64>(c - 8) + load<f64>(c + 8);
      store<f64>(q, 0.5 * load<f64>(c) + 0.125 * around);
    }
  }
}

/** c += a × b for n×n row-major matrices, in i-k-j order (unit stride in the inner loop). */
function matmulPlain(a: usize, b: usize, c: usize, n: i32): void {
  const rowBytes = (<usize>n) << 3;
  for (let i = 0; i < n; i++) {
    const ci = at(c, i * n);
    const end = ci + rowBytes;
    for (let k = 0; k < n; k++) {
      const aik = load<f64>(at(a, i * n + k));
      let q = at(b, k * n);
      for (let p = ci; p < end; p += 8, q += 8) store<f64>(p, load<f64>(p) + aik * load<f64>(q));
    }
  }
}

// ---- kernels: SIMD ----

// Four f64x2 accumulators: one would wait on f64x2.add's latency at every step.
function sumSimd(a: usize, _b: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(a, i);
    s0 = f64x2.add(s0, v128.load(p));
    s1 = f64x2.add(s1, v128.load(p, 16));
    s2 = f64x2.add(s2, v128.load(p, 32));
    s3 = f64x2.add(s3, v128.load(p, 48));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) total += load<f64>(at(a, i));
  return total;
}

function dotSimd(a: usize, b: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at(a, i);
    const q = at(b, i);
    s0 = f64x2.add(s0, f64x2.mul(v128.load(p), v128.load(q)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(p, 16), v128.load(q, 16)));
    s2 = f64x2.add(s2, f64x2.mul(v128.load(p, 32), v128.load(q, 32)));
    s3 = f64x2.add(s3, f64x2.mul(v128.load(p, 48), v128.load(q, 48)));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) total += load<f64>(at(a, i)) * load<f64>(at(b, i));
  return total;
}

// Two points per step, each computed in the plain kernel's order, so results are identical.
function stencilSimd(u: usize, v: usize, n: i32): void {
  const row = (<usize>n) << 3;
  const half = f64x2.splat(0.5);
  const eighth = f64x2.splat(0.125);
  for (let i = 1; i < n - 1; i++) {
    const p = at(u, i * n);
    const q = at(v, i * n);
    let j = 1;
    for (; j + 2 <= n - 1; j += 2) {
      const c = at(p, j);
      const around = f64x2.add(
        f64x2.add(f64x2.add(v128.load(c - row), v128.load(c + row)), v128.load(c - 8)),
        v128.load(c, 8),
      );
      v128.store(at(q, j), f64x2.add(f64x2.mul(half, v128.load(c)), f64x2.mul(eighth, around)));
    }
    for (; j < n - 1; j++) {
      const c = at(p, j);
      const around = load<f64>(c - row) + load<f64>(c + row) + load<f64>(c - 8) + load<f64>(c + 8);
      store<f64>(at(q, j), 0.5 * load<f64>(c) + 0.125 * around);
    }
  }
}

// Eight columns of the row of c per step, in four registers.
function matmulSimd(a: usize, b: usize, c: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const ci = at(c, i * n);
    for (let k = 0; k < n; k++) {
      const aik = load<f64>(at(a, i * n + k));
      const av = f64x2.splat(aik);
      const bk = at(b, k * n);
      let j = 0;
      for (; j + 8 <= n; j += 8) {
        const cp = at(ci, j);
        const bp = at(bk, j);
        v128.store(cp, f64x2.add(v128.load(cp), f64x2.mul(av, v128.load(bp))));
        v128.store(cp, f64x2.add(v128.load(cp, 16), f64x2.mul(av, v128.load(bp, 16))), 16);
        v128.store(cp, f64x2.add(v128.load(cp, 32), f64x2.mul(av, v128.load(bp, 32))), 32);
        v128.store(cp, f64x2.add(v128.load(cp, 48), f64x2.mul(av, v128.load(bp, 48))), 48);
      }
      for (; j < n; j++) {
        store<f64>(at(ci, j), load<f64>(at(ci, j)) + aik * load<f64>(at(bk, j)));
      }
    }
  }
}

// ---- variants ----

// V8 has no on-stack replacement for Wasm: a call runs to its end in the code its function was
// entered with, and the optimized (TurboFan) code is used from the next call on. Called
// directly, binaryen -O3 inlines these small kernels into run*(), which are entered once, so
// every repetition would run in the baseline (Liftoff) code: dot plain took 33.7 ms there
// instead of 8.3 ms. Calling them through a table that lives in memory keeps them functions
// of their own, entered afresh by every repetition, so the warm-up repetitions let them tier up.
type Reduction = (a: usize, b: usize, n: i32) => f64;
type Sweep = (u: usize, v: usize, n: i32) => void;
type Product = (a: usize, b: usize, c: usize, n: i32) => void;

const SUM: StaticArray<Reduction> = [sumPlain, sumSimd];
const DOT: StaticArray<Reduction> = [dotPlain, dotSimd];
const STENCIL: StaticArray<Sweep> = [stencilPlain, stencilSimd];
const MATMUL: StaticArray<Product> = [matmulPlain, matmulSimd];

// ---- timing, checks, output ----

const comm = MPI.COMM_WORLD;

function fail(message: string): void {
  console.error(`compute: ${message}`);
  comm.Abort(3);
}

function rounded(x: f64): string {
  return (Math.round(x * 1e4) / 1e4).toString();
}

/** Median, min and max of the timed repetitions, in ms; the times are sorted in place. */
function report(
  test: string,
  variant: string,
  size: i32,
  sweeps: i32,
  times: Array<f64>,
  checksum: f64,
): void {
  times.sort();
  const n = times.length;
  const median = n % 2 === 1 ? times[n >> 1] : (times[(n >> 1) - 1] + times[n >> 1]) / 2;
  console.log(
    `{"impl":"wasmpi","test":"${test}","variant":"${variant}","size":${size.toString()},` +
      `"sweeps":${sweeps.toString()},"reps":${n.toString()},"ms":${rounded(median)},` +
      `"min_ms":${rounded(times[0])},"max_ms":${rounded(times[n - 1])},` +
      `"checksum":${checksum.toString()}}`,
  );
}

function alloc(doubles: i32): usize {
  return heap.alloc((<usize>doubles) << 3);
}

function checksumOf(p: usize, count: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < count; i++) s += load<f64>(at(p, i));
  return s;
}

/** Σ (i mod 1000) / 2 over i < n, in closed form. */
function expectedSum(n: i32): f64 {
  const cycles = <i64>(n / 1000);
  const rest = <i64>(n % 1000);
  return <f64>(cycles * 499500 + (rest * (rest - 1)) / 2) * 0.5;
}

/** Σ (i mod 1000) × (i mod 7 − 3) / 2 over i < n, by whole periods of 7000. */
function expectedDot(n: i32): f64 {
  let period: i64 = 0;
  for (let i = 0; i < 7000; i++) period += <i64>(i % 1000) * <i64>((i % 7) - 3);
  let tail: i64 = 0;
  for (let i = n - (n % 7000); i < n; i++) tail += <i64>(i % 1000) * <i64>((i % 7) - 3);
  return <f64>(<i64>(n / 7000) * period + tail) * 0.5;
}

function runVectors(test: string, s: Sizes): void {
  const n = s.vector;
  const a = alloc(n);
  const b = alloc(n);
  for (let i = 0; i < n; i++) {
    store<f64>(at(a, i), <f64>(i % 1000) * 0.5);
    store<f64>(at(b, i), <f64>((i % 7) - 3));
  }
  const isSum = test === "sum";
  const expected = isSum ? expectedSum(n) : expectedDot(n);
  for (let simd = 0; simd < 2; simd++) {
    const kernel = unchecked((isSum ? SUM : DOT)[simd]);
    const times: f64[] = [];
    let result = 0.0;
    for (let r = 0; r < s.warmup + s.reps; r++) {
      const start = MPI.Wtime();
      result = kernel(a, b, n);
      const seconds = MPI.Wtime() - start;
      if (result !== expected) {
        fail(
          `${test} (${simd ? "simd" : "plain"}) gave ${result.toString()}, not ${expected.toString()}`,
        );
      }
      if (r >= s.warmup) times.push(seconds * 1e3);
    }
    report(test, simd ? "simd" : "plain", n, 0, times, result);
  }
}

function runStencil(s: Sizes): void {
  const n = s.grid;
  const cells = n * n;
  const start0 = alloc(cells);
  const u = alloc(cells);
  const v = alloc(cells);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) store<f64>(at(start0, i * n + j), <f64>((i * 31 + j * 17) % 1000));
  }
  let plainChecksum = 0.0;
  for (let simd = 0; simd < 2; simd++) {
    const sweep = unchecked(STENCIL[simd]);
    const times: f64[] = [];
    let checksum = 0.0;
    for (let r = 0; r < s.warmup + s.reps; r++) {
      // Both grids start as the initial one, so the fixed boundary is in each.
      memory.copy(u, start0, (<usize>cells) << 3);
      memory.copy(v, start0, (<usize>cells) << 3);
      let from = u;
      let to = v;
      const start = MPI.Wtime();
      for (let k = 0; k < s.sweeps; k++) {
        sweep(from, to, n);
        const t = from;
        from = to;
        to = t;
      }
      const seconds = MPI.Wtime() - start;
      const sum = checksumOf(from, cells);
      if (r > 0 && sum !== checksum)
        fail(`stencil: repetition ${r.toString()} gave another result`);
      checksum = sum;
      if (r >= s.warmup) times.push(seconds * 1e3);
    }
    if (simd && checksum !== plainChecksum) {
      fail(`stencil: simd checksum ${checksum.toString()}, plain ${plainChecksum.toString()}`);
    }
    plainChecksum = checksum;
    report("stencil", simd ? "simd" : "plain", n, s.sweeps, times, checksum);
  }
}

function runMatmul(s: Sizes): void {
  const n = s.matrix;
  const a = alloc(n * n);
  const b = alloc(n * n);
  const c = alloc(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      store<f64>(at(a, i * n + j), <f64>(((i * 7 + j * 3) % 11) - 5));
      store<f64>(at(b, i * n + j), <f64>(((i * 5 + j * 13) % 9) - 4));
    }
  }
  // Σ over i, j of (a × b)[i][j] = Σ over k of (column k of a summed) × (row k of b summed).
  let expected = 0.0;
  for (let k = 0; k < n; k++) {
    let column = 0.0;
    let row = 0.0;
    for (let i = 0; i < n; i++) column += load<f64>(at(a, i * n + k));
    for (let j = 0; j < n; j++) row += load<f64>(at(b, k * n + j));
    expected += column * row;
  }
  for (let simd = 0; simd < 2; simd++) {
    const product = unchecked(MATMUL[simd]);
    const times: f64[] = [];
    let checksum = 0.0;
    for (let r = 0; r < s.warmup + s.reps; r++) {
      memory.fill(c, 0, (<usize>(n * n)) << 3);
      const start = MPI.Wtime();
      product(a, b, c, n);
      const seconds = MPI.Wtime() - start;
      checksum = checksumOf(c, n * n);
      if (checksum !== expected) {
        fail(
          `matmul (${simd ? "simd" : "plain"}) checksum ${checksum.toString()}, not ${expected.toString()}`,
        );
      }
      if (r >= s.warmup) times.push(seconds * 1e3);
    }
    report("matmul", simd ? "simd" : "plain", n, 0, times, checksum);
  }
}

// ---- command line ----

const KERNELS = ["sum", "dot", "stencil", "matmul"];

if (comm.Get_size() !== 1) {
  fail(`needs 1 rank, got ${comm.Get_size().toString()}`);
} else {
  // Whether argv[0] is the program name depends on the host, so arguments are found by name.
  const argv = process.argv;
  let quick = false;
  const chosen: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (KERNELS.includes(arg)) chosen.push(arg);
    else if (arg.startsWith("--")) fail(`unknown option ${arg}`);
  }
  const sizes = quick ? quickSizes() : new Sizes();
  const run = chosen.length > 0 ? chosen : KERNELS;
  for (let k = 0; k < run.length; k++) {
    const test = run[k];
    if (test === "sum" || test === "dot") runVectors(test, sizes);
    else if (test === "stencil") runStencil(sizes);
    else runMatmul(sizes);
  }
}
