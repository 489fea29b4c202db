/**
 * One rank's side of a job, for whoever instantiates the kernel: the wasmpi import module
 * built around the rank's memory, merged into the caller's own imports (its WASI, its `env`
 * functions), and the run of the program with the rank's state kept for its peers. The
 * launcher's workers join their jobs here too.
 */
import { MEMORY_IMPORT, MODULE } from "../abi.js";
import { buildImports } from "../engine/imports.js";
import type { Arrival } from "../engine/inbox.js";
import { RankState } from "../engine/layout.js";
import { RankRuntime, type RankSetup } from "../engine/rank.js";
import { type RankTrace, TraceRecorder } from "../trace/recorder.js";
import { traceImports } from "../trace/traced-imports.js";
import { describeFailure, type RankEnding } from "./ending.js";

export interface JoinOptions {
  /**
   * Gives the CPU to another runnable thread (WASI's sched_yield, where the runtime has
   * one); waits use it when ranks outnumber cores.
   */
  yieldCpu?: () => void;
  /**
   * Record every wasmpi call (start, end, peer, tag, bytes) for a trace; `run` hands the
   * record back and `chromeTrace` joins the ranks' records. Off, the imports are the plain
   * ones, with nothing recorded.
   */
  trace?: boolean;
}

export interface RankOutcome {
  readonly ending: RankEnding;
  /** Requests the program started and never completed, one description each. */
  readonly unfinishedRequests: readonly string[];
  /** The rank's calls, when it joined with `trace: true`. */
  readonly trace: RankTrace | null;
}

/** A rank that has joined its job, ready to be instantiated and run. */
export class WasmpiRank {
  readonly rank: number;
  readonly size: number;
  /** The rank's memory: the kernel must import it (importObject puts it at env.memory). */
  readonly memory: WebAssembly.Memory;
  /** The functions of the `wasmpi` import module, bound to this rank. */
  readonly imports: WebAssembly.ModuleImports;
  readonly #runtime: RankRuntime;
  readonly #recorder: TraceRecorder | null;
  #ran = false;

  constructor(setup: RankSetup, options: JoinOptions = {}) {
    this.#runtime = new RankRuntime(setup, options.yieldCpu ?? null);
    this.rank = setup.rank;
    this.size = setup.size;
    this.memory = setup.memories[setup.rank] as WebAssembly.Memory;
    const arrival: Arrival = { src: 0, tag: 0, bytes: 0 };
    const plain = buildImports(this.#runtime, arrival);
    this.#recorder = options.trace ? new TraceRecorder(setup.rank) : null;
    const imports =
      this.#recorder === null ? plain : traceImports(plain, this.#runtime, arrival, this.#recorder);
    this.imports = imports as unknown as WebAssembly.ModuleImports;
  }

  /**
   * The import object to instantiate the kernel with: `own` (WASI, your own modules) plus
   * the rank's memory at env.memory and the `wasmpi` module. `own` keeps everything else it
   * has in `env`.
   */
  importObject(own: WebAssembly.Imports = {}): WebAssembly.Imports {
    if (MODULE in own) {
      throw new Error(`the imports already have a module "${MODULE}"; wasmpi provides it`);
    }
    const env = own[MEMORY_IMPORT.module] ?? {};
    if (MEMORY_IMPORT.name in env) {
      throw new Error(
        `the imports already have ${MEMORY_IMPORT.module}.${MEMORY_IMPORT.name}; the rank's memory goes there`,
      );
    }
    return {
      ...own,
      [MEMORY_IMPORT.module]: { ...env, [MEMORY_IMPORT.name]: this.memory },
      [MODULE]: this.imports,
    };
  }

  /**
   * Runs the rank's program: `main` calls into the instance (`_start` through your WASI, or
   * any export) and returns the exit code. Marks the rank running, then finished or failed,
   * so that peers waiting for it learn when it can no longer answer. Never throws: a trap, a
   * fatal error or the end of the job comes back as the ending.
   */
  run(main: () => number | undefined): RankOutcome {
    if (this.#ran) throw new Error(`rank ${this.rank} has already run`);
    this.#ran = true;
    const rt = this.#runtime;
    rt.started();
    let ending: RankEnding;
    try {
      ending = { type: "exit", code: main() ?? 0 };
    } catch (error) {
      ending = describeFailure(error, rt);
    }
    // A non-zero exit fails the job: it ends it first, so that ranks waiting for this one
    // unwind quietly instead of reporting that it ended.
    const normal = ending.type === "exit" && ending.code === 0;
    const unfinishedRequests = normal ? rt.requests.pending() : [];
    rt.ended(normal ? RankState.FINISHED : RankState.FAILED);
    return { ending, unfinishedRequests, trace: this.#recorder?.take() ?? null };
  }
}

/** Joins a rank to its job, in the thread that will run it; `setup` is `SharedJob.rank(r)`. */
export function joinJob(setup: RankSetup, options: JoinOptions = {}): WasmpiRank {
  return new WasmpiRank(setup, options);
}
