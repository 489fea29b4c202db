// Runs a benchmark whose programs measure several tests in one job, at several rank counts:
// one job per (round, rank count, implementation), the baseline, the other comparators and then
// wasmpi (A B A B ..., or A B C A B C ... with mpi4py),
// so a ratio compares figures taken seconds apart on a machine whose speed drifts
// (BASELINE.md: "compare only side by side, in one run"). bench/lib/runner.ts does the same
// for benchmarks with one rank count and one job per test.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { runChild, tail } from "./child.js";
import { waitForIdle } from "./idle.js";
import { type Implementation, startRun } from "./implementations.js";
import { cpuSnapshot, othersBusy } from "./machine.js";
import { rawResultsDir, repoRoot, resultsDir } from "./paths.js";
import { type Metric, parseSamples, type Sample, SampleParseError } from "./samples.js";
import type { SweepOptions } from "./sweep-options.js";
import { judgeSweepGoals, type SweepGoal, summarizeSweep, sweepReport } from "./sweep-report.js";

export interface SweepBenchmark {
  /** Names bench/c/NAME.c, bench/kernels/NAME.ts and bench/results/NAME.{json,md}. */
  readonly name: string;
  /** Heading of the Markdown report. */
  readonly title: string;
  readonly rankCounts: readonly number[];
  /** Tests in run order; every program prints lines for all of them unless told `testFlag`. */
  readonly tests: readonly string[];
  /** The programs' flag that restricts the tests, e.g. "--ops". */
  readonly testFlag: string;
  /** Every test's figure is read the same way. */
  readonly metric: Metric;
  /** The sizes a test prints with `--sizes` given or not (null), to notice a missing figure. */
  sizesOf(test: string, sizes: readonly number[] | null): readonly number[];
  /** What a row measures: what its size is and which elements move, for the tables. */
  describe(test: string, bytes: number, ranks: number): string;
  readonly goals: readonly SweepGoal[];
  /** How the figures are taken: paragraphs of the report, above the tables. */
  readonly method: readonly string[];
  readonly baseline: Implementation;
  readonly subject: Implementation;
  /**
   * More comparators, run between the baseline and the subject where they can run; each adds
   * a column subject ÷ it. Goals stay against the baseline.
   */
  readonly alsoCompared?: readonly Implementation[];
}

/** A sample and the rank count of the job that printed it. */
export interface SweepSample extends Sample {
  readonly ranks: number;
}

export interface SweepJob {
  readonly round: number;
  readonly impl: string;
  readonly ranks: number;
  readonly seconds: number;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Share of CPU time other processes used during the job; above DISTURBED it is suspect. */
  readonly othersBusy: number | null;
  /** Seconds spent waiting for an idle machine before the job. */
  readonly waitedSeconds: number;
}

export interface SweepProblem {
  readonly round: number;
  readonly impl: string;
  readonly ranks: number;
  readonly problem: string;
}

/**
 * Other processes' share of the CPU above which a job is reported as disturbed. Idle, this
 * machine shows 0-2%; a test suite running beside the benchmark shows 30-50%.
 */
export const DISTURBED = 0.1;

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

interface JobContext {
  readonly bench: SweepBenchmark;
  readonly options: SweepOptions;
  readonly metrics: Readonly<Record<string, Metric>>;
  readonly samples: SweepSample[];
  readonly problems: SweepProblem[];
  readonly jobs: SweepJob[];
}

function programArgs(bench: SweepBenchmark, options: SweepOptions): string[] {
  const args: string[] = [];
  if (options.tests !== null) args.push(bench.testFlag, options.tests.join(","));
  if (options.sizes !== null) args.push("--sizes", options.sizes);
  if (options.quick) args.push("--quick");
  return args;
}

function sizeList(options: SweepOptions): number[] | null {
  return options.sizes === null ? null : options.sizes.split(",").map(Number);
}

