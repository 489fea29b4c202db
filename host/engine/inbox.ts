import { ANY_SOURCE, ANY_TAG } from "../abi.js";
import type { RingReader } from "./channels.js";
import { type Arrival, Deliveries } from "./delivery.js";
import { NOT_RESTING } from "./doorbell.js";
import { Entry, EntryKind, Posted, PostFlags, PostState } from "./layout.js";
import type { Liveness } from "./liveness.js";
import type { PendingRecv } from "./matching.js";
import type { MessengerParts } from "./p2p.js";
import { PostedReceives } from "./posted.js";
import type { WaitSite } from "./sites.js";

/**
 * The receiving side of one rank: reads the rings from every peer, matches messages on
 * (context, source, tag) against pending receives in the order they were posted, keeps the
 * rest as unexpected, and delivers eager payloads out of the ring and rendezvous payloads
 * straight from the sender's memory.
 *
 * Receives come in two forms. A blocking receive with nothing pending ahead of it takes the
 * fast path: it polls its source's ring and posts its buffer in the pair's post block, where the
 * sender may copy a message straight in. Otherwise a receive is pending (Irecv, or a blocking
 * receive behind pending ones): matched whenever the rank reads its rings, and the earliest
 * pending receive from each source is published in that pair's post block, so that a sender can
 * deliver into it, large messages included, while this rank computes.
 */
export class Inbox {
  readonly #p: MessengerParts;
  readonly #live: Liveness;
  readonly #d: Deliveries;
  readonly #posted: PostedReceives;
  /** Where ANY_SOURCE polling starts, rotated so that no sender starves. */
  #nextSource = 0;
  #lastSource = -1;

  constructor(parts: MessengerParts, live: Liveness) {
    this.#p = parts;
    this.#live = live;
    this.#d = new Deliveries(parts);
    this.#posted = new PostedReceives(parts, live, this.#d);
  }

  // ---- blocking receives ---------------------------------------------------------------

  /**
   * Blocking receive into [ptr, ptr + capacity) of the first message matching (ctx, src, tag);
   * `src` is a world rank or ANY_SOURCE, `members` the world ranks ANY_SOURCE may match.
   */
  recv(
    site: WaitSite,
    ctx: number,
    src: number,
    tag: number,
    ptr: number,
    capacity: number,
    members: Int32Array,
    out: Arrival,
  ): void {
    if (this.#posted.count > 0) {
      // Behind pending receives: a message goes to the earliest receive it matches.
      const request = this.#posted.post(ctx, src, tag, ptr, capacity, members);
      this.await(site, request, members);
      const { arrival, error } = request;
      if (error !== null) throw error;
      out.src = arrival.src;
      out.tag = arrival.tag;
      out.bytes = arrival.bytes;
      return;
    }
    const env = this.#d.unexpected.take(ctx, src, tag, members, true);
    if (env !== null) {
      this.#d.envelope(env, ptr, capacity, out);
      return;
    }
    if (src === ANY_SOURCE) this.#recvAny(site, ctx, tag, ptr, capacity, members, out);
    else this.#recvFrom(site, ctx, src, tag, ptr, capacity, out);
  }

