import { DATATYPE_NAMES, DATATYPE_SIZES, ErrorCode, IN_PLACE } from "../abi.js";
import type { Communicator } from "./comms.js";
import type { Doorbells, Waiter } from "./doorbell.js";
import { MpiError } from "./errors.js";
import { COLLECTIVE_CALLS, Coll, INLINE_BYTES, type Layout } from "./layout.js";
import type { Liveness } from "./liveness.js";
import { type ByteViews, copyBytes, type LinearMemory } from "./memory.js";
import { accumulate, combine } from "./reduce.js";

export type CollectiveCall = (typeof COLLECTIVE_CALLS)[number];

export interface CollectiveParts {
  readonly rank: number;
  readonly layout: Layout;
  readonly ctrl: Int32Array;
  readonly memory: LinearMemory;
  readonly peers: readonly LinearMemory[];
  readonly bells: Doorbells;
  readonly waiter: Waiter;
  readonly live: Liveness;
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

/**
 * The ENTERED word holds the collective's number and its call together, so that a peer reads
 * both at once even while the owner moves on to its next collective. Numbers wrap at 2^27 and
 * are compared modulo that.
 */
const CALL_BITS = 5;
const CALL_MASK = (1 << CALL_BITS) - 1;
const SEQ_MASK = (1 << (32 - CALL_BITS)) - 1;

/** Whether stage number `value` has reached `seq` (modulo 2^27, within half the range). */
function reached(value: number, seq: number): boolean {
  return ((value - seq) & SEQ_MASK) < 1 << (31 - CALL_BITS);
}

/**
 * An inline slot starts with the arguments its readers check (a peer that has moved on may
 * already be rewriting its record, but not this slot), then the operand.
 */
const Inline = { ROOT: 0, BYTES: 1, DATATYPE: 2, OP: 3, DATA: 16 } as const;
const INLINE_DATA = INLINE_BYTES - Inline.DATA;

/** Reductions of up to this many bytes combine every operand in every rank: two rounds. */
const SMALL_REDUCTION = 16 << 10;

/**
 * Collectives straight through shared memory: every rank publishes the addresses of its
 * buffers in its record of the communicator's collective area, and ranks then read (or write)
 * each other's buffers directly. No collective is made of point-to-point messages. A rank
 * returns only once every peer that reads its buffers or its record has said it is done, so
 * buffers may be reused at once and a record is never overwritten while read.
 */
export class Collectives {
  readonly #p: CollectiveParts;
  /** Collectives started per context: the stage numbers. */
  readonly #seq = new Int32Array(64);
  /** The control memory (where the inline slots are) as views. */
  readonly #ctrlViews: ByteViews;
  /** Results of reductions that cannot be written in place while peers still read. */
  #scratch = new ArrayBuffer(1024);

  constructor(parts: CollectiveParts) {
    this.#p = parts;
    this.#ctrlViews = { u8: new Uint8Array(parts.ctrl.buffer), i32: parts.ctrl };
  }

  barrier(comm: Communicator): void {
    const seq = this.#enter(comm, "Barrier", {});
    this.#awaitAll(comm, Coll.ENTERED, seq, "Barrier");
  }

