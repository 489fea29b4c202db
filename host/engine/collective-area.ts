import { ErrorCode } from "../abi.js";
import { agree, mismatch, type Reduction, sameCall, sameReduction, sameRoot } from "./agreement.js";
import type { Communicator } from "./comms.js";
import type { Doorbells, Waiter } from "./doorbell.js";
import { MpiError } from "./errors.js";
import { COLLECTIVE_CALLS, Coll, Inline, type Layout, MAX_CONTEXTS } from "./layout.js";
import type { Liveness } from "./liveness.js";
import { type ByteViews, copyBytes, type LinearMemory } from "./memory.js";
import { CALL_BITS, CALL_MASK, SEQ_MASK, StageWaits, tagged } from "./stage-waits.js";

export type CollectiveCall = (typeof COLLECTIVE_CALLS)[number];

export { mismatch };

export interface CollectiveParts {
  readonly rank: number;
  readonly layout: Layout;
  readonly ctrl: Int32Array;
  readonly memory: LinearMemory;
  readonly peers: readonly LinearMemory[];
  readonly bells: Doorbells;
  readonly waiter: Waiter;
  readonly live: Liveness;
  readonly oversubscribed: boolean;
}

/** Arguments one rank publishes for a collective (pointers into its own memory). */
export interface Args {
  root?: number;
  send?: number;
  recv?: number;
  bytes?: number;
  recvBytes?: number;
  counts?: number;
  displs?: number;
  recvCounts?: number;
  recvDispls?: number;
  datatype?: number;
  op?: number;
  element?: number;
}

/** Inline data limit when ranks have their own cores. */
const DEDICATED_INLINE = 240;

/**
 * A communicator's collective area, as one rank uses it: every rank publishes its arguments
 * and the addresses of its buffers in its record, marks the stages it reaches, and reads its
 * peers' records; the checks that every rank makes the same call with agreeing arguments; and
 * the copies straight between the ranks' memories. A rank returns from a collective only once
 * every peer that reads its buffers or its record has said it is done (or, for small ones,
 * reads an inline slot that is not reused before the peers have moved on), so buffers may be
 * reused at once and a record is never overwritten while read.
 */
export class CollectiveArea {
  readonly p: CollectiveParts;
  /** Collectives started per context: the stage numbers. */
  readonly #seq = new Int32Array(MAX_CONTEXTS);
  /** Per context, the latest collective every peer is known to have entered, or -1. */
  readonly #allEntered = new Int32Array(MAX_CONTEXTS).fill(-1);
  /** The control memory (where the inline slots are) as views. */
  readonly ctrlViews: ByteViews;
  /** Bytes of data an inline slot holds. */
  readonly inlineData: number;
  readonly #waits: StageWaits;

  constructor(parts: CollectiveParts) {
    this.p = parts;
    this.#waits = new StageWaits(parts);
    this.ctrlViews = { u8: new Uint8Array(parts.ctrl.buffer), i32: parts.ctrl };
    // With a core each, a small collective's extra copy through the slot costs more than the
    // round it saves above a few hundred bytes; when ranks share cores every round is a
    // wake-up (~30 µs), so whole slots are used (8 KiB: 2-2.5x faster at 4 ranks on 2 cores).
    const slot = parts.layout.inlineBytes - Inline.DATA;
    this.inlineData = parts.oversubscribed ? slot : Math.min(slot, DEDICATED_INLINE);
  }

