// Tables, goal lines and the Markdown of the whole-job benchmarks (bench/jobs.ts).
import {
  type Column,
  formatFigure,
  formatRange,
  formatRatio,
  markdownTable,
  type Table,
  textTable,
} from "./format.js";
import type { Machine } from "./machine.js";
import type { Spread } from "./samples.js";

/** Who ran a job: wasmpi, the tutorial's Python under mpi4py, or C under Open MPI. */
export type Impl = "wasmpi" | "mpi4py" | "openmpi";

/** One case's figures: wall time of its timed jobs in ms over all rounds, null on a failure. */
export interface Figures {
  readonly group: string;
  readonly ranks: number;
  readonly impl: Impl;
  readonly ms: Spread | null;
  /** Timed jobs run. */
  readonly jobs: number;
  /** Jobs during which other processes used more than 10% of the CPU. */
  readonly disturbed: number;
  readonly problems: readonly string[];
}

export interface JobsRun {
  readonly date: string;
  readonly argv: readonly string[];
  readonly options: { rounds: number; samples: number; quick: boolean; timeoutSeconds: number };
  readonly machine: Machine;
  readonly versions: Readonly<Record<string, string | null>>;
  readonly minutes: number;
  readonly notes: readonly string[];
  readonly goalFactor: number;
  readonly examples: ReadonlyArray<{ name: string; python: string }>;
  readonly exampleRanks: readonly number[];
  readonly figures: readonly Figures[];
}

export interface JobsGoal {
  readonly example: string;
  readonly ranks: number;
  readonly ratio: number | null;
  readonly holds: boolean | null;
  readonly line: string;
}

export interface JobsReport {
  readonly goals: readonly JobsGoal[];
  readonly text: string;
  readonly markdown: string;
}

const figure = (s: Spread | null | undefined): string => (s ? formatFigure(s.median) : "-");
const range = (s: Spread | null | undefined): string => formatRange(s ?? undefined);

function find(run: JobsRun, group: string, ranks: number, impl: string): Figures | undefined {
  return run.figures.find((f) => f.group === group && f.ranks === ranks && f.impl === impl);
}

function ratioOf(a: Figures | undefined, b: Figures | undefined): number | null {
  if (!a?.ms || !b?.ms || b.ms.median === 0) return null;
  return a.ms.median / b.ms.median;
}

function goals(run: JobsRun): JobsGoal[] {
  return run.examples.flatMap((e) =>
    run.exampleRanks.map((ranks) => {
      const r = ratioOf(find(run, e.name, ranks, "wasmpi"), find(run, e.name, ranks, "mpi4py"));
      const holds = r === null ? null : r <= run.goalFactor;
      const verdict = r === null ? "no figure" : `${formatRatio(r)}  ${holds ? "holds" : "misses"}`;
      const line = `goal ${e.name} ${ranks} ranks: end to end <= ${run.goalFactor.toFixed(1)}x mpi4py (${e.python}): ${verdict}`;
      return { example: e.name, ranks, ratio: r, holds, line };
    }),
  );
}

