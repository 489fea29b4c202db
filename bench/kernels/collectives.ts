// Collectives benchmark, wasmpi side. bench/c/collectives.c is the same program for Open MPI:
// same collectives, sizes, data, iteration counts, checks and output, so bench/collectives.ts
// treats both alike. See the C file's header for what a row's size means and how a call is
// timed.
//
//   wasmpi run -n 4 bench/kernels/collectives.ts -- [--ops Barrier,Bcast,...] [--sizes a,b,c] [--quick]
import { MPI } from "wasmpi/assembly";

const MAX_SIZE: i64 = 256 << 20;
const SMALL: i32 = 8192;
const PAGE: i32 = 4096;

const BARRIER = 0;
const BCAST = 1;
const SCATTER = 2;
const GATHER = 3;
const REDUCE = 4;
const ALLREDUCE = 5;
const ALLGATHER = 6;
const ALLTOALL = 7;
const NAMES: string[] = [
  "Barrier",
  "Bcast",
  "Scatter",
  "Gather",
  "Reduce",
  "Allreduce",
  "Allgather",
  "Alltoall",
];

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const nranks = comm.Get_size();

// Iteration counts: these two functions are mirrored in bench/c/collectives.c.
function iterations(bytes: i32, quick: bool): i32 {
  // 2000 calls up to 8 KiB, then about 400 MB moved per size: 47 at 8 MiB, 5 at 80 MB.
  let n: i64 = bytes <= SMALL ? 2000 : <i64>400000000 / <i64>bytes;
  if (n > 2000) n = 2000;
  if (n < 5) n = 5;
  if (quick) n = max<i64>(n / 10, 2);
  return <i32>n;
}

// Untimed calls first. Small sizes get 10,000, with --quick too: wasmpi's Allreduce of 8 B at
// 2 ranks took 40 µs a call over its first 2,000 calls, 17 µs over the next 2,000 and reached
// its steady 0.7 µs only after ~10,000, while V8 optimizes the host side. Large sizes get a
// fifth of their timed calls (1 at 80 MB): a call is all copying, and one warm call is enough.
function warmups(iters: i32, bytes: i32): i32 {
  if (bytes <= SMALL) return 10000;
  return max<i32>(iters / 5, 1);
}

// How many blocks the size is cut into: one per rank for the block collectives.
function blocksOf(op: i32): i32 {
  return op == SCATTER || op == GATHER || op == ALLGATHER || op == ALLTOALL ? nranks : 1;
}

// Doubles when every block holds whole doubles, else bytes.
function elementSize(op: i32, bytes: i32): i32 {
  return bytes % (8 * blocksOf(op)) == 0 ? 8 : 1;
}

// What rank r holds at element i of its send buffer: distinct per rank and per position, and
// sums over ranks stay exact.
function pattern(elem: i32, r: i32, i: i32): f64 {
  if (elem == 1) return <f64>((r * 37 + i * 7 + 13) & 0xff);
  return <f64>(r + 1) * 1e6 + <f64>(i % 999983);
}

function reduced(elem: i32, i: i32): f64 {
  let sum: f64 = 0;
  for (let r = 0; r < nranks; r++) sum += pattern(elem, r, i);
  return elem == 1 ? <f64>(<i64>sum & 0xff) : sum;
}

// A page-aligned area of `bytes` bytes, like posix_memalign in the C program.
class Area {
  readonly buffer: ArrayBuffer;
  readonly offset: i32;
  constructor(readonly bytes: i32) {
    this.buffer = new ArrayBuffer(bytes + PAGE);
    const start = changetype<usize>(this.buffer);
    this.offset = (PAGE - <i32>(start & <usize>(PAGE - 1))) & (PAGE - 1);
  }

  view<A>(length: i32): A {
    if (isFloat<valueof<A>>()) {
      return changetype<A>(Float64Array.wrap(this.buffer, this.offset, length));
    }
    return changetype<A>(Uint8Array.wrap(this.buffer, this.offset, length));
  }
}

function put<A>(buf: A, i: i32, v: f64): void {
  if (isFloat<valueof<A>>()) buf[i] = <valueof<A>>v;
  else buf[i] = <valueof<A>>(<i64>v & 0xff);
}

// The received elements checked after every call: the first of every block and the last.
class Checks {
  at: i32[] = [];
  expected: f64[] = [];

  add(at: i32, expected: f64): void {
    this.at.push(at);
    this.expected.push(expected);
  }
}

