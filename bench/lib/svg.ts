// Self-contained SVG charts of benchmark results: a log-log line chart (figure against
// message size) and a grouped bar chart on a log axis. The markup carries its own styles and
// the system font stack and loads nothing (no fonts, images or scripts), so it renders the
// same from a README, a file browser or an <img>; the white background keeps it readable
// on dark pages too.
import { formatBytes } from "./format.js";

/** One figure: the median, and the min–max over rounds drawn as a band or whisker. */
export interface Figure {
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
}

export interface LinePoint extends Figure {
  /** Message size in bytes, > 0 (the axis is log2). */
  readonly bytes: number;
}

export interface Line {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly LinePoint[];
}

interface Common {
  /** Also the <title>. */
  readonly title: string;
  /** One line under the title: what is plotted and how to read it. */
  readonly subtitle: string;
  /** The <desc>: where the figures come from, for screen readers and the curious. */
  readonly description: string;
  readonly yTitle: string;
  readonly yFormat?: (value: number) => string;
  readonly width?: number;
  readonly height?: number;
}

export interface LineChart extends Common {
  readonly xTitle: string;
  readonly lines: readonly Line[];
}

export interface Bar extends Figure {
  /** Index into `BarChart.series`: the colour and legend entry. */
  readonly series: number;
}

export interface BarGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

export interface BarChart extends Common {
  readonly series: ReadonlyArray<{ readonly label: string; readonly color: string }>;
  readonly groups: readonly BarGroup[];
  /** Bars grow from this value (1 for a ratio); the axis floor when absent. */
  readonly base?: number;
  /** A dashed horizontal line across the plot, e.g. a ratio of 1. */
  readonly reference?: { readonly value: number; readonly label: string };
  readonly valueFormat: (value: number) => string;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const INK = "#1f2328";
const MUTED = "#57606a";
const GRID = "#d8dee4";
const SVG_NS = "http://www.w3.org/2000/svg";

// Room for tick labels and axis titles around the plot; the header above it is laid out.
const MARGIN = { right: 20, bottom: 54, left: 74 };

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const num = (v: number): string => String(Math.round(v * 10) / 10);

function attrs(values: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(values)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? num(v) : escapeXml(v)}"`)
    .join("");
}

function element(
  name: string,
  values: Readonly<Record<string, string | number | undefined>>,
  text?: string,
): string {
  return text === undefined
    ? `<${name}${attrs(values)}/>`
    : `<${name}${attrs(values)}>${escapeXml(text)}</${name}>`;
}

/** "0.1", "1", "2,000": enough digits for a 1-2-5 tick. */
export function formatTick(value: number): string {
  return value.toLocaleString("en-US", { maximumSignificantDigits: 3 });
}

/** A log10 axis from `lo` to `hi` onto pixels `from` (at lo) to `to` (at hi). */
class LogAxis {
  constructor(
    readonly lo: number,
    readonly hi: number,
    private readonly from: number,
    private readonly to: number,
  ) {}

  at(value: number): number {
    const t =
      (Math.log10(value) - Math.log10(this.lo)) / (Math.log10(this.hi) - Math.log10(this.lo));
    return this.from + t * (this.to - this.from);
  }

  /** Decades inside the axis; with 2× and 5× too when it spans three decades or less. */
  ticks(): number[] {
    const decades = Math.log10(this.hi / this.lo);
    const steps = decades <= 3 ? [1, 2, 5] : [1];
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(this.lo)); e <= Math.ceil(Math.log10(this.hi)); e++) {
      for (const m of steps) {
        // Rounded so that 3 × 0.1 style drift does not print 0.30000000000000004.
        const v = Number((m * 10 ** e).toPrecision(3));
        if (v >= this.lo * 0.999 && v <= this.hi * 1.001) ticks.push(v);
      }
    }
    return ticks;
  }
}

/** The log range [lo, hi] widened by `padPx` pixels at each end of a `lengthPx` axis. */
function padded(lo: number, hi: number, lengthPx: number, padPx: number): [number, number] {
  const span = Math.log10(hi / lo) || 1;
  const extra = (span * padPx) / Math.max(lengthPx - 2 * padPx, 1);
  return [lo / 10 ** extra, hi * 10 ** extra];
}

