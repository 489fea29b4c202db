// The compute benchmark's samples (the JSON lines bench/kernels/compute.ts and
// bench/c/compute.c print), and its table and goal lines (bench/compute.ts).
import { type Column, formatFigure, formatRange, formatRatio, type Table } from "./format.js";
import { type Spread, spread } from "./samples.js";

export const KERNELS = ["sum", "dot", "stencil", "matmul"] as const;
export const VARIANTS = ["plain", "simd"] as const;
/** The goal the suite reports against: an AssemblyScript compute kernel in at most 1.3× the C time. */
export const GOAL_FACTOR = 1.3;

/** One kernel variant's line from a program: its median time and the checksum it computed. */
export interface Sample {
  readonly round: number;
  readonly impl: "c" | "wasmpi";
  readonly test: string;
  readonly variant: string;
  readonly size: number;
  readonly sweeps: number;
  readonly reps: number;
  /** Median of the program's timed repetitions. */
  readonly ms: number;
  readonly checksum: number;
}

/** The samples in a program's output; throws on a line that starts with "{" but is not one. */
export function parseLines(stdout: string, round: number, impl: Sample["impl"]): Sample[] {
  const samples: Sample[] = [];
  for (const raw of stdout.split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("{")) continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    const number = (key: string): number => {
      const value = record[key];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new Error(`"${key}" is not a finite number in: ${line}`);
      }
      return value;
    };
    const { test, variant } = record;
    if (record.impl !== impl || typeof test !== "string" || typeof variant !== "string") {
      throw new Error(`not a ${impl} sample: ${line}`);
    }
    samples.push({
      round,
      impl,
      test,
      variant,
      size: number("size"),
      sweeps: number("sweeps"),
      reps: number("reps"),
      ms: number("ms"),
      checksum: number("checksum"),
    });
  }
  return samples;
}

function describe(s: Sample): string {
  const count = s.size >= 1e6 && s.size % 1e6 === 0 ? `${s.size / 1e6}M` : String(s.size);
  switch (s.test) {
    case "sum":
      return `sum, ${count} doubles`;
    case "dot":
      return `dot product, 2 × ${count} doubles`;
    case "stencil":
      return `5-point stencil, ${s.size}×${s.size}, ${s.sweeps} sweeps`;
    default:
      return `matrix product, ${s.size}×${s.size} (i-k-j)`;
  }
}

export interface Row {
  readonly test: string;
  readonly variant: string;
  readonly what: string;
  readonly c: Spread | null;
  readonly wasm: Spread | null;
  readonly ratio: number | null;
}

export function summarize(samples: readonly Sample[]): Row[] {
  const rows: Row[] = [];
  for (const test of KERNELS) {
    const cTimes = samples.filter((s) => s.impl === "c" && s.test === test).map((s) => s.ms);
    const c = spread(cTimes);
    for (const variant of VARIANTS) {
      const ofVariant = samples.filter(
        (s) => s.impl === "wasmpi" && s.test === test && s.variant === variant,
      );
      const first = ofVariant[0] ?? samples.find((s) => s.test === test);
      if (first === undefined) continue;
      const wasm = spread(ofVariant.map((s) => s.ms));
      const ratio = c !== null && wasm !== null && c.median > 0 ? wasm.median / c.median : null;
      rows.push({ test, variant, what: describe(first), c, wasm, ratio });
    }
  }
  return rows;
}

export function goalLine(row: Row): string {
  const verdict =
    row.ratio === null
      ? "no figure"
      : `${formatRatio(row.ratio)}  ${row.ratio <= GOAL_FACTOR ? "holds" : "misses"}`;
  return `goal ${row.test} (${row.variant}) <= ${GOAL_FACTOR.toFixed(1)}x C: ${verdict}`;
}

export function table(rows: readonly Row[], rounds: number): Table {
  const over = rounds === 1 ? "1 round" : `median (min–max) over ${rounds} rounds`;
  const columns: Column[] = [
    { header: "kernel", align: "left" },
    { header: "variant", align: "left" },
    { header: "C ms", align: "right" },
    { header: "min–max", align: "left" },
    { header: "wasmpi ms", align: "right" },
    { header: "min–max", align: "left" },
    { header: "ratio", align: "right" },
  ];
  const cell = (s: Spread | null): string[] =>
    s === null ? ["-", ""] : [formatFigure(s.median), formatRange(s)];
  return {
    title: `Compute kernels, 1 rank: time per repetition in ms, ${over}; ratio = wasmpi ÷ C of the medians, lower is better`,
    note:
      "Each figure is one program's median over its timed repetitions (after untimed warm-up ones); the table shows the median of those over rounds. " +
      "C is the plain loop built with gcc -O2; both wasmpi variants are compared with it.",
    columns,
    rows: rows.map((r) => [r.what, r.variant, ...cell(r.c), ...cell(r.wasm), formatRatio(r.ratio)]),
  };
}