// The checks of this rank for one collective: which element of recv must hold what.
function checksFor(op: i32, elem: i32, count: i32, block: i32): Checks {
  const c = new Checks();
  if (op == BCAST) {
    if (rank != 0) {
      c.add(0, pattern(elem, 0, 0));
      c.add(count / 2, pattern(elem, 0, count / 2));
      c.add(count - 1, pattern(elem, 0, count - 1));
    }
  } else if (op == SCATTER) {
    c.add(0, pattern(elem, 0, rank * block));
    c.add(block - 1, pattern(elem, 0, rank * block + block - 1));
  } else if (op == GATHER || op == ALLGATHER) {
    if (op == ALLGATHER || rank == 0) {
      for (let s = 0; s < nranks; s++) c.add(s * block, pattern(elem, s, 0));
      c.add(count - 1, pattern(elem, nranks - 1, block - 1));
    }
  } else if (op == ALLTOALL) {
    for (let s = 0; s < nranks; s++) c.add(s * block, pattern(elem, s, rank * block));
    c.add(count - 1, pattern(elem, nranks - 1, rank * block + block - 1));
  } else if (op == REDUCE || op == ALLREDUCE) {
    if (op == ALLREDUCE || rank == 0) {
      c.add(0, reduced(elem, 0));
      c.add(count / 2, reduced(elem, count / 2));
      c.add(count - 1, reduced(elem, count - 1));
    }
  }
  return c;
}

// Overwrites the checked elements with values the collective must replace.
function poison<A>(c: Checks, recv: A): void {
  for (let k = 0; k < c.at.length; k++) put<A>(recv, c.at[k], c.expected[k] + 1);
}

function verify<A>(c: Checks, recv: A, op: i32, bytes: i32): void {
  for (let k = 0; k < c.at.length; k++) {
    const got = <f64>recv[c.at[k]];
    if (got != c.expected[k]) {
      console.error(
        `collectives: rank ${rank}: ${NAMES[op]} of ${bytes} B: element ${c.at[k]} is ${got}, expected ${c.expected[k]}`,
      );
      comm.Abort(3);
    }
  }
}

function call<A>(op: i32, sbuf: A, rbuf: A, rootBuffer: A, block: A): void {
  if (op == BARRIER) comm.Barrier();
  else if (op == BCAST) comm.Bcast<A>(rank == 0 ? sbuf : rbuf, 0);
  else if (op == SCATTER) {
    if (rank == 0) comm.Scatter<A>(rootBuffer, block, 0);
    else comm.Scatter<A>(null, block, 0);
  } else if (op == GATHER) {
    if (rank == 0) comm.Gather<A>(block, rootBuffer, 0);
    else comm.Gather<A>(block, null, 0);
  } else if (op == REDUCE) {
    if (rank == 0) comm.Reduce<A>(sbuf, rbuf, MPI.SUM, 0);
    else comm.Reduce<A>(sbuf, null, MPI.SUM, 0);
  } else if (op == ALLREDUCE) comm.Allreduce<A>(sbuf, rbuf, MPI.SUM);
  else if (op == ALLGATHER) comm.Allgather<A>(block, rbuf);
  else if (op == ALLTOALL) comm.Alltoall<A>(sbuf, rbuf);
}

// Rounded to `digits` decimals, as the C program's printf("%.3f") is.
function fixed(x: f64, digits: i32): string {
  const scale = 10 ** digits;
  return (Math.round(x * scale) / scale).toString();
}

function overRanks(value: f64, op: MPI.Op): f64 {
  const mine = new Float64Array(1);
  const all = new Float64Array(1);
  mine[0] = value;
  comm.Allreduce(mine, all, op);
  return all[0];
}