function extent(figures: readonly Figure[]): [number, number] {
  const values = figures.flatMap((f) => [f.min ?? f.value, f.max ?? f.value, f.value]);
  return [Math.min(...values), Math.max(...values)];
}

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

interface LegendEntry {
  readonly label: string;
  readonly swatch: (x: number, y: number) => string;
}

// Text is measured by estimate, since the font is the reader's: ~6.6 px a character at 12 px.
const CHAR_WIDTH = 6.6;
const LINE_HEIGHT = 18;

/** `text` broken at spaces into lines of at most `width` pixels. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line === "" ? word : `${line} ${word}`;
    if (line !== "" && next.length * CHAR_WIDTH > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * Lays out the header (title, subtitle and legend, each wrapped to the width) and so the
 * plot's frame below it; `document` then puts the plot's `body` in.
 */
function layout(
  chart: Common,
  legend: readonly LegendEntry[],
): { frame: Frame; document: (body: readonly string[]) => string } {
  const width = chart.width ?? 720;
  const height = chart.height ?? 420;
  const [left, right] = [MARGIN.left, width - MARGIN.right];
  const header: string[] = [
    element("text", { x: left, y: 24, "font-size": 16, "font-weight": 600 }, chart.title),
  ];
  let y = 44;
  for (const line of wrap(chart.subtitle, right - left)) {
    header.push(element("text", { x: left, y, fill: MUTED }, line));
    y += LINE_HEIGHT;
  }
  y += 6;
  let x = left;
  for (const entry of legend) {
    const entryWidth = 26 + entry.label.length * CHAR_WIDTH;
    if (x > left && x + entryWidth > right) {
      x = left;
      y += LINE_HEIGHT + 2;
    }
    header.push(entry.swatch(x, y - 4), element("text", { x: x + 26, y }, entry.label));
    x += entryWidth + 18;
  }
  const frame = { width, height, left, right, top: y + 14, bottom: height - MARGIN.bottom };
  const id = slug(chart.title);
  const document = (body: readonly string[]): string =>
    [
      `<svg${attrs({
        xmlns: SVG_NS,
        width,
        height,
        viewBox: `0 0 ${width} ${height}`,
        role: "img",
        "aria-labelledby": `${id}-title ${id}-desc`,
        "font-family": FONT,
        "font-size": 12,
        fill: INK,
      })}>`,
      element("title", { id: `${id}-title` }, chart.title),
      element("desc", { id: `${id}-desc` }, chart.description),
      element("rect", { width, height, fill: "#ffffff" }),
      ...header,
      ...body,
      "</svg>",
      "",
    ].join("\n");
  return { frame, document };
}

/** Horizontal gridlines and labels of a log y axis, the frame and the axis title. */
function yAxis(chart: Common, f: Frame, y: LogAxis): string[] {
  const format = chart.yFormat ?? formatTick;
  const out: string[] = [];
  for (const v of y.ticks()) {
    const py = y.at(v);
    out.push(
      element("line", { x1: f.left, x2: f.right, y1: py, y2: py, stroke: GRID }),
      element("text", { x: f.left - 6, y: py + 4, "text-anchor": "end", fill: MUTED }, format(v)),
    );
  }
  const mid = (f.top + f.bottom) / 2;
  out.push(
    element(
      "text",
      { x: 16, y: mid, transform: `rotate(-90 16 ${num(mid)})`, "text-anchor": "middle" },
      chart.yTitle,
    ),
  );
  return out;
}

function frameLines(f: Frame): string[] {
  return [
    element("line", { x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom, stroke: MUTED }),
    element("line", { x1: f.left, x2: f.left, y1: f.top, y2: f.bottom, stroke: MUTED }),
  ];
}

/**
 * Figures against message size, both axes logarithmic: x in powers of two (a tick per
 * octave, labelled every octave or every other as space allows), y in decades. Each line is
 * its medians joined, with markers, over a light band from the minima to the maxima.
 */
