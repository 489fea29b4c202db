// Point-to-point benchmark, 2 ranks: wasmpi side by side with Open MPI's C bindings and, when
// installed, mpi4py's buffer path. The programs are bench/c/p2p.c, bench/python/p2p.py and
// bench/kernels/p2p.ts; see bench/lib/runner.ts for how rounds are run and reported. Goals are
// against Open MPI; the tables add a column wasmpi ÷ mpi4py.
//
// Tests:
//   latency             ping-pong, one-way = round trip / 2 (osu_latency)
//   bandwidth           windows of 16 blocking Sends, then a 1-byte ack
//   bandwidth-nb-w16    windows of 16 Isends against 16 pre-posted Irecvs, Waitall on both
//   bandwidth-nb-w64    sides, then a blocking 1-byte ack (osu_bw; W = 16 and 64); every slot
//                       of a window uses the same buffer, as in osu_bw
//
//   npm run bench:p2p -- [--rounds N] [--quick] [--sizes a,b,c] [--tests a,b] [--timeout S]
//                        [--idle-wait S]
import { mpi4py, openmpi, wasmpi } from "./lib/implementations.js";
import { UsageError } from "./lib/options.js";
import { type Benchmark, runBenchmark } from "./lib/runner.js";
import { parseRunnerOptions, runnerUsage } from "./lib/sweep-options.js";

const KiB = 1024;
const MiB = 1024 * KiB;

function powersOfTwo(from: number, to: number): number[] {
  const sizes: number[] = [];
  for (let b = from; b <= to; b *= 2) sizes.push(b);
  return sizes;
}

/** The windows of the nonblocking bandwidth test (osu_bw's default is 64). */
const WINDOWS = [16, 64] as const;
const nonblocking = (w: number): string => `bandwidth-nb-w${w}`;

const p2p: Benchmark = {
  name: "p2p",
  title: "Point-to-point, 2 ranks: wasmpi and Open MPI",
  ranks: 2,
  metrics: {
    latency: { key: "usec", unit: "µs", better: "lower", title: "one-way latency (ping-pong / 2)" },
    bandwidth: {
      key: "MBps",
      unit: "MB/s",
      better: "higher",
      title: "bandwidth (windows of 16 blocking sends, 1 MB = 10^6 B)",
    },
    ...Object.fromEntries(
      WINDOWS.map((w) => [
        nonblocking(w),
        {
          key: "MBps",
          unit: "MB/s",
          better: "higher",
          title: `nonblocking bandwidth, W=${w} (osu_bw: windows of ${w} Isend/Irecv + Waitall, 1 MB = 10^6 B)`,
        } as const,
      ]),
    ),
  },
  programArgs: Object.fromEntries(
    WINDOWS.map((w) => [nonblocking(w), ["bandwidth-nb", "--window", String(w)]]),
  ),
  explanations: {
    latency:
      "Rank 0 sends a message and rank 1 sends it back (blocking Send/Recv), as osu_latency; the figure is half the round trip.",
    bandwidth:
      "Rank 0 sends 16 messages with blocking Send, rank 1 receives them with blocking Recv and answers with a 1-byte ack; MB/s = size × 16 × windows / time.",
    ...Object.fromEntries(
      WINDOWS.map((w) => [
        nonblocking(w),
        `As osu_bw: per window rank 1 posts ${w} Irecv and rank 0 starts ${w} Isend, both Waitall, then rank 1 sends a blocking 1-byte ack that rank 0 receives; MB/s = size × ${w} × windows / time. As in osu_bw, all ${w} slots of a window use the same buffer on each side (one send buffer, one receive buffer), so the data stays in cache as far as the size allows. Iteration counts follow the blocking test's rule (about 1 GiB per size: 5 to 1000 windows, now of ${w} messages), with as many untimed windows first and the same data check.`,
      ]),
    ),
  },
  defaultSizes: {
    latency: [0, ...powersOfTwo(1, 64 * MiB)],
    bandwidth: powersOfTwo(KiB, 64 * MiB),
    ...Object.fromEntries(WINDOWS.map((w) => [nonblocking(w), powersOfTwo(KiB, 64 * MiB)])),
  },
  goals: [
    { test: "latency", bytes: 8, relation: "<=", factor: 1 },
    { test: "latency", bytes: KiB, relation: "<=", factor: 1 },
    { test: "bandwidth", bytes: MiB, relation: ">=", factor: 1 },
    { test: "bandwidth", bytes: 16 * MiB, relation: ">=", factor: 1 },
    ...WINDOWS.flatMap((w) => [
      { test: nonblocking(w), bytes: MiB, relation: ">=", factor: 1 } as const,
      { test: nonblocking(w), bytes: 16 * MiB, relation: ">=", factor: 1 } as const,
    ]),
  ],
  baseline: openmpi,
  subject: wasmpi,
  alsoCompared: [mpi4py],
};

const tests = Object.keys(p2p.metrics);
try {
  const options = parseRunnerOptions(process.argv.slice(2), tests);
  if (options === null) {
    process.stdout.write(`usage: node dist/bench/p2p.js [options]\n${runnerUsage(tests)}\n`);
  } else {
    process.exitCode = await runBenchmark(p2p, options);
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`p2p: ${error.message}\n${runnerUsage(tests)}\n`);
  process.exitCode = 2;
}
