import { ANY_SOURCE, ANY_TAG } from "../abi.js";
import type { RingEntry } from "./channels.js";
import type { MpiError } from "./errors.js";

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

/** A posted receive not yet matched (Irecv, or a blocking receive behind pending ones). */
export interface PendingRecv {
  readonly ctx: number;
  /** World rank of the source, or ANY_SOURCE. */
  readonly src: number;
  readonly tag: number;
  readonly ptr: number;
  readonly capacity: number;
  /** Post order: a message goes to the earliest pending receive it matches. */
  readonly seq: number;
  /** In its source's post block, where the sender may fill it directly. */
  published: boolean;
  done: boolean;
  /** What was received, once done. */
  readonly arrival: { src: number; tag: number; bytes: number };
  /** Why the receive failed (truncation), reported when it is waited for. */
  error: MpiError | null;
}

/**
 * The pending receives of one rank, one queue per source and one for ANY_SOURCE, each in post
 * order, so that matching a message looks at two queue heads in the common case.
 */
export class PendingReceives {
  readonly #bySource: PendingRecv[][];
  readonly #any: PendingRecv[] = [];
  #seq = 0;
  #count = 0;

  constructor(size: number) {
    this.#bySource = Array.from({ length: size }, () => []);
  }

  get count(): number {
    return this.#count;
  }

  create(ctx: number, src: number, tag: number, ptr: number, capacity: number): PendingRecv {
    return {
      ctx,
      src,
      tag,
      ptr,
      capacity,
      seq: this.#seq++,
      published: false,
      done: false,
      arrival: { src: -1, tag: -1, bytes: 0 },
      error: null,
    };
  }

  add(request: PendingRecv): void {
    this.#queue(request.src).push(request);
    this.#count++;
  }

  remove(request: PendingRecv): void {
    const queue = this.#queue(request.src);
    const i = queue.indexOf(request);
    if (i < 0) return;
    queue.splice(i, 1);
    this.#count--;
  }

  /** The earliest pending receive from world rank `src` (not ANY_SOURCE), or null. */
  head(src: number): PendingRecv | null {
    return (this.#bySource[src] as PendingRecv[])[0] ?? null;
  }

  /** Whether an ANY_SOURCE receive was posted before post number `seq`. */
  anyBefore(seq: number): boolean {
    const first = this.#any[0];
    return first !== undefined && first.seq < seq;
  }

  /** The earliest pending receive that a message (src, ctx, tag) matches, or null. */
  match(src: number, ctx: number, tag: number): PendingRecv | null {
    const mine = firstMatch(this.#bySource[src] as PendingRecv[], ctx, tag);
    const any = firstMatch(this.#any, ctx, tag);
    if (mine === null) return any;
    return any !== null && any.seq < mine.seq ? any : mine;
  }

  #queue(src: number): PendingRecv[] {
    return src === ANY_SOURCE ? this.#any : (this.#bySource[src] as PendingRecv[]);
  }
}

function firstMatch(queue: readonly PendingRecv[], ctx: number, tag: number): PendingRecv | null {
  for (const request of queue) {
    if (request.ctx === ctx && (request.tag === ANY_TAG || request.tag === tag)) return request;
  }
  return null;
}