export function lineChart(chart: LineChart): string {
  const legend: LegendEntry[] = chart.lines.map((line) => ({
    label: line.label,
    swatch: (lx: number, ly: number) =>
      [
        element("line", {
          x1: lx,
          x2: lx + 20,
          y1: ly,
          y2: ly,
          stroke: line.color,
          "stroke-width": 2,
          "stroke-dasharray": line.dashed ? "6 4" : undefined,
        }),
        element("circle", {
          cx: lx + 10,
          cy: ly,
          r: 2.8,
          fill: line.dashed ? "#ffffff" : line.color,
          stroke: line.color,
          "stroke-width": 1.4,
        }),
      ].join(""),
  }));
  const { frame: f, document } = layout(chart, legend);
  const points = chart.lines.flatMap((l) => l.points);
  if (points.length === 0) throw new Error(`lineChart "${chart.title}": no points`);
  const sizes = points.map((p) => Math.log2(p.bytes));
  const [xLo, xHi] = [Math.floor(Math.min(...sizes)), Math.ceil(Math.max(...sizes))];
  // Half an octave either side keeps the first and last markers off the frame.
  const x = (bytes: number): number =>
    f.left + ((Math.log2(bytes) - xLo + 0.5) / (xHi - xLo + 1)) * (f.right - f.left);
  const [lo, hi] = extent(points);
  const [yLo, yHi] = padded(lo, hi, f.bottom - f.top, 8);
  const y = new LogAxis(yLo, yHi, f.bottom, f.top);

  const body: string[] = [];
  body.push(...yAxis(chart, f, y));
  const octave = (f.right - f.left) / (xHi - xLo + 1);
  const every = octave >= 44 ? 1 : octave >= 22 ? 2 : 4;
  for (let e = xLo; e <= xHi; e++) {
    const px = x(2 ** e);
    const labelled = (e - xLo) % every === 0;
    body.push(
      element("line", {
        x1: px,
        x2: px,
        y1: labelled ? f.top : f.bottom,
        y2: f.bottom + 4,
        stroke: labelled ? GRID : MUTED,
      }),
    );
    if (labelled) {
      body.push(
        element(
          "text",
          { x: px, y: f.bottom + 18, "text-anchor": "middle", fill: MUTED },
          formatBytes(2 ** e),
        ),
      );
    }
  }
  body.push(
    element(
      "text",
      { x: (f.left + f.right) / 2, y: f.height - 12, "text-anchor": "middle" },
      chart.xTitle,
    ),
    ...frameLines(f),
  );

  for (const line of chart.lines) {
    const pts = [...line.points].sort((a, b) => a.bytes - b.bytes);
    const upper = pts.map((p) => `${num(x(p.bytes))},${num(y.at(p.max ?? p.value))}`);
    const lower = pts.map((p) => `${num(x(p.bytes))},${num(y.at(p.min ?? p.value))}`).reverse();
    body.push(
      element("path", {
        d: `M${[...upper, ...lower].join("L")}Z`,
        fill: line.color,
        "fill-opacity": line.dashed ? 0.08 : 0.14,
        stroke: "none",
      }),
    );
  }
  for (const line of chart.lines) {
    const pts = [...line.points].sort((a, b) => a.bytes - b.bytes);
    body.push(
      element("path", {
        d: `M${pts.map((p) => `${num(x(p.bytes))},${num(y.at(p.value))}`).join("L")}`,
        fill: "none",
        stroke: line.color,
        "stroke-width": 2,
        "stroke-dasharray": line.dashed ? "6 4" : undefined,
        "stroke-linejoin": "round",
      }),
      ...pts.map((p) =>
        element("circle", {
          cx: x(p.bytes),
          cy: y.at(p.value),
          r: 2.8,
          fill: line.dashed ? "#ffffff" : line.color,
          stroke: line.color,
          "stroke-width": 1.4,
        }),
      ),
    );
  }

  return document(body);
}

/**
 * Bars in groups on a log y axis, each from `base` to its value, with a whisker over its
 * min–max and the value written beyond the bar's end (turned upright when bars are narrow).
 */
