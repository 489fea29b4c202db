// Collectives benchmark at 2 and 4 ranks: wasmpi side by side with Open MPI's C bindings and,
// when installed, mpi4py's buffer path. The programs are bench/c/collectives.c,
// bench/python/collectives.py and bench/kernels/collectives.ts; see bench/lib/sweep.ts for how
// rounds are run and reported. Goals are against Open MPI; the tables add wasmpi ÷ mpi4py.
//
//   npm run bench:collectives -- [--rounds N] [--quick] [--ranks 2,4] [--ops Allreduce,Bcast]
//                                [--sizes a,b,c] [--timeout S] [--idle-wait S]
import { mpi4py, openmpi, wasmpi } from "./lib/implementations.js";
import { UsageError } from "./lib/options.js";
import { runSweep, type SweepBenchmark } from "./lib/sweep.js";
import { parseSweepOptions, type SweepOptions, sweepUsage } from "./lib/sweep-options.js";

const MiB = 1024 * 1024;
/** The programs' largest size (MAX_SIZE in both). */
const MAX_SIZE = 256 * MiB;

const COLLECTIVES = [
  "Barrier",
  "Bcast",
  "Scatter",
  "Gather",
  "Reduce",
  "Allreduce",
  "Allgather",
  "Alltoall",
] as const;

/** 80 MB is the 10M doubles of the goals and of examples/mpi_array_collectives.ts. */
const SIZES = [8, 8192, 8 * MiB, 80_000_000];

/** Collectives whose size is cut into one block per rank. */
const BLOCKED = new Set<string>(["Scatter", "Gather", "Allgather", "Alltoall"]);

/** What a row's size is, per collective: the largest buffer of the call. */
const SIZE_IS: Readonly<Record<string, string>> = {
  Bcast: "the root's buffer",
  Scatter: "the root's send buffer",
  Gather: "the root's receive buffer",
  Reduce: "each rank's buffer, summed at the root",
  Allreduce: "each rank's buffer, summed",
  Allgather: "each rank's receive buffer",
  Alltoall: "each rank's send and receive buffer",
};

/** 10M, 2.5M, 1Mi, 256Ki, 512: short element counts. */
function formatCount(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB}Mi`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}Ki`;
  return n.toLocaleString("en-US");
}

/**
 * Mirrors the programs' choice of elements: doubles when every block holds whole doubles,
 * else bytes (8 B cut among 2 or 4 ranks).
 */
function describe(test: string, bytes: number, ranks: number): string {
  const meaning = SIZE_IS[test];
  if (meaning === undefined) return "";
  const blocks = BLOCKED.has(test) ? ranks : 1;
  const elementBytes = bytes % (8 * blocks) === 0 ? 8 : 1;
  const perBlock = bytes / elementBytes / blocks;
  const unit = elementBytes === 8 ? (perBlock === 1 ? "double" : "doubles") : "B";
  const count = `${formatCount(perBlock)} ${unit}`;
  return `${meaning}: ${blocks > 1 ? `${ranks} × ` : ""}${count}`;
}