async function runJob(
  context: JobContext,
  impl: Implementation,
  ranks: number,
  round: number,
): Promise<void> {
  const { bench, options } = context;
  const label = `[round ${round}/${options.rounds}] ${impl.id} ${ranks} ranks`;
  progress(label);
  const { command, args } = impl.command(
    bench.name,
    ranks,
    programArgs(bench, options),
    options.timeoutSeconds,
  );
  const shown = [relative(repoRoot, command) || command, ...args].join(" ");
  const report = (problem: string): void => {
    context.problems.push({ round, impl: impl.id, ranks, problem });
    progress(`${label} FAILED: ${problem}`);
  };

  const idle =
    options.idleWaitSeconds > 0
      ? await waitForIdle(options.idleWaitSeconds, DISTURBED, (busy) =>
          progress(
            `${label}: other processes use ${Math.round(busy * 100)}% of the CPU; waiting up to ${options.idleWaitSeconds} s`,
          ),
        )
      : { waitedSeconds: 0 };
  const before = cpuSnapshot();
  const result = await runChild(command, args, {
    cwd: repoRoot,
    timeoutMs: options.timeoutSeconds * 1000,
  });
  const others = othersBusy(before, cpuSnapshot());
  if (others !== null && others > DISTURBED) {
    progress(
      `${label}: other processes used ${Math.round(others * 100)}% of the CPU meanwhile; figures disturbed`,
    );
  }
  context.jobs.push({
    round,
    impl: impl.id,
    ranks,
    seconds: Math.round(result.seconds * 1000) / 1000,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    othersBusy: others === null ? null : Math.round(others * 1000) / 1000,
    waitedSeconds: idle.waitedSeconds,
  });
  const output = `${tail(result.stdout)}\n${tail(result.stderr)}`.trim();
  if (result.timedOut) {
    report(`hung: killed after ${options.timeoutSeconds} s\n  command: ${shown}\n${output}`);
  } else if (result.exitCode !== 0) {
    const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
    report(`${how}\n  command: ${shown}\n${output}`);
  }

  let samples: Sample[];
  try {
    samples = parseSamples(result.stdout, round, impl.id, context.metrics);
  } catch (error) {
    if (!(error instanceof SampleParseError)) throw error;
    report(`unreadable output: ${error.message}\n  command: ${shown}`);
    return;
  }
  context.samples.push(...samples.map((s) => ({ ...s, ranks })));
  if (result.timedOut || result.exitCode !== 0) return;
  const missing: string[] = [];
  for (const test of options.tests ?? bench.tests) {
    const seen = new Set(samples.filter((s) => s.test === test).map((s) => s.bytes));
    const absent = bench.sizesOf(test, sizeList(options)).filter((b) => !seen.has(b));
    if (absent.length > 0) missing.push(`${test} ${absent.join(", ")} B`);
  }
  if (missing.length > 0) report(`no figure for ${missing.join("; ")}\n  command: ${shown}`);
}

/** Runs `bench` with `options`; returns the process exit code. */
export async function runSweep(bench: SweepBenchmark, options: SweepOptions): Promise<number> {
  const start = await startRun(bench.name, [
    bench.baseline,
    ...(bench.alsoCompared ?? []),
    bench.subject,
  ]);
  if (start === null) return 1;
  const { impls, machine, notes, listed } = start;

  const started = performance.now();
  const rankCounts = options.ranks ?? bench.rankCounts;
  const metrics: Record<string, Metric> = {};
  for (const test of bench.tests) metrics[test] = bench.metric;
  const context: JobContext = { bench, options, metrics, samples: [], problems: [], jobs: [] };
  for (let round = 1; round <= options.rounds; round++) {
    for (const ranks of rankCounts) {
      for (const impl of impls) await runJob(context, impl, ranks, round);
    }
  }

  const { jobs, problems, samples } = context;
  const disturbed = jobs.filter((j) => j.othersBusy !== null && j.othersBusy > DISTURBED);
  if (disturbed.length > 0) {
    const worst = Math.max(...disturbed.map((j) => j.othersBusy ?? 0));
    notes.push(
      `warning: ${disturbed.length} of ${jobs.length} jobs ran while other processes used more than ${DISTURBED * 100}% of the CPU (up to ${Math.round(worst * 100)}%); see "jobs" in the JSON.`,
    );
  }
  const waited = jobs.filter((j) => j.waitedSeconds > 0);
  if (waited.length > 0) {
    const total = Math.round(waited.reduce((sum, j) => sum + j.waitedSeconds, 0));
    notes.push(
      `${waited.length} of ${jobs.length} jobs first waited for other processes to finish (${total} s in all).`,
    );
  }
  const summaries = summarizeSweep(samples, rankCounts, metrics);
  const goals = judgeSweepGoals(bench, summaries, options);
  const versions: Record<string, string | null> = {};
  for (const impl of impls) versions[impl.id] = impl.version();
  const report = sweepReport({
    bench,
    options,
    impls,
    rankCounts,
    machine,
    versions,
    summaries,
    goals,
    notes,
    problems,
    seconds: (performance.now() - started) / 1000,
  });

  const results = {
    benchmark: bench.name,
    date: report.date,
    argv: process.argv.slice(2),
    options,
    rankCounts,
    machine,
    versions,
    implementations: listed,
    ratioConvention: report.ratioConvention,
    method: bench.method,
    summaries: report.summaryRecords,
    goals: goals.map((g) => ({ line: g.line, ratio: g.ratio, holds: g.holds })),
    problems,
    jobs,
    samples,
  };

  // A quick or partial run never replaces the committed results of a full one.
  const partial =
    options.quick || options.sizes !== null || options.ranks !== null || options.tests !== null;
  const outDir = partial ? rawResultsDir : resultsDir;
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, `${bench.name}.json`);
  const mdPath = join(outDir, `${bench.name}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdPath, report.markdown);

  const out = ["", report.text];
  if (problems.length > 0) {
    out.push(
      `${problems.length} job(s) failed or hung; see above and ${relative(repoRoot, mdPath)}.`,
    );
  }
  out.push(`wrote ${relative(repoRoot, jsonPath)} and ${relative(repoRoot, mdPath)}`);
  process.stdout.write(`${out.join("\n")}\n`);
  return problems.length > 0 ? 1 : 0;
}