function measure<A>(op: i32, bytes: i32, quick: bool, sarea: Area, rarea: Area): void {
  const elem = op == BARRIER ? 1 : elementSize(op, bytes);
  const count = op == BARRIER ? 0 : bytes / elem;
  const blockCount = count / blocksOf(op);
  // Views made once per size, so the timed loop allocates nothing. Scatter's blocks land in
  // and Gather's and Allgather's leave from the start of a buffer; the root's side is whole.
  const sbuf = sarea.view<A>(count);
  const rbuf = rarea.view<A>(count);
  const rootBuffer = op == SCATTER ? sbuf : rbuf;
  const block = op == SCATTER ? rarea.view<A>(blockCount) : sarea.view<A>(blockCount);
  // Everything a rank sends is its pattern: the root's whole buffer for Bcast and Scatter, its
  // block for Gather and Allgather, all of it for the others.
  for (let i = 0; i < count; i++) put<A>(sbuf, i, pattern(elem, rank, i));
  // Scatter receives into its block view, which starts where rbuf does, so the checks of
  // rbuf see it.
  const c = checksFor(op, elem, count, blockCount);
  const iters = iterations(bytes, quick);
  const warmup = warmups(iters, bytes);
  let total: f64 = 0;
  for (let i = -warmup; i < iters; i++) {
    poison<A>(c, rbuf);
    comm.Barrier();
    const start = MPI.Wtime();
    call<A>(op, sbuf, rbuf, rootBuffer, block);
    const elapsed = MPI.Wtime() - start;
    if (i >= 0) total += elapsed;
    verify<A>(c, rbuf, op, bytes);
  }
  const mean = total / <f64>iters;
  const slowest = overRanks(mean, MPI.MAX);
  const fastest = overRanks(mean, MPI.MIN);
  const sum = overRanks(mean, MPI.SUM);
  if (rank == 0) {
    const datatype = op == BARRIER ? "none" : elem == 1 ? "byte" : "double";
    console.log(
      `{"impl":"wasmpi","test":"${NAMES[op]}","ranks":${nranks},"bytes":${op == BARRIER ? 0 : bytes},` +
        `"usec":${fixed(slowest * 1e6, 3)},"usec_min":${fixed(fastest * 1e6, 3)},` +
        `"usec_avg":${fixed((sum / <f64>nranks) * 1e6, 3)},"datatype":"${datatype}",` +
        `"count":${count},"iters":${iters}}`,
    );
  }
}

// Null when the list is not a comma-separated list of byte counts in 1..MAX_SIZE.
function parseSizes(list: string): i32[] | null {
  const sizes: i32[] = [];
  const parts = list.split(",");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.length == 0) return null;
    for (let c = 0; c < part.length; c++) {
      const code = part.charCodeAt(c);
      if (code < 48 || code > 57) return null;
    }
    const b = parseInt(part, 10);
    if (b < 1 || b > <f64>MAX_SIZE) return null;
    sizes.push(<i32>b);
  }
  return sizes;
}

// Null when a name is not a collective of this benchmark.
function parseOps(list: string): bool[] | null {
  const wanted: bool[] = [false, false, false, false, false, false, false, false];
  const parts = list.split(",");
  for (let i = 0; i < parts.length; i++) {
    const found = NAMES.indexOf(parts[i]);
    if (found < 0) return null;
    wanted[found] = true;
  }
  return wanted;
}

function usage(message: string): void {
  if (rank == 0) console.error(`collectives: ${message}`);
  comm.Abort(2);
}

// Whether argv[0] is the program name depends on the host (WASI passes it), so flags are
// found by name and anything else is skipped.
const argv = process.argv;
let sizes: i32[] = [8, 8192, 8 << 20, 80000000];
let wanted: bool[] = [true, true, true, true, true, true, true, true];
let quick = false;
let ok = true;
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg == "--quick") quick = true;
  else if (arg == "--sizes" && i + 1 < argv.length) {
    const parsed = parseSizes(argv[++i]);
    if (parsed == null) {
      usage(`bad --sizes (bytes, 1..${MAX_SIZE}): ${argv[i]}`);
      ok = false;
    } else sizes = parsed;
  } else if (arg == "--ops" && i + 1 < argv.length) {
    const parsed = parseOps(argv[++i]);
    if (parsed == null) {
      usage(`unknown collective in --ops ${argv[i]}`);
      ok = false;
    } else wanted = parsed;
  } else if (arg.startsWith("--")) {
    usage(`usage: collectives [--ops Barrier,Bcast,...] [--sizes a,b,c] [--quick]; got ${arg}`);
    ok = false;
  }
}
for (let s = 0; s < sizes.length; s++) {
  if (sizes[s] % nranks != 0) {
    usage("every size must split into one block per rank");
    ok = false;
  }
}

if (ok) {
  let largest: i32 = 8;
  for (let s = 0; s < sizes.length; s++) if (sizes[s] > largest) largest = sizes[s];
  // Touch every page before timing so no first-touch fault lands inside a timed loop.
  const sarea = new Area(largest);
  const rarea = new Area(largest);
  sarea.view<Uint8Array>(largest).fill(1);
  rarea.view<Uint8Array>(largest).fill(0);

  for (let op = 0; op < NAMES.length; op++) {
    if (!wanted[op]) continue;
    if (op == BARRIER) {
      measure<Uint8Array>(op, 0, quick, sarea, rarea);
      continue;
    }
    for (let s = 0; s < sizes.length; s++) {
      if (elementSize(op, sizes[s]) == 8) {
        measure<Float64Array>(op, sizes[s], quick, sarea, rarea);
      } else {
        measure<Uint8Array>(op, sizes[s], quick, sarea, rarea);
      }
    }
  }
}
