// Runs one benchmark of the suite: every test, every implementation, for several rounds, then
// summarizes, prints and stores. Within a round each test runs on the baseline, on the other
// comparators and then on wasmpi (A B A B ..., or A B C A B C ... with mpi4py), so a ratio compares figures taken minutes apart at most, on a machine
// whose speed drifts (BASELINE.md: "compare only side by side, in one run"). Before each job
// it waits (up to --idle-wait seconds) for other work on the machine to finish.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { runChild, tail } from "./child.js";
import { buildTables, markdownTable, ratioConvention, runOrder, textTable } from "./format.js";
import { type Goal, type GoalResult, judgeGoals } from "./goals.js";
import { waitForIdle } from "./idle.js";
import { type Implementation, startRun } from "./implementations.js";
import { cpuSnapshot, type Machine, othersBusy } from "./machine.js";
import { rawResultsDir, repoRoot, resultsDir } from "./paths.js";
import {
  type Metric,
  otherRatios,
  parseSamples,
  ratio,
  type Sample,
  SampleParseError,
  type Summary,
  summarize,
} from "./samples.js";
import type { RunnerOptions } from "./sweep-options.js";

export interface Benchmark {
  /** Names bench/c/NAME.c, bench/kernels/NAME.ts and bench/results/NAME.{json,md}. */
  readonly name: string;
  /** Heading of the Markdown report. */
  readonly title: string;
  readonly ranks: number;
  /**
   * Tests in run order. Each is a key of `metrics`, the "test" of the programs' output lines,
   * and (unless `programArgs` says otherwise) the programs' first argument.
   */
  readonly metrics: Readonly<Record<string, Metric>>;
  /** The programs' arguments that select a test, when not just its name. */
  readonly programArgs?: Readonly<Record<string, readonly string[]>>;
  /** What a test measures and how, in a sentence or two, printed above its Markdown table. */
  readonly explanations?: Readonly<Record<string, string>>;
  /** The sizes each test prints without --sizes, to notice a run that stopped early. */
  readonly defaultSizes: Readonly<Record<string, readonly number[]>>;
  readonly goals: readonly Goal[];
  /** The implementation the others are compared against, and the one under test. */
  readonly baseline: Implementation;
  readonly subject: Implementation;
  /**
   * More comparators, run between the baseline and the subject where they can run; each adds
   * a column subject ÷ it. Goals stay against the baseline.
   */
  readonly alsoCompared?: readonly Implementation[];
}

/** One run of one program: how long the whole job took, start-up and compilation included. */
export interface Job {
  readonly round: number;
  readonly impl: string;
  readonly test: string;
  readonly seconds: number;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Share of CPU time other processes used during the job; above DISTURBED it is suspect. */
  readonly othersBusy: number | null;
  /** Seconds spent waiting for an idle machine before the job. */
  readonly waitedSeconds: number;
}

/**
 * Other processes' share of the CPU above which a job is reported as disturbed. Idle, this
 * machine shows 0-2%; a test suite running beside the benchmark shows 30-50%.
 */
const DISTURBED = 0.1;