  bcast(comm: Communicator, ptr: number, bytes: number, root: number): void {
    if (bytes <= INLINE_DATA) {
      const isRoot = comm.rank === root;
      const seq = this.#enter(comm, "Bcast", { root, bytes }, isRoot ? ptr : -1, bytes);
      if (isRoot) return;
      this.#awaitRank(comm, root, Coll.ENTERED, seq, "Bcast");
      const slot = this.#inline(comm, root, seq);
      const h = slot >> 2;
      this.#sameRoot(comm, h + Inline.ROOT, root, "Bcast");
      const rootBytes = this.#p.ctrl[h + Inline.BYTES] as number;
      if (rootBytes !== bytes) {
        throw mismatch(`the root sends ${rootBytes} bytes, this rank's buffer holds ${bytes}`);
      }
      copyBytes(this.#ctrlViews, slot + Inline.DATA, this.#p.memory, ptr, bytes);
      return;
    }
    const seq = this.#enter(comm, "Bcast", { root, send: ptr, bytes });
    if (comm.rank === root) {
      this.#awaitAll(comm, Coll.DONE, seq, "Bcast");
      return;
    }
    const r = this.#awaitRank(comm, root, Coll.ENTERED, seq, "Bcast");
    this.#sameRoot(comm, r + Coll.ROOT, root, "Bcast");
    const rootBytes = this.#word(r, comm, Coll.BYTES);
    if (rootBytes !== bytes) {
      throw mismatch(`the root sends ${rootBytes} bytes, this rank's buffer holds ${bytes}`);
    }
    this.#pull(comm, root, this.#word(r, comm, Coll.SEND), this.#p.memory, ptr, bytes);
    this.#stage(comm, Coll.DONE, seq);
  }

  /** Block `blockBytes` of the root's send buffer to each rank, in rank order. */
  scatter(comm: Communicator, send: number, recv: number, blockBytes: number, root: number): void {
    const seq = this.#enter(comm, "Scatter", { root, send, recv, bytes: blockBytes });
    const me = comm.rank;
    if (me === root) {
      if (recv !== IN_PLACE) this.#local(send + me * blockBytes, recv, blockBytes);
      this.#awaitAll(comm, Coll.DONE, seq, "Scatter");
      return;
    }
    const r = this.#awaitRank(comm, root, Coll.ENTERED, seq, "Scatter");
    this.#sameRoot(comm, r + Coll.ROOT, root, "Scatter");
    this.#sameBlock(comm, r, blockBytes, "the root sends");
    const from = this.#word(r, comm, Coll.SEND) + me * blockBytes;
    this.#pull(comm, root, from, this.#p.memory, recv, blockBytes);
    this.#stage(comm, Coll.DONE, seq);
  }

  /** Each rank's block into the root's receive buffer, in rank order (ranks write in parallel). */
  gather(comm: Communicator, send: number, recv: number, blockBytes: number, root: number): void {
    const seq = this.#enter(comm, "Gather", { root, send, recv, bytes: blockBytes });
    const me = comm.rank;
    if (me === root) {
      if (send !== IN_PLACE) this.#local(send, recv + me * blockBytes, blockBytes);
      this.#awaitAll(comm, Coll.DONE, seq, "Gather");
      return;
    }
    const r = this.#awaitRank(comm, root, Coll.ENTERED, seq, "Gather");
    this.#sameRoot(comm, r + Coll.ROOT, root, "Gather");
    this.#sameBlock(comm, r, blockBytes, "the root receives");
    const to = this.#word(r, comm, Coll.RECV) + me * blockBytes;
    this.#push(comm, root, send, to, blockBytes);
    this.#stage(comm, Coll.DONE, seq);
  }

  allgather(comm: Communicator, send: number, recv: number, blockBytes: number): void {
    const seq = this.#enter(comm, "Allgather", { send, recv, bytes: blockBytes });
    this.#awaitAll(comm, Coll.ENTERED, seq, "Allgather");
    const me = comm.rank;
    if (send !== IN_PLACE) this.#local(send, recv + me * blockBytes, blockBytes);
    for (let i = 1; i < comm.size; i++) {
      const j = (me + i) % comm.size;
      const r = this.#record(comm, j);
      this.#sameBlock(comm, r, blockBytes, `rank ${j} sends`);
      const theirs = this.#word(r, comm, Coll.SEND);
      const from = theirs === IN_PLACE ? this.#word(r, comm, Coll.RECV) + j * blockBytes : theirs;
      this.#pull(comm, j, from, this.#p.memory, recv + j * blockBytes, blockBytes);
    }
    this.#finish(comm, seq, "Allgather");
  }

  alltoall(comm: Communicator, send: number, recv: number, blockBytes: number): void {
    const seq = this.#enter(comm, "Alltoall", { send, recv, bytes: blockBytes });
    this.#awaitAll(comm, Coll.ENTERED, seq, "Alltoall");
    const me = comm.rank;
    this.#local(send + me * blockBytes, recv + me * blockBytes, blockBytes);
    for (let i = 1; i < comm.size; i++) {
      const j = (me + i) % comm.size;
      const r = this.#record(comm, j);
      this.#sameBlock(comm, r, blockBytes, `rank ${j} sends`);
      const from = this.#word(r, comm, Coll.SEND) + me * blockBytes;
      this.#pull(comm, j, from, this.#p.memory, recv + j * blockBytes, blockBytes);
    }
    this.#finish(comm, seq, "Alltoall");
  }

  /** Scatterv: `counts`/`displs` (root only) are i32 arrays in elements of `element` bytes. */
  scatterv(
    comm: Communicator,
    args: Required<
      Pick<Args, "send" | "recv" | "recvBytes" | "counts" | "displs" | "element" | "root">
    >,
  ): void {
    const { root, recv, recvBytes, element } = args;
    const seq = this.#enter(comm, "Scatterv", args);
    const me = comm.rank;
    if (me === root) {
      const mem = this.#p.memory;
      if (recv !== IN_PLACE) {
        const count = mem.data.getInt32(args.counts + me * 4, true);
        const displ = mem.data.getInt32(args.displs + me * 4, true);
        this.#agree(count * element, recvBytes, "the root sends");
        this.#local(args.send + displ * element, recv, count * element);
      }
      this.#awaitAll(comm, Coll.DONE, seq, "Scatterv");
      return;
    }
    const r = this.#awaitRank(comm, root, Coll.ENTERED, seq, "Scatterv");
    this.#sameRoot(comm, r + Coll.ROOT, root, "Scatterv");
    const rootMem = this.#memoryOf(comm, root);
    const at = this.#word(r, comm, Coll.COUNTS) + me * 4;
    const displAt = this.#word(r, comm, Coll.DISPLS) + me * 4;
    const [count, displ] = readPair(rootMem, at, displAt, root);
    const rootElement = this.#word(r, comm, Coll.ELEMENT);
    this.#agree(count * rootElement, recvBytes, "the root sends");
    this.#pull(
      comm,
      root,
      this.#word(r, comm, Coll.SEND) + displ * rootElement,
      this.#p.memory,
      recv,
      recvBytes,
    );
    this.#stage(comm, Coll.DONE, seq);
  }