export function barChart(chart: BarChart): string {
  const legend: LegendEntry[] = chart.series.map((s) => ({
    label: s.label,
    swatch: (lx: number, ly: number) =>
      element("rect", { x: lx + 4, y: ly - 6, width: 12, height: 12, fill: s.color }),
  }));
  if (chart.reference !== undefined) {
    legend.push({
      label: chart.reference.label,
      swatch: (lx: number, ly: number) =>
        element("line", {
          x1: lx,
          x2: lx + 20,
          y1: ly,
          y2: ly,
          stroke: INK,
          "stroke-dasharray": "5 3",
        }),
    });
  }
  const { frame: f, document } = layout(chart, legend);
  const bars = chart.groups.flatMap((g) => g.bars);
  if (bars.length === 0) throw new Error(`barChart "${chart.title}": no bars`);
  const [lo, hi] = extent([
    ...bars,
    ...(chart.base === undefined ? [] : [{ value: chart.base }]),
    ...(chart.reference === undefined ? [] : [{ value: chart.reference.value }]),
  ]);
  // Room for the value labels beyond the longest bars.
  const [yLo, yHi] = padded(lo, hi, f.bottom - f.top, 40);
  const y = new LogAxis(yLo, yHi, f.bottom, f.top);
  const base = chart.base ?? yLo;

  // Slots: one per bar, and one between groups.
  const slots = bars.length + (chart.groups.length - 1) + 1;
  const slot = (f.right - f.left) / slots;
  const upright = slot < 34;

  const body: string[] = [...yAxis(chart, f, y)];
  if (chart.reference !== undefined) {
    const py = y.at(chart.reference.value);
    body.push(
      element("line", {
        x1: f.left,
        x2: f.right,
        y1: py,
        y2: py,
        stroke: INK,
        "stroke-dasharray": "5 3",
      }),
    );
  }
  let cursor = f.left + slot / 2;
  for (const group of chart.groups) {
    const start = cursor;
    for (const bar of group.bars) {
      const color = chart.series[bar.series]?.color ?? MUTED;
      const cx = cursor + slot / 2;
      const [top, bottom] = [y.at(Math.max(bar.value, base)), y.at(Math.min(bar.value, base))];
      body.push(
        element("rect", {
          x: cursor + slot * 0.1,
          y: top,
          width: slot * 0.8,
          height: Math.max(bottom - top, 1),
          fill: color,
        }),
      );
      const lowEnd = bar.min ?? bar.value;
      const highEnd = bar.max ?? bar.value;
      if (lowEnd !== highEnd) {
        const cap = slot * 0.2;
        body.push(
          element("path", {
            d: `M${num(cx)},${num(y.at(lowEnd))}V${num(y.at(highEnd))}M${num(cx - cap)},${num(y.at(lowEnd))}h${num(2 * cap)}M${num(cx - cap)},${num(y.at(highEnd))}h${num(2 * cap)}`,
            stroke: INK,
            "stroke-width": 1,
            fill: "none",
          }),
        );
      }
      const up = bar.value >= base;
      const end = up
        ? y.at(Math.max(highEnd, bar.value)) - 4
        : y.at(Math.min(lowEnd, bar.value)) + 4;
      const label = chart.valueFormat(bar.value);
      body.push(
        upright
          ? element(
              "text",
              {
                x: cx + 3.5,
                y: end,
                transform: `rotate(-90 ${num(cx + 3.5)} ${num(end)})`,
                "text-anchor": up ? "start" : "end",
                "font-size": 10,
              },
              label,
            )
          : element(
              "text",
              { x: cx, y: up ? end : end + 9, "text-anchor": "middle", "font-size": 10 },
              label,
            ),
      );
      cursor += slot;
    }
    body.push(
      element(
        "text",
        { x: (start + cursor) / 2, y: f.bottom + 18, "text-anchor": "middle" },
        group.label,
      ),
    );
    cursor += slot;
  }
  body.push(...frameLines(f));

  return document(body);
}
