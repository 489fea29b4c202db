// Browser benchmark, 2 ranks: point-to-point latency and bandwidth of the point-to-point
// benchmark's own kernel (bench/kernels/p2p.ts), run under Node, in headless Chromium on a
// cross-origin isolated page (shared memory, the same engine as Node) and on a page that is not
// (the copying fallback), side by side in one run: each round runs the three in turn.
//
//   npm run bench:browser -- [--rounds N] [--quick] [--smoke]
//
// --smoke (with --quick): latency at one size, to check that it runs (each job starts with the
// kernel's fixed warm-up, seconds long on the copying fallback).
// Needs Debian's chromium (/usr/bin/chromium, or $WASMPI_CHROMIUM); says so and stops without.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Page } from "playwright-core";
import { startDemoServer } from "../examples/web/serve.js";
import { compileKernel, run } from "../host/platform/node/index.js";
import {
  CHROMIUM,
  chromiumFound,
  launchChromium,
  type PageJob,
  runOnPage,
} from "../test/browser-chromium.js";
import {
  formatBytes,
  formatFigure,
  formatRange,
  formatRatio,
  markdownTable,
  type Table,
  textTable,
} from "./lib/format.js";
import { waitForIdle } from "./lib/idle.js";
import { busyWarning, describeMachine } from "./lib/machine.js";
import { kernelDir, rawResultsDir, repoRoot, resultsDir } from "./lib/paths.js";
import { type Spread, spread } from "./lib/samples.js";

const KiB = 1024;
const MiB = 1024 * KiB;

type Where = "node" | "shared" | "copying";
const LABELS: Readonly<Record<Where, string>> = {
  node: "Node",
  shared: "Chromium, shared memory",
  copying: "Chromium, copying",
};

interface Test {
  readonly name: "latency" | "bandwidth";
  readonly key: "usec" | "MBps";
  readonly unit: string;
  readonly title: string;
  readonly sizes: readonly number[];
  readonly quickSizes: readonly number[];
}

const TESTS: readonly Test[] = [
  {
    name: "latency",
    key: "usec",
    unit: "µs",
    title: "one-way latency (ping-pong / 2), lower is better",
    sizes: [8, KiB, 64 * KiB, MiB],
    quickSizes: [8, 64 * KiB],
  },
  {
    name: "bandwidth",
    key: "MBps",
    unit: "MB/s",
    title: "bandwidth (windows of 16 blocking sends, 1 MB = 10^6 B), higher is better",
    sizes: [64 * KiB, MiB, 16 * MiB],
    quickSizes: [MiB],
  },
];

interface Options {
  readonly rounds: number;
  readonly quick: boolean;
  readonly smoke: boolean;
}

function parse(argv: readonly string[]): Options | null {
  let rounds = 3;
  let quick = false;
  let smoke = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--smoke") smoke = true;
    else if (arg === "--rounds" && /^[1-9]\d*$/.test(argv[i + 1] ?? "")) rounds = Number(argv[++i]);
    else if (arg === "--help" || arg === "-h") return null;
    else throw new Error(`unknown option ${arg} (options: --rounds N, --quick, --smoke)`);
  }
  if (smoke && !quick) throw new Error("--smoke goes with --quick");
  return { rounds, quick, smoke };
}

function sizesOf(test: Test, options: Options): readonly number[] {
  if (options.smoke) return test.name === "latency" ? test.quickSizes.slice(0, 1) : [];
  return options.quick ? test.quickSizes : test.sizes;
}

/** Figures by test, size and place: one per round. */
type Figures = Map<string, number[]>;
const at = (test: string, bytes: number, where: Where): string => `${test} ${bytes} ${where}`;

/** The JSON lines rank 0 prints: one figure per size. */
function record(figures: Figures, where: Where, test: Test, lines: readonly string[]): void {
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    const sample = JSON.parse(line) as Record<string, number | string>;
    if (sample.test !== test.name) continue;
    const key = at(test.name, sample.bytes as number, where);
    figures.set(key, [...(figures.get(key) ?? []), sample[test.key] as number]);
  }
}

