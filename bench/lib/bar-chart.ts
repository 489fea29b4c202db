// A grouped bar chart on a log axis: one group per test, one bar per series.
import {
  type Common,
  element,
  extent,
  type Figure,
  frameLines,
  INK,
  type LegendEntry,
  LogAxis,
  layout,
  MUTED,
  num,
  padded,
  yAxis,
} from "./svg.js";

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
