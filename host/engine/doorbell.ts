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

/** How a rank waits on its own doorbell. */
export class Waiter {
  readonly #ctrl: Int32Array;
  readonly #bell: number;

  constructor(
    ctrl: Int32Array,
    bellWord: number,
    /** Polls of the doorbell before sleeping. */
    readonly spins: number,
    /** Longest sleep before the caller re-checks peers and the job on its own. */
    readonly sliceMs = 100,
  ) {
    this.#ctrl = ctrl;
    this.#bell = bellWord;
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