  gatherv(
    comm: Communicator,
    args: Required<
      Pick<Args, "send" | "recv" | "bytes" | "counts" | "displs" | "element" | "root">
    >,
  ): void {
    const { root, send, bytes, element } = args;
    const seq = this.#enter(comm, "Gatherv", args);
    const me = comm.rank;
    if (me === root) {
      if (send !== IN_PLACE) {
        const mem = this.#p.memory;
        const count = mem.data.getInt32(args.counts + me * 4, true);
        const displ = mem.data.getInt32(args.displs + me * 4, true);
        this.#agree(count * element, bytes, "the root receives");
        this.#local(send, args.recv + displ * element, bytes);
      }
      this.#awaitAll(comm, Coll.DONE, seq, "Gatherv");
      return;
    }
    const r = this.#awaitRank(comm, root, Coll.ENTERED, seq, "Gatherv");
    this.#sameRoot(comm, r + Coll.ROOT, root, "Gatherv");
    const rootMem = this.#memoryOf(comm, root);
    const [count, displ] = readPair(
      rootMem,
      this.#word(r, comm, Coll.COUNTS) + me * 4,
      this.#word(r, comm, Coll.DISPLS) + me * 4,
      root,
    );
    const rootElement = this.#word(r, comm, Coll.ELEMENT);
    this.#agree(count * rootElement, bytes, "the root receives");
    this.#push(comm, root, send, this.#word(r, comm, Coll.RECV) + displ * rootElement, bytes);
    this.#stage(comm, Coll.DONE, seq);
  }