  /**
   * Publishes this rank's arguments for the next collective on `comm`; returns its number.
   * With `inline` >= 0, first copies `bytes` from that address into this rank's inline slot,
   * once every peer has entered the previous collective (and so is done with the slot's
   * last use, two collectives ago).
   */
  enter(comm: Communicator, call: CollectiveCall, args: Args, inline = -1, bytes = 0): number {
    const { ctrl } = this.p;
    const seq = this.#next(comm);
    if (inline >= 0) {
      const slot = this.#claimSlot(comm, call, seq, args, bytes);
      copyBytes(this.p.memory, inline, this.ctrlViews, slot + Inline.DATA, bytes);
      // Readers of an inline collective read only the slot: the record's arguments can wait.
      return this.#enteredInline(comm, call, seq, slot);
    }
    this.#seq[comm.area] = seq;
    const r = this.p.layout.coll(comm.area, this.p.rank) >> 2;
    ctrl[r + Coll.ROOT] = args.root ?? -1;
    ctrl[r + Coll.SEND] = args.send ?? 0;
    ctrl[r + Coll.RECV] = args.recv ?? 0;
    ctrl[r + Coll.BYTES] = args.bytes ?? 0;
    ctrl[r + Coll.RECV_BYTES] = args.recvBytes ?? 0;
    ctrl[r + Coll.COUNTS] = args.counts ?? 0;
    ctrl[r + Coll.DISPLS] = args.displs ?? 0;
    ctrl[r + Coll.RECV_COUNTS] = args.recvCounts ?? 0;
    ctrl[r + Coll.RECV_DISPLS] = args.recvDispls ?? 0;
    ctrl[r + Coll.DATATYPE] = args.datatype ?? 0;
    ctrl[r + Coll.OP] = args.op ?? 0;
    ctrl[r + Coll.ELEMENT] = args.element ?? 1;
    return this.#entered(comm, call, seq);
  }

  /**
   * Enters the next collective on `comm` without arguments (Barrier, Free): the record keeps an
   * earlier collective's, which no peer reads, since each checks the call first.
   */
  enterBare(comm: Communicator, call: CollectiveCall): number {
    return this.#entered(comm, call, this.#next(comm));
  }

  /** The number the next collective on `comm` will have. */
  #next(comm: Communicator): number {
    return ((this.#seq[comm.area] as number) + 1) & SEQ_MASK;
  }

  #entered(comm: Communicator, call: CollectiveCall, seq: number): number {
    this.#seq[comm.area] = seq;
    this.stage(comm, Coll.ENTERED, tagged(seq, call));
    return seq;
  }

