// Compute benchmark, 1 rank: what a Wasm kernel costs against the same loops in C.
// bench/kernels/compute.ts holds sum, dot product, a 5-point stencil and a matrix product in
// AssemblyScript, each plain and with SIMD (f64x2); bench/c/compute.c holds the same plain
// loops in C, built here with `gcc -O2`. Both time inside the program and check their results
// (closed forms, and plain against SIMD); this runner also checks that C and wasmpi agree on
// every checksum before it keeps a time. Each round runs every kernel on C and on wasmpi, in
// alternating order from round to round, so neither always runs on a machine just warmed by
// the other. The SIMD variant's ratio is against the same (plain) C.
//
//   npm run build && node dist/bench/compute.js [--rounds N] [--quick] [--tests a,b]
//                                              [--timeout S] [--idle-wait S]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { runChild, tail } from "./lib/child.js";
import {
  GOAL_FACTOR,
  goalLine,
  KERNELS,
  parseLines,
  type Sample,
  summarize,
  table,
  VARIANTS,
} from "./lib/compute-report.js";
import { markdownTable, textTable } from "./lib/format.js";
import { waitForIdle } from "./lib/idle.js";
import { findOnPath, wasmpi } from "./lib/implementations.js";
import { busyWarning, cpuSnapshot, describeMachine, othersBusy } from "./lib/machine.js";
import { UsageError } from "./lib/options.js";
import { cSourceDir, rawResultsDir, repoRoot, resultsDir } from "./lib/paths.js";
import { parseRunnerOptions, type RunnerOptions, runnerUsage } from "./lib/sweep-options.js";

/** Other processes' share of the CPU above which a job counts as disturbed (as runner.ts). */
const DISTURBED = 0.1;

interface Job {
  readonly round: number;
  readonly impl: string;
  readonly test: string;
  readonly seconds: number;
  readonly exitCode: number | null;
  readonly othersBusy: number | null;
  readonly waitedSeconds: number;
}

