// Charts of the committed benchmark results (bench/results/NAME.json) as SVG beside them:
//   p2p-latency.svg      latency against message size, log-log, a line per implementation
//   p2p-bandwidth.svg    bandwidth likewise, blocking (solid) and Isend/Irecv W=64 (dashed)
//   collectives-N.svg    per collective and size, wasmpi's time ÷ Open MPI's at N ranks
// A results file that is absent is skipped; the runners can call writeCharts after writing
// their JSON.
//
//   node dist/bench/charts.js [results-dir]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Bar, type BarGroup, barChart } from "./lib/bar-chart.js";
import { formatBytes } from "./lib/format.js";
import { type Line, lineChart } from "./lib/line-chart.js";
import { repoRoot, resultsDir } from "./lib/paths.js";
import type { Spread } from "./lib/samples.js";

/** Okabe–Ito colours: told apart with every common colour-vision deficiency. */
const IMPL_COLORS: Readonly<Record<string, string>> = { openmpi: "#0072B2", wasmpi: "#D55E00" };
const SIZE_COLORS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#000000"];
const NO_PAYLOAD_COLOR = "#999999";

/** The shape bench/lib/runner.ts and bench/lib/sweep.ts store, as far as charts read it. */
interface StoredImplementation {
  readonly id: string;
  readonly label: string;
  readonly unavailable: string | null;
}

interface StoredSummary {
  /** Present in sweeps (several rank counts). */
  readonly ranks?: number;
  readonly test: string;
  readonly bytes: number;
  readonly unit: string;
  readonly byImpl: Readonly<Record<string, Spread>>;
}

interface StoredSample {
  readonly round: number;
  readonly impl: string;
  readonly test: string;
  readonly bytes: number;
  readonly value: number;
  readonly ranks?: number;
}

interface StoredResults {
  readonly benchmark: string;
  readonly date: string;
  readonly rounds: number;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string };
  readonly versions: Readonly<Record<string, string | null>>;
  /** The runners list the baseline first and the subject second. */
  readonly implementations: readonly StoredImplementation[];
  readonly summaries: readonly StoredSummary[];
  readonly samples: readonly StoredSample[];
}

export class ChartDataError extends Error {}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function isSpread(v: unknown): v is Spread {
  return isObject(v) && isNumber(v.median) && isNumber(v.min) && isNumber(v.max);
}

function parseResults(text: string, path: string): StoredResults {
  const fail = (what: string): never => {
    throw new ChartDataError(`${path}: ${what}`);
  };
  const data: unknown = JSON.parse(text);
  if (!isObject(data)) return fail("not a JSON object");
  const list = (key: string): Json[] => {
    const value = data[key];
    if (!Array.isArray(value) || !value.every(isObject)) return fail(`"${key}" is not a list`);
    return value;
  };
  const implementations = list("implementations").map((i) => ({
    id: String(i.id),
    label: String(i.label),
    unavailable: typeof i.unavailable === "string" ? i.unavailable : null,
  }));
  const ids = implementations.map((i) => i.id);
  const summaries = list("summaries").map((s): StoredSummary => {
    if (typeof s.test !== "string" || !isNumber(s.bytes)) return fail("a summary lacks test/bytes");
    const byImpl: Record<string, Spread> = {};
    for (const id of ids) {
      const spread = s[id];
      if (isSpread(spread)) byImpl[id] = spread;
    }
    return {
      ...(isNumber(s.ranks) ? { ranks: s.ranks } : {}),
      test: s.test,
      bytes: s.bytes,
      unit: String(s.unit),
      byImpl,
    };
  });
  const samples = list("samples").map((s): StoredSample => {
    if (!isNumber(s.round) || !isNumber(s.bytes) || !isNumber(s.value)) {
      return fail("a sample lacks round/bytes/value");
    }
    return {
      round: s.round,
      impl: String(s.impl),
      test: String(s.test),
      bytes: s.bytes,
      value: s.value,
      ...(isNumber(s.ranks) ? { ranks: s.ranks } : {}),
    };
  });
  const machine = isObject(data.machine) ? data.machine : {};
  const options = isObject(data.options) ? data.options : {};
  const versions: Record<string, string | null> = {};
  if (isObject(data.versions)) {
    for (const [k, v] of Object.entries(data.versions))
      versions[k] = typeof v === "string" ? v : null;
  }
  return {
    benchmark: String(data.benchmark),
    date: String(data.date),
    rounds: isNumber(options.rounds) ? options.rounds : 1,
    machine: {
      cpu: String(machine.cpu),
      cores: isNumber(machine.cores) ? machine.cores : 0,
      node: String(machine.node),
    },
    versions,
    implementations,
    summaries,
    samples,
  };
}

