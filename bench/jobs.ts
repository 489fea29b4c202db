// Whole-job benchmarks, wall time as a user sees it: `wasmpi run -n N kernel.wasm` from the
// moment the CLI is started until it has exited.
//
//   start-up   an empty job (bench/kernels/empty.ts: asks its rank, ends) at 1, 2 and 4 ranks,
//              against the same in C (bench/c/empty.c) under `mpirun --mca pml ob1 -n N` when
//              Open MPI is installed
//   examples   each tutorial port in examples/ at 2 and 4 ranks, against the tutorial's Python
//              program (bench/python/tutorial/*.py, verbatim from the seed) under
//              `mpirun --mca pml ob1 -n N /usr/bin/python3`, when mpi4py is installed
//
// Kernels are compiled once before any timing (into bench/.build/jobs/*.wasm), so the figures
// hold no compile time; the CLI is given the .wasm file.
//
// How benny is used. benny times a function as ops/sec with Benchmark.js underneath; a job
// here is a promise-returning case that spawns one process tree and resolves when it exits,
// so one "op" is one whole job and its sample is the job's wall time (Benchmark.js's clock
// runs from the call to the resolve). A job takes hundreds of ms, more than Benchmark.js's
// minTime, so every sample holds one job. The options are set for that: minSamples = the
// jobs per case per round, initCount 1, maxTime 0 (no extra sampling by time), delay 0; then
// Benchmark.js calls the case exactly minSamples times. benny tells a promise case from a
// plain one by calling it once; that first call returns at once instead of starting a job.
// Before the first round every case runs once untimed (file cache, first start of mpirun and
// Python), since Benchmark.js has no warm-up of its own here. A suite runs its cases one after
// another, so every round is
// one suite whose cases alternate mpi4py and wasmpi for each (program, rank count): A B A B,
// every ratio compares figures taken within a minute. Figures are medians over all samples
// of all rounds, with min–max; ops/sec and benny's margin are not used.
//
//   npm run bench:jobs -- [--rounds N] [--samples S] [--quick] [--timeout S]

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { add, complete, cycle, suite } from "benny";
import { compileKernel } from "../host/platform/node/compile.js";
import { type ChildResult, runChild, tail } from "./lib/child.js";
import { waitForIdle } from "./lib/idle.js";
import {
  type Command,
  mpi4py,
  mpi4pyUnavailable,
  mpirun,
  openmpi,
  python,
  wasmpi,
} from "./lib/implementations.js";
import { type Figures, type Impl, type JobsRun, jobsReport } from "./lib/jobs-report.js";
import { busyWarning, cpuSnapshot, describeMachine, othersBusy } from "./lib/machine.js";
import { buildDir, rawResultsDir, repoRoot, resultsDir } from "./lib/paths.js";
import { spread } from "./lib/samples.js";

/** The tutorial ports and their Python originals; `expect` is a line the job must print. */
const EXAMPLES = [
  { name: "mpi_hello", python: "mpi_hello.py", expect: /Hello from process 0 out of/ },
  {
    name: "mpi_send_recv",
    python: "mpi_send_recv.py",
    expect: /Process 1 received data: Hello from process 0/,
  },
  {
    name: "mpi_array_point_to_point",
    python: "mpi_numpy_point_to_point.py",
    expect: /Global sum \(point-to-point\) = 1(0000000|e\+?7)/,
  },
  { name: "mpi_collectives", python: "mpi_collectives.py", expect: /Gathered messages at root/ },
  {
    name: "mpi_array_collectives",
    python: "mpi_numpy_collectives.py",
    expect: /Global sum = 1(0000000|e\+?7)/,
  },
] as const;

const STARTUP_RANKS = [1, 2, 4];
const EXAMPLE_RANKS = [2, 4];
/** The goal: an example end to end in at most half the mpi4py program's wall time. */
const GOAL_FACTOR = 0.5;

interface Options {
  readonly rounds: number;
  readonly samples: number;
  readonly quick: boolean;
  readonly timeoutSeconds: number;
}

const usage = `usage: node dist/bench/jobs.js [options]
  --rounds N    rounds, each one benny suite of every case (default 5; 1 with --quick)
  --samples S   timed jobs per case per round, after one untimed (default 2; 1 with --quick)
  --quick       --rounds 1 --samples 1; results go to bench/results/raw
  --timeout S   seconds before one job counts as hung and is killed (default 120)
  --help`;

