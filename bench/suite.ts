// The benchmark suite: every benchmark under bench/, one after another, then the charts.
//
//   npm run bench                     the full suite (tens of minutes: 5 interleaved rounds)
//   npm run bench -- --quick          a first look in under two minutes (1 round, fewer iterations)
//   npm run bench -- --quick --smoke  tiny sizes, to check that everything runs (npm test does)
//
// Each benchmark is its own program (bench/p2p.ts, collectives.ts, compute.ts, jobs.ts,
// browser.ts) and can be run alone; this one runs them as child processes, shows which one is
// running and how far the suite is, draws the charts, sums the goals up in one table
// (README.md shows a full run's), and ends with every goal line the benchmarks printed. Quick and smoke runs
// write their results, charts and table under bench/results/raw, never over a full run's.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resultsDir } from "./lib/paths.js";

interface Step {
  readonly name: string;
  /** The compiled program, beside this one in dist/bench. */
  readonly program: string;
  /** Arguments for a full, quick and smoke run. */
  readonly args: (mode: Mode) => string[];
}

type Mode = "full" | "quick" | "smoke";

const steps: readonly Step[] = [
  {
    name: "point-to-point",
    program: "p2p.js",
    args: (mode) =>
      mode === "full"
        ? []
        : mode === "quick"
          ? ["--quick", "--rounds", "1", "--idle-wait", "5"]
          : ["--quick", "--rounds", "1", "--idle-wait", "0", "--sizes", "8,1024"],
  },
  {
    name: "collectives",
    program: "collectives.js",
    args: (mode) =>
      mode === "full"
        ? []
        : mode === "quick"
          ? ["--quick", "--rounds", "1", "--idle-wait", "5"]
          : ["--quick", "--rounds", "1", "--idle-wait", "0", "--sizes", "8", "--ranks", "2"],
  },
  {
    name: "compute",
    program: "compute.js",
    args: (mode) =>
      mode === "full"
        ? []
        : mode === "quick"
          ? ["--quick", "--rounds", "1", "--idle-wait", "5"]
          : ["--quick", "--rounds", "1", "--idle-wait", "0", "--tests", "sum"],
  },
  {
    name: "whole jobs",
    program: "jobs.js",
    args: (mode) => (mode === "full" ? [] : ["--quick"]),
  },
  {
    name: "browser",
    program: "browser.js",
    args: (mode) =>
      mode === "full"
        ? []
        : mode === "quick"
          ? ["--quick", "--rounds", "1"]
          : ["--quick", "--rounds", "1", "--smoke"],
  },
  {
    // Last: drawn from the results the others wrote (a quick run's, under raw/).
    name: "charts",
    program: "charts.js",
    args: (mode) => (mode === "full" ? [] : [join(resultsDir, "raw")]),
  },
  {
    // The goals in one table; a full run's also goes into README.md.
    name: "summary",
    program: "summary.js",
    args: (mode) => (mode === "full" ? [] : [join(resultsDir, "raw")]),
  },
];

const usage = `usage: npm run bench -- [--quick] [--smoke]
  --quick   one round of every benchmark with fewer iterations (under two minutes)
  --smoke   with --quick: tiny sizes only, to check that the suite runs
  --help`;

function parse(argv: readonly string[]): Mode | null {
  let quick = false;
  let smoke = false;
  for (const arg of argv) {
    if (arg === "--quick") quick = true;
    else if (arg === "--smoke") smoke = true;
    else if (arg === "--help" || arg === "-h") return null;
    else throw new Error(`unknown option ${arg}`);
  }
  if (smoke && !quick) throw new Error("--smoke goes with --quick");
  return smoke ? "smoke" : quick ? "quick" : "full";
}

/** Runs one benchmark, passing its output through; resolves to its goal lines and exit code. */
function runStep(path: string, args: string[]): Promise<{ code: number; goals: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const goals: string[] = [];
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("goal ")) goals.push(line);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, goals }));
  });
}

async function main(): Promise<number> {
  let mode: Mode | null;
  try {
    mode = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (mode === null) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const present = steps.filter((s) => existsSync(join(here, s.program)));
  const started = performance.now();
  const goals: string[] = [];
  let failed = 0;
  for (const [i, step] of present.entries()) {
    const elapsed = Math.round((performance.now() - started) / 1000);
    process.stdout.write(
      `\n== bench ${i + 1}/${present.length}: ${step.name} (${mode} run, ${elapsed} s so far)\n`,
    );
    const { code, goals: stepGoals } = await runStep(join(here, step.program), step.args(mode));
    goals.push(...stepGoals);
    if (code !== 0) {
      failed++;
      process.stdout.write(`== bench: ${step.name} failed (exit ${code})\n`);
    }
  }
  const total = Math.round((performance.now() - started) / 1000);
  process.stdout.write(`\n== bench: ${present.length} benchmarks in ${total} s\n`);
  for (const goal of goals) process.stdout.write(`${goal}\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
