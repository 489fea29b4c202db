import { IN_PLACE } from "../../../abi.js";
import { agree, mismatch, sameRoot } from "../../../engine/agreement.js";
import type { CollectiveCall } from "../../../engine/collective-area.js";
import type { Collectives } from "../../../engine/collectives.js";
import type { Communicator } from "../../../engine/comms.js";
import type { LinearMemory } from "../../../engine/memory.js";
import type { CollectiveMail } from "./collective-mail.js";
import { copyIn, copyOut, copyWithin } from "./copies.js";
import type { ImportCall } from "./replay.js";
import type { CollectiveWire } from "./wire.js";

type Scatterv = Parameters<Collectives["scatterv"]>[1];
type Gatherv = Parameters<Collectives["gatherv"]>[1];
type Allgatherv = Parameters<Collectives["allgatherv"]>[1];
type Alltoallv = Parameters<Collectives["alltoallv"]>[1];

/**
 * The collectives that move data, made of messages: each rank sends its part straight to the
 * ranks that need it (a root to every rank, every rank to a root, or every rank to every
 * other), so that data takes one hop (a Barrier takes two: in to rank 0 and back out). Each
 * message carries its sender's arguments, checked with the engine's agreement checks. The
 * imports' own checks run first, in the engine; each call here runs as a task of the import
 * call (see replay.ts).
 */
export class CopyingCollectives implements Pick<Collectives, keyof Collectives> {
  constructor(
    readonly mail: CollectiveMail,
    readonly memory: LinearMemory,
    readonly call: ImportCall,
  ) {}

  barrier(comm: Communicator): void {
    this.call.task(() => this.synchronize(comm, "Barrier"));
  }

  bcast(comm: Communicator, ptr: number, bytes: number, root: number): void {
    this.call.task(() => this.#bcast(comm, ptr, bytes, root));
  }

  scatter(comm: Communicator, send: number, recv: number, blockBytes: number, root: number): void {
    this.call.task(() => this.#scatter(comm, send, recv, blockBytes, root));
  }

  gather(comm: Communicator, send: number, recv: number, blockBytes: number, root: number): void {
    this.call.task(() => this.#gather(comm, send, recv, blockBytes, root));
  }

  allgather(comm: Communicator, send: number, recv: number, blockBytes: number): void {
    this.call.task(() => this.#allgather(comm, send, recv, blockBytes));
  }

  alltoall(comm: Communicator, send: number, recv: number, blockBytes: number): void {
    this.call.task(() => this.#alltoall(comm, send, recv, blockBytes));
  }

  scatterv(comm: Communicator, args: Scatterv): void {
    this.call.task(() => this.#scatterv(comm, args));
  }

  gatherv(comm: Communicator, args: Gatherv): void {
    this.call.task(() => this.#gatherv(comm, args));
  }

  allgatherv(comm: Communicator, args: Allgatherv): void {
    this.call.task(() => this.#allgatherv(comm, args));
  }

  alltoallv(comm: Communicator, args: Alltoallv): void {
    this.call.task(() => this.#alltoallv(comm, args));
  }

  /** Returns once every rank of `comm` has called `call`: all tell rank 0, which answers. */
  async synchronize(comm: Communicator, call: CollectiveCall): Promise<void> {
    const seq = this.mail.start(comm);
    if (comm.size === 1) return;
    if (comm.rank !== 0) {
      this.mail.send(comm, seq, 0, call, {});
      await this.mail.receive(comm, seq, 0, call);
      return;
    }
    await this.mail.receiveAll(comm, seq, call);
    for (let j = 1; j < comm.size; j++) this.mail.send(comm, seq, j, call, {});
  }

  async #bcast(comm: Communicator, ptr: number, bytes: number, root: number): Promise<void> {
    const seq = this.mail.start(comm);
    if (comm.rank === root) {
      for (let j = 0; j < comm.size; j++) {
        if (j !== root) this.#send(comm, seq, j, "Bcast", { root, bytes }, ptr, bytes);
      }
      return;
    }
    const wire = await this.mail.receive(comm, seq, root, "Bcast");
    sameRoot(comm, wire.root, root, "Bcast");
    if (wire.bytes !== bytes) {
      throw mismatch(`the root sends ${wire.bytes} bytes, this rank's buffer holds ${bytes}`);
    }
    this.#write(wire, ptr);
  }

  async #scatter(comm: Communicator, send: number, recv: number, block: number, root: number) {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    if (me === root) {
      for (let j = 0; j < comm.size; j++) {
        if (j !== me)
          this.#send(comm, seq, j, "Scatter", { root, bytes: block }, send + j * block, block);
      }
      if (recv !== IN_PLACE) copyWithin(this.memory, send + me * block, recv, block);
      return;
    }
    const wire = await this.mail.receive(comm, seq, root, "Scatter");
    sameRoot(comm, wire.root, root, "Scatter");
    agree(wire.bytes, block, "the root sends");
    this.#write(wire, recv);
  }

  async #gather(comm: Communicator, send: number, recv: number, block: number, root: number) {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    if (me !== root) {
      this.#send(comm, seq, root, "Gather", { root, bytes: block }, send, block);
      return;
    }
    if (send !== IN_PLACE) copyWithin(this.memory, send, recv + me * block, block);
    for (let j = 0; j < comm.size; j++) {
      if (j === me) continue;
      const wire = await this.mail.receive(comm, seq, j, "Gather");
      agree(wire.bytes, block, `rank ${j} sends`);
      this.#write(wire, recv + j * block);
    }
  }

  async #allgather(comm: Communicator, send: number, recv: number, block: number) {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    const mine = send === IN_PLACE ? recv + me * block : send;
    for (let j = 0; j < comm.size; j++) {
      if (j !== me) this.#send(comm, seq, j, "Allgather", { bytes: block }, mine, block);
    }
    if (send !== IN_PLACE) copyWithin(this.memory, send, recv + me * block, block);
    for (let j = 0; j < comm.size; j++) {
      if (j === me) continue;
      const wire = await this.mail.receive(comm, seq, j, "Allgather");
      agree(wire.bytes, block, `rank ${j} sends`);
      this.#write(wire, recv + j * block);
    }
  }

  async #alltoall(comm: Communicator, send: number, recv: number, block: number) {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    for (let j = 0; j < comm.size; j++) {
      if (j !== me) this.#send(comm, seq, j, "Alltoall", { bytes: block }, send + j * block, block);
    }
    copyWithin(this.memory, send + me * block, recv + me * block, block);
    for (let j = 0; j < comm.size; j++) {
      if (j === me) continue;
      const wire = await this.mail.receive(comm, seq, j, "Alltoall");
      agree(wire.bytes, block, `rank ${j} sends`);
      this.#write(wire, recv + j * block);
    }
  }

  async #scatterv(comm: Communicator, a: Scatterv): Promise<void> {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    const { root } = a;
    if (me === root) {
      for (let j = 0; j < comm.size; j++) {
        const bytes = this.#i32(a.counts, j) * a.element;
        const from = a.send + this.#i32(a.displs, j) * a.element;
        if (j !== me) this.#send(comm, seq, j, "Scatterv", { root, bytes }, from, bytes);
        else if (a.recv !== IN_PLACE) {
          agree(bytes, a.recvBytes, "the root sends");
          copyWithin(this.memory, from, a.recv, bytes);
        }
      }
      return;
    }
    const wire = await this.mail.receive(comm, seq, root, "Scatterv");
    sameRoot(comm, wire.root, root, "Scatterv");
    agree(wire.bytes, a.recvBytes, "the root sends");
    this.#write(wire, a.recv);
  }