/** A job that gave no figures or too few: kept in the results so a gap is explained. */
export interface Problem {
  readonly round: number;
  readonly impl: string;
  readonly test: string;
  readonly problem: string;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function missingSizes(samples: readonly Sample[], expected: readonly number[]): readonly number[] {
  const seen = new Set(samples.map((s) => s.bytes));
  return expected.filter((b) => !seen.has(b));
}

async function runJob(
  bench: Benchmark,
  impl: Implementation,
  test: string,
  round: number,
  options: RunnerOptions,
  problems: Problem[],
  jobs: Job[],
): Promise<Sample[]> {
  const args = [
    ...(bench.programArgs?.[test] ?? [test]),
    ...(options.sizes ? ["--sizes", options.sizes] : []),
  ];
  if (options.quick) args.push("--quick");
  const { command, args: fullArgs } = impl.command(
    bench.name,
    bench.ranks,
    args,
    options.timeoutSeconds,
  );
  const shown = [relative(repoRoot, command) || command, ...fullArgs].join(" ");
  const report = (problem: string): void => {
    problems.push({ round, impl: impl.id, test, problem });
    progress(`[round ${round}/${options.rounds}] ${impl.id} ${test} FAILED: ${problem}`);
  };

  const idle =
    options.idleWaitSeconds > 0
      ? await waitForIdle(options.idleWaitSeconds, DISTURBED, (busy) =>
          progress(
            `[round ${round}/${options.rounds}] ${impl.id} ${test}: other processes use ${Math.round(busy * 100)}% of the CPU; waiting up to ${options.idleWaitSeconds} s`,
          ),
        )
      : { waitedSeconds: 0 };
  const before = cpuSnapshot();
  const result = await runChild(command, fullArgs, {
    cwd: repoRoot,
    timeoutMs: options.timeoutSeconds * 1000,
  });
  const others = othersBusy(before, cpuSnapshot());
  if (others !== null && others > DISTURBED) {
    progress(
      `[round ${round}/${options.rounds}] ${impl.id} ${test}: other processes used ${Math.round(others * 100)}% of the CPU meanwhile; figures disturbed`,
    );
  }
  jobs.push({
    round,
    impl: impl.id,
    test,
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

  let samples: Sample[] = [];
  try {
    samples = parseSamples(result.stdout, round, impl.id, bench.metrics);
  } catch (error) {
    if (!(error instanceof SampleParseError)) throw error;
    report(`unreadable output: ${error.message}\n  command: ${shown}`);
    return [];
  }
  const expected = options.sizes
    ? options.sizes.split(",").map(Number)
    : (bench.defaultSizes[test] ?? []);
  const missing = missingSizes(samples, expected);
  if (missing.length > 0 && !result.timedOut && result.exitCode === 0) {
    report(`no figure for ${missing.length} size(s), from ${missing[0]} B\n  command: ${shown}`);
  }
  return samples;
}

interface Results {
  readonly benchmark: string;
  readonly date: string;
  readonly argv: readonly string[];
  readonly options: RunnerOptions;
  readonly ranks: number;
  readonly machine: Machine;
  readonly versions: Readonly<Record<string, string | null>>;
  readonly implementations: ReadonlyArray<{
    id: string;
    label: string;
    unavailable: string | null;
  }>;
  readonly ratioConvention: string;
  readonly summaries: ReadonlyArray<Record<string, unknown>>;
  readonly goals: ReadonlyArray<{ line: string; ratio: number | null; holds: boolean | null }>;
  readonly problems: readonly Problem[];
  readonly jobs: readonly Job[];
  readonly samples: readonly Sample[];
}

function summaryRecord(s: Summary, bench: Benchmark): Record<string, unknown> {
  return {
    test: s.test,
    bytes: s.bytes,
    unit: s.metric.unit,
    better: s.metric.better,
    ...s.byImpl,
    ratio: ratio(s, bench.subject.id, bench.baseline.id),
    ...otherRatios(s, bench.subject, bench.alsoCompared),
  };
}

function markdownReport(
  bench: Benchmark,
  impls: readonly Implementation[],
  results: Results,
  tables: string[],
  goals: readonly GoalResult[],
  notes: readonly string[],
): string {
  const { machine, options } = results;
  const openmpiVersion = results.versions[bench.baseline.id];
  const others = (bench.alsoCompared ?? [])
    .filter((i) => impls.includes(i))
    .map((i) => `, ${i.label} ${results.versions[i.id] ?? "(version unknown)"}`)
    .join("");
  const run = [
    `npm run bench:${bench.name} --`,
    ...(options.quick ? ["--quick"] : []),
    `--rounds ${options.rounds}`,
    ...(options.sizes ? [`--sizes ${options.sizes}`] : []),
    ...(options.tests ? [`--tests ${options.tests.join(",")}`] : []),
  ].join(" ");
  const lines = [
    `# ${bench.title}`,
    "",
    `Measured ${results.date} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}), Node ${machine.node}, ${bench.baseline.label} ${openmpiVersion ?? "(not run)"}${others}, ${bench.ranks} ranks.`,
    "",
    `${options.rounds} rounds${options.quick ? " of the quick variant (about 10x fewer iterations)" : ""}; in each round every test runs ${runOrder(impls)}. ` +
      `Figures are the medians over the rounds, with min–max in parentheses; ${ratioConvention(bench.subject, bench.baseline)} (for latency below 1 means ${bench.subject.label} is faster, for bandwidth above 1 means it is faster).`,
    "",
    ...notes.map((l) => `${l}  `),
    ...(notes.length > 0 ? [""] : []),
    ...goals.map((g) => `    ${g.line}`),
    "",
    ...tables.flatMap((t) => [t, ""]),
  ];
  if (results.problems.length > 0) {
    lines.push("## Problems", "");
    for (const p of results.problems) {
      lines.push(
        `- round ${p.round}, ${p.impl} ${p.test}:`,
        "",
        "  ```",
        ...p.problem.split("\n").map((l) => `  ${l}`),
        "  ```",
        "",
      );
    }
  }
  lines.push(`Reproduce: \`${run}\` (raw samples in ${bench.name}.json).`, "");
  return lines.join("\n");
}

/** Runs `bench` with `options`; returns the process exit code. */
export async function runBenchmark(bench: Benchmark, options: RunnerOptions): Promise<number> {
  const start = await startRun(bench.name, [
    bench.baseline,
    ...(bench.alsoCompared ?? []),
    bench.subject,
  ]);
  if (start === null) return 1;
  const { impls, machine, notes, listed } = start;

  const tests = options.tests ?? Object.keys(bench.metrics);
  const samples: Sample[] = [];
  const problems: Problem[] = [];
  const jobs: Job[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const test of tests) {
      for (const impl of impls) {
        progress(`[round ${round}/${options.rounds}] ${impl.id} ${test}`);
        samples.push(...(await runJob(bench, impl, test, round, options, problems, jobs)));
      }
    }
  }

  const disturbed = jobs.filter((j) => j.othersBusy !== null && j.othersBusy > DISTURBED);
  if (disturbed.length > 0) {
    const worst = Math.max(...disturbed.map((j) => j.othersBusy ?? 0));
    notes.push(
      `warning: ${disturbed.length} of ${jobs.length} jobs ran while other processes used more than ${DISTURBED * 100}% of the CPU (up to ${Math.round(worst * 100)}%); see "jobs" in the JSON.`,
    );
  }
  const summaries = summarize(samples, bench.metrics);
  const tableData = buildTables(
    summaries,
    impls,
    bench.subject,
    bench.baseline,
    options.rounds,
    bench.alsoCompared,
  );
  const markdownTables = tableData.map((t) => {
    const explanation = t.test === undefined ? undefined : bench.explanations?.[t.test];
    return markdownTable(explanation === undefined ? t : { ...t, note: explanation });
  });
  const goals = judgeGoals(bench.goals, summaries, bench.subject, bench.baseline);
  const versions: Record<string, string | null> = {};
  for (const impl of impls) versions[impl.id] = impl.version();

  const results: Results = {
    benchmark: bench.name,
    date: new Date().toISOString(),
    argv: process.argv.slice(2),
    options,
    ranks: bench.ranks,
    machine,
    versions,
    implementations: listed,
    ratioConvention: `${ratioConvention(bench.subject, bench.baseline)}${(bench.alsoCompared ?? []).map((i) => `; ratioTo.${i.id} = ${bench.subject.label} ÷ ${i.label}`).join("")}; for a "lower" metric below 1 is better, for a "higher" metric above 1 is better`,
    summaries: summaries.map((s) => summaryRecord(s, bench)),
    goals: goals.map((g) => ({ line: g.line, ratio: g.ratio, holds: g.holds })),
    problems,
    jobs,
    samples,
  };

  // A quick or partial run never replaces the committed results of a full one.
  const partial = options.quick || options.sizes !== null || options.tests !== null;
  const outDir = partial ? rawResultsDir : resultsDir;
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, `${bench.name}.json`);
  const mdPath = join(outDir, `${bench.name}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdPath, markdownReport(bench, impls, results, markdownTables, goals, notes));

  const out: string[] = [""];
  if (notes.length > 0) out.push(...notes, "");
  for (const table of tableData) out.push(textTable(table), "");
  out.push(...goals.map((g) => g.line), "");
  if (problems.length > 0) {
    out.push(
      `${problems.length} job(s) failed or hung; see above and ${relative(repoRoot, mdPath)}.`,
    );
  }
  out.push(`wrote ${relative(repoRoot, jsonPath)} and ${relative(repoRoot, mdPath)}`);
  process.stdout.write(`${out.join("\n")}\n`);
  return problems.length > 0 ? 1 : 0;
}
