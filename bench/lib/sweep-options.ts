// Command-line options of a benchmark that runs at several rank counts: the shared options
// (bench/lib/options.ts) plus which rank counts and which tests to run, and how long to wait
// for other work on the machine to finish before each job.
import { type BenchOptions, parseOptions, UsageError, usage } from "./options.js";

export interface SweepOptions extends BenchOptions {
  /** Rank counts to run; null for the benchmark's own. */
  readonly ranks: readonly number[] | null;
  /** Tests to run, in the benchmark's order; null for all. */
  readonly tests: readonly string[] | null;
  /** Longest wait for an idle machine before each job, in seconds; 0 never waits. */
  readonly idleWaitSeconds: number;
}

export function sweepUsage(testFlag: string, tests: readonly string[]): string {
  return `${usage.replace(/\n {2}--help$/, "")}
  --ranks 2,4     only these rank counts
  ${`${testFlag} a,b`.padEnd(15)} only these of ${tests.join(", ")}
  --idle-wait S   before each job, wait up to S seconds while other processes keep more than
                  10% of the CPU busy (default 60; 0 never waits)
  --help`;
}

function list(flag: string, text: string | undefined): string[] {
  if (text === undefined || text === "" || text.split(",").some((item) => item === "")) {
    throw new UsageError(`${flag} needs a comma-separated list, got ${text ?? "nothing"}`);
  }
  return text.split(",");
}

/** Null when --help was asked for. Tests are named by `testFlag` (e.g. --ops). */
export function parseSweepOptions(
  argv: readonly string[],
  testFlag: string,
  knownTests: readonly string[],
): SweepOptions | null {
  let ranks: number[] | null = null;
  let tests: string[] | null = null;
  let idleWaitSeconds = 60;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--ranks") {
      ranks = list(arg, argv[++i]).map((item) => {
        const n = Number(item);
        if (!Number.isInteger(n) || n < 1) {
          throw new UsageError(`--ranks needs positive integers, got ${item}`);
        }
        return n;
      });
    } else if (arg === testFlag) {
      const named = list(arg, argv[++i]);
      const unknown = named.filter((t) => !knownTests.includes(t));
      if (unknown.length > 0) {
        throw new UsageError(
          `unknown in ${testFlag}: ${unknown.join(", ")} (known: ${knownTests.join(", ")})`,
        );
      }
      tests = knownTests.filter((t) => named.includes(t));
    } else if (arg === "--idle-wait") {
      const text = argv[++i];
      const seconds = Number(text);
      if (text === undefined || !Number.isInteger(seconds) || seconds < 0) {
        throw new UsageError(
          `--idle-wait needs a whole number of seconds, got ${text ?? "nothing"}`,
        );
      }
      idleWaitSeconds = seconds;
    } else {
      rest.push(arg);
    }
  }
  const base = parseOptions(rest);
  if (base === null) return null;
  return { ...base, ranks, tests, idleWaitSeconds };
}