  allgatherv(
    comm: Communicator,
    args: Required<Pick<Args, "send" | "recv" | "bytes" | "recvCounts" | "recvDispls" | "element">>,
  ): void {
    const { send, recv, bytes, element } = args;
    const seq = this.#enter(comm, "Allgatherv", args);
    this.#awaitAll(comm, Coll.ENTERED, seq, "Allgatherv");
    const me = comm.rank;
    const mem = this.#p.memory;
    for (let i = 0; i < comm.size; i++) {
      const j = (me + i) % comm.size;
      const count = mem.data.getInt32(args.recvCounts + j * 4, true);
      const displ = mem.data.getInt32(args.recvDispls + j * 4, true);
      const to = recv + displ * element;
      if (j === me) {
        if (send !== IN_PLACE) {
          this.#agree(bytes, count * element, "this rank sends");
          this.#local(send, to, bytes);
        }
        continue;
      }
      const r = this.#record(comm, j);
      const theirBytes = this.#word(r, comm, Coll.BYTES);
      this.#agree(theirBytes, count * element, `rank ${j} sends`);
      const theirs = this.#word(r, comm, Coll.SEND);
      let from = theirs;
      if (theirs === IN_PLACE) {
        // Rank j's block is in its own receive buffer, at its own displacement for j.
        const jMem = this.#memoryOf(comm, j);
        const [, jDispl] = readPair(
          jMem,
          this.#word(r, comm, Coll.RECV_COUNTS) + j * 4,
          this.#word(r, comm, Coll.RECV_DISPLS) + j * 4,
          j,
        );
        from = this.#word(r, comm, Coll.RECV) + jDispl * this.#word(r, comm, Coll.ELEMENT);
      }
      this.#pull(comm, j, from, mem, to, count * element);
    }
    this.#finish(comm, seq, "Allgatherv");
  }

  alltoallv(
    comm: Communicator,
    args: Required<
      Pick<Args, "send" | "recv" | "counts" | "displs" | "recvCounts" | "recvDispls" | "element">
    >,
  ): void {
    const { recv, element } = args;
    const seq = this.#enter(comm, "Alltoallv", args);
    this.#awaitAll(comm, Coll.ENTERED, seq, "Alltoallv");
    const me = comm.rank;
    const mem = this.#p.memory;
    for (let i = 0; i < comm.size; i++) {
      const j = (me + i) % comm.size;
      const count = mem.data.getInt32(args.recvCounts + j * 4, true);
      const displ = mem.data.getInt32(args.recvDispls + j * 4, true);
      const r = this.#record(comm, j);
      const jMem = this.#memoryOf(comm, j);
      const [theirCount, theirDispl] = readPair(
        jMem,
        this.#word(r, comm, Coll.COUNTS) + me * 4,
        this.#word(r, comm, Coll.DISPLS) + me * 4,
        j,
      );
      const theirElement = this.#word(r, comm, Coll.ELEMENT);
      this.#agree(theirCount * theirElement, count * element, `rank ${j} sends`);
      const from = this.#word(r, comm, Coll.SEND) + theirDispl * theirElement;
      this.#pull(comm, j, from, mem, recv + displ * element, count * element);
    }
    this.#finish(comm, seq, "Alltoallv");
  }

