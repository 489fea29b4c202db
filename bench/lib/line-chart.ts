// A log-log line chart: a figure against message size, one line per implementation.
import { formatBytes } from "./format.js";
import {
  type Common,
  element,
  extent,
  type Figure,
  frameLines,
  GRID,
  type LegendEntry,
  LogAxis,
  layout,
  MUTED,
  num,
  padded,
  yAxis,
} from "./svg.js";

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

export interface LineChart extends Common {
  readonly xTitle: string;
  readonly lines: readonly Line[];
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