  async #gatherv(comm: Communicator, a: Gatherv): Promise<void> {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    const { root } = a;
    if (me !== root) {
      this.#send(comm, seq, root, "Gatherv", { root, bytes: a.bytes }, a.send, a.bytes);
      return;
    }
    for (let j = 0; j < comm.size; j++) {
      const bytes = this.#i32(a.counts, j) * a.element;
      const to = a.recv + this.#i32(a.displs, j) * a.element;
      if (j === me) {
        if (a.send === IN_PLACE) continue;
        agree(bytes, a.bytes, "the root receives");
        copyWithin(this.memory, a.send, to, bytes);
        continue;
      }
      const wire = await this.mail.receive(comm, seq, j, "Gatherv");
      agree(wire.bytes, bytes, `rank ${j} sends`);
      this.#write(wire, to);
    }
  }

  async #allgatherv(comm: Communicator, a: Allgatherv): Promise<void> {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    const at = (j: number): number => a.recv + this.#i32(a.recvDispls, j) * a.element;
    const mine = a.send === IN_PLACE ? at(me) : a.send;
    for (let j = 0; j < comm.size; j++) {
      if (j !== me) this.#send(comm, seq, j, "Allgatherv", { bytes: a.bytes }, mine, a.bytes);
    }
    if (a.send !== IN_PLACE) {
      agree(a.bytes, this.#i32(a.recvCounts, me) * a.element, "this rank sends");
      copyWithin(this.memory, a.send, at(me), a.bytes);
    }
    for (let j = 0; j < comm.size; j++) {
      if (j === me) continue;
      const wire = await this.mail.receive(comm, seq, j, "Allgatherv");
      agree(wire.bytes, this.#i32(a.recvCounts, j) * a.element, `rank ${j} sends`);
      this.#write(wire, at(j));
    }
  }

  async #alltoallv(comm: Communicator, a: Alltoallv): Promise<void> {
    const seq = this.mail.start(comm);
    const me = comm.rank;
    const sent = (j: number): [number, number] => [
      a.send + this.#i32(a.displs, j) * a.element,
      this.#i32(a.counts, j) * a.element,
    ];
    const received = (j: number): [number, number] => [
      a.recv + this.#i32(a.recvDispls, j) * a.element,
      this.#i32(a.recvCounts, j) * a.element,
    ];
    for (let j = 0; j < comm.size; j++) {
      const [from, bytes] = sent(j);
      if (j !== me) this.#send(comm, seq, j, "Alltoallv", { bytes }, from, bytes);
    }
    const [from, bytes] = sent(me);
    const [to, expected] = received(me);
    agree(bytes, expected, "this rank sends");
    copyWithin(this.memory, from, to, bytes);
    for (let j = 0; j < comm.size; j++) {
      if (j === me) continue;
      const wire = await this.mail.receive(comm, seq, j, "Alltoallv");
      const [at, wanted] = received(j);
      agree(wire.bytes, wanted, `rank ${j} sends`);
      this.#write(wire, at);
    }
  }

  /** Sends a copy of [ptr, ptr + bytes) of this rank's memory. */
  #send(
    comm: Communicator,
    seq: number,
    peer: number,
    call: CollectiveCall,
    said: { root?: number; bytes: number },
    ptr: number,
    bytes: number,
  ): void {
    this.mail.send(comm, seq, peer, call, said, copyOut(this.memory, ptr, bytes));
  }

  #write(wire: CollectiveWire, ptr: number): void {
    if (wire.data !== null) copyIn(this.memory, ptr, wire.data);
  }

  /** The i32 at `base + 4 * j` of this rank's memory (a count or a displacement). */
  #i32(base: number, j: number): number {
    const at = base + j * 4;
    // The imports checked the range; `contains` renews the view if the memory has grown.
    this.memory.contains(at, 4);
    return this.memory.data.getInt32(at, true);
  }
}