  /** Says, in the slot just written, that this rank has entered collective `seq`. */
  #enteredInline(comm: Communicator, call: CollectiveCall, seq: number, slot: number): number {
    // With ranks sharing cores a wait is a turn of the scheduler, not a cache line: the slot's
    // word measured no faster there, and rooted 8 B collectives slower (Bcast 4.3 against 3.8
    // µs, Scatter 7.3 against 4.7 at 4 ranks on 2 cores).
    if (this.p.oversubscribed) return this.#entered(comm, call, seq);
    this.#seq[comm.area] = seq;
    Atomics.store(this.p.ctrl, (slot >> 2) + Inline.SEQ, tagged(seq, call));
    this.#waits.wakePeers(comm);
    return seq;
  }

  /** Publishes a few i32 words through this rank's inline slot (the agreement that makes
   * communicators); peers read them with `inlineWords`. Returns the collective's number. */
  enterWords(comm: Communicator, call: CollectiveCall, words: Int32Array): number {
    const seq = this.#next(comm);
    const slot = this.#claimSlot(comm, call, seq, {}, words.length * 4);
    this.p.ctrl.set(words, (slot + Inline.DATA) >> 2);
    return this.#enteredInline(comm, call, seq, slot);
  }

  /** The words communicator rank `peer` published with `enterWords` for collective `seq`. */
  inlineWords(comm: Communicator, peer: number, seq: number, call: CollectiveCall): Int32Array {
    this.awaitRank(comm, peer, Coll.ENTERED, seq, call, true, true);
    const slot = this.inline(comm, peer, seq);
    const n = (this.p.ctrl[(slot >> 2) + Inline.BYTES] as number) >> 2;
    const at = (slot + Inline.DATA) >> 2;
    return this.p.ctrl.slice(at, at + n);
  }

  /**
   * Waits until every peer has entered collective seq - 1 (so is done with this rank's slot of
   * seq's parity), then writes the slot's header; returns the slot's byte offset.
   */
  #claimSlot(comm: Communicator, call: CollectiveCall, seq: number, args: Args, bytes: number) {
    const previous = (seq - 1) & SEQ_MASK;
    if (this.#allEntered[comm.area] !== previous) {
      for (let i = 1; i < comm.size; i++) {
        const peer = (comm.rank + i) % comm.size;
        this.awaitRank(comm, peer, Coll.ENTERED, previous, call, false);
      }
    }
    const slot = this.inline(comm, comm.rank, seq);
    const h = slot >> 2;
    const ctrl = this.p.ctrl;
    ctrl[h + Inline.ROOT] = args.root ?? -1;
    ctrl[h + Inline.BYTES] = args.bytes ?? bytes;
    ctrl[h + Inline.DATATYPE] = args.datatype ?? 0;
    ctrl[h + Inline.OP] = args.op ?? 0;
    return slot;
  }

  /** The number of the last collective this rank started on area `a`. */
  sequence(a: number): number {
    return this.#seq[a] as number;
  }

  /**
   * Starts `comm`, new on its area, at collective `seq`: the latest any member reached there
   * (see comm-create.ts). Stage words only grow; ENTERED at `seq` lets the first inline
   * collective proceed. They are left as they are if this rank is at `seq` already: a peer
   * still in the area's previous communicator checks the call its ENTERED word names.
   */
  restart(comm: Communicator, seq: number, call: CollectiveCall): void {
    this.#allEntered[comm.area] = -1; // learnt of the area's previous members
    if (seq === this.#seq[comm.area]) return;
    const r = this.p.layout.coll(comm.area, this.p.rank) >> 2;
    Atomics.store(this.p.ctrl, r + Coll.MID, seq);
    Atomics.store(this.p.ctrl, r + Coll.DONE, seq);
    this.#entered(comm, call, seq);
  }

  /** Marks a stage reached and wakes the peers. */
  stage(comm: Communicator, word: number, seq: number): void {
    const p = this.p;
    Atomics.store(p.ctrl, (p.layout.coll(comm.area, p.rank) >> 2) + word, seq);
    this.#waits.wakePeers(comm);
  }

  /** Says this rank is done reading, then waits until every peer is done with its buffers. */
  finish(comm: Communicator, seq: number, call: CollectiveCall): void {
    this.stage(comm, Coll.DONE, seq);
    this.awaitAll(comm, Coll.DONE, seq, call);
  }

  /** Waits until every peer has reached `word`'s stage of `seq` (entered it `inline`). */
  awaitAll(
    comm: Communicator,
    word: number,
    seq: number,
    call: CollectiveCall,
    inline = false,
  ): void {
    for (let i = 1; i < comm.size; i++)
      this.awaitRank(comm, (comm.rank + i) % comm.size, word, seq, call, true, inline);
    // Any stage of `seq` follows its entry: the next inline collective need not check again.
    this.#allEntered[comm.area] = seq;
  }

  /**
   * Waits until communicator rank `peer` has reached `word`'s stage of collective `seq`
   * (`inline`: the peer is expected to enter it through its inline slot) and, for ENTERED,
   * checks the call it entered; returns its record.
   */
  awaitRank(
    comm: Communicator,
    peer: number,
    word: number,
    seq: number,
    call: CollectiveCall,
    checkCall = true,
    inline = false,
  ): number {
    const found = this.#waits.awaitStage(comm, peer, word, seq, call, inline);
    if (word === Coll.ENTERED && checkCall) this.#sameCall(comm, found, peer, call);
    return this.record(comm, peer);
  }

  /** Byte offset of communicator rank `peer`'s inline slot for collective `seq`. */
  inline(comm: Communicator, peer: number, seq: number): number {
    return this.p.layout.collInline(comm.area, comm.worldRanks[peer] as number, seq & 1);
  }

  record(comm: Communicator, peer: number): number {
    return this.p.layout.coll(comm.area, comm.worldRanks[peer] as number) >> 2;
  }

  word(record: number, word: number): number {
    return this.p.ctrl[record + word] as number;
  }

  memoryOf(comm: Communicator, peer: number): LinearMemory {
    return this.p.peers[comm.worldRanks[peer] as number] as LinearMemory;
  }

  // ---- checks: every rank must make the same call with agreeing arguments ----------------

  /** Checks the call a peer entered, read from the word that showed its entry (awaitStage). */
  #sameCall(comm: Communicator, entered: number, peer: number, call: CollectiveCall): void {
    const seq = this.#seq[comm.area] as number;
    // A peer already past this collective (possible after a Barrier) entered it correctly.
    if (entered >>> CALL_BITS !== seq) return;
    sameCall(comm, peer, COLLECTIVE_CALLS[entered & CALL_MASK] as CollectiveCall, call);
  }

  /** Checks the root a peer named, at word `rootWord` (its record's or its inline slot's). */
  sameRoot(comm: Communicator, rootWord: number, root: number, call: CollectiveCall): void {
    sameRoot(comm, this.p.ctrl[rootWord] as number, root, call);
  }

  sameBlock(record: number, bytes: number, who: string): void {
    this.agree(this.p.ctrl[record + Coll.BYTES] as number, bytes, who);
  }

  agree(theirs: number, mine: number, who: string): void {
    agree(theirs, mine, who);
  }

  /**
   * Checks that ranks 0..end-1 reduce the same bytes, datatype and op (and root): read from
   * their inline slots for collective `inlineSeq`, or from their records.
   */
  sameReduction(
    comm: Communicator,
    bytes: number,
    datatype: number,
    op: number,
    root: number,
    inlineSeq = -1,
    end = comm.size,
  ): void {
    const ctrl = this.p.ctrl;
    for (let j = 0; j < end; j++) {
      if (j === comm.rank) continue;
      const inline = inlineSeq >= 0;
      const base = inline ? this.inline(comm, j, inlineSeq) >> 2 : this.record(comm, j);
      const theirs: Reduction = {
        root: ctrl[base + (inline ? Inline.ROOT : Coll.ROOT)] as number,
        bytes: ctrl[base + (inline ? Inline.BYTES : Coll.BYTES)] as number,
        datatype: ctrl[base + (inline ? Inline.DATATYPE : Coll.DATATYPE)] as number,
        op: ctrl[base + (inline ? Inline.OP : Coll.OP)] as number,
      };
      sameReduction(j, theirs, { root, bytes, datatype, op });
    }
  }

  // ---- moving and combining data ---------------------------------------------------------

  /** Copies `bytes` from a peer's memory (its address `from`) into `to`. */
  pull(
    comm: Communicator,
    peer: number,
    from: number,
    to: LinearMemory,
    at: number,
    bytes: number,
  ): void {
    if (bytes === 0) return;
    const mem = this.memoryOf(comm, peer);
    if (!mem.contains(from, bytes)) throw outside(peer);
    copyBytes(mem, from, to, at, bytes);
  }

  /** Copies `bytes` of this rank's memory into a peer's memory at `to`. */
  push(comm: Communicator, peer: number, from: number, to: number, bytes: number): void {
    if (bytes === 0) return;
    const mem = this.memoryOf(comm, peer);
    if (!mem.contains(to, bytes)) throw outside(peer);
    copyBytes(this.p.memory, from, mem, to, bytes);
  }

  local(from: number, to: number, bytes: number): void {
    if (bytes === 0 || from === to) return;
    const mem = this.p.memory;
    mem.u8.copyWithin(to, from, from + bytes);
  }
}

export function copyInto(mem: LinearMemory, at: number, scratch: ArrayBuffer, bytes: number): void {
  if (bytes > 0) mem.u8.set(new Uint8Array(scratch, 0, bytes), at);
}

export function readPair(
  mem: LinearMemory,
  at: number,
  otherAt: number,
  owner: number,
): [number, number] {
  if (!mem.contains(at, 4) || !mem.contains(otherAt, 4)) throw outside(owner);
  return [mem.data.getInt32(at, true), mem.data.getInt32(otherAt, true)];
}

export function outside(peer: number): MpiError {
  return new MpiError(ErrorCode.ERR_BUFFER, `rank ${peer} published a buffer outside its memory`);
}
