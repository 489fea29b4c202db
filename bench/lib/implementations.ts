// The MPI implementations a benchmark compares. Each one knows whether it can run here, how
// to get a benchmark program ready, and the command that runs it on N ranks. A benchmark is
// named once (e.g. "p2p") and exists as bench/c/p2p.c, bench/python/p2p.py and
// bench/kernels/p2p.ts.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { delimiter, join, relative, resolve } from "node:path";
import { busyWarning, describeMachine, type Machine } from "./machine.js";
import { buildDir, cSourceDir, kernelDir, pythonSourceDir, repoRoot } from "./paths.js";

export type ImplementationId = "openmpi" | "mpi4py" | "wasmpi";

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

export interface Implementation {
  readonly id: ImplementationId;
  /** Name for people: table headers and goal lines. */
  readonly label: string;
  /** Gets `program` ready to run; returns why it cannot run here, or null when it can. */
  prepare(program: string): string | null;
  /** The command that runs `program` on `ranks` ranks with `args`. */
  command(program: string, ranks: number, args: readonly string[], timeoutSeconds: number): Command;
  /** Version string for the results file, or null when unknown. */
  version(): string | null;
}

export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

function isOlder(target: string, source: string): boolean {
  return !existsSync(target) || statSync(target).mtimeMs < statSync(source).mtimeMs;
}

/** `mpirun` as the comparators run it, on `ranks` ranks. */
export function mpirun(ranks: number, program: readonly string[]): Command {
  return {
    command: "mpirun",
    args: [
      "--allow-run-as-root",
      "--oversubscribe",
      // Skips ~200 ms of probing for network hardware at start-up (BASELINE.md).
      "--mca",
      "pml",
      "ob1",
      "-n",
      String(ranks),
      ...program,
    ],
  };
}

/** Open MPI running C programs from bench/c, compiled with mpicc -O2 into bench/.build. */
export const openmpi: Implementation = {
  id: "openmpi",
  label: "Open MPI",
  prepare(program) {
    const missing = ["mpicc", "mpirun"].filter((tool) => findOnPath(tool) === null);
    if (missing.length > 0) return `${missing.join(" and ")} not found on PATH`;
    const source = join(cSourceDir, `${program}.c`);
    const binary = join(buildDir, program);
    if (!isOlder(binary, source)) return null;
    mkdirSync(buildDir, { recursive: true });
    const args = ["-O2", "-o", binary, source];
    process.stderr.write(
      `compiling: mpicc ${args.map((a) => relative(repoRoot, a) || a).join(" ")}\n`,
    );
    const built = spawnSync("mpicc", args, { encoding: "utf8" });
    if (built.status !== 0) return `mpicc failed on ${source}:\n${built.stderr}${built.stdout}`;
    return null;
  },
  command(program, ranks, args) {
    return mpirun(ranks, [relative(repoRoot, join(buildDir, program)), ...args]);
  },
  version() {
    const out = spawnSync("mpirun", ["--version"], { encoding: "utf8", timeout: 10_000 });
    return /(\d+\.\d+(?:\.\d+)?)/.exec(out.stdout ?? "")?.[1] ?? null;
  },
};

/** Debian's Python, the one the python3-mpi4py and python3-numpy packages install into. */
export const python = "/usr/bin/python3";

/** Why mpi4py cannot run here, or null when it can; asked once. */
let mpi4pyMissing: string | null | undefined;
export function mpi4pyUnavailable(): string | null {
  if (mpi4pyMissing === undefined) {
    if (findOnPath("mpirun") === null) {
      mpi4pyMissing = "mpirun not found on PATH";
    } else {
      const probe = spawnSync(python, ["-c", "import mpi4py, numpy"], {
        encoding: "utf8",
        timeout: 10_000,
      });
      mpi4pyMissing =
        probe.status === 0 ? null : `${python} cannot import mpi4py and numpy: not installed`;
    }
  }
  return mpi4pyMissing;
}

