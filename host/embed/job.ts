/**
 * A job's shared state, made once by whoever starts the ranks: one shared memory per rank and
 * the control memory they all map. The launcher makes its jobs here, and so can a host of
 * one's own that starts its ranks itself (see rank.ts for a rank's side).
 */
import { Job, type Layout, layout, RankState, RankWord } from "../engine/layout.js";
import type { RankSetup } from "../engine/rank.js";

export interface JobOptions {
  /** Number of ranks, 1 to 1024. */
  np: number;
  /**
   * The kernel's imported memory in 64 KiB pages: what it needs at start and at most (its
   * declared maximum, or a lower cap). Every rank gets one shared memory of these limits.
   */
  memory: { readonly initial: number; readonly maximum: number };
  /** Payloads up to this many bytes go eagerly through the rings. */
  eagerLimit?: number;
  /** Bytes of each pair's ring (a power of two). */
  ringBytes?: number;
  /**
   * Cores the ranks share. With more ranks than cores a waiting rank soon gives its core
   * away instead of spinning (default: navigator.hardwareConcurrency, else one per rank).
   */
  cores?: number;
  /** What `get_processor_name` answers (default "localhost"). */
  hostname?: string;
  /** Resolution of the clock behind `wtime`, in seconds (default 1e-6). */
  wtick?: number;
}

export type RankStateName = "starting" | "running" | "finished" | "failed";

/**
 * Polls before resting when every rank has a core: ~0.25 ms here (a poll costs ~25 ns), so
 * a spin outlasts a ~30 µs wake-up several times over, yet a rank whose peer was preempted
 * by another process soon gives up the core that peer needs (examples/heat2d.ts on 2 ranks
 * beside 2 busy processes: median 2.1 s, against 3.6 s with 400,000 polls, ~10 ms).
 */
const SPINS_DEDICATED = 10_000;
/**
 * With more ranks than cores a spinning rank takes the core its sender needs: rest soon, by
 * yielding the core where the runtime can (1 to 50 polls measured alike at 4 ranks on 2 cores,
 * 200 slower, 2000 as slow as sleeping).
 */
const SPINS_OVERSUBSCRIBED = 20;

const STATE_NAMES: Readonly<Record<number, RankStateName>> = {
  [RankState.STARTING]: "starting",
  [RankState.RUNNING]: "running",
  [RankState.FINISHED]: "finished",
  [RankState.FAILED]: "failed",
};

/** The memories of a job and what each rank needs to join it. */
export class SharedJob {
  readonly size: number;
  /** Every rank's memory, by rank: each rank's kernel imports its own as env.memory. */
  readonly memories: readonly WebAssembly.Memory[];
  /** The job's control memory: rings, doorbells, collective areas, who waits where. */
  readonly control: SharedArrayBuffer;
  readonly layout: Layout;
  readonly #ctrl: Int32Array;
  readonly #setup: Omit<RankSetup, "rank">;

  constructor(options: JobOptions) {
    const { np, memory } = options;
    if (!Number.isInteger(np) || np < 1 || np > 1024) {
      throw new RangeError(`the number of ranks must be an integer from 1 to 1024, got ${np}`);
    }
    if (!(memory.initial >= 0 && memory.maximum >= memory.initial && memory.maximum <= 65536)) {
      throw new RangeError(
        `memory limits must be 0 <= initial <= maximum <= 65536 pages, got initial ${memory.initial}, maximum ${memory.maximum}`,
      );
    }
    this.size = np;
    this.memories = Array.from(
      { length: np },
      () =>
        new WebAssembly.Memory({
          initial: memory.initial,
          maximum: memory.maximum,
          shared: true,
        }),
    );
    this.layout = layout(np, {
      ...(options.ringBytes === undefined ? {} : { ringBytes: options.ringBytes }),
      ...(options.eagerLimit === undefined ? {} : { eagerLimit: options.eagerLimit }),
    });
    this.control = new SharedArrayBuffer(this.layout.totalBytes);
    this.#ctrl = new Int32Array(this.control);
    for (let r = 0; r < np; r++) {
      this.#ctrl[(this.layout.rank(r) >> 2) + RankWord.CALL] = -1;
      this.#ctrl[(this.layout.rank(r) >> 2) + RankWord.WATCH] = -1;
    }
    const cores = options.cores ?? globalThis.navigator?.hardwareConcurrency ?? np;
    const oversubscribed = np > cores;
    this.#setup = {
      size: np,
      memories: this.memories,
      control: this.control,
      ringBytes: this.layout.ringBytes,
      eagerLimit: this.layout.eagerLimit,
      spins: oversubscribed ? SPINS_OVERSUBSCRIBED : SPINS_DEDICATED,
      oversubscribed,
      epoch: performance.timeOrigin + performance.now(),
      hostname: options.hostname ?? "localhost",
      wtick: options.wtick ?? 1e-6,
      maxMemoryPages: memory.maximum,
    };
  }

  /** What rank `r` needs to join the job (structured-cloneable: post it to r's worker). */
  rank(r: number): RankSetup {
    if (!Number.isInteger(r) || r < 0 || r >= this.size) {
      throw new RangeError(`rank ${r} is not in this job of ${this.size} ranks`);
    }
    return { ...this.#setup, rank: r };
  }

  /**
   * Ends the job: every rank waiting in a wasmpi call unwinds, and so does every later call.
   * A rank that fails ends the job by itself; call this when a rank's worker dies or a
   * deadline passes.
   */
  abort(): void {
    Atomics.store(this.#ctrl, Job.ABORT, 1);
    for (let r = 0; r < this.size; r++) {
      const bell = (this.layout.rank(r) >> 2) + RankWord.DOORBELL;
      Atomics.add(this.#ctrl, bell, 1);
      Atomics.notify(this.#ctrl, bell);
    }
  }

  /** Whether the job is ending (a rank failed, or `abort` was called). */
  get aborted(): boolean {
    return Atomics.load(this.#ctrl, Job.ABORT) !== 0;
  }

  /** How rank `r` stands, as it recorded it. */
  state(r: number): RankStateName {
    const word = (this.layout.rank(r) >> 2) + RankWord.STATE;
    return STATE_NAMES[Atomics.load(this.#ctrl, word)] ?? "starting";
  }
}

/** Makes a job's shared state: the memories of its ranks and their control memory. */
export function createJob(options: JobOptions): SharedJob {
  return new SharedJob(options);
}
