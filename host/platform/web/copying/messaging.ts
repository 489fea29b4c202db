import { ANY_SOURCE } from "../../../abi.js";
import { type Arrival, truncated } from "../../../engine/delivery.js";
import { MpiError } from "../../../engine/errors.js";
import { EntryKind } from "../../../engine/layout.js";
import { noSender } from "../../../engine/liveness.js";
import { PendingReceives, type PendingRecv, Unexpected } from "../../../engine/matching.js";
import type { LinearMemory } from "../../../engine/memory.js";
import type { WaitSite } from "../../../engine/sites.js";
import type { Receiving, Sending } from "../../../engine/transport.js";
import { copyIn, copyOut } from "./copies.js";
import type { Peers } from "./peers.js";
import type { ImportCall } from "./replay.js";

/**
 * The receiving side of a rank that shares no memory, with the engine's matching: a message
 * arriving from a peer goes to the earliest pending receive it matches (Irecv, in post order),
 * or waits as unexpected, per source in arrival order. A blocking receive takes the oldest
 * unexpected match; none can be meant for a pending receive, since those take their messages
 * as they arrive, and a blocking receive is always posted after them.
 */
export class CopyingInbox implements Receiving {
  readonly #unexpected: Unexpected;
  readonly #pending: PendingReceives;

  constructor(
    readonly memory: LinearMemory,
    readonly peers: Peers,
    readonly call: ImportCall,
  ) {
    this.#unexpected = new Unexpected(peers.size);
    this.#pending = new PendingReceives(peers.size);
    peers.onMessage = (src, wire) =>
      this.arrive(src, wire.ctx, wire.tag, new Uint8Array(wire.data));
  }

  /** A message from world rank `src` (this rank's own included). */
  arrive(src: number, ctx: number, tag: number, data: Uint8Array): void {
    const request = this.#pending.match(src, ctx, tag);
    if (request === null) {
      this.#unexpected.push({
        src,
        ctx,
        tag,
        bytes: data.byteLength,
        kind: EntryKind.EAGER,
        seq: this.#unexpected.nextSeq(),
        payload: -1,
        data,
        ptr: 0,
        slot: -1,
        entry: null,
      });
      return;
    }
    this.#pending.remove(request);
    this.#fill(request, src, tag, data);
  }

  #fill(request: PendingRecv, src: number, tag: number, data: Uint8Array): void {
    try {
      this.#deliver(src, tag, data, request.ptr, request.capacity, request.arrival);
    } catch (error) {
      if (!(error instanceof MpiError)) throw error;
      request.error = error;
    }
    request.done = true;
  }

  #deliver(
    src: number,
    tag: number,
    data: Uint8Array,
    ptr: number,
    capacity: number,
    out: Arrival,
  ) {
    out.src = src;
    out.tag = tag;
    out.bytes = data.byteLength;
    if (data.byteLength > capacity) throw truncated(data.byteLength, capacity);
    copyIn(this.memory, ptr, data);
  }

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
    this.peers.checkJob();
    const env = this.#unexpected.take(ctx, src, tag, members, true);
    if (env !== null) {
      this.#deliver(env.src, env.tag, env.data as Uint8Array, ptr, capacity, out);
      return;
    }
    // A port delivers in order: once a sender is seen ended, all it sent has arrived.
    if (this.#gone(src, members)) throw noSender(site);
    this.call.suspend(this.peers.next(), site);
  }

  probe(
    site: WaitSite,
    ctx: number,
    src: number,
    tag: number,
    members: Int32Array,
    out: Arrival,
  ): void {
    if (this.#look(ctx, src, tag, members, out)) return;
    if (this.#gone(src, members)) throw noSender(site);
    this.call.suspend(this.peers.next(), site);
  }

  iprobe(ctx: number, src: number, tag: number, members: Int32Array, out: Arrival): boolean {
    if (this.#look(ctx, src, tag, members, out)) return true;
    this.call.yieldOnce();
    return false;
  }

  #look(ctx: number, src: number, tag: number, members: Int32Array, out: Arrival): boolean {
    this.peers.checkJob();
    const env = this.#unexpected.take(ctx, src, tag, members, false);
    if (env === null) return false;
    out.src = env.src;
    out.tag = env.tag;
    out.bytes = env.bytes;
    return true;
  }

  post(
    ctx: number,
    src: number,
    tag: number,
    ptr: number,
    capacity: number,
    members: Int32Array,
  ): PendingRecv {
    const request = this.#pending.create(ctx, src, tag, ptr, capacity);
    const env = this.#unexpected.take(ctx, src, tag, members, true);
    if (env === null) this.#pending.add(request);
    else this.#fill(request, env.src, env.tag, env.data as Uint8Array);
    return request;
  }

  await(site: WaitSite, request: PendingRecv, members: Int32Array): void {
    this.waitUntil(
      site,
      () => request.done,
      () => this.senderGone(request, members),
      () => {
        throw noSender(site);
      },
    );
  }

  waitUntil(site: WaitSite, ready: () => boolean, hopeless: () => boolean, giveUp: () => never) {
    this.peers.checkJob();
    if (ready()) return;
    if (hopeless()) {
      if (ready()) return;
      giveUp();
    }
    this.call.suspend(this.peers.next(), site);
  }

  /** Messages arrive only while the kernel is suspended: let them. */
  progress(): void {
    this.peers.checkJob();
    this.call.yieldOnce();
  }

  senderGone(request: PendingRecv, members: Int32Array): boolean {
    return this.#gone(request.src, members);
  }

  #gone(src: number, members: Int32Array): boolean {
    return src === ANY_SOURCE ? this.peers.allEnded(members) : this.peers.ended(src);
  }
}

/**
 * The sending side: every message is copied out of the sender's memory and posted at once, so
 * a send is complete when it returns (MPI allows a standard send to buffer).
 */
export class CopyingMessenger implements Sending {
  readonly live: Sending["live"];

  constructor(
    readonly memory: LinearMemory,
    readonly peers: Peers,
    readonly inbox: CopyingInbox,
    readonly call: ImportCall,
  ) {
    this.live = {
      ended: (r) => peers.ended(r),
      noSender: (site) => {
        throw noSender(site);
      },
      // The replaying wrapper clears a wait once its import returns.
      unblocked: () => {},
    };
  }

  send(site: WaitSite, ctx: number, dst: number, tag: number, ptr: number, bytes: number): void {
    this.postSend(site, ctx, dst, tag, ptr, bytes);
  }

  postSend(
    _site: WaitSite,
    ctx: number,
    dst: number,
    tag: number,
    ptr: number,
    bytes: number,
  ): number {
    this.call.send(() => {
      const data = copyOut(this.memory, ptr, bytes);
      if (dst === this.peers.rank) this.inbox.arrive(dst, ctx, tag, new Uint8Array(data));
      else this.peers.post(dst, { kind: "message", ctx, tag, data }, [data]);
    });
    return -1;
  }

  /** Every send is complete once posted: there is never a slot to wait for. */
  completeSend(): void {}

  sendDone(): boolean {
    return true;
  }
}
