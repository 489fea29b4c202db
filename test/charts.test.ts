/** The benchmark charts: self-contained, well-formed SVG with one mark per figure. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeCharts } from "../bench/charts.js";
import { barChart } from "../bench/lib/bar-chart.js";
import { lineChart } from "../bench/lib/line-chart.js";

const count = (svg: string, tag: string): number =>
  svg.match(new RegExp(`<${tag}[ >/]`, "g"))?.length ?? 0;

/** Every tag closed in order, one <svg> root, and nothing fetched from anywhere. */
function assertSelfContained(svg: string): void {
  const stack: string[] = [];
  for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) assert.is(stack.pop(), name, `${tag} closes the wrong element`);
    else stack.push(name as string);
  }
  assert.equal(stack, [], "unclosed elements");
  assert.is(count(svg, "svg"), 1, "one <svg> root");
  assert.ok(svg.trimStart().startsWith("<svg"), "the document starts with <svg>");
  const links = svg.replace('xmlns="http://www.w3.org/2000/svg"', "");
  assert.not.match(links, /http|href|url\(|<image|<script|@import/);
  assert.is(count(svg, "title"), 1);
  assert.is(count(svg, "desc"), 1);
}

test("a line chart: a band and a line per series, a marker per point, size ticks", () => {
  const points = [1024, 2048, 4096].map((bytes, i) => ({
    bytes,
    value: 10 ** i,
    min: 0.8 * 10 ** i,
    max: 1.3 * 10 ** i,
  }));
  const svg = lineChart({
    title: "Latency <test> & more",
    subtitle: "median of 3 rounds",
    description: "synthetic",
    xTitle: "message size",
    yTitle: "latency (µs)",
    lines: [
      { label: "Open MPI", color: "#0072B2", points },
      { label: "wasmpi", color: "#D55E00", dashed: true, points },
    ],
  });
  assertSelfContained(svg);
  assert.is(count(svg, "path"), 4, "2 bands + 2 lines");
  assert.is(count(svg, "circle"), 6 + 2, "3 markers per line + 2 in the legend");
  for (const label of ["1 KiB", "2 KiB", "4 KiB", "latency (µs)", "message size", "10", "100"]) {
    assert.ok(svg.includes(`>${label}<`), `axis label ${label}`);
  }
  assert.ok(svg.includes("Latency &lt;test&gt; &amp; more"), "the title is escaped");
});

test("a bar chart: a rect per bar, whiskers where a range is known, value labels", () => {
  const svg = barChart({
    title: "Ratios",
    subtitle: "synthetic",
    description: "synthetic",
    yTitle: "wasmpi ÷ Open MPI",
    series: [
      { label: "8 B", color: "#E69F00" },
      { label: "8 MiB", color: "#009E73" },
    ],
    groups: [
      {
        label: "Bcast",
        bars: [
          { series: 0, value: 2.5, min: 2, max: 3 },
          { series: 1, value: 0.4 },
        ],
      },
      { label: "Reduce", bars: [{ series: 0, value: 1.25, min: 0.9, max: 1.6 }] },
    ],
    base: 1,
    reference: { value: 1, label: "same as Open MPI" },
    valueFormat: (v) => v.toFixed(2),
  });
  assertSelfContained(svg);
  assert.is(count(svg, "rect"), 1 + 3 + 2, "background + 3 bars + 2 legend swatches");
  assert.is(count(svg, "path"), 2, "a whisker for each bar with a range");
  for (const label of ["2.50", "0.40", "1.25", "Bcast", "Reduce", "same as Open MPI"]) {
    assert.ok(svg.includes(`>${label}<`), `label ${label}`);
  }
});

test("writeCharts draws the results present and skips the absent", () => {
  const dir = mkdtempSync(join(tmpdir(), "wasmpi-charts-"));
  try {
    const spread = (median: number) => ({ median, min: median * 0.9, max: median * 1.1, n: 2 });
    const summaries = [1, 2, 4].flatMap((bytes) => [
      { test: "latency", bytes, unit: "µs", openmpi: spread(0.2), wasmpi: spread(0.3) },
      { test: "bandwidth", bytes, unit: "MB/s", openmpi: spread(100), wasmpi: spread(200) },
    ]);
    const results = {
      benchmark: "p2p",
      date: "2026-01-01T00:00:00.000Z",
      options: { rounds: 2 },
      machine: { cpu: "test CPU", cores: 2, node: "v20" },
      versions: { openmpi: "4.1.4", wasmpi: "0.1.0" },
      implementations: [
        { id: "openmpi", label: "Open MPI", unavailable: null },
        { id: "wasmpi", label: "wasmpi", unavailable: null },
      ],
      summaries,
      samples: [],
    };
    writeFileSync(join(dir, "p2p.json"), JSON.stringify(results));
    const written = writeCharts(dir).map((p) => p.slice(dir.length + 1));
    assert.equal(written, ["p2p-latency.svg", "p2p-bandwidth.svg"]);
    const latency = readFileSync(join(dir, "p2p-latency.svg"), "utf8");
    assertSelfContained(latency);
    assert.is(count(latency, "path"), 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