  /**
   * Reduce and Allreduce (`root` -1). Every result is combined in rank order, so that every
   * rank gets the same bits even for floating point. Small operands: every rank combines all
   * of them. Large ones: rank i combines the i-th chunk straight from every peer's memory
   * (reduce-scatter), then the chunks are gathered (to every rank, or only to the root).
   */
  reduce(
    comm: Communicator,
    call: "Reduce" | "Allreduce",
    send: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
    root: number,
  ): void {
    const size = DATATYPE_SIZES[datatype] as number;
    const bytes = count * size;
    const me = comm.rank;
    const all = root < 0;
    const args = { root, send, recv, bytes, datatype, op };
    if (bytes <= INLINE_DATA) {
      const seq = this.#enter(comm, call, args, send === IN_PLACE ? recv : send, bytes);
      if (!all && me !== root) return;
      this.#awaitAll(comm, Coll.ENTERED, seq, call);
      this.#sameReduction(comm, bytes, datatype, op, root, seq);
      this.#combineInline(comm, seq, comm.size, recv, count, datatype, op);
      return;
    }
    const seq = this.#enter(comm, call, args);
    this.#awaitAll(comm, Coll.ENTERED, seq, call);
    this.#sameReduction(comm, bytes, datatype, op, root);
    if (bytes <= SMALL_REDUCTION || comm.size === 1) {
      if (all || me === root) {
        const scratch = this.#scratchOf(bytes);
        this.#combineRange(comm, 0, comm.size, scratch, 0, 0, count, datatype, op);
        this.#finish(comm, seq, call);
        copyInto(this.#p.memory, recv, scratch, bytes);
      } else {
        this.#finish(comm, seq, call);
      }
      return;
    }
    // Chunks of whole elements, one per rank.
    const per = Math.ceil(count / comm.size);
    const first = Math.min(count, me * per);
    const n = Math.min(count, first + per) - first;
    const target = all ? me : root;
    const targetMem = this.#memoryOf(comm, target);
    const targetRecord = this.#record(comm, target);
    const targetRecv = this.#word(targetRecord, comm, Coll.RECV) + first * size;
    if (n > 0) {
      // In place, the target's chunk is also an operand: combine elsewhere, then copy.
      if (this.#word(targetRecord, comm, Coll.SEND) === IN_PLACE) {
        const scratch = this.#scratchOf(n * size);
        this.#combineRange(comm, 0, comm.size, scratch, 0, first * size, n, datatype, op);
        if (!targetMem.contains(targetRecv, n * size)) throw outside(target);
        targetMem.u8.set(new Uint8Array(scratch, 0, n * size), targetRecv);
      } else {
        if (!targetMem.contains(targetRecv, n * size)) throw outside(target);
        this.#combineRange(
          comm,
          0,
          comm.size,
          targetMem.memory.buffer,
          targetRecv,
          first * size,
          n,
          datatype,
          op,
        );
      }
    }
    if (all) {
      this.#stage(comm, Coll.MID, seq);
      this.#awaitAll(comm, Coll.MID, seq, call);
      for (let i = 1; i < comm.size; i++) {
        const j = (me + i) % comm.size;
        const jFirst = Math.min(count, j * per);
        const jn = Math.min(count, jFirst + per) - jFirst;
        if (jn <= 0) continue;
        const jRecv = this.#word(this.#record(comm, j), comm, Coll.RECV);
        this.#pull(comm, j, jRecv + jFirst * size, this.#p.memory, recv + jFirst * size, jn * size);
      }
    }
    this.#finish(comm, seq, call);
  }

  /** Scan (inclusive) and Exscan: rank r combines the operands of ranks 0..r (or 0..r-1). */
  scan(
    comm: Communicator,
    call: "Scan" | "Exscan",
    send: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
  ): void {
    const size = DATATYPE_SIZES[datatype] as number;
    const bytes = count * size;
    const upTo = call === "Scan" ? comm.rank + 1 : comm.rank;
    const args = { send, recv, bytes, datatype, op };
    if (bytes <= INLINE_DATA) {
      const seq = this.#enter(comm, call, args, send === IN_PLACE ? recv : send, bytes);
      for (let j = 0; j < upTo; j++) {
        if (j !== comm.rank) this.#awaitRank(comm, j, Coll.ENTERED, seq, call);
      }
      this.#sameReduction(comm, bytes, datatype, op, -1, seq, upTo);
      if (upTo > 0) this.#combineInline(comm, seq, upTo, recv, count, datatype, op);
      return;
    }
    const seq = this.#enter(comm, call, args);
    this.#awaitAll(comm, Coll.ENTERED, seq, call);
    this.#sameReduction(comm, bytes, datatype, op, -1);
    if (upTo === 0) {
      this.#finish(comm, seq, call);
      return;
    }
    const scratch = this.#scratchOf(bytes);
    this.#combineRange(comm, 0, upTo, scratch, 0, 0, count, datatype, op);
    this.#finish(comm, seq, call);
    copyInto(this.#p.memory, recv, scratch, bytes);
  }

  /** Rank i gets block i of the element-wise combination of every rank's size blocks. */
  reduceScatterBlock(
    comm: Communicator,
    send: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
  ): void {
    const size = DATATYPE_SIZES[datatype] as number;
    const bytes = count * size;
    const seq = this.#enter(comm, "Reduce_scatter_block", { send, recv, bytes, datatype, op });
    this.#awaitAll(comm, Coll.ENTERED, seq, "Reduce_scatter_block");
    this.#sameReduction(comm, bytes, datatype, op, -1);
    const scratch = this.#scratchOf(bytes);
    this.#combineRange(comm, 0, comm.size, scratch, 0, comm.rank * bytes, count, datatype, op);
    this.#finish(comm, seq, "Reduce_scatter_block");
    copyInto(this.#p.memory, recv, scratch, bytes);
  }

  // ---- the protocol --------------------------------------------------------------------

  /**
   * Publishes this rank's arguments for the next collective on `comm`; returns its number.
   * With `inline` >= 0, first copies `bytes` from that address into this rank's inline slot,
   * once every peer has entered the previous collective (and so is done with the slot's
   * last use, two collectives ago).
   */
  #enter(comm: Communicator, call: CollectiveCall, args: Args, inline = -1, bytes = 0): number {
    const { ctrl } = this.#p;
    const seq = ((this.#seq[comm.ctx] as number) + 1) & SEQ_MASK;
    if (inline >= 0) {
      for (let i = 1; i < comm.size; i++) {
        this.#awaitRank(
          comm,
          (comm.rank + i) % comm.size,
          Coll.ENTERED,
          (seq - 1) & SEQ_MASK,
          call,
          false,
        );
      }
      const slot = this.#inline(comm, comm.rank, seq);
      const h = slot >> 2;
      ctrl[h + Inline.ROOT] = args.root ?? -1;
      ctrl[h + Inline.BYTES] = bytes;
      ctrl[h + Inline.DATATYPE] = args.datatype ?? 0;
      ctrl[h + Inline.OP] = args.op ?? 0;
      copyBytes(this.#p.memory, inline, this.#ctrlViews, slot + Inline.DATA, bytes);
    }
    this.#seq[comm.ctx] = seq;
    const r = this.#p.layout.coll(comm.ctx, this.#p.rank) >> 2;
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
    this.#stage(comm, Coll.ENTERED, (seq << CALL_BITS) | COLLECTIVE_CALLS.indexOf(call));
    return seq;
  }

  /** Marks a stage reached and wakes the peers. */
  #stage(comm: Communicator, word: number, seq: number): void {
    const p = this.#p;
    Atomics.store(p.ctrl, (p.layout.coll(comm.ctx, p.rank) >> 2) + word, seq);
    for (const world of comm.worldRanks) if (world !== p.rank) p.bells.ring(world);
  }

  /** Says this rank is done reading, then waits until every peer is done with its buffers. */
  #finish(comm: Communicator, seq: number, call: CollectiveCall): void {
    this.#stage(comm, Coll.DONE, seq);
    this.#awaitAll(comm, Coll.DONE, seq, call);
  }

  #awaitAll(comm: Communicator, word: number, seq: number, call: CollectiveCall): void {
    for (let i = 1; i < comm.size; i++)
      this.#awaitRank(comm, (comm.rank + i) % comm.size, word, seq, call);
  }

