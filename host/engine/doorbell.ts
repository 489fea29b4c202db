import { RankWord } from "./layout.js";

/**
 * Wake-ups between ranks. Every rank has a doorbell word in the control memory; whoever posts
 * something a rank may wait for (a message, a completed transfer, freed ring space, the end of
 * a peer) increments it. A waiting rank spins on its own doorbell first, because waking a
 * sleeping thread costs ~30 µs on these machines while a spin sees a change in ~0.1 µs, and
 * then sleeps in Atomics.wait. Posters notify only ranks that said they are asleep.
 */
export class Doorbells {
  readonly #ctrl: Int32Array;
  readonly #bells: Int32Array;

  /** `rankBlock(r)` is the byte offset of rank r's block. */
  constructor(ctrl: Int32Array, size: number, rankBlock: (r: number) => number) {
    this.#ctrl = ctrl;
    this.#bells = Int32Array.from({ length: size }, (_, r) => rankBlock(r) >> 2);
  }

  /** The word index of rank r's doorbell. */
  word(r: number): number {
    return this.#bells[r] as number;
  }

  ring(r: number): void {
    const bell = this.#bells[r] as number;
    Atomics.add(this.#ctrl, bell, 1);
    if (Atomics.load(this.#ctrl, bell + RankWord.SLEEPING) !== 0) {
      Atomics.notify(this.#ctrl, bell);
    }
  }

  /** Rings r's doorbell unless r is polling the ring from `src` directly. */
  ringUnlessWatching(r: number, src: number): void {
    const bell = this.#bells[r] as number;
    if (Atomics.load(this.#ctrl, bell + RankWord.WATCH) !== src) this.ring(r);
  }

  ringAll(): void {
    for (let r = 0; r < this.#bells.length; r++) this.ring(r);
  }
}

/** A wait that has not rested yet: pass it as `since` to the first `Waiter.rest`. */
export const NOT_RESTING = -1;

/**
 * How long a wait keeps yielding the CPU before it sleeps. Long enough for the peers that
 * share this rank's core to finish a step of a collective or an exchange; short enough that a
 * rank waiting for a long computation soon stops taking turns from it.
 */
const YIELD_MS = 2;

/**
 * A yield that takes longer than this gave the core to a thread that kept it: not a peer
 * rank about to answer (which soon waits itself), but a long computation or another process.
 * When LONG_YIELDS of them come in a row, other processes hold the cores and yielding only
 * queues this rank behind them (4 ranks beside 2 busy processes on 2 cores: 22 s for
 * examples/heat2d.ts when yielding, 3.5-5 s when sleeping at once), so the rank sleeps at once
 * for the next YIELD_BACKOFF_MS. One long yield alone happens without them (a peer's page
 * fault, the runtime's own threads); backing off then made a 4-rank Barrier 5x slower.
 */
const LONG_YIELD_MS = 0.5;
const LONG_YIELDS = 3;
const YIELD_BACKOFF_MS = 100;

/** How a rank waits on its own doorbell. */
export class Waiter {
  readonly #ctrl: Int32Array;
  readonly #bell: number;
  readonly #yieldCpu: (() => void) | null;

  constructor(
    ctrl: Int32Array,
    bellWord: number,
    /** Polls of the doorbell before resting. */
    readonly spins: number,
    /**
     * Gives the CPU to another runnable thread (sched_yield), or null. Given when ranks
     * outnumber cores: a peer that shares this core then runs at once, where waking it from
     * a sleep costs ~30 µs, so a short wait yields instead of sleeping.
     */
    yieldCpu: (() => void) | null = null,
    /** Longest sleep before the caller re-checks peers and the job on its own. */
    readonly sliceMs = 100,
  ) {
    this.#ctrl = ctrl;
    this.#bell = bellWord;
    this.#yieldCpu = yieldCpu;
  }

  /** The world rank whose ring this rank polls instead of its doorbell, or -1. */
  #watching = -1;

  /**
   * Polls the ring from `src` instead of the doorbell: that sender stops ringing. Written only
   * on a change, so that the word stays in the senders' caches.
   */
  watchRing(src: number): void {
    if (this.#watching === src) return;
    this.#watching = src;
    Atomics.store(this.#ctrl, this.#bell + RankWord.WATCH, src);
  }

  /** Back to the doorbell: before any wait on it, and before sleeping. */
  watchDoorbell(): void {
    if (this.#watching === -1) return;
    this.#watching = -1;
    Atomics.store(this.#ctrl, this.#bell + RankWord.WATCH, -1);
  }

  /** The doorbell's value now: read it before checking for work, pass it to `spin`/`sleep`. */
  current(): number {
    return Atomics.load(this.#ctrl, this.#bell);
  }

  /** Polls the doorbell for a while: true as soon as it differs from `seen`. */
  spin(seen: number): boolean {
    const ctrl = this.#ctrl;
    const bell = this.#bell;
    for (let i = this.spins; i > 0; i--) {
      if (Atomics.load(ctrl, bell) !== seen) return true;
    }
    return false;
  }

  /** Whether waits may yield the CPU (ranks outnumber cores and the runtime can yield). */
  get canYield(): boolean {
    return this.#yieldCpu !== null;
  }

  /**
   * After a spin ran out. For the first YIELD_MS of a wait (`since`, from performance.now()),
   * yields the CPU once if it can and returns, so that the caller spins again; later, sleeps.
   */
  rest(seen: number, since: number): void {
    if (!this.yieldTurn(since)) this.sleep(seen);
  }

  /**
   * Yields the CPU once if it can and the wait, yielding since `since` (performance.now()),
   * has not yielded for YIELD_MS yet: true if it yielded, false when the wait should sleep.
   */
  yieldTurn(since: number): boolean {
    if (this.#yieldCpu === null) return false;
    const now = performance.now();
    if (now - since >= YIELD_MS || now < this.#sleepUntil) return false;
    this.#yieldCpu();
    const back = performance.now();
    if (back - now <= LONG_YIELD_MS) {
      this.#longYields = 0;
    } else if (++this.#longYields === LONG_YIELDS) {
      this.#longYields = 0;
      this.#sleepUntil = back + YIELD_BACKOFF_MS;
    }
    return true;
  }

  /** Long yields in a row, and until when waits sleep at once instead of yielding. */
  #longYields = 0;
  #sleepUntil = 0;

  /** Sleeps until the doorbell differs from `seen`, or for a time slice at most. */
  sleep(seen: number): void {
    const ctrl = this.#ctrl;
    const bell = this.#bell;
    // Dekker pairing with Doorbells.ring: either the poster sees SLEEPING and notifies, or
    // this load sees its increment; Atomics.wait itself re-checks the value atomically.
    Atomics.store(ctrl, bell + RankWord.SLEEPING, 1);
    if (Atomics.load(ctrl, bell) === seen) Atomics.wait(ctrl, bell, seen, this.sliceMs);
    Atomics.store(ctrl, bell + RankWord.SLEEPING, 0);
  }
}
