// Tables for people: plain text for the terminal and Markdown for bench/results.
import type { Implementation } from "./implementations.js";
import { ratio, type Spread, type Summary } from "./samples.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const MB = 1_000_000;

export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  // Decimal megabytes for sizes chosen in them, e.g. 80 MB = 10M doubles (not 78,125 KiB).
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} B`;
}

/** About three significant digits, thousands separated: 0.41, 7.95, 95.3, 12,500. */
export function formatFigure(value: number): string {
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString("en-US");
}

export function formatRatio(value: number | null): string {
  return value === null ? "-" : `${value.toFixed(2)}x`;
}

/** The min–max over rounds in parentheses; empty for fewer than two rounds. */
export function formatRange(figures: Spread | undefined): string {
  if (figures === undefined || figures.n < 2) return "";
  return `(${formatFigure(figures.min)}–${formatFigure(figures.max)})`;
}

/** What the ratio column means, in one phrase. */
export function ratioConvention(subject: Implementation, baseline: Implementation): string {
  return `ratio = ${subject.label} ÷ ${baseline.label} of the medians`;
}

/** "on Open MPI and then on wasmpi", "on Open MPI, on mpi4py and then on wasmpi". */
export function runOrder(impls: readonly Implementation[]): string {
  const on = impls.map((i) => `on ${i.label}`);
  const last = on.pop();
  return on.length === 0 ? (last ?? "") : `${on.join(", ")} and then ${last}`;
}

export interface Column {
  readonly header: string;
  readonly align: "left" | "right";
}

export interface Table {
  readonly title: string;
  /** The test the table shows, when it shows one. */
  readonly test?: string;
  /** A paragraph between the title and the table in Markdown: what the figures measure. */
  readonly note?: string;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * The implementations `subject` gets a ratio column against: `baseline` (headed "ratio") and
 * each of `alsoCompared` (headed "÷ label"), those that ran beside it.
 */
export function ratioColumns(
  impls: readonly Implementation[],
  subject: Implementation,
  baseline: Implementation,
  alsoCompared: readonly Implementation[],
): { against: Implementation; header: string }[] {
  if (!impls.includes(subject)) return [];
  return [
    ...(impls.includes(baseline) ? [{ against: baseline, header: "ratio" }] : []),
    ...alsoCompared
      .filter((i) => impls.includes(i))
      .map((i) => ({ against: i, header: `÷ ${i.label}` })),
  ];
}

/** What the ratio columns mean, for a table title; empty without any. */
export function ratioColumnsConvention(
  columns: readonly { against: Implementation; header: string }[],
  subject: Implementation,
): string {
  return columns
    .map((c) =>
      c.header === "ratio"
        ? ratioConvention(subject, c.against)
        : `${c.header} = ${subject.label} ÷ ${c.against.label}`,
    )
    .join("; ");
}

/**
 * One table per test: a row per size; per implementation its median and the min–max over
 * rounds; the ratio column when both `subject` and `baseline` ran, and one more per
 * implementation of `alsoCompared` that ran beside `subject`.
 */
export function buildTables(
  summaries: readonly Summary[],
  impls: readonly Implementation[],
  subject: Implementation,
  baseline: Implementation,
  rounds: number,
  alsoCompared: readonly Implementation[] = [],
): Table[] {
  const tables: Table[] = [];
  const ratios = ratioColumns(impls, subject, baseline, alsoCompared);
  for (const test of [...new Set(summaries.map((s) => s.test))]) {
    const ofTest = summaries.filter((s) => s.test === test);
    const metric = ofTest[0]?.metric;
    if (metric === undefined) continue;
    const better = metric.better === "lower" ? "lower is better" : "higher is better";
    const over = rounds === 1 ? "1 round" : `median (min–max) over ${rounds} rounds`;
    const title =
      ratios.length > 0
        ? `${test}: ${metric.title} in ${metric.unit}, ${over}; ${ratioColumnsConvention(ratios, subject)}, ${better}`
        : `${test}: ${metric.title} in ${metric.unit} (${better}), ${over}`;
    const columns: Column[] = [
      { header: "size", align: "right" },
      ...impls.flatMap((i): Column[] => [
        { header: i.label, align: "right" },
        { header: "min–max", align: "left" },
      ]),
      ...ratios.map((r): Column => ({ header: r.header, align: "right" })),
    ];
    const rows = ofTest.map((s) => [
      formatBytes(s.bytes),
      ...impls.flatMap((i) => {
        const figures = s.byImpl[i.id];
        return [figures === undefined ? "-" : formatFigure(figures.median), formatRange(figures)];
      }),
      ...ratios.map((r) => formatRatio(ratio(s, subject.id, r.against.id))),
    ]);
    tables.push({ title, test, columns, rows });
  }
  return tables;
}

export function textTable(table: Table): string {
  const widths = table.columns.map((col, c) =>
    Math.max(col.header.length, ...table.rows.map((row) => (row[c] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => {
        const width = widths[c] ?? 0;
        return table.columns[c]?.align === "left" ? cell.padEnd(width) : cell.padStart(width);
      })
      .join("  ")
      .trimEnd();
  return [table.title, line(table.columns.map((c) => c.header)), ...table.rows.map(line)].join(
    "\n",
  );
}

export function markdownTable(table: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  const rule = `|${table.columns.map((c) => (c.align === "left" ? ":---|" : "---:|")).join("")}`;
  return [
    `**${table.title}**`,
    "",
    ...(table.note === undefined ? [] : [table.note, ""]),
    line(table.columns.map((c) => c.header)),
    rule,
    ...table.rows.map(line),
  ].join("\n");
}
