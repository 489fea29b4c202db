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
 * One table per test: a row per size; per implementation its median and the min–max over
 * rounds; and the ratio column when both `subject` and `baseline` ran.
 */
export function buildTables(
  summaries: readonly Summary[],
  impls: readonly Implementation[],
  subject: Implementation,
  baseline: Implementation,
  rounds: number,
): Table[] {
  const tables: Table[] = [];
  const compare = impls.includes(subject) && impls.includes(baseline);
  for (const test of [...new Set(summaries.map((s) => s.test))]) {
    const ofTest = summaries.filter((s) => s.test === test);
    const metric = ofTest[0]?.metric;
    if (metric === undefined) continue;
    const better = metric.better === "lower" ? "lower is better" : "higher is better";
    const over = rounds === 1 ? "1 round" : `median (min–max) over ${rounds} rounds`;
    const title = compare
      ? `${test}: ${metric.title} in ${metric.unit}, ${over}; ${ratioConvention(subject, baseline)}, ${better}`
      : `${test}: ${metric.title} in ${metric.unit} (${better}), ${over}`;
    const columns: Column[] = [
      { header: "size", align: "right" },
      ...impls.flatMap((i): Column[] => [
        { header: i.label, align: "right" },
        { header: "min–max", align: "left" },
      ]),
      ...(compare ? [{ header: "ratio", align: "right" } as const] : []),
    ];
    const rows = ofTest.map((s) => [
      formatBytes(s.bytes),
      ...impls.flatMap((i) => {
        const figures = s.byImpl[i.id];
        return [figures === undefined ? "-" : formatFigure(figures.median), formatRange(figures)];
      }),
      ...(compare ? [formatRatio(ratio(s, subject.id, baseline.id))] : []),
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