/** mpi4py (buffer path, numpy arrays) running Python programs from bench/python. */
export const mpi4py: Implementation = {
  id: "mpi4py",
  label: "mpi4py",
  prepare(program) {
    const missing = mpi4pyUnavailable();
    if (missing !== null) return missing;
    const source = join(pythonSourceDir, `${program}.py`);
    return existsSync(source) ? null : `${relative(repoRoot, source)} missing`;
  },
  command(program, ranks, args) {
    return mpirun(ranks, [
      python,
      relative(repoRoot, join(pythonSourceDir, `${program}.py`)),
      ...args,
    ]);
  },
  version() {
    const out = spawnSync(python, ["-c", "import mpi4py; print(mpi4py.__version__)"], {
      encoding: "utf8",
      timeout: 10_000,
    });
    return out.status === 0 ? out.stdout.trim() || null : null;
  },
};

const wasmpiCli = resolve(repoRoot, "dist/host/cli.js");

/** wasmpi running AssemblyScript kernels from bench/kernels through the built CLI. */
export const wasmpi: Implementation = {
  id: "wasmpi",
  label: "wasmpi",
  prepare(program) {
    if (!existsSync(wasmpiCli)) return `${relative(repoRoot, wasmpiCli)} not built (npm run build)`;
    const kernel = join(kernelDir, `${program}.ts`);
    if (!existsSync(kernel)) return `${relative(repoRoot, kernel)} missing`;
    return null;
  },
  command(program, ranks, args, timeoutSeconds) {
    return {
      command: process.execPath,
      args: [
        relative(repoRoot, wasmpiCli),
        "run",
        "-n",
        String(ranks),
        // The CLI's own deadline comes first so that it can say where each rank is blocked
        // before the runner's deadline kills it.
        "--timeout",
        String(Math.max(5, Math.floor(timeoutSeconds * 0.9))),
        relative(repoRoot, join(kernelDir, `${program}.ts`)),
        "--",
        ...args,
      ],
    };
  },
  version() {
    const out = spawnSync(process.execPath, [wasmpiCli, "--version"], {
      encoding: "utf8",
      timeout: 10_000,
    });
    return out.status === 0 ? out.stdout.trim() || null : null;
  },
};

export const implementations: readonly Implementation[] = [openmpi, mpi4py, wasmpi];

/** What a benchmark run starts from. */
export interface RunStart {
  /** The implementations that can run, in the order given. */
  readonly impls: Implementation[];
  readonly machine: Machine;
  /** Missing comparators and a busy machine, for the report; each already said on stderr. */
  readonly notes: string[];
  /** Every implementation and why it could not run (null if it could), for the JSON. */
  readonly listed: ReadonlyArray<{ id: string; label: string; unavailable: string | null }>;
}

/**
 * Prepares every implementation of benchmark `name` and describes the machine; null when
 * none can run.
 */
export async function startRun(
  name: string,
  all: readonly Implementation[],
): Promise<RunStart | null> {
  const unavailable = new Map<string, string>();
  for (const impl of all) {
    const reason = impl.prepare(name);
    if (reason !== null) unavailable.set(impl.id, reason);
  }
  const impls = all.filter((i) => !unavailable.has(i.id));
  const others = impls.map((o) => o.label).join(" and ");
  const notes = all
    .filter((i) => unavailable.has(i.id))
    .map(
      (i) =>
        `${i.label} not available (${unavailable.get(i.id)}): running ${others || "nothing"} ${impls.length > 1 ? "without it" : "alone"}.`,
    );
  for (const line of notes) process.stderr.write(`${line}\n`);
  if (impls.length === 0) return null;
  const machine = await describeMachine();
  const busy = busyWarning(machine);
  if (busy !== null) {
    process.stderr.write(`${busy}\n`);
    notes.push(busy);
  }
  const listed = all.map((i) => ({
    id: i.id,
    label: i.label,
    unavailable: unavailable.get(i.id) ?? null,
  }));
  return { impls, machine, notes, listed };
}
