import { ANY_SOURCE, ANY_TAG, ErrorCode } from "../abi.js";
import { entryBytes, RingReader, RingWriter } from "./channels.js";
import { type Doorbells, NOT_RESTING, type Waiter } from "./doorbell.js";
import { MpiError } from "./errors.js";
import { Entry, EntryKind, type Layout, Posted, PostState, RingWord, Slot } from "./layout.js";
import { Liveness } from "./liveness.js";
import { type Envelope, Unexpected } from "./matching.js";
import { type ByteViews, copyBytes, type LinearMemory } from "./memory.js";
import { describe, type WaitSite } from "./sites.js";

/** What a receive or probe found. */
export interface Arrival {
  /** World rank of the sender. */
  src: number;
  tag: number;
  bytes: number;
}

export interface MessengerParts {
  readonly rank: number;
  readonly size: number;
  readonly layout: Layout;
  readonly ctrl: Int32Array;
  readonly ctrlU8: Uint8Array;
  readonly memory: LinearMemory;
  readonly peers: readonly LinearMemory[];
  readonly bells: Doorbells;
  readonly waiter: Waiter;
}

/**
 * Point-to-point messaging of one rank: eager messages through the per-pair rings, large ones
 * by rendezvous (the receiver copies once, straight from the sender's memory), MPI matching
 * on (context, source, tag) with ANY_SOURCE/ANY_TAG, and no overtaking within a pair.
 */
export class Messenger {
  readonly #p: MessengerParts;
  readonly #readers: RingReader[];
  readonly #writers: RingWriter[];
  readonly #unexpected: Unexpected;
  /** Where ANY_SOURCE polling starts, rotated so that no sender starves. */
  #nextSource = 0;
  #lastSource = -1;
  readonly #slotBase: number;
  readonly #freeSlots: number[];
  readonly #live: Liveness;
  /** Word index of the posted-receive block of each ring into / out of this rank. */
  readonly #postsIn: Int32Array;
  readonly #postsOut: Int32Array;
  /** The control memory, where the rings are. */
  readonly #ring: ByteViews;

