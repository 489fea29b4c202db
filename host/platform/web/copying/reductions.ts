import { DATATYPE_SIZES, IN_PLACE } from "../../../abi.js";
import { type Reduction, sameReduction } from "../../../engine/agreement.js";
import type { Communicator } from "../../../engine/comms.js";
import type { LinearMemory } from "../../../engine/memory.js";
import { accumulate, combine } from "../../../engine/reduce.js";
import type { Reductions } from "../../../engine/reductions.js";
import type { CollectiveMail } from "./collective-mail.js";
import { copyIn, copyOut } from "./copies.js";
import type { ImportCall } from "./replay.js";
import type { CollectiveWire } from "./wire.js";

/** An operand: a buffer and the byte offset of its first element. */
type Operand = readonly [ArrayBufferLike, number];

/**
 * The reductions, made of messages and combined with the engine's reduction loops. Every
 * result is combined in rank order, as the engine does, so that every rank gets the same bits
 * as it would with shared memory, floating point included. Allreduce is a Reduce to rank 0
 * that sends the result back: two hops, one copy of the operand and one of the result.
 */
export class CopyingReductions implements Pick<Reductions, keyof Reductions> {
  constructor(
    readonly mail: CollectiveMail,
    readonly memory: LinearMemory,
    readonly call: ImportCall,
  ) {}

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
    this.call.task(() => this.#reduce(comm, call, send, recv, count, datatype, op, root));
  }

  scan(
    comm: Communicator,
    call: "Scan" | "Exscan",
    send: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
  ): void {
    this.call.task(() => this.#scan(comm, call, send, recv, count, datatype, op));
  }

  reduceScatterBlock(
    comm: Communicator,
    send: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
  ): void {
    this.call.task(() => this.#reduceScatterBlock(comm, send, recv, count, datatype, op));
  }

  async #reduce(
    comm: Communicator,
    call: "Reduce" | "Allreduce",
    send: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
    root: number,
  ): Promise<void> {
    const seq = this.mail.start(comm);
    const bytes = count * (DATATYPE_SIZES[datatype] as number);
    const mine: Reduction = { root, bytes, datatype, op };
    const operand = send === IN_PLACE ? recv : send;
    // Allreduce reduces at rank 0, which sends the result back.
    const target = call === "Allreduce" ? 0 : root;
    if (comm.rank !== target) {
      this.mail.send(comm, seq, target, call, mine, copyOut(this.memory, operand, bytes));
      if (call === "Reduce") return;
      const result = await this.mail.receive(comm, seq, target, call);
      sameReduction(target, result, mine);
      copyIn(this.memory, recv, result.data as ArrayBuffer);
      return;
    }
    const parts = await this.mail.receiveAll(comm, seq, call);
    const result = this.#combine(comm, parts, mine, operand, comm.size, count);
    if (call === "Allreduce") {
      for (let j = 0; j < comm.size; j++) {
        if (j !== comm.rank) this.mail.send(comm, seq, j, call, mine, result.slice(0));
      }
    }
    copyIn(this.memory, recv, result);
  }

  /** Scan and Exscan: every rank sends its operand to the ranks after it. */
  async #scan(
    comm: Communicator,
    call: "Scan" | "Exscan",
    send: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
  ): Promise<void> {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    const bytes = count * (DATATYPE_SIZES[datatype] as number);
    const mine: Reduction = { root: -1, bytes, datatype, op };
    const operand = send === IN_PLACE ? recv : send;
    for (let j = me + 1; j < comm.size; j++) {
      this.mail.send(comm, seq, j, call, mine, copyOut(this.memory, operand, bytes));
    }
    const parts = await this.mail.receiveAll(comm, seq, call, (j) => j < me);
    const upTo = call === "Scan" ? me + 1 : me;
    // Exscan leaves rank 0's receive buffer as it is, as MPI does.
    if (upTo === 0) return;
    copyIn(this.memory, recv, this.#combine(comm, parts, mine, operand, upTo, count));
  }

  /** Rank i gets block i of the combination: every rank sends block j to rank j. */
  async #reduceScatterBlock(
    comm: Communicator,
    send: number,
    recv: number,
    count: number,
    datatype: number,
    op: number,
  ): Promise<void> {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    const bytes = count * (DATATYPE_SIZES[datatype] as number);
    const mine: Reduction = { root: -1, bytes, datatype, op };
    const operand = send === IN_PLACE ? recv : send;
    const call = "Reduce_scatter_block";
    for (let j = 0; j < comm.size; j++) {
      if (j === me) continue;
      this.mail.send(comm, seq, j, call, mine, copyOut(this.memory, operand + j * bytes, bytes));
    }
    const parts = await this.mail.receiveAll(comm, seq, call);
    const result = this.#combine(comm, parts, mine, operand + me * bytes, comm.size, count);
    copyIn(this.memory, recv, result);
  }

  /**
   * Checks every part against this rank's arguments, then combines the operands of ranks
   * 0..end-1 in rank order (this rank's own at `own` in its memory) into a new buffer.
   */
  #combine(
    comm: Communicator,
    parts: readonly (CollectiveWire | null)[],
    mine: Reduction,
    own: number,
    end: number,
    count: number,
  ): ArrayBuffer {
    parts.forEach((part, j) => {
      if (part !== null) sameReduction(j, part, mine);
    });
    const { datatype, op, bytes } = mine;
    // `contains` renews the memory's buffer if it has grown.
    this.memory.contains(own, bytes);
    const operand = (j: number): Operand =>
      j === comm.rank ? [this.memory.buffer, own] : [parts[j]?.data as ArrayBuffer, 0];
    const result = new ArrayBuffer(bytes);
    const [a, aAt] = operand(0);
    if (end === 1) {
      new Uint8Array(result).set(new Uint8Array(a, aAt, bytes));
      return result;
    }
    const [b, bAt] = operand(1);
    combine(op, datatype, result, 0, a, aAt, b, bAt, count);
    for (let j = 2; j < end; j++) {
      const [c, cAt] = operand(j);
      accumulate(op, datatype, result, 0, c, cAt, count);
    }
    return result;
  }
}
