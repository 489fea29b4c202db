import { ANY_TAG, ErrorCode } from "../abi.js";
import { entryBytes, RingWriter } from "./channels.js";
import type { Doorbells, Waiter } from "./doorbell.js";
import { NOT_RESTING } from "./doorbell.js";
import { MpiError } from "./errors.js";
import { Inbox } from "./inbox.js";
import {
  Entry,
  EntryKind,
  type Layout,
  Posted,
  PostFlags,
  PostState,
  RingWord,
  Slot,
} from "./layout.js";
import { Liveness } from "./liveness.js";
import { type ByteViews, copyBytes, type LinearMemory } from "./memory.js";
import { describe, type WaitSite } from "./sites.js";

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
 * on (context, source, tag) with ANY_SOURCE/ANY_TAG, and no overtaking within a pair. This
 * class sends; its `inbox` receives.
 */
export class Messenger {
  readonly inbox: Inbox;
  readonly #p: MessengerParts;
  readonly #writers: RingWriter[];
  readonly #slotBase: number;
  readonly #freeSlots: number[];
  /** Who has ended, and where this rank waits (for reports). */
  readonly live: Liveness;
  /** Word index of the post block of each ring out of this rank. */
  readonly #postsOut: Int32Array;
  /** The control memory, where the rings are. */
  readonly #ring: ByteViews;

  constructor(parts: MessengerParts) {
    this.#p = parts;
    const { layout, ctrl, rank, size } = parts;
    this.live = new Liveness(ctrl, layout, rank);
    this.inbox = new Inbox(parts, this.live);
    this.#writers = Array.from(
      { length: size },
      (_, dst) =>
        new RingWriter(ctrl, layout.ring(rank, dst), layout.ringData(rank, dst), layout.ringBytes),
    );
    this.#slotBase = layout.slots(rank) >> 2;
    this.#freeSlots = Array.from(
      { length: layout.slotsPerRank },
      (_, i) => layout.slotsPerRank - 1 - i,
    );
    this.#ring = { u8: parts.ctrlU8, i32: ctrl };
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
    // Larger messages go into a post only if it says so (PostFlags).
    if (this.#deliverPosted(dst, ctx, tag, ptr, bytes, eager)) return -1;
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
      this.inbox.progress();
      if (waiter.spin(seen)) continue;
      const ended = this.live.ended(dst);
      if (this.sendDone(slot)) break;
      if (ended) {
        throw new MpiError(
          ErrorCode.ERR_PROC_FAILED,
          `rank ${dst} ended without receiving this message (${describe(site)})`,
        );
      }
      restingSince = this.inbox.rest(site, seen, restingSince);
    }
    if (restingSince !== NOT_RESTING) this.live.unblocked();
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
      this.inbox.progress();
      if (waiter.spin(seen)) continue;
      const ended = this.live.ended(dst);
      at = writer.reserve(size);
      if (at >= 0) break;
      if (ended) {
        writer.waitingForSpace = false;
        throw new MpiError(
          ErrorCode.ERR_PROC_FAILED,
          `rank ${dst} has ended and holds ${this.#p.layout.ringBytes} bytes of unreceived messages from this rank (${describe(site)})`,
        );
      }
      restingSince = this.inbox.rest(site, seen, restingSince);
    }
    writer.waitingForSpace = false;
    if (restingSince !== NOT_RESTING) this.live.unblocked();
    return at;
  }

  /**
   * The sending side of a posted receive: if `dst` has posted a receive this message matches
   * and nothing earlier from this rank waits in the ring, claim it and copy the message
   * straight into the receiver's buffer. Returns whether it did.
   */
  #deliverPosted(
    dst: number,
    ctx: number,
    tag: number,
    ptr: number,
    bytes: number,
    eager: boolean,
  ): boolean {
    const p = this.#p;
    const ctrl = p.ctrl;
    const post = this.#postsOut[dst] as number;
    if (Atomics.load(ctrl, post + Posted.STATE) !== PostState.POSTED) return false;
    const wanted = ctrl[post + Posted.TAG] as number;
    if (
      (!eager && ctrl[post + Posted.FLAGS] !== PostFlags.ANY_SIZE) ||
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

  /** Gives senders back released ring space (before this rank sleeps or ends). */
  flush(): void {
    this.inbox.flush();
  }
}
