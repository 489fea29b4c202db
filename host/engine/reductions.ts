import { DATATYPE_SIZES, IN_PLACE } from "../abi.js";
import { type CollectiveArea, copyInto, outside } from "./collective-area.js";
import type { Communicator } from "./comms.js";
import { Coll, Inline } from "./layout.js";
import { copyBytes } from "./memory.js";
import { accumulate, combine } from "./reduce.js";
import { elementsPerPair, isLocOp } from "./reduce-loc.js";

/** Reductions of up to this many bytes combine every operand in every rank: two rounds. */
const SMALL_REDUCTION = 16 << 10;

/**
 * The reductions: Reduce, Allreduce, Scan, Exscan, Reduce_scatter_block. Every result is
 * combined in rank order, so that every rank gets the same bits even in floating point.
 */
export class Reductions {
  readonly #a: CollectiveArea;
  /** Results that cannot be written in place while peers still read. */
  #scratch = new ArrayBuffer(1024);
  /** The control memory's buffer: `Int32Array#buffer` is a call into the runtime (~25 ns). */
  readonly #ctrl: ArrayBufferLike;

  constructor(area: CollectiveArea) {
    this.#a = area;
    this.#ctrl = area.p.ctrl.buffer;
  }

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
    if (bytes <= this.#a.inlineData) {
      const seq = this.#a.enter(comm, call, args, send === IN_PLACE ? recv : send, bytes);
      if (!all && me !== root) return;
      this.#a.awaitAll(comm, Coll.ENTERED, seq, call, true);
      this.#a.sameReduction(comm, bytes, datatype, op, root, seq);
      this.#combineInline(comm, seq, comm.size, recv, count, datatype, op);
      return;
    }
    const seq = this.#a.enter(comm, call, args);
    this.#a.awaitAll(comm, Coll.ENTERED, seq, call);
    this.#a.sameReduction(comm, bytes, datatype, op, root);
    if (bytes <= SMALL_REDUCTION || comm.size === 1) {
      if (all || me === root) {
        const scratch = this.#scratchOf(bytes);
        this.#combineRange(comm, 0, comm.size, scratch, 0, 0, count, datatype, op);
        this.#a.finish(comm, seq, call);
        copyInto(this.#a.p.memory, recv, scratch, bytes);
      } else {
        this.#a.finish(comm, seq, call);
      }
      return;
    }
    // Chunks of whole elements (of whole pairs for MAXLOC and MINLOC), one per rank.
    const unit = isLocOp(op) ? elementsPerPair(datatype) : 1;
    const per = unit * Math.ceil(count / unit / comm.size);
    const first = Math.min(count, me * per);
    const n = Math.min(count, first + per) - first;
    const target = all ? me : root;
    const targetMem = this.#a.memoryOf(comm, target);
    const targetRecord = this.#a.record(comm, target);
    const targetRecv = this.#a.word(targetRecord, Coll.RECV) + first * size;
    if (n > 0) {
      // In place, the target's chunk is also an operand: combine elsewhere, then copy.
      if (this.#a.word(targetRecord, Coll.SEND) === IN_PLACE) {
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
          targetMem.buffer,
          targetRecv,
          first * size,
          n,
          datatype,
          op,
        );
      }
    }
    if (all) {
      this.#a.stage(comm, Coll.MID, seq);
      this.#a.awaitAll(comm, Coll.MID, seq, call);
      for (let i = 1; i < comm.size; i++) {
        const j = (me + i) % comm.size;
        const jFirst = Math.min(count, j * per);
        const jn = Math.min(count, jFirst + per) - jFirst;
        if (jn <= 0) continue;
        const jRecv = this.#a.word(this.#a.record(comm, j), Coll.RECV);
        this.#a.pull(
          comm,
          j,
          jRecv + jFirst * size,
          this.#a.p.memory,
          recv + jFirst * size,
          jn * size,
        );
      }
    }
    this.#a.finish(comm, seq, call);
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
    if (bytes <= this.#a.inlineData) {
      const seq = this.#a.enter(comm, call, args, send === IN_PLACE ? recv : send, bytes);
      for (let j = 0; j < upTo; j++) {
        if (j !== comm.rank) this.#a.awaitRank(comm, j, Coll.ENTERED, seq, call, true, true);
      }
      this.#a.sameReduction(comm, bytes, datatype, op, -1, seq, upTo);
      if (upTo > 0) this.#combineInline(comm, seq, upTo, recv, count, datatype, op);
      return;
    }
    const seq = this.#a.enter(comm, call, args);
    this.#a.awaitAll(comm, Coll.ENTERED, seq, call);
    this.#a.sameReduction(comm, bytes, datatype, op, -1);
    if (upTo === 0) {
      this.#a.finish(comm, seq, call);
      return;
    }
    const scratch = this.#scratchOf(bytes);
    this.#combineRange(comm, 0, upTo, scratch, 0, 0, count, datatype, op);
    this.#a.finish(comm, seq, call);
    copyInto(this.#a.p.memory, recv, scratch, bytes);
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
    const seq = this.#a.enter(comm, "Reduce_scatter_block", { send, recv, bytes, datatype, op });
    this.#a.awaitAll(comm, Coll.ENTERED, seq, "Reduce_scatter_block");
    this.#a.sameReduction(comm, bytes, datatype, op, -1);
    const scratch = this.#scratchOf(bytes);
    this.#combineRange(comm, 0, comm.size, scratch, 0, comm.rank * bytes, count, datatype, op);
    this.#a.finish(comm, seq, "Reduce_scatter_block");
    copyInto(this.#a.p.memory, recv, scratch, bytes);
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
    const ctrl = this.#ctrl;
    const dst = this.#a.p.memory.buffer;
    const operand = (j: number): number => this.#a.inline(comm, j, seq) + Inline.DATA;
    if (end === 1) {
      const bytes = count * (DATATYPE_SIZES[datatype] as number);
      copyBytes(this.#a.ctrlViews, operand(0), this.#a.p.memory, recv, bytes);
      return;
    }
    combine(op, datatype, dst, recv, ctrl, operand(0), ctrl, operand(1), count);
    for (let j = 2; j < end; j++) accumulate(op, datatype, dst, recv, ctrl, operand(j), count);
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
      const r = this.#a.record(comm, j);
      const send = this.#a.word(r, Coll.SEND);
      const from = (send === IN_PLACE ? this.#a.word(r, Coll.RECV) : send) + offset;
      const mem = this.#a.memoryOf(comm, j);
      if (!mem.contains(from, bytes)) throw outside(j);
      return [mem.buffer, from];
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