function tables(run: JobsRun): Table[] {
  const over = `median (min–max) over ${run.options.rounds} × ${run.options.samples} timed jobs`;
  const startup: Table = {
    title: `Start-up of an empty job (bench/kernels/empty.ts, precompiled; bench/c/empty.c under Open MPI): wall time in ms, ${over}; ratio = wasmpi ÷ Open MPI C`,
    columns: [
      { header: "ranks", align: "right" },
      { header: "wasmpi ms", align: "right" },
      { header: "min–max", align: "left" },
      { header: "Open MPI C ms", align: "right" },
      { header: "min–max", align: "left" },
      { header: "ratio", align: "right" },
    ],
    rows: run.figures
      .filter((f) => f.group === "start-up" && f.impl === "wasmpi")
      .map((w) => {
        const c = find(run, "start-up", w.ranks, "openmpi");
        return [
          String(w.ranks),
          figure(w.ms),
          range(w.ms),
          figure(c?.ms),
          range(c?.ms),
          formatRatio(ratioOf(w, c)),
        ];
      }),
  };
  const columns: Column[] = [
    { header: "program", align: "left" },
    { header: "ranks", align: "right" },
    { header: "wasmpi ms", align: "right" },
    { header: "min–max", align: "left" },
    { header: "mpi4py ms", align: "right" },
    { header: "min–max", align: "left" },
    { header: "ratio", align: "right" },
  ];
  const rows = run.examples.flatMap((e) =>
    run.exampleRanks.map((ranks) => {
      const w = find(run, e.name, ranks, "wasmpi");
      const p = find(run, e.name, ranks, "mpi4py");
      return [
        e.name,
        String(ranks),
        figure(w?.ms),
        range(w?.ms),
        figure(p?.ms),
        range(p?.ms),
        formatRatio(ratioOf(w, p)),
      ];
    }),
  );
  const examples: Table = {
    title: `Example programs end to end: wall time in ms, ${over}; ratio = wasmpi ÷ mpi4py of the medians, lower is better`,
    columns,
    rows,
  };
  return [startup, examples];
}

export function jobsReport(run: JobsRun): JobsReport {
  const judged = goals(run);
  const tableList = tables(run);
  const text = [
    ...(run.notes.length > 0 ? [...run.notes, ""] : []),
    ...tableList.flatMap((t) => [textTable(t), ""]),
    ...judged.map((g) => g.line),
    "",
  ].join("\n");
  const { machine, versions, options } = run;
  const problems = run.figures.filter((f) => f.problems.length > 0);
  const lines = [
    "# Whole jobs: start-up and the example programs, wasmpi against Open MPI C and mpi4py",
    "",
    `Measured ${run.date} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}), Node ${versions.node}, ${versions.wasmpi ?? "wasmpi (version unknown)"}, Open MPI ${versions.openmpi ?? "(not run)"}, mpi4py ${versions.mpi4py ?? "(not run)"}.`,
    "",
    `${options.rounds} rounds${options.quick ? " (quick)" : ""}, ${run.minutes.toFixed(1)} minutes in all. Each round is one benny suite that runs every case in turn, the comparator (Open MPI C for start-up, mpi4py for the examples) and then wasmpi for each (program, rank count); per case and round Benchmark.js runs ${options.samples} timed job(s). Before the first round every case ran once untimed. Figures are wall times of whole jobs in ms: medians over the ${options.rounds * options.samples} timed jobs of a case, with min–max.`,
    "",
    "wasmpi: `node dist/host/cli.js run -n N bench/.build/jobs/NAME.wasm`, the kernel compiled beforehand (the figures hold no compile time). mpi4py: the tutorial's program, `mpirun --allow-run-as-root --oversubscribe --mca pml ob1 -n N /usr/bin/python3 bench/python/tutorial/NAME.py`. The examples are the tutorial's ports, mpi_array_* being mpi_numpy_*.py (10M doubles). Open MPI C: `bench/c/empty.c` built with `mpicc -O2`, under the same mpirun. Every job's exit code and a line of its output are checked.",
    "",
    ...run.notes.map((l) => `${l}  `),
    ...(run.notes.length > 0 ? [""] : []),
    ...judged.map((g) => `    ${g.line}`),
    "",
    ...tableList.flatMap((t) => [markdownTable(t), ""]),
  ];
  if (problems.length > 0) {
    lines.push("## Problems", "");
    for (const f of problems) {
      lines.push(
        `- ${f.group}, ${f.ranks} ranks, ${f.impl}:`,
        "",
        "  ```",
        ...f.problems.flatMap((p) => p.split("\n").map((l) => `  ${l}`)),
        "  ```",
        "",
      );
    }
  }
  lines.push(
    `Reproduce: \`npm run bench:jobs --${options.quick ? " --quick" : ""} --rounds ${options.rounds} --samples ${options.samples}\` (every figure in jobs.json).`,
    "",
  );
  return { goals: judged, text, markdown: lines.join("\n") };
}
