// Soak: the stress test's traffic (test/kernels/stress.ts: messages of 0 B to 1 MiB between
// random pairs, ANY_SOURCE, blocking and nonblocking calls, every message checked) for a
// number of minutes or messages, in this process, sampling the process's memory meanwhile.
// Prints messages per second and the memory over time, then whether the memory stayed flat.
// Exit code 0 only if every message arrived intact and in order and the memory stayed flat.
//
//   npm run soak -- [--minutes M | --messages N] [--ranks N] [--seed S] [--sample SECONDS]
import { fileURLToPath } from "node:url";
import { compileKernel, run } from "wasmpi";
import { type MemorySample, memoryTrend } from "./lib/memory-trend.js";

const usage = `Usage: npm run soak -- [options]

Runs the stress test's traffic for a while and reports messages per second and the memory of
this process (which holds every rank) over time; exit code 1 if a message was lost, corrupted
or reordered, or the memory grew.

Options:
  --minutes M     run for M minutes (default 1)
  --messages N    run until N messages were sent instead
  --ranks N       number of ranks (default 4)
  --seed S        seed of the traffic (default 1)
  --sample S      seconds between samples (default 5)
  --help`;

class UsageError extends Error {}

interface SoakOptions {
  minutes: number;
  messages: number;
  ranks: number;
  seed: number;
  sample: number;
}

function parse(argv: readonly string[]): SoakOptions | null {
  const o: SoakOptions = { minutes: 1, messages: 0, ranks: 4, seed: 1, sample: 5 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === "--help" || flag === "-h") return null;
    const text = argv[++i];
    const value = Number(text);
    const positive = (integer: boolean): number => {
      if (text === undefined || !(value > 0) || (integer && !Number.isInteger(value))) {
        throw new UsageError(
          `${flag} needs a positive ${integer ? "integer" : "number"}, got ${text ?? "nothing"}`,
        );
      }
      return value;
    };
    if (flag === "--minutes") o.minutes = positive(false);
    else if (flag === "--messages") o.messages = positive(true);
    else if (flag === "--ranks") o.ranks = positive(true);
    else if (flag === "--seed") o.seed = positive(true);
    else if (flag === "--sample") o.sample = positive(false);
    else throw new UsageError(`unknown option '${flag}'`);
  }
  return o;
}

const MiB = 1 << 20;
const mib = (bytes: number): string => (bytes / MiB).toFixed(1);
const pad = (text: string | number, width: number): string => String(text).padStart(width);

interface Progress {
  seconds: number;
  messages: number;
  bytes: number;
}

/** A sample's line: the traffic since the last sample, and the memory now. */
const columns = ["s", "messages", "msg/s", "MB/s", "rss MiB", "heap MiB", "wasm MiB"];
const widths = [7, 10, 8, 7, 9, 9, 11];
const row = (cells: readonly (string | number)[]): string =>
  cells.map((c, i) => pad(c, widths[i] ?? 8)).join(" ");

async function main(): Promise<number> {
  let options: SoakOptions | null;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`soak: ${error.message}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const { ranks, seed, sample } = options;
  const seconds = options.messages > 0 ? 0 : options.minutes * 60;
  const what = options.messages > 0 ? `${options.messages} messages` : `${options.minutes} minutes`;
  const kernel = await compileKernel(
    fileURLToPath(new URL("../../test/kernels/stress.ts", import.meta.url)),
  );
  console.log(`soak: ${ranks} ranks, ${what}, seed ${seed}, a sample every ${sample} s`);
  console.log(
    "rss: this process, which holds every rank; heap: its main thread's JS heap; wasm: the largest memory of a rank",
  );
  console.log(row(columns));

  const samples: MemorySample[] = [];
  let last: Progress = { seconds: 0, messages: 0, bytes: 0 };
  const lines: string[][] = Array.from({ length: ranks }, () => []);
  const started = performance.now();
  const onOutput = (rank: number, _stream: string, line: string): void => {
    const m = /^stress progress messages (\d+) bytes (\d+) seconds ([\d.]+) memory (\d+)$/.exec(
      line,
    );
    if (m === null) {
      lines[rank]?.push(line);
      return;
    }
    const now: Progress = { messages: Number(m[1]), bytes: Number(m[2]), seconds: Number(m[3]) };
    const dt = now.seconds - last.seconds;
    const memory = process.memoryUsage();
    const at = (performance.now() - started) / 1000;
    samples.push({ seconds: at, bytes: memory.rss });
    console.log(
      row([
        at.toFixed(1),
        now.messages,
        Math.round((now.messages - last.messages) / dt),
        ((now.bytes - last.bytes) / dt / 1e6).toFixed(1),
        mib(memory.rss),
        mib(memory.heapUsed),
        mib(Number(m[4])),
      ]),
    );
    last = now;
  };
  const result = await run(kernel, {
    np: ranks,
    args: [String(seed), String(options.messages), String(seconds), "16384", String(sample)],
    onOutput,
    // Far past the run's own end: a hang is a failure, not a wait.
    timeoutMs: (seconds > 0 ? seconds * 3 : options.messages / 200) * 1000 + 120_000,
  });
  if (result.exitCode !== 0) {
    for (const failure of result.failures) console.log(`soak: FAILED: rank ${failure}`);
    if (result.timedOut) console.log("soak: FAILED: the job did not end in time");
    return 1;
  }
  const ok = /^stress ok messages (\d+) bytes (\d+) seconds ([\d.]+)$/.exec(
    (lines[0] ?? []).find((l) => l.startsWith("stress ok")) ?? "",
  );
  if (ok === null) {
    console.log("soak: FAILED: rank 0 printed no summary");
    return 1;
  }
  const [messages, bytes, elapsed] = [Number(ok[1]), Number(ok[2]), Number(ok[3])];
  console.log(
    `soak: ${messages.toLocaleString("en")} messages (${(bytes / 1e9).toFixed(2)} GB) in ${elapsed.toFixed(1)} s: ${Math.round(messages / elapsed).toLocaleString("en")} messages/s, ${(bytes / elapsed / 1e6).toFixed(0)} MB/s; every one arrived once, intact, in order`,
  );
  const trend = memoryTrend(samples, (performance.now() - started) / 1000);
  if (trend.flat === null) {
    console.log(
      "memory: too few samples in the second half of the run to judge (run longer, or --sample less)",
    );
    return 0;
  }
  const verdict = trend.flat ? "flat" : "GROWING";
  console.log(
    `memory: ${verdict}: rss median ${mib(trend.firstMedian)} MiB in the first half of ${trend.from.toFixed(0)}-${trend.to.toFixed(0)} s (the run's second half), ${mib(trend.secondMedian)} MiB in its second half (${trend.secondMedian >= trend.firstMedian ? "+" : ""}${mib(trend.secondMedian - trend.firstMedian)} MiB, limit ${mib(trend.limit)}); slope ${mib(trend.slope)} MiB/min`,
  );
  return trend.flat ? 0 : 1;
}

process.exitCode = await main();