function parseArgs(argv: readonly string[]): Options | string | null {
  const numbers: Record<string, number> = {};
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") return null;
    if (arg === "--quick") {
      quick = true;
    } else if (arg === "--rounds" || arg === "--samples" || arg === "--timeout") {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) return `${arg} needs a positive integer`;
      numbers[arg] = value;
    } else {
      return `unknown option ${arg}`;
    }
  }
  return {
    rounds: numbers["--rounds"] ?? (quick ? 1 : 5),
    samples: numbers["--samples"] ?? (quick ? 1 : 2),
    quick,
    timeoutSeconds: numbers["--timeout"] ?? 120,
  };
}

/** One thing timed: a program at a rank count on one implementation. */
interface Case {
  readonly group: string;
  readonly ranks: number;
  readonly impl: Impl;
  readonly command: Command;
  readonly expect: RegExp;
}

const caseName = (c: Case): string => `${c.group} ${c.ranks} ranks ${c.impl}`;

function wasmpiJob(wasm: string, ranks: number): Command {
  const cli = relative(repoRoot, resolve(repoRoot, "dist/host/cli.js"));
  return { command: process.execPath, args: [cli, "run", "-n", String(ranks), wasm] };
}

const progress = (text: string): void => void process.stderr.write(`${text}\n`);

async function compileAll(): Promise<Map<string, string>> {
  const outDir = join(buildDir, "jobs");
  mkdirSync(outDir, { recursive: true });
  const sources = [
    ["empty", join(repoRoot, "bench/kernels/empty.ts")],
    ...EXAMPLES.map((e) => [e.name, join(repoRoot, "examples", `${e.name}.ts`)]),
  ] as const;
  const wasm = new Map<string, string>();
  for (const [name, source] of sources) {
    const out = join(outDir, `${name}.wasm`);
    writeFileSync(out, await compileKernel(source));
    wasm.set(name, relative(repoRoot, out));
  }
  return wasm;
}

function cases(
  wasm: Map<string, string>,
  withPython: boolean,
  withC: boolean,
  options: Options,
): Case[] {
  const list: Case[] = STARTUP_RANKS.flatMap((ranks): Case[] => [
    ...(withC
      ? [
          {
            group: "start-up",
            ranks,
            impl: "openmpi",
            command: openmpi.command("empty", ranks, [], options.timeoutSeconds),
            expect: /^/,
          } as const,
        ]
      : []),
    {
      group: "start-up",
      ranks,
      impl: "wasmpi",
      command: wasmpiJob(wasm.get("empty") as string, ranks),
      expect: /^/,
    },
  ]);
  for (const example of EXAMPLES) {
    for (const ranks of EXAMPLE_RANKS) {
      if (withPython) {
        const program = relative(repoRoot, join(repoRoot, "bench/python/tutorial", example.python));
        list.push({
          group: example.name,
          ranks,
          impl: "mpi4py",
          command: mpirun(ranks, [python, program]),
          expect: example.expect,
        });
      }
      list.push({
        group: example.name,
        ranks,
        impl: "wasmpi",
        command: wasmpiJob(wasm.get(example.name) as string, ranks),
        expect: example.expect,
      });
    }
  }
  return list;
}

/** What one case gathered over all rounds. */
interface CaseRecord {
  readonly seconds: number[];
  jobs: number;
  disturbed: number;
  readonly problems: string[];
}

/** Runs the case's job once and checks it; never rejects (benny would hang). */
async function runCase(c: Case, record: CaseRecord, options: Options): Promise<void> {
  const before = cpuSnapshot();
  const result: ChildResult = await runChild(c.command.command, c.command.args, {
    cwd: repoRoot,
    timeoutMs: options.timeoutSeconds * 1000,
  });
  const others = othersBusy(before, cpuSnapshot());
  record.jobs++;
  if (others !== null && others > 0.1) record.disturbed++;
  const shown = [c.command.command, ...c.command.args].join(" ");
  if (result.timedOut) {
    record.problems.push(`hung: killed after ${options.timeoutSeconds} s: ${shown}`);
  } else if (result.exitCode !== 0) {
    record.problems.push(`exit code ${result.exitCode}: ${shown}\n${tail(result.stderr)}`);
  } else if (!c.expect.test(result.stdout)) {
    record.problems.push(`output without ${c.expect}: ${shown}\n${tail(result.stdout)}`);
  }
}

/** The case's job for benny, whose first call (benny's probe) starts nothing. */
function timedJob(c: Case, record: CaseRecord, options: Options): () => Promise<void> {
  let probed = false;
  return async () => {
    if (probed) return runCase(c, record, options);
    probed = true;
  };
}

