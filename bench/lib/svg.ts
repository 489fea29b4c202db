// What the SVG charts of benchmark results share (line-chart.ts: a log-log line chart of a
// figure against message size; bar-chart.ts: grouped bars on a log axis): markup, log axes,
// layout, legend and frame. The markup carries its own styles and the system font stack and
// loads nothing (no fonts, images or scripts), so it renders the same from a README, a file
// browser or an <img>; the white background keeps it readable on dark pages too.

/** One figure: the median, and the min–max over rounds drawn as a band or whisker. */
export interface Figure {
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
}

export interface Common {
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

export const FONT =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
export const INK = "#1f2328";
export const MUTED = "#57606a";
export const GRID = "#d8dee4";
const SVG_NS = "http://www.w3.org/2000/svg";

// Room for tick labels and axis titles around the plot; the header above it is laid out.
export const MARGIN = { right: 20, bottom: 54, left: 74 };

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export const num = (v: number): string => String(Math.round(v * 10) / 10);

export function attrs(values: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(values)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? num(v) : escapeXml(v)}"`)
    .join("");
}

export function element(
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
export class LogAxis {
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
export function padded(lo: number, hi: number, lengthPx: number, padPx: number): [number, number] {
  const span = Math.log10(hi / lo) || 1;
  const extra = (span * padPx) / Math.max(lengthPx - 2 * padPx, 1);
  return [lo / 10 ** extra, hi * 10 ** extra];
}

export function extent(figures: readonly Figure[]): [number, number] {
  const values = figures.flatMap((f) => [f.min ?? f.value, f.max ?? f.value, f.value]);
  return [Math.min(...values), Math.max(...values)];
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface LegendEntry {
  readonly label: string;
  readonly swatch: (x: number, y: number) => string;
}

// Text is measured by estimate, since the font is the reader's: ~6.6 px a character at 12 px.
export const CHAR_WIDTH = 6.6;
export const LINE_HEIGHT = 18;

/** `text` broken at spaces into lines of at most `width` pixels. */
export function wrap(text: string, width: number): string[] {
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

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * Lays out the header (title, subtitle and legend, each wrapped to the width) and so the
 * plot's frame below it; `document` then puts the plot's `body` in.
 */
export function layout(
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
export function yAxis(chart: Common, f: Frame, y: LogAxis): string[] {
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

export function frameLines(f: Frame): string[] {
  return [
    element("line", { x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom, stroke: MUTED }),
    element("line", { x1: f.left, x2: f.left, y1: f.top, y2: f.bottom, stroke: MUTED }),
  ];
}
