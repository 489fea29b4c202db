// Point-to-point benchmark, 2 ranks: wasmpi side by side with Open MPI's C bindings.
// The programs are bench/c/p2p.c and bench/kernels/p2p.ts; see bench/lib/runner.ts for how
// rounds are run and reported.
//
//   npm run bench:p2p -- [--rounds N] [--quick] [--sizes a,b,c] [--timeout S]
import { openmpi, wasmpi } from "./lib/implementations.js";
import { parseOptions, UsageError, usage } from "./lib/options.js";
import { type Benchmark, runBenchmark } from "./lib/runner.js";

const KiB = 1024;
const MiB = 1024 * KiB;

function powersOfTwo(from: number, to: number): number[] {
  const sizes: number[] = [];
  for (let b = from; b <= to; b *= 2) sizes.push(b);
  return sizes;
}

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
  },
  defaultSizes: {
    latency: [0, ...powersOfTwo(1, 64 * MiB)],
    bandwidth: powersOfTwo(KiB, 64 * MiB),
  },
  goals: [
    { test: "latency", bytes: 8, relation: "<=", factor: 1 },
    { test: "latency", bytes: KiB, relation: "<=", factor: 1 },
    { test: "bandwidth", bytes: MiB, relation: ">=", factor: 1 },
    { test: "bandwidth", bytes: 16 * MiB, relation: ">=", factor: 1 },
  ],
  baseline: openmpi,
  subject: wasmpi,
};

try {
  const options = parseOptions(process.argv.slice(2));
  if (options === null) {
    process.stdout.write(`usage: node dist/bench/p2p.js [options]\n${usage}\n`);
  } else {
    process.exitCode = await runBenchmark(p2p, options);
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`p2p: ${error.message}\n${usage}\n`);
  process.exitCode = 2;
}
