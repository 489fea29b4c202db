import { ANY_SOURCE, ANY_TAG } from "../abi.js";
import type { RingEntry } from "./channels.js";

/** A message that arrived before a receive asked for it. Its payload stays where it is. */
export interface Envelope {
  /** World rank of the sender. */
  readonly src: number;
  readonly ctx: number;
  readonly tag: number;
  readonly bytes: number;
  readonly kind: number;
  /** Arrival order, so that ANY_SOURCE takes the oldest candidate. */
  readonly seq: number;
  /** Eager payload: byte offset in the control memory while still in the ring. */
  payload: number;
  /** Eager payload copied out of the ring to free its space (a spill). */
  data: Uint8Array | null;
  /** Rendezvous: payload address in the sender's memory and the sender's slot. */
  readonly ptr: number;
  readonly slot: number;
  /** The ring bytes this envelope holds, until delivered or spilled. */
  entry: RingEntry | null;
}

/**
 * The unexpected-message queues of one rank, one per source so that a receive from a given
 * source looks only at that source's messages, in arrival order (no overtaking).
 */
export class Unexpected {
  readonly #bySource: Envelope[][];
  #count = 0;
  #seq = 0;

  constructor(size: number) {
    this.#bySource = Array.from({ length: size }, () => []);
  }

  /** The next arrival number. */
  nextSeq(): number {
    return this.#seq++;
  }

  push(env: Envelope): void {
    (this.#bySource[env.src] as Envelope[]).push(env);
    this.#count++;
  }

  /** The envelopes from `src`, oldest first. */
  from(src: number): readonly Envelope[] {
    return this.#bySource[src] as Envelope[];
  }

  /**
   * The oldest envelope matching (ctx, src, tag), `src` a world rank or ANY_SOURCE among
   * `members` (then the earliest arrival among the sources); removed from its queue if `remove`.
   */
  take(
    ctx: number,
    src: number,
    tag: number,
    members: Int32Array,
    remove: boolean,
  ): Envelope | null {
    if (this.#count === 0) return null;
    let best: Envelope | null = null;
    let bestIndex = -1;
    const sources = src === ANY_SOURCE ? members : null;
    const n = sources === null ? 1 : sources.length;
    for (let k = 0; k < n; k++) {
      const queue = this.#bySource[sources === null ? src : (sources[k] as number)] as Envelope[];
      for (let i = 0; i < queue.length; i++) {
        const env = queue[i] as Envelope;
        if (env.ctx === ctx && (tag === ANY_TAG || env.tag === tag)) {
          if (best === null || env.seq < best.seq) {
            best = env;
            bestIndex = i;
          }
          break;
        }
      }
    }
    if (best !== null && remove) {
      (this.#bySource[best.src] as Envelope[]).splice(bestIndex, 1);
      this.#count--;
    }
    return best;
  }
}
