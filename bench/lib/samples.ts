// The measurements benchmark programs print, one JSON line per size, and their summaries
// over rounds. Every program of the suite prints the same shape:
//   {"impl":"openmpi","test":"latency","bytes":8,"usec":0.41,"iters":10000}
// where the figure's key (here "usec") is the metric of that test.

/** How a test's figure is read: which key holds it and which direction is better. */
export interface Metric {
  /** The JSON key of the figure, e.g. "usec" or "MBps". */
  readonly key: string;
  /** Unit for people, e.g. "µs" or "MB/s". */
  readonly unit: string;
  readonly better: "lower" | "higher";
  /** What the figure is, for table titles, e.g. "one-way latency". */
  readonly title: string;
}

export interface Sample {
  readonly round: number;
  readonly impl: string;
  readonly test: string;
  readonly bytes: number;
  readonly value: number;
  readonly iters: number;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many rounds gave a figure. */
  readonly n: number;
}

export interface Summary {
  readonly test: string;
  readonly bytes: number;
  readonly metric: Metric;
  /** Per implementation id, absent when that implementation gave no figure. */
  readonly byImpl: Readonly<Record<string, Spread>>;
}

export class SampleParseError extends Error {}

function field(record: Record<string, unknown>, key: string, line: string): number {
  const value = record[key];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new SampleParseError(`"${key}" is not a finite number in: ${line}`);
  }
  return value;
}

/**
 * The samples in a program's stdout. Lines that do not start with "{" are ignored (a
 * launcher may print notices); a line that starts with "{" but is not a well-formed sample
 * of `impl` for a known test throws.
 */
export function parseSamples(
  stdout: string,
  round: number,
  impl: string,
  metrics: Readonly<Record<string, Metric>>,
): Sample[] {
  const samples: Sample[] = [];
  for (const raw of stdout.split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("{")) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new SampleParseError(`not JSON: ${line}`);
    }
    if (typeof parsed !== "object" || parsed === null) {
      throw new SampleParseError(`not an object: ${line}`);
    }
    const record = parsed as Record<string, unknown>;
    if (record.impl !== impl) throw new SampleParseError(`expected "impl":"${impl}" in: ${line}`);
    const test = record.test;
    const metric = typeof test === "string" ? metrics[test] : undefined;
    if (typeof test !== "string" || metric === undefined) {
      throw new SampleParseError(`unknown "test" in: ${line}`);
    }
    samples.push({
      round,
      impl,
      test,
      bytes: field(record, "bytes", line),
      value: field(record, metric.key, line),
      iters: field(record, "iters", line),
    });
  }
  return samples;
}

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    median,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    n: sorted.length,
  };
}

/** One summary per (test, size) seen, tests in `metrics` order, sizes ascending. */
export function summarize(
  samples: readonly Sample[],
  metrics: Readonly<Record<string, Metric>>,
): Summary[] {
  const summaries: Summary[] = [];
  for (const [test, metric] of Object.entries(metrics)) {
    const ofTest = samples.filter((s) => s.test === test);
    const sizes = [...new Set(ofTest.map((s) => s.bytes))].sort((a, b) => a - b);
    for (const bytes of sizes) {
      const byImpl: Record<string, Spread> = {};
      const atSize = ofTest.filter((s) => s.bytes === bytes);
      for (const impl of new Set(atSize.map((s) => s.impl))) {
        const figures = spread(atSize.filter((s) => s.impl === impl).map((s) => s.value));
        if (figures !== null) byImpl[impl] = figures;
      }
      summaries.push({ test, bytes, metric, byImpl });
    }
  }
  return summaries;
}

/**
 * `subject` against `baseline` as the ratio of their medians, subject ÷ baseline, in the
 * metric's own units: for a lower-is-better metric below 1 is better, for a higher-is-better
 * one above 1 is better.
 */
export function ratio(summary: Summary, subject: string, baseline: string): number | null {
  const a = summary.byImpl[subject];
  const b = summary.byImpl[baseline];
  if (a === undefined || b === undefined || b.median === 0) return null;
  return a.median / b.median;
}

/** The subject's ratio to each of `alsoCompared`, keyed by its id; absent without any. */
export function otherRatios(
  s: Summary,
  subject: { readonly id: string },
  alsoCompared: readonly { readonly id: string }[] | undefined,
): Record<string, unknown> {
  if (alsoCompared === undefined || alsoCompared.length === 0) return {};
  return {
    ratioTo: Object.fromEntries(alsoCompared.map((i) => [i.id, ratio(s, subject.id, i.id)])),
  };
}
