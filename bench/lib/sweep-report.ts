// Summaries, goals and reports of a benchmark run at several rank counts (bench/lib/sweep.ts):
// one table per rank count with a row per (test, size), goal lines that name the rank count,
// and the Markdown stored in bench/results.
import {
  type Column,
  formatBytes,
  formatFigure,
  formatRange,
  formatRatio,
  markdownTable,
  ratioColumns,
  ratioColumnsConvention,
  ratioConvention,
  runOrder,
  type Table,
  textTable,
} from "./format.js";
import type { Implementation } from "./implementations.js";
import type { Machine } from "./machine.js";
import { type Metric, otherRatios, ratio, type Summary, summarize } from "./samples.js";
import type { SweepBenchmark, SweepProblem, SweepSample } from "./sweep.js";
import type { SweepOptions } from "./sweep-options.js";

export interface SweepSummary extends Summary {
  readonly ranks: number;
}

/** "wasmpi's figure at this rank count, relative to the baseline's, is at most `factor`". */
export interface SweepGoal {
  readonly ranks: number;
  readonly test: string;
  /** One size, or every size the run measured. */
  readonly bytes: number | "every";
  readonly factor: number;
}

export interface SweepGoalResult {
  readonly goal: SweepGoal;
  /** The ratio judged: the worst over the sizes for "every"; null without a figure. */
  readonly ratio: number | null;
  readonly holds: boolean | null;
  readonly line: string;
}

/** One summary per (rank count, test, size) seen; tests in `metrics` order, sizes ascending. */
export function summarizeSweep(
  samples: readonly SweepSample[],
  rankCounts: readonly number[],
  metrics: Readonly<Record<string, Metric>>,
): SweepSummary[] {
  return rankCounts.flatMap((ranks) =>
    summarize(
      samples.filter((s) => s.ranks === ranks),
      metrics,
    ).map((s) => ({ ...s, ranks })),
  );
}

function sizeLabel(bytes: number): string {
  return bytes === 0 ? "" : ` ${formatBytes(bytes)}`;
}

/** The goals whose rank count and test were run, judged; goals of the rest are left out. */
export function judgeSweepGoals(
  bench: SweepBenchmark,
  summaries: readonly SweepSummary[],
  options: SweepOptions,
): SweepGoalResult[] {
  const { subject, baseline, metric } = bench;
  const relation = metric.better === "lower" ? "<=" : ">=";
  const holdsAt = (r: number, factor: number): boolean =>
    metric.better === "lower" ? r <= factor : r >= factor;
  const rankCounts = options.ranks ?? bench.rankCounts;
  const tests = options.tests ?? bench.tests;
  return bench.goals
    .filter((goal) => rankCounts.includes(goal.ranks) && tests.includes(goal.test))
    .map((goal) => {
      const rows = summaries.filter(
        (s) =>
          s.ranks === goal.ranks &&
          s.test === goal.test &&
          (goal.bytes === "every" || s.bytes === goal.bytes),
      );
      const ratios = rows.map((s) => ({ bytes: s.bytes, r: ratio(s, subject.id, baseline.id) }));
      const judged = ratios.filter((x): x is { bytes: number; r: number } => x.r !== null);
      const every = goal.bytes === "every" && rows.some((s) => s.bytes !== 0);
      const what = every
        ? `${goal.test}, every size,`
        : `${goal.test}${sizeLabel(goal.bytes === "every" ? 0 : goal.bytes)}`;
      const head = `goal ${goal.ranks} ranks: ${what} ${relation} ${goal.factor.toFixed(1)}x ${baseline.label}:`;
      if (judged.length === 0 || judged.length < ratios.length) {
        return { goal, ratio: null, holds: null, line: `${head} no figure` };
      }
      const worst = judged.reduce((a, b) =>
        (metric.better === "lower" ? b.r > a.r : b.r < a.r) ? b : a,
      );
      const holds = judged.every((x) => holdsAt(x.r, goal.factor));
      let verdict: string;
      if (!every) {
        verdict = `${formatRatio(worst.r)}  ${holds ? "holds" : "misses"}`;
      } else if (holds) {
        verdict = `holds (worst ${formatRatio(worst.r)} at ${formatBytes(worst.bytes)})`;
      } else {
        const misses = judged
          .filter((x) => !holdsAt(x.r, goal.factor))
          .map((x) => `${formatBytes(x.bytes)} (${formatRatio(x.r)})`);
        verdict = `misses at ${misses.join(", ")}`;
      }
      return { goal, ratio: worst.r, holds, line: `${head} ${verdict}` };
    });
}

function rankHeading(ranks: number, cores: number): string {
  const over = ranks > cores ? ` on ${cores} cores (oversubscribed)` : "";
  return `${ranks} ranks${over}`;
}