const collectives: SweepBenchmark = {
  name: "collectives",
  title: "Collectives at 2 and 4 ranks: wasmpi and Open MPI",
  rankCounts: [2, 4],
  tests: COLLECTIVES,
  testFlag: "--ops",
  metric: {
    key: "usec",
    unit: "µs",
    better: "lower",
    title: "time per call (slowest rank's mean)",
  },
  sizesOf: (test, sizes) => (test === "Barrier" ? [0] : (sizes ?? SIZES)),
  describe,
  goals: [
    { ranks: 2, test: "Allreduce", bytes: 80_000_000, factor: 0.6 },
    { ranks: 2, test: "Bcast", bytes: 80_000_000, factor: 1 },
    { ranks: 2, test: "Scatter", bytes: 80_000_000, factor: 1 },
    { ranks: 2, test: "Allreduce", bytes: 8, factor: 1.5 },
    ...COLLECTIVES.map((test) => ({ ranks: 4, test, bytes: "every" as const, factor: 1 })),
  ],
  method: [
    "Programs: bench/c/collectives.c (`mpicc -O2`, run with `mpirun --allow-run-as-root --oversubscribe --mca pml ob1 -n N`), bench/python/collectives.py (mpi4py's buffer path on numpy arrays, `mpirun ... /usr/bin/python3`, when mpi4py is installed) and bench/kernels/collectives.ts (`wasmpi run -n N`). All fill the same data, run the same iteration counts, check the same elements and print the same JSON line per (collective, size).",
    "**What a size means.** A row's size is the largest buffer of the call, the same total at every rank count: Bcast the buffer; Scatter the root's send buffer (each rank receives size / N); Gather the root's receive buffer (each rank sends size / N); Allgather each rank's receive buffer (each contributes size / N); Alltoall each rank's send and receive buffer (size / N per pair); Reduce and Allreduce each rank's buffer, summed (MPI_SUM) element by element. This is the convention of the goals below and of the baseline figures (Scatter 80 MB = the 10M doubles of examples/mpi_array_collectives.ts at the root). The OSU micro-benchmarks give the per-rank block instead: their size s is our N × s. Elements are doubles (8 B = 1 double), and bytes (uint8) where a block cannot hold whole doubles: 8 B of Scatter, Gather, Allgather and Alltoall, 4 or 2 bytes a rank. The column “size is” spells out the elements.",
    "**How a call is timed.** As the OSU micro-benchmarks do: every iteration is a Barrier, then the one call, timed with Wtime, so a root cannot run ahead into the next call; the barrier is not timed. Each rank takes its mean over the iterations; the figure is the slowest rank's mean (an Allreduce with MAX), and the JSON lines also hold the fastest rank's and the mean over ranks. Iterations: 2000 up to 8 KiB, then about 400 MB moved per size (47 at 8 MiB, 5 at 80 MB); `--quick` runs a tenth (at least 2). Before them, untimed: 10,000 calls for sizes up to 8 KiB, with `--quick` too (wasmpi's Allreduce of 8 B at 2 ranks needs ~10,000 calls before V8 has optimized its host side: 40 µs a call at first, 0.7 µs after), and a fifth of the timed count above 8 KiB (1 at 80 MB). A clock reading costs ~30 ns in Open MPI and ~65 ns in wasmpi (a host import; measured with 10^6 calls), and about one falls inside each timed call, so a small wasmpi figure carries ~0.04 µs more clock than Open MPI's.",
    "**Checks.** Before every call (warm-up included) a few received elements are overwritten, and after it they are compared with what the collective must deliver (the first element of each block and the last element; for Bcast and the reductions the first, middle and last): a broken collective ends the job instead of posting a time.",
  ],
  baseline: openmpi,
  subject: wasmpi,
  alsoCompared: [mpi4py],
};

/** Sizes the programs cannot run: outside 1..MAX_SIZE, or not one whole block per rank. */
function checkSizes(options: SweepOptions): void {
  if (options.sizes === null) return;
  const rankCounts = options.ranks ?? collectives.rankCounts;
  for (const bytes of options.sizes.split(",").map(Number)) {
    if (bytes < 1 || bytes > MAX_SIZE) {
      throw new UsageError(`--sizes: ${bytes} is outside 1..${MAX_SIZE}`);
    }
    const uneven = rankCounts.filter((n) => bytes % n !== 0);
    if (uneven.length > 0) {
      throw new UsageError(
        `--sizes: ${bytes} B does not split into one block per rank at ${uneven.join(", ")} ranks`,
      );
    }
  }
}

const usage = sweepUsage("--ops", COLLECTIVES);
try {
  const options = parseSweepOptions(process.argv.slice(2), "--ops", COLLECTIVES);
  if (options === null) {
    process.stdout.write(`usage: node dist/bench/collectives.js [options]\n${usage}\n`);
  } else {
    checkSizes(options);
    process.exitCode = await runSweep(collectives, options);
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`collectives: ${error.message}\n${usage}\n`);
  process.exitCode = 2;
}