async function main(options: Options): Promise<number> {
  if (!existsSync(join(repoRoot, "dist/host/cli.js"))) {
    progress("jobs: dist/host/cli.js not built (npm run build)");
    return 1;
  }
  const missing = mpi4pyUnavailable();
  const notes: string[] = [];
  if (missing !== null)
    notes.push(`mpi4py not available (${missing}): examples timed on wasmpi alone.`);
  const cMissing = openmpi.prepare("empty");
  if (cMissing !== null)
    notes.push(`Open MPI C not available (${cMissing}): start-up timed on wasmpi alone.`);
  progress("compiling the kernels once, before any timing (compile time is not in the figures)");
  const wasm = await compileAll();
  const machine = await describeMachine();
  const busy = busyWarning(machine);
  if (busy !== null) notes.push(busy);
  for (const note of notes) progress(note);

  const all = cases(wasm, missing === null, cMissing === null, options);
  const records = new Map<Case, CaseRecord>(
    all.map((c) => [c, { seconds: [], jobs: 0, disturbed: 0, problems: [] }]),
  );
  const caseOptions = { minSamples: options.samples, maxTime: 0, delay: 0, initCount: 1 };
  const started = performance.now();
  progress("warm-up: every case once, untimed");
  for (const c of all) {
    const warmUp: CaseRecord = { seconds: [], jobs: 0, disturbed: 0, problems: [] };
    await runCase(c, warmUp, options);
    records.get(c)?.problems.push(...warmUp.problems.map((p) => `warm-up: ${p}`));
  }
  for (let round = 1; round <= options.rounds; round++) {
    // A fresh job function per case and suite: benny probes each suite's case functions once.
    // benny runs a suite's jobs back to back, so the wait for an idle machine (as in
    // bench/lib/runner.ts, at most a minute) comes before each round.
    await waitForIdle(60, 0.1, (busy) =>
      progress(
        `round ${round}: other processes use ${Math.round(busy * 100)}% of the CPU; waiting up to 60 s`,
      ),
    );
    const jobOf = new Map(all.map((c) => [c, timedJob(c, records.get(c) as CaseRecord, options)]));
    await suite(
      `jobs, round ${round}/${options.rounds}`,
      ...all.map((c) => add(caseName(c), () => jobOf.get(c) as () => Promise<void>, caseOptions)),
      cycle((result) => {
        progress(`  ${result.name}: median ${(result.details.median * 1000).toFixed(0)} ms`);
      }),
      complete((summary) => {
        for (const result of summary.results) {
          const c = all.find((x) => caseName(x) === result.name);
          if (c !== undefined) records.get(c)?.seconds.push(...result.details.sampleResults);
        }
      }),
    );
  }

  const figures: Figures[] = all.map((c) => {
    const r = records.get(c) as CaseRecord;
    const ms = r.problems.length > 0 ? null : spread(r.seconds.map((s) => s * 1000));
    return {
      group: c.group,
      ranks: c.ranks,
      impl: c.impl,
      ms,
      jobs: r.jobs,
      disturbed: r.disturbed,
      problems: r.problems,
    };
  });
  const disturbed = figures.reduce((n, f) => n + f.disturbed, 0);
  const jobs = figures.reduce((n, f) => n + f.jobs, 0);
  if (disturbed > 0) {
    notes.push(
      `warning: ${disturbed} of ${jobs} jobs ran while other processes used more than 10% of the CPU; figures disturbed.`,
    );
  }
  const run: JobsRun = {
    date: new Date().toISOString(),
    argv: process.argv.slice(2),
    options,
    machine,
    versions: {
      wasmpi: wasmpi.version(),
      node: process.version,
      openmpi: openmpi.version(),
      mpi4py: missing === null ? mpi4py.version() : null,
    },
    minutes: (performance.now() - started) / 60_000,
    notes,
    goalFactor: GOAL_FACTOR,
    examples: EXAMPLES.map((e) => ({ name: e.name, python: e.python })),
    exampleRanks: EXAMPLE_RANKS,
    figures,
  };
  const report = jobsReport(run);
  // A quick run never replaces the committed results of a full one.
  const outDir = options.quick ? rawResultsDir : resultsDir;
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, "jobs.json");
  const mdPath = join(outDir, "jobs.md");
  writeFileSync(jsonPath, `${JSON.stringify({ ...run, goals: report.goals }, null, 2)}\n`);
  writeFileSync(mdPath, report.markdown);
  process.stdout.write(
    `\n${report.text}\nwrote ${relative(repoRoot, jsonPath)} and ${relative(repoRoot, mdPath)}\n`,
  );
  return figures.some((f) => f.problems.length > 0) ? 1 : 0;
}

const parsed = parseArgs(process.argv.slice(2));
if (parsed === null) {
  process.stdout.write(`${usage}\n`);
} else if (typeof parsed === "string") {
  process.stderr.write(`jobs: ${parsed}\n${usage}\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await main(parsed);
}