  /**
   * Receive from one source. With nothing in its ring yet, the receive is posted: the sender
   * copies a matching message straight into the buffer. The rank spins on the post and the
   * ring (the sender then need not ring the doorbell), and watches the doorbell only to sleep.
   */
  #recvFrom(
    site: WaitSite,
    ctx: number,
    src: number,
    tag: number,
    ptr: number,
    capacity: number,
    out: Arrival,
  ): void {
    const waiter = this.#p.waiter;
    const ctrl = this.#p.ctrl;
    const reader = this.#d.readers[src] as RingReader;
    const post = this.#posted.block(src);
    let posted = false;
    let yieldingSince = NOT_RESTING;
    let restingSince = NOT_RESTING;
    for (;;) {
      if (!posted) {
        const at = this.#poll(src, ctx, tag);
        if (at >= 0) {
          this.#d.entry(src, at, ptr, capacity, out);
          break;
        }
        this.#posted.writePost(src, ctx, tag, ptr, capacity, PostFlags.EAGER_ONLY);
        posted = true;
      }
      // Once resting, the doorbell stays watched (see Liveness.resting).
      if (restingSince === NOT_RESTING) waiter.watchRing(src);
      const state = Atomics.load(ctrl, post + Posted.STATE);
      if (state === PostState.FILLED) {
        this.#posted.takeFilled(src, out);
        break;
      }
      // Something came through the ring (the sender could not claim the post): withdraw the
      // post and read the ring, unless the sender claimed it meanwhile.
      if (state === PostState.POSTED && reader.peek() >= 0) {
        posted = !this.#posted.withdraw(post);
        continue;
      }
      if (this.#spinOn(reader, post)) continue;
      // Where ranks share cores, yield first and keep watching the ring (as stage-waits.ts).
      if (restingSince === NOT_RESTING && waiter.canYield && !this.#live.ended(src)) {
        if (yieldingSince === NOT_RESTING) {
          this.#d.flush();
          yieldingSince = performance.now();
        }
        if (waiter.yieldTurn(yieldingSince)) continue;
      }
      waiter.watchDoorbell();
      const seen = waiter.current();
      // Whether the sender has ended is read before the last look: all it sent before it
      // ended is in the ring or in the buffer by then.
      const ended = this.#live.ended(src);
      const now = Atomics.load(ctrl, post + Posted.STATE);
      if (now !== PostState.POSTED || reader.peek() >= 0) continue;
      if (ended) {
        if (this.#posted.withdraw(post) && this.#poll(src, ctx, tag) < 0) this.#live.noSender(site);
        posted = false;
        continue;
      }
      restingSince = this.rest(site, seen, restingSince, yieldingSince !== NOT_RESTING);
    }
    if (restingSince !== NOT_RESTING) this.#live.unblocked();
  }

  #recvAny(
    site: WaitSite,
    ctx: number,
    tag: number,
    ptr: number,
    capacity: number,
    members: Int32Array,
    out: Arrival,
  ): void {
    const waiter = this.#p.waiter;
    let restingSince = NOT_RESTING;
    waiter.watchDoorbell();
    for (;;) {
      const seen = waiter.current();
      let at = this.#pollAny(ctx, tag, members);
      if (at < 0) {
        this.#live.checkJob();
        if (waiter.spin(seen)) continue;
        const ended = this.#live.allEnded(members);
        at = this.#pollAny(ctx, tag, members);
        if (at < 0) {
          if (ended) this.#live.noSender(site);
          restingSince = this.rest(site, seen, restingSince);
          continue;
        }
      }
      this.#d.entry(this.#lastSource, at, ptr, capacity, out);
      break;
    }
    if (restingSince !== NOT_RESTING) this.#live.unblocked();
  }

  /** Spins until the post is filled or the ring has an entry (true), or the spin runs out. */
  #spinOn(reader: RingReader, post: number): boolean {
    const ctrl = this.#p.ctrl;
    const state = post + Posted.STATE;
    for (let i = this.#p.waiter.spins; i > 0; i--) {
      if (Atomics.load(ctrl, state) === PostState.FILLED || reader.peek() >= 0) return true;
      if ((i & 4095) === 0) this.#live.checkJob();
    }
    return false;
  }

  /** Blocking probe: describes the first matching message without receiving it. */
  probe(
    site: WaitSite,
    ctx: number,
    src: number,
    tag: number,
    members: Int32Array,
    out: Arrival,
  ): void {
    const waiter = this.#p.waiter;
    let restingSince = NOT_RESTING;
    waiter.watchDoorbell();
    for (;;) {
      const seen = waiter.current();
      if (this.iprobe(ctx, src, tag, members, out)) break;
      if (waiter.spin(seen)) continue;
      const ended = src === ANY_SOURCE ? this.#live.allEnded(members) : this.#live.ended(src);
      if (this.iprobe(ctx, src, tag, members, out)) break;
      if (ended) this.#live.noSender(site);
      restingSince = this.rest(site, seen, restingSince);
    }
    if (restingSince !== NOT_RESTING) this.#live.unblocked();
  }

  /** Whether a matching message can be received now; describes it in `out`. */
  iprobe(ctx: number, src: number, tag: number, members: Int32Array, out: Arrival): boolean {
    this.#live.checkJob();
    this.#posted.takePublished();
    let env = this.#d.unexpected.take(ctx, src, tag, members, false);
    if (env === null) {
      const at = src === ANY_SOURCE ? this.#pollAny(ctx, tag, members) : this.#poll(src, ctx, tag);
      if (at < 0) return false;
      env = this.#d.hold(this.#lastSource, at);
    }
    out.src = env.src;
    out.tag = env.tag;
    out.bytes = env.bytes;
    return true;
  }

  // ---- pending receives ----------------------------------------------------------------

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
    return this.#posted.post(ctx, src, tag, ptr, capacity, members);
  }

  /** Waits until `request` is done (its error, if any, is left in it). */
  await(site: WaitSite, request: PendingRecv, members: Int32Array): void {
    this.waitUntil(
      site,
      () => request.done,
      () => this.senderGone(request, members),
      () => this.#live.noSender(site),
    );
  }

  /**
   * Makes progress until `ready()`. `hopeless()` says whether every rank the wait depends on
   * has ended; if so and a last look finds nothing ready, `giveUp()` throws.
   */
  waitUntil(
    site: WaitSite,
    ready: () => boolean,
    hopeless: () => boolean,
    giveUp: () => never,
  ): void {
    const waiter = this.#p.waiter;
    let restingSince = NOT_RESTING;
    waiter.watchDoorbell();
    for (;;) {
      const seen = waiter.current();
      this.progress();
      if (ready()) break;
      if (waiter.spin(seen)) continue;
      const ended = hopeless();
      this.progress();
      if (ready()) break;
      if (ended) giveUp();
      restingSince = this.rest(site, seen, restingSince);
    }
    if (restingSince !== NOT_RESTING) this.#live.unblocked();
  }

  /** Whether a pending receive from world rank `src` (or ANY_SOURCE) can still be matched. */
  senderGone(request: PendingRecv, members: Int32Array): boolean {
    return request.src === ANY_SOURCE
      ? this.#live.allEnded(members)
      : this.#live.ended(request.src);
  }

  /** Pending receives not yet matched. */
  get pendingCount(): number {
    return this.#posted.count;
  }

  // ---- reading the rings ---------------------------------------------------------------

  /**
   * Reads new entries from `src`'s ring until one matches (ctx, tag); those before it go to
   * pending receives or become unexpected. Returns the matching entry's offset, left unread,
   * or -1.
   */
  #poll(src: number, ctx: number, tag: number): number {
    const reader = this.#d.readers[src] as RingReader;
    const ctrl = this.#p.ctrl;
    for (;;) {
      const at = reader.peek();
      if (at < 0) {
        if (this.#posted.count > 0) this.#posted.publish(src);
        return -1;
      }
      const w = at >> 2;
      const kind = ctrl[w + Entry.KIND];
      if (kind === EntryKind.PAD) {
        reader.skip(ctrl[w + Entry.SIZE] as number, false);
        continue;
      }
      if (this.#posted.arrive(src, at)) continue;
      if (ctrl[w + Entry.CTX] === ctx && (tag === ANY_TAG || ctrl[w + Entry.TAG] === tag)) {
        this.#lastSource = src;
        return at;
      }
      this.#d.hold(src, at);
    }
  }

  #pollAny(ctx: number, tag: number, members: Int32Array): number {
    const n = members.length;
    const start = this.#nextSource;
    for (let i = 0; i < n; i++) {
      const src = members[(start + i) % n] as number;
      const at = this.#poll(src, ctx, tag);
      if (at >= 0) {
        this.#nextSource = (start + i + 1) % n;
        return at;
      }
    }
    return -1;
  }

  /**
   * Progress while blocked: complete filled published receives, read every ring so that
   * senders see their entries taken and pending receives get their messages, and copy
   * unexpected eager payloads out of a ring that is more than half held, so that a sender
   * waiting for space can go on (a second copy, paid only under that pressure).
   */
  progress(): void {
    this.#posted.takePublished();
    const half = this.#p.layout.ringBytes >> 1;
    const ctrl = this.#p.ctrl;
    for (let src = 0; src < this.#d.readers.length; src++) {
      const reader = this.#d.readers[src] as RingReader;
      for (let at = reader.peek(); at >= 0; at = reader.peek()) {
        if (ctrl[(at >> 2) + Entry.KIND] === EntryKind.PAD) {
          reader.skip(ctrl[(at >> 2) + Entry.SIZE] as number, false);
        } else if (!this.#posted.arrive(src, at)) {
          this.#d.hold(src, at);
        }
      }
      if (reader.heldBytes > half) this.#d.spill(src);
      if (this.#posted.count > 0) this.#posted.publish(src);
    }
    this.#live.checkJob();
  }

  /**
   * After a spin ran out and a look found nothing with the doorbell at `seen`: give senders
   * their ring space back, say where this rank waits (Liveness.resting) and rest. Takes and
   * returns the time the wait began to rest.
   */
  rest(site: WaitSite, seen: number, since: number, yielded = false): number {
    this.#d.flush();
    const resting = this.#live.resting(site, seen, since);
    if (yielded) this.#p.waiter.sleep(seen);
    else this.#p.waiter.rest(seen, resting);
    return resting;
  }

  /** Gives senders back released ring space (before this rank sleeps or ends). */
  flush(): void {
    this.#d.flush();
  }
}

export type { Arrival };
