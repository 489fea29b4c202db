// Command-line options that pick what a benchmark runs: the shared options
// (bench/lib/options.ts) plus which tests (and, for benchmarks that run at several rank counts,
// which rank counts) to run, and how long to wait for other work on the machine to finish
// before each job.
import { type BenchOptions, parseOptions, UsageError, usage } from "./options.js";

/** Options of a benchmark run by bench/lib/runner.ts: the shared ones plus test selection. */
export interface RunnerOptions extends BenchOptions {
  /** Tests to run, in the benchmark's order; null for all. */
  readonly tests: readonly string[] | null;
  /** Longest wait for an idle machine before each job, in seconds; 0 never waits. */
  readonly idleWaitSeconds: number;
}

/** Options of a benchmark run at several rank counts (bench/lib/sweep.ts). */
export interface SweepOptions extends RunnerOptions {
  /** Rank counts to run; null for the benchmark's own. */
  readonly ranks: readonly number[] | null;
}

/** The usage text; `testFlag` names the tests (e.g. --ops), `ranks` offers --ranks. */
export function selectionUsage(testFlag: string, tests: readonly string[], ranks: boolean): string {
  return `${usage.replace(/\n {2}--help$/, "")}${ranks ? "\n  --ranks 2,4     only these rank counts" : ""}
  ${`${testFlag} a,b`.padEnd(15)} only these of ${tests.join(", ")} (results go to bench/results/raw)
  --idle-wait S   before each job, wait up to S seconds while other processes keep more than
                  10% of the CPU busy (default 60; 0 never waits)
  --help`;
}

export const sweepUsage = (testFlag: string, tests: readonly string[]): string =>
  selectionUsage(testFlag, tests, true);

export const runnerUsage = (tests: readonly string[]): string =>
  selectionUsage("--tests", tests, false);

function list(flag: string, text: string | undefined): string[] {
  if (text === undefined || text === "" || text.split(",").some((item) => item === "")) {
    throw new UsageError(`${flag} needs a comma-separated list, got ${text ?? "nothing"}`);
  }
  return text.split(",");
}

/**
 * Null when --help was asked for. Tests are named by `testFlag` (e.g. --ops); --ranks is an
 * option only where `ranks` says so.
 */
export function parseSelection(
  argv: readonly string[],
  testFlag: string,
  knownTests: readonly string[],
  allowRanks: boolean,
): SweepOptions | null {
  let ranks: number[] | null = null;
  let tests: string[] | null = null;
  let idleWaitSeconds = 60;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--ranks" && allowRanks) {
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

export const parseSweepOptions = (
  argv: readonly string[],
  testFlag: string,
  knownTests: readonly string[],
): SweepOptions | null => parseSelection(argv, testFlag, knownTests, true);

export const parseRunnerOptions = (
  argv: readonly string[],
  knownTests: readonly string[],
): RunnerOptions | null => parseSelection(argv, "--tests", knownTests, false);