function readResults(path: string): StoredResults | null {
  if (!existsSync(path)) return null;
  return parseResults(readFileSync(path, "utf8"), relative(repoRoot, path) || path);
}

const available = (r: StoredResults): StoredImplementation[] =>
  r.implementations.filter((i) => i.unavailable === null);

/** "Measured 2026-11-24 on AMD EPYC (2 cores), Node v20, Open MPI 4.1.4; 5 rounds." */
function provenance(r: StoredResults): string {
  // Open MPI's version is a number; wasmpi's already starts with its name.
  const versions = available(r).flatMap((i) => {
    const version = r.versions[i.id];
    if (!version) return [];
    return [version.startsWith(i.label) ? version : `${i.label} ${version}`];
  });
  return (
    `Measured ${r.date.slice(0, 10)} on ${r.machine.cpu} (${r.machine.cores} cores), Node ${r.machine.node}` +
    `${versions.length > 0 ? `, ${versions.join(", ")}` : ""}; ${r.rounds} rounds, from bench/results/${r.benchmark}.json.`
  );
}

const rounds = (r: StoredResults): string =>
  r.rounds === 1 ? "1 round" : `median of ${r.rounds} rounds`;
const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

function implLines(
  r: StoredResults,
  test: string,
  label: (impl: StoredImplementation) => string,
  dashed = false,
): Line[] {
  return available(r).map((impl) => ({
    label: label(impl),
    color: IMPL_COLORS[impl.id] ?? "#57606a",
    dashed,
    points: r.summaries
      .filter((s) => s.test === test && s.bytes > 0)
      .flatMap((s) => {
        const spread = s.byImpl[impl.id];
        return spread === undefined
          ? []
          : [{ bytes: s.bytes, value: spread.median, min: spread.min, max: spread.max }];
      }),
  }));
}

function p2pCharts(r: StoredResults): Record<string, string> {
  const charts: Record<string, string> = {};
  const latency = implLines(r, "latency", (i) => i.label);
  if (latency.some((l) => l.points.length > 0)) {
    charts["p2p-latency.svg"] = lineChart({
      title: "Point-to-point latency, 2 ranks",
      subtitle: `One-way latency (ping-pong / 2), ${rounds(r)}; band: min–max. Lower is better.`,
      description: `Log-log line chart of one-way latency in microseconds against message size from 1 B to 64 MiB, one line per implementation (0 B is in the table, not on the log axis). ${provenance(r)}`,
      xTitle: "message size",
      yTitle: "latency (µs)",
      lines: latency,
    });
  }
  const bandwidth = [
    ...implLines(r, "bandwidth", (i) => `${i.label}, Send`),
    ...implLines(r, "bandwidth-nb-w64", (i) => `${i.label}, Isend (W=64)`, true),
  ];
  if (bandwidth.some((l) => l.points.length > 0)) {
    charts["p2p-bandwidth.svg"] = lineChart({
      title: "Point-to-point bandwidth, 2 ranks",
      subtitle: `Solid: windows of 16 blocking Sends; dashed: of 64 Isend/Irecv (osu_bw). ${capitalized(rounds(r))}; band: min–max.`,
      description: `Log-log line chart of bandwidth in MB/s (10^6 bytes per second) against message size from 1 KiB to 64 MiB: for each implementation, blocking Send in windows of 16 and nonblocking Isend/Irecv in windows of 64 as in osu_bw (the window of 16 is in bench/results/p2p.md). ${provenance(r)}`,
      xTitle: "message size",
      yTitle: "bandwidth (MB/s)",
      lines: bandwidth,
    });
  }
  return charts;
}

/** Per-round ratios subject ÷ baseline of one (ranks, test, size): the whisker of its bar. */
function roundRatios(
  r: StoredResults,
  s: StoredSummary,
  subject: string,
  baseline: string,
): number[] {
  const of = (impl: string): Map<number, number> =>
    new Map(
      r.samples
        .filter(
          (x) => x.impl === impl && x.test === s.test && x.bytes === s.bytes && x.ranks === s.ranks,
        )
        .map((x) => [x.round, x.value]),
    );
  const a = of(subject);
  const b = of(baseline);
  return [...a].flatMap(([round, value]) => {
    const base = b.get(round);
    return base === undefined || base === 0 ? [] : [value / base];
  });
}