async function main(): Promise<number> {
  let options: Options | null;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`browser: ${(error as Error).message}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write("usage: npm run bench:browser -- [--rounds N] [--quick] [--smoke]\n");
    return 0;
  }
  if (!chromiumFound()) {
    process.stdout.write(`browser: skipped, no chromium at ${CHROMIUM}\n`);
    return 0;
  }
  const machine = await describeMachine();
  const warning = busyWarning(machine);
  if (warning !== null) process.stdout.write(`${warning}\n`);
  const kernelPath = join(kernelDir, "p2p.ts");
  const kernel = await compileKernel(kernelPath);
  const servers = [
    await startDemoServer({ kernels: { p2p_bench: kernelPath } }),
    await startDemoServer({ kernels: { p2p_bench: kernelPath }, isolated: false }),
  ] as const;
  const browser = await launchChromium();
  const figures: Figures = new Map();
  try {
    const pages: Record<Exclude<Where, "node">, Page> = {
      shared: await browser.context.newPage(),
      copying: await browser.context.newPage(),
    };
    await pages.shared.goto(servers[0].url);
    await pages.copying.goto(servers[1].url);
    const places: Where[] = ["node", "shared", "copying"];
    const runAt = (where: Where, args: string[]): Promise<string[]> =>
      where === "node" ? underNode(kernel, args) : inPage(pages[where], args, where);
    if (!options.smoke) {
      // The first job in each place runs slower (code not yet optimized): once, untimed.
      process.stdout.write("warm-up: one untimed job in each place\n");
      for (const where of places) await runAt(where, ["latency", "--sizes", "8", "--quick"]);
    }
    for (let round = 0; round < options.rounds; round++) {
      // A different place first in each round, so that none always runs on a warmer machine.
      const order = places.map((_, i) => places[(i + round) % places.length] as Where);
      for (const test of TESTS) {
        if (sizesOf(test, options).length === 0) continue;
        const sizes = sizesOf(test, options).join(",");
        const args = [test.name, "--sizes", sizes, ...(options.quick ? ["--quick"] : [])];
        for (const where of order) {
          await waitForIdle(options.smoke ? 0 : options.quick ? 5 : 30, 0.1, (busy) =>
            process.stdout.write(`waiting for others to stop (${Math.round(busy * 100)}% busy)\n`),
          );
          record(figures, where, test, await runAt(where, args));
          process.stdout.write(
            `round ${round + 1}/${options.rounds}: ${test.name} on ${LABELS[where]}\n`,
          );
        }
      }
    }
  } finally {
    await browser.close();
    for (const server of servers) await server.close();
  }
  const tables = TESTS.filter((test) => sizesOf(test, options).length > 0).map((test) =>
    table(test, figures, options),
  );
  for (const t of tables) process.stdout.write(`\n${textTable(t)}\n`);
  const dir = options.quick ? rawResultsDir : resultsDir;
  mkdirSync(dir, { recursive: true });
  const stored = {
    date: new Date().toISOString(),
    machine,
    options,
    figures: Object.fromEntries([...figures].map(([key, values]) => [key, spread(values)])),
  };
  writeFileSync(join(dir, "browser.json"), `${JSON.stringify(stored, null, 1)}\n`);
  const md = [
    "# Point-to-point in the browser, 2 ranks",
    "",
    `${stored.date.slice(0, 10)}, ${options.rounds} round${options.rounds === 1 ? "" : "s"}${options.quick ? " (quick)" : ""}; medians, (min–max) over rounds. The kernel is bench/kernels/p2p.ts; ratios are ÷ Node's median. ${warning ?? ""}`,
    "",
    ...tables.flatMap((t) => [`## ${t.title}`, "", markdownTable(t), ""]),
  ];
  writeFileSync(join(dir, "browser.md"), md.join("\n"));
  process.stdout.write(`\nwrote ${relative(repoRoot, join(dir, "browser.md"))}\n`);
  return 0;
}

async function underNode(kernel: Uint8Array, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const result = await run(kernel, {
    np: 2,
    args,
    timeoutMs: 600_000,
    onOutput: (rank, stream, line) => {
      if (rank === 0 && stream === "stdout") lines.push(line);
    },
  });
  if (result.exitCode !== 0) throw new Error(`under Node: ${result.failures.join("; ")}`);
  return lines;
}

async function inPage(page: Page, args: string[], where: Where): Promise<string[]> {
  const job: PageJob = await runOnPage(page, "p2p_bench", 2, args, 600_000);
  if (job.exitCode !== 0) throw new Error(`${LABELS[where]}: ${job.failures.join("; ")}`);
  return job.stdout[0] ?? [];
}

function table(test: Test, figures: Figures, options: Options): Table {
  const sizes = sizesOf(test, options);
  const cell = (s: Spread | null | undefined): string =>
    s ? `${formatFigure(s.median)} ${formatRange(s)}`.trim() : "-";
  const of = (bytes: number, where: Where): Spread | null =>
    spread(figures.get(at(test.name, bytes, where)) ?? []);
  const versus = (bytes: number, where: Where): string => {
    const mine = of(bytes, where);
    const node = of(bytes, "node");
    return formatRatio(mine && node ? mine.median / node.median : null);
  };
  return {
    title: `${test.name}: ${test.title}`,
    columns: [
      { header: "size", align: "left" },
      { header: `${LABELS.node} (${test.unit})`, align: "right" },
      { header: `${LABELS.shared} (${test.unit})`, align: "right" },
      { header: "÷ Node", align: "right" },
      { header: `${LABELS.copying} (${test.unit})`, align: "right" },
      { header: "÷ Node", align: "right" },
    ],
    rows: sizes.map((bytes) => [
      formatBytes(bytes),
      cell(of(bytes, "node")),
      cell(of(bytes, "shared")),
      versus(bytes, "shared"),
      cell(of(bytes, "copying")),
      versus(bytes, "copying"),
    ]),
  };
}

process.exitCode = await main();
