import { ANY_SOURCE, ANY_TAG, ErrorCode } from "../abi.js";
import { RingReader } from "./channels.js";
import { NOT_RESTING } from "./doorbell.js";
import { MpiError } from "./errors.js";
import { Entry, EntryKind, Posted, PostFlags, PostState, RingWord, Slot } from "./layout.js";
import type { Liveness } from "./liveness.js";
import { type Envelope, PendingReceives, type PendingRecv, Unexpected } from "./matching.js";
import { type ByteViews, copyBytes, type LinearMemory } from "./memory.js";
import type { MessengerParts } from "./p2p.js";
import type { WaitSite } from "./sites.js";

/** What a receive or probe found. */
export interface Arrival {
  /** World rank of the sender. */
  src: number;
  tag: number;
  bytes: number;
}

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
  readonly #readers: RingReader[];
  readonly #unexpected: Unexpected;
  readonly #pending: PendingReceives;
  /** The pending receive published in each source's post block, or null. */
  readonly #published: (PendingRecv | null)[];
  /** Word index of the post block of each ring into this rank. */
  readonly #posts: Int32Array;
  /** Where ANY_SOURCE polling starts, rotated so that no sender starves. */
  #nextSource = 0;
  #lastSource = -1;
  /** The control memory, where the rings are. */
  readonly #ring: ByteViews;

  constructor(parts: MessengerParts, live: Liveness) {
    this.#p = parts;
    this.#live = live;
    const { layout, ctrl, rank, size } = parts;
    this.#readers = Array.from(
      { length: size },
      (_, src) =>
        new RingReader(ctrl, layout.ring(src, rank), layout.ringData(src, rank), layout.ringBytes),
    );
    this.#unexpected = new Unexpected(size);
    this.#pending = new PendingReceives(size);
    this.#published = Array.from({ length: size }, () => null);
    this.#posts = Int32Array.from(
      { length: size },
      (_, src) => (layout.ring(src, rank) >> 2) + RingWord.POSTED,
    );
    this.#ring = { u8: parts.ctrlU8, i32: parts.ctrl };
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
    if (this.#pending.count > 0) {
      // Behind pending receives: a message goes to the earliest receive it matches.
      const request = this.post(ctx, src, tag, ptr, capacity, members);
      this.await(site, request, members);
      const { arrival, error } = request;
      if (error !== null) throw error;
      out.src = arrival.src;
      out.tag = arrival.tag;
      out.bytes = arrival.bytes;
      return;
    }
    const env = this.#unexpected.take(ctx, src, tag, members, true);
    if (env !== null) {
      this.#deliverEnvelope(env, ptr, capacity, out);
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
    const reader = this.#readers[src] as RingReader;
    const post = this.#posts[src] as number;
    let posted = false;
    let restingSince = NOT_RESTING;
    for (;;) {
      if (!posted) {
        const at = this.#poll(src, ctx, tag);
        if (at >= 0) {
          this.#deliverEntry(src, at, ptr, capacity, out);
          break;
        }
        this.#writePost(src, ctx, tag, ptr, capacity, PostFlags.EAGER_ONLY);
        posted = true;
      }
      waiter.watchRing(src);
      const state = Atomics.load(ctrl, post + Posted.STATE);
      if (state === PostState.FILLED) {
        this.#takeFilled(src, out);
        break;
      }
      // Something came through the ring (the sender could not claim the post): withdraw the
      // post and read the ring, unless the sender claimed it meanwhile.
      if (state === PostState.POSTED && reader.peek() >= 0) {
        posted = !this.#withdraw(post);
        continue;
      }
      if (this.#spinOn(reader, post)) continue;
      waiter.watchDoorbell();
      const seen = waiter.current();
      // Whether the sender has ended is read before the last look: all it sent before it
      // ended is in the ring or in the buffer by then.
      const ended = this.#live.ended(src);
      const now = Atomics.load(ctrl, post + Posted.STATE);
      if (now !== PostState.POSTED || reader.peek() >= 0) continue;
      if (ended) {
        if (this.#withdraw(post) && this.#poll(src, ctx, tag) < 0) this.#live.noSender(site);
        posted = false;
        continue;
      }
      restingSince = this.rest(site, seen, restingSince);
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
      this.#deliverEntry(this.#lastSource, at, ptr, capacity, out);
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
    this.#takePublished();
    let env = this.#unexpected.take(ctx, src, tag, members, false);
    if (env === null) {
      const at = src === ANY_SOURCE ? this.#pollAny(ctx, tag, members) : this.#poll(src, ctx, tag);
      if (at < 0) return false;
      env = this.#hold(this.#lastSource, at);
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
    this.#takePublished();
    const request = this.#pending.create(ctx, src, tag, ptr, capacity);
    const env = this.#unexpected.take(ctx, src, tag, members, true);
    if (env !== null) {
      try {
        this.#deliverEnvelope(env, ptr, capacity, request.arrival);
      } catch (error) {
        if (!(error instanceof MpiError)) throw error;
        request.error = error;
      }
      request.done = true;
      return request;
    }
    this.#pending.add(request);
    if (src !== ANY_SOURCE) this.#publish(src);
    return request;
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
    return this.#pending.count;
  }

  /**
   * Publishes the earliest pending receive from `src` in the pair's post block, unless one is
   * published already or an earlier ANY_SOURCE receive could take the message first.
   */
  #publish(src: number): void {
    if (this.#published[src] !== null) return;
    // While the ring holds unread entries the sender could not use the post anyway (it never
    // overtakes them); `progress` publishes once it has read them.
    if ((this.#readers[src] as RingReader).peek() >= 0) return;
    const head = this.#pending.head(src);
    if (head === null || this.#pending.anyBefore(head.seq)) return;
    this.#writePost(src, head.ctx, head.tag, head.ptr, head.capacity, PostFlags.ANY_SIZE);
    head.published = true;
    this.#published[src] = head;
  }

  #writePost(src: number, ctx: number, tag: number, ptr: number, capacity: number, flags: number) {
    const ctrl = this.#p.ctrl;
    const post = this.#posts[src] as number;
    ctrl[post + Posted.CTX] = ctx;
    ctrl[post + Posted.TAG] = tag;
    ctrl[post + Posted.PTR] = ptr;
    ctrl[post + Posted.CAPACITY] = capacity;
    ctrl[post + Posted.FLAGS] = flags;
    ctrl[post + Posted.SEQ] = (this.#readers[src] as RingReader).scanned;
    Atomics.store(ctrl, post + Posted.STATE, PostState.POSTED);
  }

  /** Takes back a posted receive; false if the sender has claimed it (it will be FILLED). */
  #withdraw(post: number): boolean {
    const ctrl = this.#p.ctrl;
    return (
      Atomics.compareExchange(ctrl, post + Posted.STATE, PostState.POSTED, PostState.IDLE) ===
      PostState.POSTED
    );
  }

  /** Reads what the sender put into `src`'s filled post block, and frees the block. */
  #takeFilled(src: number, out: Arrival): void {
    const ctrl = this.#p.ctrl;
    const post = this.#posts[src] as number;
    out.src = src;
    out.tag = ctrl[post + Posted.GOT_TAG] as number;
    out.bytes = ctrl[post + Posted.GOT_BYTES] as number;
    Atomics.store(ctrl, post + Posted.STATE, PostState.IDLE);
  }

  /** Completes the published receives that senders have filled. */
  #takePublished(): void {
    if (this.#pending.count === 0) return;
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
    this.#takeFilled(src, request.arrival);
    this.#complete(request);
    this.#publish(src);
  }

  #complete(request: PendingRecv): void {
    this.#pending.remove(request);
    if (request.published) {
      request.published = false;
      this.#published[request.src] = null;
    }
    request.done = true;
    // An ANY_SOURCE receive held back the earliest receive of every source: publish them now.
    if (request.src === ANY_SOURCE) {
      for (let src = 0; src < this.#published.length; src++) this.#publish(src);
    }
  }

  /**
   * A new entry from `src` at `at` goes to the earliest pending receive it matches: delivered
   * and read past (true), or left for the caller (false).
   */
  #arrive(src: number, at: number): boolean {
    if (this.#pending.count === 0) return false;
    const ctrl = this.#p.ctrl;
    const w = at >> 2;
    const ctx = ctrl[w + Entry.CTX] as number;
    const tag = ctrl[w + Entry.TAG] as number;
    for (;;) {
      const request = this.#pending.match(src, ctx, tag);
      if (request === null) return false;
      if (request.published && !this.#unpublish(src, request)) continue;
      try {
        this.#deliverEntry(src, at, request.ptr, request.capacity, request.arrival);
      } catch (error) {
        if (!(error instanceof MpiError)) throw error;
        request.error = error;
      }
      this.#complete(request);
      this.#publish(src);
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
    if (this.#withdraw(post)) {
      request.published = false;
      this.#published[src] = null;
      return true;
    }
    const ctrl = this.#p.ctrl;
    while (Atomics.load(ctrl, post + Posted.STATE) !== PostState.FILLED) this.#live.checkJob();
    this.#finishPublished(src, request);
    return false;
  }

  // ---- reading the rings ---------------------------------------------------------------

  /**
   * Reads new entries from `src`'s ring until one matches (ctx, tag); those before it go to
   * pending receives or become unexpected. Returns the matching entry's offset, left unread,
   * or -1.
   */
  #poll(src: number, ctx: number, tag: number): number {
    const reader = this.#readers[src] as RingReader;
    const ctrl = this.#p.ctrl;
    for (;;) {
      const at = reader.peek();
      if (at < 0) {
        if (this.#pending.count > 0) this.#publish(src);
        return -1;
      }
      const w = at >> 2;
      const kind = ctrl[w + Entry.KIND];
      if (kind === EntryKind.PAD) {
        reader.skip(ctrl[w + Entry.SIZE] as number, false);
        continue;
      }
      if (this.#arrive(src, at)) continue;
      if (ctrl[w + Entry.CTX] === ctx && (tag === ANY_TAG || ctrl[w + Entry.TAG] === tag)) {
        this.#lastSource = src;
        return at;
      }
      this.#hold(src, at);
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

  /** Turns the unread entry at `at` from `src` into an unexpected envelope. */
  #hold(src: number, at: number): Envelope {
    const ctrl = this.#p.ctrl;
    const w = at >> 2;
    const kind = ctrl[w + Entry.KIND] as number;
    const rendezvous = kind === EntryKind.RENDEZVOUS;
    const reader = this.#readers[src] as RingReader;
    const env: Envelope = {
      src,
      ctx: ctrl[w + Entry.CTX] as number,
      tag: ctrl[w + Entry.TAG] as number,
      bytes: ctrl[w + Entry.BYTES] as number,
      kind,
      seq: this.#unexpected.nextSeq(),
      payload: rendezvous ? -1 : at + Entry.HEADER_BYTES,
      data: null,
      ptr: rendezvous ? (ctrl[w + Entry.PTR] as number) >>> 0 : 0,
      slot: rendezvous ? (ctrl[w + Entry.SLOT] as number) : -1,
      entry: null,
    };
    env.entry = reader.skip(ctrl[w + Entry.SIZE] as number, true);
    if (rendezvous) this.#releaseEntry(src, env);
    this.#unexpected.push(env);
    return env;
  }

  #deliverEntry(src: number, at: number, ptr: number, capacity: number, out: Arrival): void {
    const p = this.#p;
    const ctrl = p.ctrl;
    const w = at >> 2;
    const bytes = ctrl[w + Entry.BYTES] as number;
    const size = ctrl[w + Entry.SIZE] as number;
    const reader = this.#readers[src] as RingReader;
    out.src = src;
    out.tag = ctrl[w + Entry.TAG] as number;
    out.bytes = bytes;
    if (ctrl[w + Entry.KIND] === EntryKind.EAGER) {
      if (bytes > capacity) {
        reader.skip(size, false);
        throw truncated(bytes, capacity);
      }
      copyBytes(this.#ring, at + Entry.HEADER_BYTES, p.memory, ptr, bytes);
      reader.skip(size, false);
      this.#wakeWriter(src, reader);
    } else {
      const from = (ctrl[w + Entry.PTR] as number) >>> 0;
      const slot = ctrl[w + Entry.SLOT] as number;
      reader.skip(size, false);
      this.#wakeWriter(src, reader);
      this.#pull(src, from, slot, bytes, ptr, capacity);
    }
  }

  #deliverEnvelope(env: Envelope, ptr: number, capacity: number, out: Arrival): void {
    out.src = env.src;
    out.tag = env.tag;
    out.bytes = env.bytes;
    if (env.kind === EntryKind.RENDEZVOUS) {
      this.#pull(env.src, env.ptr, env.slot, env.bytes, ptr, capacity);
      return;
    }
    const truncation = env.bytes > capacity;
    if (!truncation) {
      const dst = this.#p.memory.u8;
      if (env.data !== null) dst.set(env.data, ptr);
      else copyBytes(this.#ring, env.payload, this.#p.memory, ptr, env.bytes);
    }
    this.#releaseEntry(env.src, env);
    if (truncation) throw truncated(env.bytes, capacity);
  }

  /** The rendezvous copy: straight from the sender's memory into this rank's. */
  #pull(
    src: number,
    from: number,
    slot: number,
    bytes: number,
    ptr: number,
    capacity: number,
  ): void {
    const p = this.#p;
    if (bytes > capacity) {
      // The sender stays blocked; the job ends with this rank's error.
      throw truncated(bytes, capacity);
    }
    const peer = p.peers[src] as LinearMemory;
    if (!peer.contains(from, bytes)) {
      throw new MpiError(
        ErrorCode.ERR_INTERN,
        `rank ${src} published a message outside its memory`,
      );
    }
    copyBytes(peer, from, p.memory, ptr, bytes);
    Atomics.store(p.ctrl, (p.layout.slots(src) >> 2) + slot, Slot.DONE);
    p.bells.ring(src);
  }

  #releaseEntry(src: number, env: Envelope): void {
    if (env.entry === null) return;
    const reader = this.#readers[src] as RingReader;
    reader.release(env.entry);
    env.entry = null;
    this.#wakeWriter(src, reader);
  }

  #wakeWriter(src: number, reader: RingReader): void {
    if (!reader.wakeSender) return;
    reader.wakeSender = false;
    this.#p.bells.ring(src);
  }

  /** The receiver's read position in the ring from `src`, for the sender's post check. */
  scanned(src: number): number {
    return (this.#readers[src] as RingReader).scanned;
  }

  /**
   * Progress while blocked: complete filled published receives, read every ring so that
   * senders see their entries taken and pending receives get their messages, and copy
   * unexpected eager payloads out of a ring that is more than half held, so that a sender
   * waiting for space can go on (a second copy, paid only under that pressure).
   */
  progress(): void {
    this.#takePublished();
    const half = this.#p.layout.ringBytes >> 1;
    const ctrl = this.#p.ctrl;
    for (let src = 0; src < this.#readers.length; src++) {
      const reader = this.#readers[src] as RingReader;
      for (let at = reader.peek(); at >= 0; at = reader.peek()) {
        if (ctrl[(at >> 2) + Entry.KIND] === EntryKind.PAD) {
          reader.skip(ctrl[(at >> 2) + Entry.SIZE] as number, false);
        } else if (!this.#arrive(src, at)) {
          this.#hold(src, at);
        }
      }
      if (reader.heldBytes > half) this.#spill(src);
      if (this.#pending.count > 0) this.#publish(src);
    }
    this.#live.checkJob();
  }

  #spill(src: number): void {
    for (const env of this.#unexpected.from(src)) {
      if (env.entry === null) continue;
      env.data = this.#p.ctrlU8.slice(env.payload, env.payload + env.bytes);
      env.payload = -1;
      this.#releaseEntry(src, env);
    }
  }

  /**
   * After a spin ran out: say where this rank waits (once per wait, for reports; never on
   * the spinning fast path, whose cache lines peers are polling) and rest. Takes and returns
   * the time the wait began to rest.
   */
  rest(site: WaitSite, seen: number, since: number): number {
    if (since === NOT_RESTING) {
      this.#live.blockedIn(site);
      since = performance.now();
    }
    this.flush();
    this.#p.waiter.rest(seen, since);
    return since;
  }

  /**
   * Gives every sender back the ring space this rank has released. Runs before the rank
   * sleeps and when it ends, so that no sender waits for space that is already free.
   */
  flush(): void {
    for (let src = 0; src < this.#readers.length; src++) {
      const reader = this.#readers[src] as RingReader;
      reader.flush();
      this.#wakeWriter(src, reader);
    }
  }
}

function truncated(bytes: number, capacity: number): MpiError {
  return new MpiError(
    ErrorCode.ERR_TRUNCATE,
    `message truncated (got ${bytes} bytes, buffer holds ${capacity})`,
  );
}