/**
 * Grouped bars of subject ÷ baseline, a group per test and a bar per size; the bar is the
 * ratio of the medians (as in the tables), the whisker the range of the per-round ratios,
 * each taken from one A B pair of jobs minutes apart at most.
 */
function ratioChart(
  r: StoredResults,
  summaries: readonly StoredSummary[],
  text: { title: string; subtitle: string; description: string },
): string | null {
  const [baseline, subject] = r.implementations;
  if (baseline === undefined || subject === undefined) return null;
  if (baseline.unavailable !== null || subject.unavailable !== null) return null;
  const sizes = [...new Set(summaries.map((s) => s.bytes).filter((b) => b > 0))].sort(
    (a, b) => a - b,
  );
  const series = sizes.map((bytes, i) => ({
    label: formatBytes(bytes),
    color: SIZE_COLORS[i % SIZE_COLORS.length] ?? NO_PAYLOAD_COLOR,
  }));
  const noPayload = summaries.some((s) => s.bytes === 0);
  if (noPayload) series.push({ label: "no payload", color: NO_PAYLOAD_COLOR });
  const groups: BarGroup[] = [];
  for (const test of new Set(summaries.map((s) => s.test))) {
    const bars = summaries
      .filter((s) => s.test === test)
      .flatMap((s): Bar[] => {
        const a = s.byImpl[subject.id];
        const b = s.byImpl[baseline.id];
        if (a === undefined || b === undefined || b.median === 0) return [];
        const ratios = roundRatios(r, s, subject.id, baseline.id);
        return [
          {
            series: s.bytes === 0 ? series.length - 1 : sizes.indexOf(s.bytes),
            value: a.median / b.median,
            ...(ratios.length > 1 ? { min: Math.min(...ratios), max: Math.max(...ratios) } : {}),
          },
        ];
      });
    if (bars.length > 0) groups.push({ label: test, bars });
  }
  if (groups.length === 0) return null;
  return barChart({
    ...text,
    yTitle: `${subject.label} ÷ ${baseline.label} (time)`,
    yFormat: (v) => `${v}×`,
    series,
    groups,
    base: 1,
    reference: { value: 1, label: `same as ${baseline.label}` },
    valueFormat: (v) => v.toFixed(2),
  });
}

function collectiveCharts(r: StoredResults): Record<string, string> {
  const charts: Record<string, string> = {};
  const [baseline, subject] = r.implementations;
  const rankCounts = [...new Set(r.summaries.map((s) => s.ranks ?? 0))].filter((n) => n > 0);
  for (const ranks of rankCounts) {
    const over = ranks > r.machine.cores ? ` (${r.machine.cores} cores)` : "";
    const chart = ratioChart(
      r,
      r.summaries.filter((s) => s.ranks === ranks),
      {
        title: `Collectives at ${ranks} ranks${over}: ${subject?.label} time ÷ ${baseline?.label} time`,
        subtitle: `${over === "" ? "" : `Oversubscribed: ${ranks} ranks on ${r.machine.cores} cores. `}Ratio of medians over ${r.rounds} rounds; whisker: min–max of per-round ratios; below 1: ${subject?.label} is faster.`,
        description: `Grouped bar chart on a log axis: for each collective and size (the largest buffer of the call), ${subject?.label}'s time per call divided by ${baseline?.label}'s at ${ranks} ranks, with a reference line at 1; the times themselves are in bench/results/collectives.md. ${provenance(r)}`,
      },
    );
    if (chart !== null) charts[`collectives-${ranks}.svg`] = chart;
  }
  return charts;
}

const CHARTS: ReadonlyArray<readonly [string, (r: StoredResults) => Record<string, string>]> = [
  ["p2p", p2pCharts],
  ["collectives", collectiveCharts],
];

/** Writes every chart whose results are in `dir`; returns the paths written. */
export function writeCharts(dir: string = resultsDir): string[] {
  const written: string[] = [];
  for (const [name, make] of CHARTS) {
    const results = readResults(join(dir, `${name}.json`));
    if (results === null) continue;
    for (const [file, svg] of Object.entries(make(results))) {
      const path = join(dir, file);
      writeFileSync(path, svg);
      written.push(path);
    }
  }
  return written;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] === undefined ? resultsDir : resolve(process.argv[2]);
  const written = writeCharts(dir);
  for (const path of written) process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
  if (written.length === 0) {
    process.stderr.write(`charts: no p2p.json or collectives.json in ${dir}\n`);
    process.exitCode = 1;
  }
}
