import { ANY_SOURCE } from "../abi.js";
import type { RingReader } from "./channels.js";
import type { Arrival, Deliveries } from "./delivery.js";
import { MpiError } from "./errors.js";
import { Entry, Posted, PostFlags, PostState, RingWord } from "./layout.js";
import type { Liveness } from "./liveness.js";
import { PendingReceives, type PendingRecv } from "./matching.js";
import type { MessengerParts } from "./p2p.js";

/**
 * The receives one rank has posted and not yet matched, and the post blocks (one per source,
 * in the control memory) through which a sender can fill a receive directly.
 *
 * Pending receives (Irecv, or a blocking receive behind pending ones) are matched whenever the
 * rank reads its rings, in the order they were posted. The earliest pending receive from each
 * source is published in that pair's post block, so that the sender can copy into it, any
 * size, while this rank computes; a blocking receive with nothing pending ahead of it uses the
 * block for itself (see Inbox).
 */
export class PostedReceives {
  readonly #p: MessengerParts;
  readonly #live: Liveness;
  readonly #d: Deliveries;
  readonly pending: PendingReceives;
  /** The pending receive published in each source's post block, or null. */
  readonly #published: (PendingRecv | null)[];
  /** Word index of the post block of each ring into this rank. */
  readonly #posts: Int32Array;

  constructor(parts: MessengerParts, live: Liveness, deliveries: Deliveries) {
    this.#p = parts;
    this.#live = live;
    this.#d = deliveries;
    const { layout, rank, size } = parts;
    this.pending = new PendingReceives(size);
    this.#published = Array.from({ length: size }, () => null);
    this.#posts = Int32Array.from(
      { length: size },
      (_, src) => (layout.ring(src, rank) >> 2) + RingWord.POSTED,
    );
  }

  /** Pending receives not yet matched. */
  get count(): number {
    return this.pending.count;
  }

  /** Word index of the post block of the ring from `src`. */
  block(src: number): number {
    return this.#posts[src] as number;
  }

  /**
   * Posts a receive and returns it, complete at once if an unexpected message matches. Its
   * buffer must stay where it is until the receive is `done`.
   */
  post(
    ctx: number,
    src: number,
    tag: number,
    ptr: number,
    capacity: number,
    members: Int32Array,
  ): PendingRecv {
    this.takePublished();
    const request = this.pending.create(ctx, src, tag, ptr, capacity);
    const env = this.#d.unexpected.take(ctx, src, tag, members, true);
    if (env !== null) {
      try {
        this.#d.envelope(env, ptr, capacity, request.arrival);
      } catch (error) {
        if (!(error instanceof MpiError)) throw error;
        request.error = error;
      }
      request.done = true;
      return request;
    }
    this.pending.add(request);
    if (src !== ANY_SOURCE) this.publish(src);
    return request;
  }

  /**
   * Publishes the earliest pending receive from `src` in the pair's post block, unless one is
   * published already or an earlier ANY_SOURCE receive could take the message first.
   */
  publish(src: number): void {
    if (this.#published[src] !== null) return;
    // While the ring holds unread entries the sender could not use the post anyway (it never
    // overtakes them); `progress` publishes once it has read them.
    if ((this.#d.readers[src] as RingReader).peek() >= 0) return;
    const head = this.pending.head(src);
    if (head === null || this.pending.anyBefore(head.seq)) return;
    this.writePost(src, head.ctx, head.tag, head.ptr, head.capacity, PostFlags.ANY_SIZE);
    head.published = true;
    this.#published[src] = head;
  }

  /** Posts a receive in `src`'s post block, where the sender may fill it (PostFlags say which sizes). */
  writePost(src: number, ctx: number, tag: number, ptr: number, capacity: number, flags: number) {
    const ctrl = this.#p.ctrl;
    const post = this.#posts[src] as number;
    ctrl[post + Posted.CTX] = ctx;
    ctrl[post + Posted.TAG] = tag;
    ctrl[post + Posted.PTR] = ptr;
    ctrl[post + Posted.CAPACITY] = capacity;
    ctrl[post + Posted.FLAGS] = flags;
    ctrl[post + Posted.SEQ] = (this.#d.readers[src] as RingReader).scanned;
    Atomics.store(ctrl, post + Posted.STATE, PostState.POSTED);
  }

  /** Takes back a posted receive; false if the sender has claimed it (it will be FILLED). */
  withdraw(post: number): boolean {
    const ctrl = this.#p.ctrl;
    return (
      Atomics.compareExchange(ctrl, post + Posted.STATE, PostState.POSTED, PostState.IDLE) ===
      PostState.POSTED
    );
  }

  /** Reads what the sender put into `src`'s filled post block, and frees the block. */
  takeFilled(src: number, out: Arrival): void {
    const ctrl = this.#p.ctrl;
    const post = this.#posts[src] as number;
    out.src = src;
    out.tag = ctrl[post + Posted.GOT_TAG] as number;
    out.bytes = ctrl[post + Posted.GOT_BYTES] as number;
    Atomics.store(ctrl, post + Posted.STATE, PostState.IDLE);
  }

  /** Completes the published receives that senders have filled. */
  takePublished(): void {
    if (this.pending.count === 0) return;
    const ctrl = this.#p.ctrl;
    for (let src = 0; src < this.#published.length; src++) {
      const request = this.#published[src] ?? null;
      if (request === null) continue;
      if (Atomics.load(ctrl, (this.#posts[src] as number) + Posted.STATE) !== PostState.FILLED)
        continue;
      this.#finishPublished(src, request);
    }
  }

  /** The published receive from `src` was filled: complete it, publish the next. */
  #finishPublished(src: number, request: PendingRecv): void {
    this.takeFilled(src, request.arrival);
    this.#complete(request);
    this.publish(src);
  }

  #complete(request: PendingRecv): void {
    this.pending.remove(request);
    if (request.published) {
      request.published = false;
      this.#published[request.src] = null;
    }
    request.done = true;
    // An ANY_SOURCE receive held back the earliest receive of every source: publish them now.
    if (request.src === ANY_SOURCE) {
      for (let src = 0; src < this.#published.length; src++) this.publish(src);
    }
  }

  /**
   * A new entry from `src` at `at` goes to the earliest pending receive it matches: delivered
   * and read past (true), or left for the caller (false).
   */
  arrive(src: number, at: number): boolean {
    if (this.pending.count === 0) return false;
    const ctrl = this.#p.ctrl;
    const w = at >> 2;
    const ctx = ctrl[w + Entry.CTX] as number;
    const tag = ctrl[w + Entry.TAG] as number;
    for (;;) {
      const request = this.pending.match(src, ctx, tag);
      if (request === null) return false;
      if (request.published && !this.#unpublish(src, request)) continue;
      try {
        this.#d.entry(src, at, request.ptr, request.capacity, request.arrival);
      } catch (error) {
        if (!(error instanceof MpiError)) throw error;
        request.error = error;
      }
      this.#complete(request);
      this.publish(src);
      return true;
    }
  }

  /**
   * Withdraws `request` from the post block before a ring entry is delivered into it. False if
   * the sender got there first: then an earlier message fills it, and the entry must match
   * another receive.
   */
  #unpublish(src: number, request: PendingRecv): boolean {
    const post = this.#posts[src] as number;
    if (this.withdraw(post)) {
      request.published = false;
      this.#published[src] = null;
      return true;
    }
    const ctrl = this.#p.ctrl;
    while (Atomics.load(ctrl, post + Posted.STATE) !== PostState.FILLED) this.#live.checkJob();
    this.#finishPublished(src, request);
    return false;
  }
}