  constructor(parts: MessengerParts) {
    this.#p = parts;
    const { layout, ctrl, rank, size } = parts;
    this.#readers = Array.from(
      { length: size },
      (_, src) =>
        new RingReader(ctrl, layout.ring(src, rank), layout.ringData(src, rank), layout.ringBytes),
    );
    this.#writers = Array.from(
      { length: size },
      (_, dst) =>
        new RingWriter(ctrl, layout.ring(rank, dst), layout.ringData(rank, dst), layout.ringBytes),
    );
    this.#unexpected = new Unexpected(size);
    this.#slotBase = layout.slots(rank) >> 2;
    this.#freeSlots = Array.from(
      { length: layout.slotsPerRank },
      (_, i) => layout.slotsPerRank - 1 - i,
    );
    this.#live = new Liveness(ctrl, layout, rank);
    this.#ring = { u8: parts.ctrlU8, i32: ctrl };
    this.#postsIn = Int32Array.from(
      { length: size },
      (_, src) => (layout.ring(src, rank) >> 2) + RingWord.POSTED,
    );
    this.#postsOut = Int32Array.from(
      { length: size },
      (_, dst) => (layout.ring(rank, dst) >> 2) + RingWord.POSTED,
    );
  }

  // ---- sending -------------------------------------------------------------------------

  /** Blocking send of [ptr, ptr + bytes) to world rank `dst`. */
  send(site: WaitSite, ctx: number, dst: number, tag: number, ptr: number, bytes: number): void {
    const slot = this.postSend(site, ctx, dst, tag, ptr, bytes);
    if (slot >= 0) this.completeSend(site, dst, slot);
  }

  /**
   * Starts a send: an eager message is in the ring when this returns (-1); a rendezvous one
   * returns the slot that turns DONE once the receiver has copied it.
   */
  postSend(
    site: WaitSite,
    ctx: number,
    dst: number,
    tag: number,
    ptr: number,
    bytes: number,
  ): number {
    const p = this.#p;
    const eager = bytes <= p.layout.eagerLimit;
    // Larger messages are pulled by the receiver instead: on these machines a core reads
    // another core's lines faster than it writes lines another core holds.
    if (eager && this.#deliverPosted(dst, ctx, tag, ptr, bytes)) return -1;
    const size = eager ? entryBytes(bytes) : Entry.HEADER_BYTES;
    let slot = -1;
    if (!eager) {
      slot = this.#freeSlots.pop() ?? -1;
      if (slot < 0) {
        throw new MpiError(
          ErrorCode.ERR_OTHER,
          `more than ${p.layout.slotsPerRank} large sends pending`,
        );
      }
      Atomics.store(p.ctrl, this.#slotBase + slot, Slot.PENDING);
    }
    const at = this.#reserve(site, dst, size);
    const w = at >> 2;
    const ctrl = p.ctrl;
    ctrl[w + Entry.CTX] = ctx;
    ctrl[w + Entry.TAG] = tag;
    ctrl[w + Entry.BYTES] = bytes;
    if (eager) {
      ctrl[w + Entry.KIND] = EntryKind.EAGER;
      copyBytes(p.memory, ptr, this.#ring, at + Entry.HEADER_BYTES, bytes);
    } else {
      ctrl[w + Entry.KIND] = EntryKind.RENDEZVOUS;
      ctrl[w + Entry.PTR] = ptr;
      ctrl[w + Entry.SLOT] = slot;
    }
    (this.#writers[dst] as RingWriter).commit(size);
    p.bells.ringUnlessWatching(dst, p.rank);
    return slot;
  }

  /** Whether the rendezvous send on `slot` has been copied by its receiver. */
  sendDone(slot: number): boolean {
    if (Atomics.load(this.#p.ctrl, this.#slotBase + slot) !== Slot.DONE) return false;
    Atomics.store(this.#p.ctrl, this.#slotBase + slot, Slot.FREE);
    this.#freeSlots.push(slot);
    return true;
  }

  /** Waits until the receiver has copied the rendezvous send on `slot`. */
  completeSend(site: WaitSite, dst: number, slot: number): void {
    const waiter = this.#p.waiter;
    let restingSince = NOT_RESTING;
    waiter.watchDoorbell();
    for (;;) {
      const seen = waiter.current();
      if (this.sendDone(slot)) break;
      this.#progress();
      if (waiter.spin(seen)) continue;
      const ended = this.#live.ended(dst);
      if (this.sendDone(slot)) break;
      if (ended) {
        throw new MpiError(
          ErrorCode.ERR_PROC_FAILED,
          `rank ${dst} ended without receiving this message (${describe(site)})`,
        );
      }
      restingSince = this.#rest(site, seen, restingSince);
    }
    if (restingSince !== NOT_RESTING) this.#live.unblocked();
  }

  #reserve(site: WaitSite, dst: number, size: number): number {
    const writer = this.#writers[dst] as RingWriter;
    let at = writer.reserve(size);
    if (at >= 0) return at;
    const waiter = this.#p.waiter;
    let restingSince = NOT_RESTING;
    waiter.watchDoorbell();
    writer.waitingForSpace = true;
    for (;;) {
      const seen = waiter.current();
      at = writer.reserve(size);
      if (at >= 0) break;
      this.#progress();
      if (waiter.spin(seen)) continue;
      const ended = this.#live.ended(dst);
      at = writer.reserve(size);
      if (at >= 0) break;
      if (ended) {
        writer.waitingForSpace = false;
        throw new MpiError(
          ErrorCode.ERR_PROC_FAILED,
          `rank ${dst} has ended and holds ${this.#p.layout.ringBytes} bytes of unreceived messages from this rank (${describe(site)})`,
        );
      }
      restingSince = this.#rest(site, seen, restingSince);
    }
    writer.waitingForSpace = false;
    if (restingSince !== NOT_RESTING) this.#live.unblocked();
    return at;
  }

  /**
   * After a spin ran out: say where this rank waits (once per wait, for reports; never on
   * the spinning fast path, whose cache lines peers are polling) and rest. Takes and returns
   * the time the wait began to rest.
   */
  #rest(site: WaitSite, seen: number, since: number): number {
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

  // ---- receiving -----------------------------------------------------------------------

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
    const post = this.#postsIn[src] as number;
    let posted = false;
    let restingSince = NOT_RESTING;
    for (;;) {
      if (!posted) {
        const at = this.#poll(src, ctx, tag);
        if (at >= 0) {
          this.#deliverEntry(src, at, ptr, capacity, out);
          break;
        }
        ctrl[post + Posted.CTX] = ctx;
        ctrl[post + Posted.TAG] = tag;
        ctrl[post + Posted.PTR] = ptr;
        ctrl[post + Posted.CAPACITY] = capacity;
        ctrl[post + Posted.SEQ] = reader.scanned;
        Atomics.store(ctrl, post + Posted.STATE, PostState.POSTED);
        posted = true;
      }
      waiter.watchRing(src);
      const state = Atomics.load(ctrl, post + Posted.STATE);
      if (state === PostState.FILLED) {
        out.src = src;
        out.tag = ctrl[post + Posted.GOT_TAG] as number;
        out.bytes = ctrl[post + Posted.GOT_BYTES] as number;
        Atomics.store(ctrl, post + Posted.STATE, PostState.IDLE);
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
      restingSince = this.#rest(site, seen, restingSince);
    }
    if (restingSince !== NOT_RESTING) this.#live.unblocked();
  }

  /** Takes back a posted receive; false if the sender has claimed it (it will be FILLED). */
  #withdraw(post: number): boolean {
    const ctrl = this.#p.ctrl;
    return (
      Atomics.compareExchange(ctrl, post + Posted.STATE, PostState.POSTED, PostState.IDLE) ===
      PostState.POSTED
    );
  }

  /**
   * The sending side of a posted receive: if `dst` has posted a receive this message matches
   * and nothing earlier from this rank waits in the ring, claim it and copy the message
   * straight into the receiver's buffer. Returns whether it did.
   */
  #deliverPosted(dst: number, ctx: number, tag: number, ptr: number, bytes: number): boolean {
    const p = this.#p;
    const ctrl = p.ctrl;
    const post = this.#postsOut[dst] as number;
    if (Atomics.load(ctrl, post + Posted.STATE) !== PostState.POSTED) return false;
    const wanted = ctrl[post + Posted.TAG] as number;
    if (
      ctrl[post + Posted.CTX] !== ctx ||
      (wanted !== ANY_TAG && wanted !== tag) ||
      bytes > (ctrl[post + Posted.CAPACITY] as number) ||
      (ctrl[post + Posted.SEQ] as number) >>> 0 !== (this.#writers[dst] as RingWriter).tail
    ) {
      return false;
    }
    if (
      Atomics.compareExchange(ctrl, post + Posted.STATE, PostState.POSTED, PostState.CLAIMED) !==
      PostState.POSTED
    ) {
      return false;
    }
    const to = (ctrl[post + Posted.PTR] as number) >>> 0;
    const peer = p.peers[dst] as LinearMemory;
    if (!peer.contains(to, bytes)) {
      throw new MpiError(ErrorCode.ERR_INTERN, `rank ${dst} posted a buffer outside its memory`);
    }
    copyBytes(p.memory, ptr, peer, to, bytes);
    ctrl[post + Posted.GOT_TAG] = tag;
    ctrl[post + Posted.GOT_BYTES] = bytes;
    Atomics.store(ctrl, post + Posted.STATE, PostState.FILLED);
    p.bells.ringUnlessWatching(dst, p.rank);
    return true;
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
          restingSince = this.#rest(site, seen, restingSince);
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
      restingSince = this.#rest(site, seen, restingSince);
    }
    if (restingSince !== NOT_RESTING) this.#live.unblocked();
  }

  /** Whether a matching message can be received now; describes it in `out`. */
  iprobe(ctx: number, src: number, tag: number, members: Int32Array, out: Arrival): boolean {
    this.#live.checkJob();
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

  /**
   * Reads new entries from `src`'s ring until one matches (ctx, tag); those before it become
   * unexpected. Returns the matching entry's offset, left unread, or -1.
   */
  #poll(src: number, ctx: number, tag: number): number {
    const reader = this.#readers[src] as RingReader;
    const ctrl = this.#p.ctrl;
    for (;;) {
      const at = reader.peek();
      if (at < 0) return -1;
      const w = at >> 2;
      const kind = ctrl[w + Entry.KIND];
      if (kind === EntryKind.PAD) {
        reader.skip(ctrl[w + Entry.SIZE] as number, false);
        continue;
      }
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

  /**
   * Progress while blocked: read every ring so that senders see their entries taken, and
   * copy unexpected eager payloads out of a ring that is more than half held, so that a
   * sender waiting for space can go on (a second copy, paid only under that pressure).
   */
  #progress(): void {
    const half = this.#p.layout.ringBytes >> 1;
    for (let src = 0; src < this.#readers.length; src++) {
      const reader = this.#readers[src] as RingReader;
      while (reader.peek() >= 0) {
        const at = reader.peek();
        if (this.#p.ctrl[(at >> 2) + Entry.KIND] === EntryKind.PAD) {
          reader.skip(this.#p.ctrl[(at >> 2) + Entry.SIZE] as number, false);
        } else {
          this.#hold(src, at);
        }
      }
      if (reader.heldBytes > half) this.#spill(src);
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
}

function truncated(bytes: number, capacity: number): MpiError {
  return new MpiError(
    ErrorCode.ERR_TRUNCATE,
    `message truncated (got ${bytes} bytes, buffer holds ${capacity})`,
  );
}