  /** Waits until communicator rank `peer` has reached `word`'s stage of collective `seq`. */
  #awaitRank(
    comm: Communicator,
    peer: number,
    word: number,
    seq: number,
    call: CollectiveCall,
    checkCall = true,
  ): number {
    const p = this.#p;
    const world = comm.worldRanks[peer] as number;
    const r = p.layout.coll(comm.ctx, world) >> 2;
    const at = r + word;
    const shift = word === Coll.ENTERED ? CALL_BITS : 0;
    if (reached(Atomics.load(p.ctrl, at) >>> shift, seq)) {
      if (word === Coll.ENTERED && checkCall) this.#sameCall(comm, r, peer, call);
      return r;
    }
    const waiter = p.waiter;
    waiter.watchDoorbell();
    let blocked = false;
    for (;;) {
      const seen = waiter.current();
      if (reached(Atomics.load(p.ctrl, at) >>> shift, seq)) break;
      p.live.checkJob();
      if (waiter.spin(seen)) continue;
      const ended = p.live.ended(world);
      if (reached(Atomics.load(p.ctrl, at) >>> shift, seq)) break;
      if (ended) {
        throw new MpiError(
          ErrorCode.ERR_PROC_FAILED,
          `rank ${peer} ended without calling ${call} (collective #${seq} on ${comm.name})`,
        );
      }
      if (!blocked) {
        p.live.blockedIn({ call, peer, sending: false, tag: seq, comm: comm.handle });
        blocked = true;
      }
      p.waiter.sleep(seen);
    }
    if (blocked) p.live.unblocked();
    if (word === Coll.ENTERED && checkCall) this.#sameCall(comm, r, peer, call);
    return r;
  }

