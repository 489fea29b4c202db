import { CollectiveArea } from "./collective-area.js";
import { Collectives } from "./collectives.js";
import { CommCreation } from "./comm-create.js";
import { Communicators } from "./comms.js";
import { Doorbells, Waiter } from "./doorbell.js";
import { Job, type Layout, layout, RankState, RankWord } from "./layout.js";
import { Liveness } from "./liveness.js";
import { LinearMemory } from "./memory.js";
import { Messenger } from "./p2p.js";
import { Reductions } from "./reductions.js";
import { Requests } from "./requests.js";

/** What a rank needs to join its job; sent by the launcher, structured-cloneable. */
export interface RankSetup {
  readonly rank: number;
  readonly size: number;
  /** Every rank's memory, by world rank: peers' memories are read by rendezvous copies. */
  readonly memories: readonly WebAssembly.Memory[];
  readonly control: SharedArrayBuffer;
  readonly ringBytes: number;
  readonly eagerLimit: number;
  /** Doorbell polls before sleeping (fewer when ranks outnumber cores). */
  readonly spins: number;
  /** More ranks than cores: every wait is likely to sleep, so collectives save rounds. */
  readonly oversubscribed: boolean;
  /** The job's start, in ms since the Unix epoch (performance.timeOrigin + now()). */
  readonly epoch: number;
  readonly hostname: string;
  readonly wtick: number;
  /** The cap on each rank's memory, in 64 KiB pages. */
  readonly maxMemoryPages: number;
}

/** One rank's side of the engine: its views of the job's memories and its messaging. */
export class RankRuntime {
  readonly rank: number;
  readonly size: number;
  readonly layout: Layout;
  readonly ctrl: Int32Array;
  readonly memory: LinearMemory;
  readonly comms: Communicators;
  readonly messenger: Messenger;
  readonly collectives: Collectives;
  readonly commCreation: CommCreation;
  readonly reductions: Reductions;
  readonly bells: Doorbells;
  readonly requests = new Requests();
  readonly hostname: string;
  readonly wtick: number;
  readonly maxMemoryPages: number;
  readonly #clockOffset: number;

  /**
   * `yieldCpu` gives the CPU to another runnable thread, where the runtime can (sched_yield);
   * waits use it when ranks outnumber cores.
   */
  constructor(setup: RankSetup, yieldCpu: (() => void) | null = null) {
    this.rank = setup.rank;
    this.size = setup.size;
    this.layout = layout(setup.size, { ringBytes: setup.ringBytes, eagerLimit: setup.eagerLimit });
    this.ctrl = new Int32Array(setup.control);
    const peers = setup.memories.map((m) => new LinearMemory(m));
    this.memory = peers[setup.rank] as LinearMemory;
    this.bells = new Doorbells(this.ctrl, setup.size, this.layout.rank);
    const waiter = new Waiter(
      this.ctrl,
      this.bells.word(setup.rank),
      setup.spins,
      setup.oversubscribed ? yieldCpu : null,
    );
    this.comms = new Communicators(setup.rank, setup.size);
    this.messenger = new Messenger({
      rank: setup.rank,
      size: setup.size,
      layout: this.layout,
      ctrl: this.ctrl,
      ctrlU8: new Uint8Array(setup.control),
      memory: this.memory,
      peers,
      bells: this.bells,
      waiter,
    });
    const area = new CollectiveArea({
      rank: setup.rank,
      layout: this.layout,
      ctrl: this.ctrl,
      memory: this.memory,
      peers,
      bells: this.bells,
      waiter,
      live: new Liveness(this.ctrl, this.layout, setup.rank),
      oversubscribed: setup.oversubscribed,
    });
    this.collectives = new Collectives(area);
    this.commCreation = new CommCreation(area, this.comms);
    this.reductions = new Reductions(area);
    this.hostname = setup.hostname;
    this.wtick = setup.wtick;
    this.maxMemoryPages = setup.maxMemoryPages;
    // Kept apart from now() so that Wtime keeps now()'s sub-microsecond precision.
    this.#clockOffset = performance.timeOrigin - setup.epoch;
  }

  wtime(): number {
    return (performance.now() + this.#clockOffset) / 1000;
  }

  /** Records how the rank ended and wakes every rank that may be waiting for it. */
  ended(state: typeof RankState.FINISHED | typeof RankState.FAILED): void {
    this.messenger.flush();
    if (state === RankState.FAILED) Atomics.store(this.ctrl, Job.ABORT, 1);
    Atomics.store(this.ctrl, (this.layout.rank(this.rank) >> 2) + RankWord.STATE, state);
    this.bells.ringAll();
  }

  started(): void {
    Atomics.store(
      this.ctrl,
      (this.layout.rank(this.rank) >> 2) + RankWord.STATE,
      RankState.RUNNING,
    );
  }
}