/** One table per rank count: a row per (test, size), each implementation's median and range. */
function sweepTables(
  bench: SweepBenchmark,
  summaries: readonly SweepSummary[],
  impls: readonly Implementation[],
  rankCounts: readonly number[],
  rounds: number,
  cores: number,
): Table[] {
  const { subject, baseline, metric } = bench;
  const ratios = ratioColumns(impls, subject, baseline, bench.alsoCompared ?? []);
  const better = metric.better === "lower" ? "lower is better" : "higher is better";
  const over = rounds === 1 ? "1 round" : `median (min–max) over ${rounds} rounds`;
  const columns: Column[] = [
    { header: "collective", align: "left" },
    { header: "size", align: "right" },
    { header: "size is", align: "left" },
    ...impls.flatMap((i): Column[] => [
      { header: `${i.label} ${metric.unit}`, align: "right" },
      { header: "min–max", align: "left" },
    ]),
    ...ratios.map((r): Column => ({ header: r.header, align: "right" })),
  ];
  return rankCounts.map((ranks) => {
    const title =
      ratios.length > 0
        ? `${rankHeading(ranks, cores)}: ${metric.title} in ${metric.unit}, ${over}; ${ratioColumnsConvention(ratios, subject)}, ${better}`
        : `${rankHeading(ranks, cores)}: ${metric.title} in ${metric.unit} (${better}), ${over}`;
    const rows = summaries
      .filter((s) => s.ranks === ranks)
      .map((s) => [
        s.test,
        s.bytes === 0 ? "-" : formatBytes(s.bytes),
        bench.describe(s.test, s.bytes, ranks),
        ...impls.flatMap((i) => {
          const figures = s.byImpl[i.id];
          return [figures === undefined ? "-" : formatFigure(figures.median), formatRange(figures)];
        }),
        ...ratios.map((r) => formatRatio(ratio(s, subject.id, r.against.id))),
      ]);
    return { title, columns, rows };
  });
}

export interface SweepReportInput {
  readonly bench: SweepBenchmark;
  readonly options: SweepOptions;
  readonly impls: readonly Implementation[];
  readonly rankCounts: readonly number[];
  readonly machine: Machine;
  readonly versions: Readonly<Record<string, string | null>>;
  readonly summaries: readonly SweepSummary[];
  readonly goals: readonly SweepGoalResult[];
  readonly notes: readonly string[];
  readonly problems: readonly SweepProblem[];
  /** How long the rounds took, waits for an idle machine included. */
  readonly seconds: number;
}

export interface SweepReport {
  readonly date: string;
  readonly ratioConvention: string;
  readonly summaryRecords: ReadonlyArray<Record<string, unknown>>;
  /** For the terminal: notes, tables and goal lines. */
  readonly text: string;
  readonly markdown: string;
}

function reproduce(name: string, options: SweepOptions, testFlag: string): string {
  return [
    `npm run bench:${name} --`,
    ...(options.quick ? ["--quick"] : []),
    `--rounds ${options.rounds}`,
    ...(options.ranks ? [`--ranks ${options.ranks.join(",")}`] : []),
    ...(options.tests ? [`${testFlag} ${options.tests.join(",")}`] : []),
    ...(options.sizes ? [`--sizes ${options.sizes}`] : []),
  ].join(" ");
}

export function sweepReport(input: SweepReportInput): SweepReport {
  const { bench, options, impls, rankCounts, machine, versions, summaries, goals, notes } = input;
  const { subject, baseline } = bench;
  const date = new Date().toISOString();
  const tables = sweepTables(bench, summaries, impls, rankCounts, options.rounds, machine.cores);
  const convention = ratioConvention(subject, baseline);
  const summaryRecords = summaries.map((s) => ({
    ranks: s.ranks,
    test: s.test,
    bytes: s.bytes,
    sizeIs: bench.describe(s.test, s.bytes, s.ranks),
    unit: s.metric.unit,
    better: s.metric.better,
    ...s.byImpl,
    ratio: ratio(s, subject.id, baseline.id),
    ...otherRatios(s, subject, bench.alsoCompared),
  }));

  const text = [
    ...(notes.length > 0 ? [...notes, ""] : []),
    ...tables.flatMap((t) => [textTable(t), ""]),
    ...goals.map((g) => g.line),
    "",
  ].join("\n");

  const ranks = rankCounts.join(" and ");
  const others = (bench.alsoCompared ?? [])
    .filter((i) => impls.includes(i))
    .map((i) => `, ${i.label} ${versions[i.id] ?? "(version unknown)"}`)
    .join("");
  const lines = [
    `# ${bench.title}`,
    "",
    `Measured ${date} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}), Node ${machine.node}, ${baseline.label} ${versions[baseline.id] ?? "(not run)"}${others}, ${ranks} ranks.`,
    "",
    `${options.rounds} rounds${options.quick ? " of the quick variant (about 10x fewer iterations)" : ""}, ${(input.seconds / 60).toFixed(1)} minutes in all; in each round, for each rank count, one job runs every collective and size ${runOrder(impls)}. ` +
      `Figures are the medians over the rounds, with min–max in parentheses; ${convention}, so below 1 means ${subject.label} is faster.`,
    "",
    ...bench.method.flatMap((paragraph) => [paragraph, ""]),
    ...notes.map((l) => `${l}  `),
    ...(notes.length > 0 ? [""] : []),
    ...goals.map((g) => `    ${g.line}`),
    "",
    ...tables.flatMap((t) => [markdownTable(t), ""]),
  ];
  if (input.problems.length > 0) {
    lines.push("## Problems", "");
    for (const p of input.problems) {
      lines.push(
        `- round ${p.round}, ${p.impl}, ${p.ranks} ranks:`,
        "",
        "  ```",
        ...p.problem.split("\n").map((l) => `  ${l}`),
        "  ```",
        "",
      );
    }
  }
  lines.push(
    `Reproduce: \`${reproduce(bench.name, options, bench.testFlag)}\` (raw samples in ${bench.name}.json).`,
    "",
  );
  return {
    date,
    ratioConvention: `${convention}${(bench.alsoCompared ?? []).map((i) => `; ratioTo.${i.id} = ${subject.label} ÷ ${i.label}`).join("")}; for a "lower" metric below 1 is better`,
    summaryRecords,
    text,
    markdown: lines.join("\n"),
  };
}
