import { Job, type Layout, RankState, RankWord } from "./layout.js";

/**
 * Deadlock detection, from the launcher's side, by reading the ranks' blocks in the control
 * memory.
 *
 * A rank's doorbell counts every change any wait of it may depend on (a message, a filled
 * post, a copied rendezvous, freed ring space, a collective stage, a peer's end, the job's
 * end) from the moment the wait first rests, and the rank records the doorbell's value each
 * time a look finds its wait unmet (Liveness.resting). So a rank is stuck when it is blocked
 * in a call and its doorbell still shows the value of its last look: nothing that could end
 * its wait has happened since, and only another rank can make it happen.
 *
 * The job is deadlocked when every rank still running is stuck at one moment: then none can
 * act for another. Two scans of all ranks that read the same (wait, doorbell) for every
 * rank prove such a moment (the end of the first scan): each rank stayed in the same wait
 * with an untouched doorbell from its read in the first scan to its read in the second.
 * Snapshots are compared over a grace period longer than one scan apart, as a margin.
 */
export class DeadlockWatch {
  readonly #ctrl: Int32Array;
  readonly #blocks: Int32Array;
  /** The snapshot of stuck ranks last seen, and since when it holds. */
  #snapshot: Int32Array;
  #since = -1;

  constructor(
    ctrl: Int32Array,
    layout: Layout,
    /** How long the same snapshot must hold, in ms. */
    readonly graceMs: number,
  ) {
    this.#ctrl = ctrl;
    this.#blocks = Int32Array.from({ length: layout.size }, (_, r) => layout.rank(r) >> 2);
    this.#snapshot = new Int32Array(2 * layout.size);
  }

  /** Scans the ranks at time `now` (ms); true once the job has been deadlocked for the grace. */
  poll(now: number): boolean {
    const snapshot = this.#scan();
    if (snapshot === null) {
      this.#since = -1;
      return false;
    }
    if (this.#since < 0 || !sameWords(snapshot, this.#snapshot)) {
      this.#snapshot = snapshot;
      this.#since = now;
      return false;
    }
    return now - this.#since >= this.graceMs;
  }

  /**
   * Every running rank's (wait, doorbell) if each is stuck, ended ranks as (-1, state); null if
   * some rank can still act, no rank runs, or the job is ending.
   */
  #scan(): Int32Array | null {
    const ctrl = this.#ctrl;
    if (Atomics.load(ctrl, Job.ABORT) !== 0) return null;
    const snapshot = new Int32Array(2 * this.#blocks.length);
    let running = 0;
    for (let r = 0; r < this.#blocks.length; r++) {
      const b = this.#blocks[r] as number;
      const state = Atomics.load(ctrl, b + RankWord.STATE);
      if (state === RankState.STARTING) return null;
      if (state !== RankState.RUNNING) {
        snapshot[2 * r] = -1;
        snapshot[2 * r + 1] = state;
        continue;
      }
      // In the order the rank writes them backwards (Liveness.resting): a new wait's CALL
      // comes with its WAIT and its look.
      if (Atomics.load(ctrl, b + RankWord.CALL) < 0) return null;
      const wait = Atomics.load(ctrl, b + RankWord.WAIT);
      const checked = Atomics.load(ctrl, b + RankWord.CHECKED);
      if (Atomics.load(ctrl, b + RankWord.DOORBELL) !== checked) return null;
      snapshot[2 * r] = wait;
      snapshot[2 * r + 1] = checked;
      running++;
    }
    return running > 0 ? snapshot : null;
  }
}

function sameWords(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
