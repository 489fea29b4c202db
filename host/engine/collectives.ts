import { IN_PLACE } from "../abi.js";
import { type Args, type CollectiveArea, mismatch, readPair } from "./collective-area.js";
import type { Communicator } from "./comms.js";
import { Coll, Inline } from "./layout.js";
import { copyBytes } from "./memory.js";

/**
 * The collectives that move data, straight through shared memory: every rank publishes the
 * addresses of its buffers, then ranks read (or write) each other's buffers directly. No
 * collective is made of point-to-point messages. Small ones travel through inline slots in
 * the control memory in one round.
 */
export class Collectives {
  readonly #a: CollectiveArea;

  constructor(area: CollectiveArea) {
    this.#a = area;
  }

  barrier(comm: Communicator): void {
    const seq = this.#a.enterBare(comm, "Barrier");
    this.#a.awaitAll(comm, Coll.ENTERED, seq, "Barrier");
  }

  bcast(comm: Communicator, ptr: number, bytes: number, root: number): void {
    if (bytes <= this.#a.inlineData) {
      const isRoot = comm.rank === root;
      const seq = this.#a.enter(comm, "Bcast", { root, bytes }, isRoot ? ptr : -1, bytes);
      if (isRoot) return;
      this.#a.awaitRank(comm, root, Coll.ENTERED, seq, "Bcast", true, true);
      const slot = this.#a.inline(comm, root, seq);
      const h = slot >> 2;
      this.#a.sameRoot(comm, h + Inline.ROOT, root, "Bcast");
      const rootBytes = this.#a.p.ctrl[h + Inline.BYTES] as number;
      if (rootBytes !== bytes) {
        throw mismatch(`the root sends ${rootBytes} bytes, this rank's buffer holds ${bytes}`);
      }
      copyBytes(this.#a.ctrlViews, slot + Inline.DATA, this.#a.p.memory, ptr, bytes);
      return;
    }
    const seq = this.#a.enter(comm, "Bcast", { root, send: ptr, bytes });
    if (comm.rank === root) {
      this.#a.awaitAll(comm, Coll.DONE, seq, "Bcast");
      return;
    }
    const r = this.#a.awaitRank(comm, root, Coll.ENTERED, seq, "Bcast");
    this.#a.sameRoot(comm, r + Coll.ROOT, root, "Bcast");
    const rootBytes = this.#a.word(r, Coll.BYTES);
    if (rootBytes !== bytes) {
      throw mismatch(`the root sends ${rootBytes} bytes, this rank's buffer holds ${bytes}`);
    }
    this.#a.pull(comm, root, this.#a.word(r, Coll.SEND), this.#a.p.memory, ptr, bytes);
    this.#a.stage(comm, Coll.DONE, seq);
  }

  /** Block `blockBytes` of the root's send buffer to each rank, in rank order. */
  scatter(comm: Communicator, send: number, recv: number, blockBytes: number, root: number): void {
    const me = comm.rank;
    if (blockBytes * comm.size <= this.#a.inlineData) {
      const args = { root, bytes: blockBytes };
      if (me === root) {
        this.#a.enter(comm, "Scatter", args, send, blockBytes * comm.size);
        if (recv !== IN_PLACE) this.#a.local(send + me * blockBytes, recv, blockBytes);
        return;
      }
      const seq = this.#a.enter(comm, "Scatter", args);
      const data = this.#inlineFrom(comm, root, seq, "Scatter", root, blockBytes, "the root sends");
      copyBytes(this.#a.ctrlViews, data + me * blockBytes, this.#a.p.memory, recv, blockBytes);
      return;
    }
    const seq = this.#a.enter(comm, "Scatter", { root, send, recv, bytes: blockBytes });
    if (me === root) {
      if (recv !== IN_PLACE) this.#a.local(send + me * blockBytes, recv, blockBytes);
      this.#a.awaitAll(comm, Coll.DONE, seq, "Scatter");
      return;
    }
    const r = this.#a.awaitRank(comm, root, Coll.ENTERED, seq, "Scatter");
    this.#a.sameRoot(comm, r + Coll.ROOT, root, "Scatter");
    this.#a.sameBlock(r, blockBytes, "the root sends");
    const from = this.#a.word(r, Coll.SEND) + me * blockBytes;
    this.#a.pull(comm, root, from, this.#a.p.memory, recv, blockBytes);
    this.#a.stage(comm, Coll.DONE, seq);
  }

  /** Each rank's block into the root's receive buffer, in rank order (ranks write in parallel). */
  gather(comm: Communicator, send: number, recv: number, blockBytes: number, root: number): void {
    const me = comm.rank;
    if (blockBytes * comm.size <= this.#a.inlineData) {
      const mine = send === IN_PLACE ? recv + me * blockBytes : send;
      const seq = this.#a.enter(comm, "Gather", { root, bytes: blockBytes }, mine, blockBytes);
      if (me !== root) return;
      if (send !== IN_PLACE) this.#a.local(send, recv + me * blockBytes, blockBytes);
      for (let i = 1; i < comm.size; i++) {
        const j = (me + i) % comm.size;
        const data = this.#inlineFrom(comm, j, seq, "Gather", root, blockBytes, `rank ${j} sends`);
        copyBytes(this.#a.ctrlViews, data, this.#a.p.memory, recv + j * blockBytes, blockBytes);
      }
      return;
    }
    const seq = this.#a.enter(comm, "Gather", { root, send, recv, bytes: blockBytes });
    if (me === root) {
      if (send !== IN_PLACE) this.#a.local(send, recv + me * blockBytes, blockBytes);
      this.#a.awaitAll(comm, Coll.DONE, seq, "Gather");
      return;
    }
    const r = this.#a.awaitRank(comm, root, Coll.ENTERED, seq, "Gather");
    this.#a.sameRoot(comm, r + Coll.ROOT, root, "Gather");
    this.#a.sameBlock(r, blockBytes, "the root receives");
    const to = this.#a.word(r, Coll.RECV) + me * blockBytes;
    this.#a.push(comm, root, send, to, blockBytes);
    this.#a.stage(comm, Coll.DONE, seq);
  }

  allgather(comm: Communicator, send: number, recv: number, blockBytes: number): void {
    if (blockBytes <= this.#a.inlineData) {
      const me = comm.rank;
      const mine = send === IN_PLACE ? recv + me * blockBytes : send;
      const seq = this.#a.enter(comm, "Allgather", { bytes: blockBytes }, mine, blockBytes);
      if (send !== IN_PLACE) this.#a.local(send, recv + me * blockBytes, blockBytes);
      for (let i = 1; i < comm.size; i++) {
        const j = (me + i) % comm.size;
        const data = this.#inlineFrom(comm, j, seq, "Allgather", -1, blockBytes, `rank ${j} sends`);
        copyBytes(this.#a.ctrlViews, data, this.#a.p.memory, recv + j * blockBytes, blockBytes);
      }
      return;
    }
    const seq = this.#a.enter(comm, "Allgather", { send, recv, bytes: blockBytes });
    this.#a.awaitAll(comm, Coll.ENTERED, seq, "Allgather");
    const me = comm.rank;
    if (send !== IN_PLACE) this.#a.local(send, recv + me * blockBytes, blockBytes);
    for (let i = 1; i < comm.size; i++) {
      const j = (me + i) % comm.size;
      const r = this.#a.record(comm, j);
      this.#a.sameBlock(r, blockBytes, `rank ${j} sends`);
      const theirs = this.#a.word(r, Coll.SEND);
      const from = theirs === IN_PLACE ? this.#a.word(r, Coll.RECV) + j * blockBytes : theirs;
      this.#a.pull(comm, j, from, this.#a.p.memory, recv + j * blockBytes, blockBytes);
    }
    this.#a.finish(comm, seq, "Allgather");
  }

  alltoall(comm: Communicator, send: number, recv: number, blockBytes: number): void {
    if (blockBytes * comm.size <= this.#a.inlineData) {
      const me = comm.rank;
      const all = blockBytes * comm.size;
      const seq = this.#a.enter(comm, "Alltoall", { bytes: blockBytes }, send, all);
      this.#a.local(send + me * blockBytes, recv + me * blockBytes, blockBytes);
      for (let i = 1; i < comm.size; i++) {
        const j = (me + i) % comm.size;
        const data = this.#inlineFrom(comm, j, seq, "Alltoall", -1, blockBytes, `rank ${j} sends`);
        const to = recv + j * blockBytes;
        copyBytes(this.#a.ctrlViews, data + me * blockBytes, this.#a.p.memory, to, blockBytes);
      }
      return;
    }
    const seq = this.#a.enter(comm, "Alltoall", { send, recv, bytes: blockBytes });
    this.#a.awaitAll(comm, Coll.ENTERED, seq, "Alltoall");
    const me = comm.rank;
    this.#a.local(send + me * blockBytes, recv + me * blockBytes, blockBytes);
    for (let i = 1; i < comm.size; i++) {
      const j = (me + i) % comm.size;
      const r = this.#a.record(comm, j);
      this.#a.sameBlock(r, blockBytes, `rank ${j} sends`);
      const from = this.#a.word(r, Coll.SEND) + me * blockBytes;
      this.#a.pull(comm, j, from, this.#a.p.memory, recv + j * blockBytes, blockBytes);
    }
    this.#a.finish(comm, seq, "Alltoall");
  }

  /**
   * Waits for `peer` to enter collective `seq` with its data inline, checks the root and block
   * size it published there, and returns the byte offset of that data in the control memory.
   */
  #inlineFrom(
    comm: Communicator,
    peer: number,
    seq: number,
    call: "Scatter" | "Gather" | "Allgather" | "Alltoall",
    root: number,
    blockBytes: number,
    who: string,
  ): number {
    this.#a.awaitRank(comm, peer, Coll.ENTERED, seq, call, true, true);
    const slot = this.#a.inline(comm, peer, seq);
    const h = slot >> 2;
    if (root >= 0) this.#a.sameRoot(comm, h + Inline.ROOT, root, call);
    this.#a.agree(this.#a.p.ctrl[h + Inline.BYTES] as number, blockBytes, who);
    return slot + Inline.DATA;
  }

  /** Scatterv: `counts`/`displs` (root only) are i32 arrays in elements of `element` bytes. */
  scatterv(
    comm: Communicator,
    args: Required<
      Pick<Args, "send" | "recv" | "recvBytes" | "counts" | "displs" | "element" | "root">
    >,
  ): void {
    const { root, recv, recvBytes, element } = args;
    const seq = this.#a.enter(comm, "Scatterv", args);
    const me = comm.rank;
    if (me === root) {
      const mem = this.#a.p.memory;
      if (recv !== IN_PLACE) {
        const count = mem.data.getInt32(args.counts + me * 4, true);
        const displ = mem.data.getInt32(args.displs + me * 4, true);
        this.#a.agree(count * element, recvBytes, "the root sends");
        this.#a.local(args.send + displ * element, recv, count * element);
      }
      this.#a.awaitAll(comm, Coll.DONE, seq, "Scatterv");
      return;
    }
    const r = this.#a.awaitRank(comm, root, Coll.ENTERED, seq, "Scatterv");
    this.#a.sameRoot(comm, r + Coll.ROOT, root, "Scatterv");
    const rootMem = this.#a.memoryOf(comm, root);
    const at = this.#a.word(r, Coll.COUNTS) + me * 4;
    const displAt = this.#a.word(r, Coll.DISPLS) + me * 4;
    const [count, displ] = readPair(rootMem, at, displAt, root);
    const rootElement = this.#a.word(r, Coll.ELEMENT);
    this.#a.agree(count * rootElement, recvBytes, "the root sends");
    this.#a.pull(
      comm,
      root,
      this.#a.word(r, Coll.SEND) + displ * rootElement,
      this.#a.p.memory,
      recv,
      recvBytes,
    );
    this.#a.stage(comm, Coll.DONE, seq);
  }

  gatherv(
    comm: Communicator,
    args: Required<
      Pick<Args, "send" | "recv" | "bytes" | "counts" | "displs" | "element" | "root">
    >,
  ): void {
    const { root, send, bytes, element } = args;
    const seq = this.#a.enter(comm, "Gatherv", args);
    const me = comm.rank;
    if (me === root) {
      if (send !== IN_PLACE) {
        const mem = this.#a.p.memory;
        const count = mem.data.getInt32(args.counts + me * 4, true);
        const displ = mem.data.getInt32(args.displs + me * 4, true);
        this.#a.agree(count * element, bytes, "the root receives");
        this.#a.local(send, args.recv + displ * element, bytes);
      }
      this.#a.awaitAll(comm, Coll.DONE, seq, "Gatherv");
      return;
    }
    const r = this.#a.awaitRank(comm, root, Coll.ENTERED, seq, "Gatherv");
    this.#a.sameRoot(comm, r + Coll.ROOT, root, "Gatherv");
    const rootMem = this.#a.memoryOf(comm, root);
    const [count, displ] = readPair(
      rootMem,
      this.#a.word(r, Coll.COUNTS) + me * 4,
      this.#a.word(r, Coll.DISPLS) + me * 4,
      root,
    );
    const rootElement = this.#a.word(r, Coll.ELEMENT);
    this.#a.agree(count * rootElement, bytes, "the root receives");
    this.#a.push(comm, root, send, this.#a.word(r, Coll.RECV) + displ * rootElement, bytes);
    this.#a.stage(comm, Coll.DONE, seq);
  }

  allgatherv(
    comm: Communicator,
    args: Required<Pick<Args, "send" | "recv" | "bytes" | "recvCounts" | "recvDispls" | "element">>,
  ): void {
    const { send, recv, bytes, element } = args;
    const seq = this.#a.enter(comm, "Allgatherv", args);
    this.#a.awaitAll(comm, Coll.ENTERED, seq, "Allgatherv");
    const me = comm.rank;
    const mem = this.#a.p.memory;
    for (let i = 0; i < comm.size; i++) {
      const j = (me + i) % comm.size;
      const count = mem.data.getInt32(args.recvCounts + j * 4, true);
      const displ = mem.data.getInt32(args.recvDispls + j * 4, true);
      const to = recv + displ * element;
      if (j === me) {
        if (send !== IN_PLACE) {
          this.#a.agree(bytes, count * element, "this rank sends");
          this.#a.local(send, to, bytes);
        }
        continue;
      }
      const r = this.#a.record(comm, j);
      const theirBytes = this.#a.word(r, Coll.BYTES);
      this.#a.agree(theirBytes, count * element, `rank ${j} sends`);
      const theirs = this.#a.word(r, Coll.SEND);
      let from = theirs;
      if (theirs === IN_PLACE) {
        // Rank j's block is in its own receive buffer, at its own displacement for j.
        const jMem = this.#a.memoryOf(comm, j);
        const [, jDispl] = readPair(
          jMem,
          this.#a.word(r, Coll.RECV_COUNTS) + j * 4,
          this.#a.word(r, Coll.RECV_DISPLS) + j * 4,
          j,
        );
        from = this.#a.word(r, Coll.RECV) + jDispl * this.#a.word(r, Coll.ELEMENT);
      }
      this.#a.pull(comm, j, from, mem, to, count * element);
    }
    this.#a.finish(comm, seq, "Allgatherv");
  }

  alltoallv(
    comm: Communicator,
    args: Required<
      Pick<Args, "send" | "recv" | "counts" | "displs" | "recvCounts" | "recvDispls" | "element">
    >,
  ): void {
    const { recv, element } = args;
    const seq = this.#a.enter(comm, "Alltoallv", args);
    this.#a.awaitAll(comm, Coll.ENTERED, seq, "Alltoallv");
    const me = comm.rank;
    const mem = this.#a.p.memory;
    for (let i = 0; i < comm.size; i++) {
      const j = (me + i) % comm.size;
      const count = mem.data.getInt32(args.recvCounts + j * 4, true);
      const displ = mem.data.getInt32(args.recvDispls + j * 4, true);
      const r = this.#a.record(comm, j);
      const jMem = this.#a.memoryOf(comm, j);
      const [theirCount, theirDispl] = readPair(
        jMem,
        this.#a.word(r, Coll.COUNTS) + me * 4,
        this.#a.word(r, Coll.DISPLS) + me * 4,
        j,
      );
      const theirElement = this.#a.word(r, Coll.ELEMENT);
      this.#a.agree(theirCount * theirElement, count * element, `rank ${j} sends`);
      const from = this.#a.word(r, Coll.SEND) + theirDispl * theirElement;
      this.#a.pull(comm, j, from, mem, recv + displ * element, count * element);
    }
    this.#a.finish(comm, seq, "Alltoallv");
  }

  /**
   * Reduce and Allreduce (`root` -1). Every result is combined in rank order, so that every
   * rank gets the same bits even for floating point. Small operands: every rank combines all
   * of them. Large ones: rank i combines the i-th chunk straight from every peer's memory
   * (reduce-scatter), then the chunks are gathered (to every rank, or only to the root).
   */
}