  /** Byte offset of communicator rank `peer`'s inline slot for collective `seq`. */
  #inline(comm: Communicator, peer: number, seq: number): number {
    return this.#p.layout.collInline(comm.ctx, comm.worldRanks[peer] as number, seq & 1);
  }

  /** recv = inline operand 0 op ... op inline operand (end - 1), in rank order. */
  #combineInline(
    comm: Communicator,
    seq: number,
    end: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
  ): void {
    const ctrl = this.#p.ctrl.buffer;
    const dst = this.#p.memory.memory.buffer;
    const operand = (j: number): number => this.#inline(comm, j, seq) + Inline.DATA;
    if (end === 1) {
      const bytes = count * (DATATYPE_SIZES[datatype] as number);
      copyBytes(this.#ctrlViews, operand(0), this.#p.memory, recv, bytes);
      return;
    }
    combine(op, datatype, dst, recv, ctrl, operand(0), ctrl, operand(1), count);
    for (let j = 2; j < end; j++) accumulate(op, datatype, dst, recv, ctrl, operand(j), count);
  }

  #record(comm: Communicator, peer: number): number {
    return this.#p.layout.coll(comm.ctx, comm.worldRanks[peer] as number) >> 2;
  }

  #word(record: number, _comm: Communicator, word: number): number {
    return this.#p.ctrl[record + word] as number;
  }

  #memoryOf(comm: Communicator, peer: number): LinearMemory {
    return this.#p.peers[comm.worldRanks[peer] as number] as LinearMemory;
  }

  // ---- checks: every rank must make the same call with agreeing arguments ----------------

  /** Checks the call a peer entered, read from the same word as its stage (see #stage). */
  #sameCall(comm: Communicator, record: number, peer: number, call: CollectiveCall): void {
    const seq = this.#seq[comm.ctx] as number;
    const entered = Atomics.load(this.#p.ctrl, record + Coll.ENTERED);
    // A peer already past this collective (possible after a Barrier) entered it correctly.
    if (entered >>> CALL_BITS !== seq) return;
    const theirs = COLLECTIVE_CALLS[entered & CALL_MASK];
    if (theirs !== call) {
      throw mismatch(
        `rank ${peer} called ${theirs} while this rank called ${call} (collectives must be called in the same order by every rank of ${comm.name})`,
      );
    }
  }

  /** Checks the root a peer named, at word `rootWord` (its record's or its inline slot's). */
  #sameRoot(comm: Communicator, rootWord: number, root: number, call: CollectiveCall): void {
    const theirs = this.#p.ctrl[rootWord] as number;
    if (theirs !== root)
      throw mismatch(
        `rank ${root} called ${call} with root ${theirs}, this rank with root ${root} (on ${comm.name})`,
      );
  }

  #sameBlock(_comm: Communicator, record: number, bytes: number, who: string): void {
    this.#agree(this.#p.ctrl[record + Coll.BYTES] as number, bytes, who);
  }

  #agree(theirs: number, mine: number, who: string): void {
    if (theirs !== mine)
      throw mismatch(`counts disagree: ${who} ${theirs} bytes, this rank expects ${mine}`);
  }

  /**
   * Checks that ranks 0..end-1 reduce the same bytes, datatype and op (and root): read from
   * their inline slots for collective `inlineSeq`, or from their records.
   */
  #sameReduction(
    comm: Communicator,
    bytes: number,
    datatype: number,
    op: number,
    root: number,
    inlineSeq = -1,
    end = comm.size,
  ): void {
    const ctrl = this.#p.ctrl;
    for (let j = 0; j < end; j++) {
      if (j === comm.rank) continue;
      let rootAt: number;
      let bytesAt: number;
      let typeAt: number;
      let opAt: number;
      if (inlineSeq >= 0) {
        const h = this.#inline(comm, j, inlineSeq) >> 2;
        [rootAt, bytesAt, typeAt, opAt] = [
          h + Inline.ROOT,
          h + Inline.BYTES,
          h + Inline.DATATYPE,
          h + Inline.OP,
        ];
      } else {
        const r = this.#record(comm, j);
        [rootAt, bytesAt, typeAt, opAt] = [
          r + Coll.ROOT,
          r + Coll.BYTES,
          r + Coll.DATATYPE,
          r + Coll.OP,
        ];
      }
      if (root >= 0 && ctrl[rootAt] !== root) {
        throw mismatch(`rank ${j} uses root ${ctrl[rootAt]}, this rank root ${root}`);
      }
      if (ctrl[bytesAt] !== bytes) {
        throw mismatch(
          `counts disagree: rank ${j} passes ${ctrl[bytesAt]} bytes, this rank ${bytes}`,
        );
      }
      if (ctrl[typeAt] !== datatype || ctrl[opAt] !== op) {
        const theirType = DATATYPE_NAMES[ctrl[typeAt] as number];
        throw mismatch(
          `rank ${j} reduces ${theirType} with op ${ctrl[opAt]}, this rank ${DATATYPE_NAMES[datatype]} with op ${op}`,
        );
      }
    }
  }

  // ---- moving and combining data ---------------------------------------------------------

  /** Copies `bytes` from a peer's memory (its address `from`) into `to`. */
  #pull(
    comm: Communicator,
    peer: number,
    from: number,
    to: LinearMemory,
    at: number,
    bytes: number,
  ): void {
    if (bytes === 0) return;
    const mem = this.#memoryOf(comm, peer);
    if (!mem.contains(from, bytes)) throw outside(peer);
    copyBytes(mem, from, to, at, bytes);
  }

  /** Copies `bytes` of this rank's memory into a peer's memory at `to`. */
  #push(comm: Communicator, peer: number, from: number, to: number, bytes: number): void {
    if (bytes === 0) return;
    const mem = this.#memoryOf(comm, peer);
    if (!mem.contains(to, bytes)) throw outside(peer);
    copyBytes(this.#p.memory, from, mem, to, bytes);
  }

  #local(from: number, to: number, bytes: number): void {
    if (bytes === 0 || from === to) return;
    const mem = this.#p.memory;
    mem.u8.copyWithin(to, from, from + bytes);
  }

  /**
   * dst[at..] = operand(first) op ... op operand(end - 1), over `count` elements starting at
   * byte `offset` of each rank's operand (its send buffer, or its receive buffer in place).
   */
  #combineRange(
    comm: Communicator,
    first: number,
    end: number,
    dst: ArrayBufferLike,
    at: number,
    offset: number,
    count: number,
    datatype: number,
    op: number,
  ): void {
    const bytes = count * (DATATYPE_SIZES[datatype] as number);
    const operand = (j: number): [ArrayBufferLike, number] => {
      const r = this.#record(comm, j);
      const send = this.#word(r, comm, Coll.SEND);
      const from = (send === IN_PLACE ? this.#word(r, comm, Coll.RECV) : send) + offset;
      const mem = this.#memoryOf(comm, j);
      if (!mem.contains(from, bytes)) throw outside(j);
      return [mem.memory.buffer, from];
    };
    const [a, aAt] = operand(first);
    if (end - first === 1) {
      new Uint8Array(dst, at, bytes).set(new Uint8Array(a, aAt, bytes));
      return;
    }
    const [b, bAt] = operand(first + 1);
    combine(op, datatype, dst, at, a, aAt, b, bAt, count);
    for (let j = first + 2; j < end; j++) {
      const [c, cAt] = operand(j);
      accumulate(op, datatype, dst, at, c, cAt, count);
    }
  }

  #scratchOf(bytes: number): ArrayBuffer {
    if (this.#scratch.byteLength < bytes)
      this.#scratch = new ArrayBuffer(Math.max(bytes, this.#scratch.byteLength * 2));
    return this.#scratch;
  }
}

function copyInto(mem: LinearMemory, at: number, scratch: ArrayBuffer, bytes: number): void {
  if (bytes > 0) mem.u8.set(new Uint8Array(scratch, 0, bytes), at);
}

function readPair(mem: LinearMemory, at: number, otherAt: number, owner: number): [number, number] {
  if (!mem.contains(at, 4) || !mem.contains(otherAt, 4)) throw outside(owner);
  return [mem.data.getInt32(at, true), mem.data.getInt32(otherAt, true)];
}

function mismatch(reason: string): MpiError {
  return new MpiError(ErrorCode.ERR_ARG, reason);
}

function outside(peer: number): MpiError {
  return new MpiError(ErrorCode.ERR_BUFFER, `rank ${peer} published a buffer outside its memory`);
}