interface Problem {
  readonly round: number;
  readonly impl: string;
  readonly test: string;
  readonly problem: string;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Compiles bench/c/compute.c into `dir`; returns the binary, or why there is none. */
function compileC(dir: string): { binary: string } | { reason: string } {
  if (findOnPath("gcc") === null) return { reason: "gcc not found on PATH" };
  const binary = join(dir, "compute");
  const source = join(cSourceDir, "compute.c");
  progress(`compiling: gcc -O2 -o ${binary} ${relative(repoRoot, source)}`);
  const built = spawnSync("gcc", ["-O2", "-o", binary, source], { encoding: "utf8" });
  if (built.status !== 0) return { reason: `gcc failed:\n${built.stderr}${built.stdout}` };
  return { binary };
}

function gccVersion(): string | null {
  const out = spawnSync("gcc", ["-dumpfullversion"], { encoding: "utf8", timeout: 10_000 });
  return out.status === 0 ? out.stdout.trim() : null;
}

/**
 * Drops wasmpi's samples of a kernel in a round whose checksums disagree with C's, or whose
 * sizes do not match: a time for a different or wrong computation is no comparison.
 */
function crossCheck(
  round: number,
  test: string,
  c: readonly Sample[],
  wasm: readonly Sample[],
  problems: Problem[],
): readonly Sample[] {
  const reference = c[0];
  if (reference === undefined) return wasm;
  const wrong = wasm.filter(
    (s) =>
      s.checksum !== reference.checksum ||
      s.size !== reference.size ||
      s.sweeps !== reference.sweeps,
  );
  if (wrong.length === 0) return wasm;
  const detail = wrong
    .map(
      (s) =>
        `${s.variant}: size ${s.size}, sweeps ${s.sweeps}, checksum ${s.checksum}; C: size ${reference.size}, sweeps ${reference.sweeps}, checksum ${reference.checksum}`,
    )
    .join("\n");
  problems.push({ round, impl: "wasmpi", test, problem: `disagrees with C, dropped:\n${detail}` });
  progress(`[round ${round}] wasmpi ${test}: disagrees with C, times dropped\n${detail}`);
  return [];
}

async function main(options: RunnerOptions): Promise<number> {
  const wasmReason = wasmpi.prepare("compute");
  if (wasmReason !== null) {
    progress(`compute: wasmpi cannot run: ${wasmReason}`);
    return 1;
  }
  const buildDir = mkdtempSync(join(tmpdir(), "wasmpi-compute-"));
  try {
    const built = compileC(buildDir);
    const cBinary = "binary" in built ? built.binary : null;
    const notes: string[] = [];
    if (!("binary" in built)) {
      const line = `C not available (${built.reason}): running wasmpi alone, no ratios.`;
      progress(line);
      notes.push(line);
    }
    const machine = await describeMachine();
    const busy = busyWarning(machine);
    if (busy !== null) {
      progress(busy);
      notes.push(busy);
    }

    const tests = options.tests ?? [...KERNELS];
    const samples: Sample[] = [];
    const problems: Problem[] = [];
    const jobs: Job[] = [];
    const runJob = async (round: number, impl: Sample["impl"], test: string) => {
      const args = [test, ...(options.quick ? ["--quick"] : [])];
      const { command, args: fullArgs } =
        impl === "c"
          ? { command: cBinary as string, args }
          : wasmpi.command("compute", 1, args, options.timeoutSeconds);
      const tag = `[round ${round}/${options.rounds}] ${impl} ${test}`;
      progress(tag);
      const idle =
        options.idleWaitSeconds > 0
          ? await waitForIdle(options.idleWaitSeconds, DISTURBED, (b) =>
              progress(`${tag}: other processes use ${Math.round(b * 100)}% of the CPU; waiting`),
            )
          : { waitedSeconds: 0 };
      const before = cpuSnapshot();
      const result = await runChild(command, fullArgs, {
        cwd: repoRoot,
        timeoutMs: options.timeoutSeconds * 1000,
      });
      const others = othersBusy(before, cpuSnapshot());
      if (others !== null && others > DISTURBED) {
        progress(`${tag}: other processes used ${Math.round(others * 100)}% of the CPU meanwhile`);
      }
      jobs.push({
        round,
        impl,
        test,
        seconds: Math.round(result.seconds * 1000) / 1000,
        exitCode: result.exitCode,
        othersBusy: others === null ? null : Math.round(others * 1000) / 1000,
        waitedSeconds: idle.waitedSeconds,
      });
      const report = (problem: string): Sample[] => {
        problems.push({ round, impl, test, problem });
        progress(`${tag} FAILED: ${problem}`);
        return [];
      };
      const output = `${tail(result.stdout)}\n${tail(result.stderr)}`.trim();
      if (result.timedOut)
        return report(`hung: killed after ${options.timeoutSeconds} s\n${output}`);
      if (result.exitCode !== 0) return report(`exit code ${result.exitCode}\n${output}`);
      try {
        const got = parseLines(result.stdout, round, impl).filter((s) => s.test === test);
        const expected = impl === "c" ? 1 : VARIANTS.length;
        if (got.length !== expected) return report(`${got.length} lines, not ${expected}`);
        return got;
      } catch (error) {
        return report(`unreadable output: ${(error as Error).message}`);
      }
    };

    for (let round = 1; round <= options.rounds; round++) {
      for (const test of tests) {
        const order: Sample["impl"][] = round % 2 === 1 ? ["c", "wasmpi"] : ["wasmpi", "c"];
        const got: Record<string, readonly Sample[]> = {};
        for (const impl of order) {
          if (impl === "c" && cBinary === null) continue;
          got[impl] = await runJob(round, impl, test);
        }
        const c = got.c ?? [];
        samples.push(...c, ...crossCheck(round, test, c, got.wasmpi ?? [], problems));
      }
    }

    const disturbed = jobs.filter((j) => j.othersBusy !== null && j.othersBusy > DISTURBED);
    if (disturbed.length > 0) {
      const worst = Math.max(...disturbed.map((j) => j.othersBusy ?? 0));
      notes.push(
        `warning: ${disturbed.length} of ${jobs.length} jobs ran while other processes used more than ${DISTURBED * 100}% of the CPU (up to ${Math.round(worst * 100)}%); see "jobs" in the JSON.`,
      );
    }
    const rows = summarize(samples);
    const goals = rows.map(goalLine);
    const summaryTable = table(rows, options.rounds);
    const versions = {
      gcc: cBinary === null ? null : gccVersion(),
      wasmpi: wasmpi.version(),
      node: process.version,
    };
    const date = new Date().toISOString();
    const results = {
      benchmark: "compute",
      date,
      argv: process.argv.slice(2),
      options,
      ranks: 1,
      machine,
      versions,
      compile: { c: "gcc -O2", wasmpi: "asconfig.json (-O3, shared memory, threads, simd)" },
      ratioConvention: "ratio = wasmpi ÷ C of the medians; below 1 is better",
      summaries: rows,
      goals: rows.map((r, i) => ({
        line: goals[i],
        ratio: r.ratio,
        holds: r.ratio === null ? null : r.ratio <= GOAL_FACTOR,
      })),
      problems,
      jobs,
      samples,
    };

    const partial = options.quick || options.tests !== null;
    const outDir = partial ? rawResultsDir : resultsDir;
    mkdirSync(outDir, { recursive: true });
    const jsonPath = join(outDir, "compute.json");
    const mdPath = join(outDir, "compute.md");
    writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    const reproduce = [
      "npm run bench:compute --",
      ...(options.quick ? ["--quick"] : []),
      `--rounds ${options.rounds}`,
      ...(options.tests ? [`--tests ${options.tests.join(",")}`] : []),
    ].join(" ");
    const markdown = [
      "# Compute kernels, 1 rank: AssemblyScript on wasmpi and C",
      "",
      `Measured ${date} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}), Node ${machine.node}, ${versions.wasmpi ?? "wasmpi"}, gcc ${versions.gcc ?? "(not run)"}.`,
      "",
      `${options.rounds} round${options.rounds === 1 ? "" : "s"}${options.quick ? " of the quick variant (smaller sizes, fewer repetitions)" : ""}; in each round every kernel runs in C (gcc -O2) and on wasmpi (AssemblyScript with the package's asconfig.json: -O3, SIMD), the order alternating from round to round. ` +
        "Both programs time each kernel inside themselves and check its result before printing a time (closed forms for sum, dot and the matrix product; plain against SIMD); the runner drops a wasmpi time whose checksum differs from C's.",
      "",
      ...notes.map((l) => `${l}  `),
      ...(notes.length > 0 ? [""] : []),
      ...goals.map((g) => `    ${g}`),
      "",
      markdownTable(summaryTable),
      "",
      ...(problems.length > 0
        ? [
            "## Problems",
            "",
            ...problems.flatMap((p) => [
              `- round ${p.round}, ${p.impl} ${p.test}:`,
              "",
              "  ```",
              ...p.problem.split("\n").map((l) => `  ${l}`),
              "  ```",
              "",
            ]),
          ]
        : []),
      `Reproduce: \`${reproduce}\` (raw samples in compute.json).`,
      "",
    ].join("\n");
    writeFileSync(mdPath, markdown);

    const out = ["", ...notes, ...(notes.length > 0 ? [""] : []), textTable(summaryTable), ""];
    out.push(...goals, "");
    if (problems.length > 0) out.push(`${problems.length} job(s) failed; see above.`);
    out.push(`wrote ${relative(repoRoot, jsonPath)} and ${relative(repoRoot, mdPath)}`);
    process.stdout.write(`${out.join("\n")}\n`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

const usage = runnerUsage([...KERNELS])
  .replace(/\n {2}--sizes[^\n]*/, "")
  .replace("Open MPI and wasmpi interleaved", "C and wasmpi interleaved")
  .replace("about 10x fewer iterations per size", "smaller sizes, fewer repetitions");
try {
  const options = parseRunnerOptions(process.argv.slice(2), [...KERNELS]);
  if (options === null) {
    process.stdout.write(`usage: node dist/bench/compute.js [options]\n${usage}\n`);
  } else if (options.sizes !== null) {
    throw new UsageError(
      "--sizes does not apply: each kernel has its own size (--quick for smaller)",
    );
  } else {
    process.exitCode = await main(options);
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`compute: ${error.message}\n${usage}\n`);
  process.exitCode = 2;
}
