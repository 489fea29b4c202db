// Communicators: the buffer methods (Uppercase, zero serialization) and the object methods
// (lowercase, any supported value with a type tag), as in mpi4py.
import * as abi from "./bindings";
import {
  addressOf,
  blockOffsets,
  dataOf,
  datatypeOf,
  expectAtRoot,
  expectLength,
  IN_PLACE,
  lengthOf,
  operandOf,
  sameBuffer,
} from "./buffers";
import { check, fail } from "./errors";
import {
  allgatherObject,
  alltoallObject,
  BYTE_CODE,
  bcastObject,
  gatherObject,
  Reduction,
  receiveObject,
  reduceNumber,
  scatterObject,
} from "./objects";
import { Request } from "./request";
import { encode } from "./serialize";
import { ANY_SOURCE, ANY_TAG, Op, Status, SUM } from "./types";

/** The handle a communicator has once freed: every call rejects it (host/abi.ts Comm.FREED). */
const FREED: i32 = -1;

/** A group of ranks that talk to each other. */
export class Comm {
  private cachedRank: i32 = -1;
  private cachedSize: i32 = -1;

  constructor(private _handle: i32) {}

  /** The communicator's handle in the wasmpi ABI (0 for COMM_NULL, -1 once freed). */
  get handle(): i32 {
    return this._handle;
  }

  /** This rank's number in the communicator. */
  Get_rank(): i32 {
    return this.rankFor("Get_rank");
  }

  /** Number of ranks in the communicator. */
  Get_size(): i32 {
    return this.sizeFor("Get_size");
  }

  /** This rank's number; an error is reported as `call`'s. */
  private rankFor(call: string): i32 {
    if (this.cachedRank < 0) {
      const out = memory.data(4);
      check(call, abi.comm_rank(this._handle, out));
      this.cachedRank = load<i32>(out);
    }
    return this.cachedRank;
  }

  /** Number of ranks; an error is reported as `call`'s. */
  private sizeFor(call: string): i32 {
    if (this.cachedSize < 0) {
      const out = memory.data(4);
      check(call, abi.comm_size(this._handle, out));
      this.cachedSize = load<i32>(out);
    }
    return this.cachedSize;
  }

  get rank(): i32 {
    return this.Get_rank();
  }

  get size(): i32 {
    return this.Get_size();
  }

  // ---- buffers -------------------------------------------------------------------------

  /** Sends a buffer; returns when it may be reused. */
  Send<B>(buf: B, dest: i32, tag: i32 = 0): void {
    check("Send", abi.send(dataOf(buf), lengthOf(buf), datatypeOf<B>(), dest, tag, this.handle));
  }

  /** Receives into a buffer that holds at least the message. */
  Recv<B>(
    buf: B,
    source: i32 = ANY_SOURCE,
    tag: i32 = ANY_TAG,
    status: Status | null = null,
  ): void {
    check(
      "Recv",
      abi.recv(
        dataOf(buf),
        lengthOf(buf),
        datatypeOf<B>(),
        source,
        tag,
        this.handle,
        changetype<usize>(status),
      ),
    );
  }

  /** Sends one buffer and receives another at the same time. */
  Sendrecv<B>(
    sendbuf: B,
    dest: i32,
    sendtag: i32,
    recvbuf: B,
    source: i32 = ANY_SOURCE,
    recvtag: i32 = ANY_TAG,
    status: Status | null = null,
  ): void {
    check(
      "Sendrecv",
      abi.sendrecv(
        dataOf(sendbuf),
        lengthOf(sendbuf),
        datatypeOf<B>(),
        dest,
        sendtag,
        dataOf(recvbuf),
        lengthOf(recvbuf),
        datatypeOf<B>(),
        source,
        recvtag,
        this.handle,
        changetype<usize>(status),
      ),
    );
  }

  /** Starts sending a buffer; it must stay unchanged until the request completes. */
  Isend<B>(buf: B, dest: i32, tag: i32 = 0): Request {
    const out = memory.data(4);
    check(
      "Isend",
      abi.isend(dataOf(buf), lengthOf(buf), datatypeOf<B>(), dest, tag, this.handle, out),
    );
    return new Request(load<i32>(out), changetype<usize>(buf));
  }

  /**
   * Starts receiving into a buffer, which must stay unused until the request completes.
   * Messages match pending receives in the order they were started.
   */
  Irecv<B>(buf: B, source: i32 = ANY_SOURCE, tag: i32 = ANY_TAG): Request {
    const out = memory.data(4);
    check(
      "Irecv",
      abi.irecv(dataOf(buf), lengthOf(buf), datatypeOf<B>(), source, tag, this.handle, out),
    );
    return new Request(load<i32>(out), changetype<usize>(buf));
  }

  /** Waits for a matching message and describes it without receiving it. */
  Probe(source: i32 = ANY_SOURCE, tag: i32 = ANY_TAG, status: Status | null = null): void {
    check("Probe", abi.probe(source, tag, this.handle, changetype<usize>(status)));
  }

  /** Whether a matching message can be received now. */
  Iprobe(source: i32 = ANY_SOURCE, tag: i32 = ANY_TAG, status: Status | null = null): bool {
    const flag = memory.data(4);
    check("Iprobe", abi.iprobe(source, tag, this.handle, flag, changetype<usize>(status)));
    return load<i32>(flag) != 0;
  }

  // ---- collectives: buffers ------------------------------------------------------------

  /** Returns once every rank has called it. */
  Barrier(): void {
    check("Barrier", abi.barrier(this.handle));
  }

  /** Broadcasts the root's buffer to every rank. */
  Bcast<B>(buf: B, root: i32 = 0): void {
    check("Bcast", abi.bcast(addressOf(buf), lengthOf(buf), datatypeOf<B>(), root, this.handle));
  }

  /** Rank i receives the i-th block of the root's buffer (size × recvbuf.length elements). */
  Scatter<B>(sendbuf: B | null, recvbuf: B, root: i32 = 0): void {
    const count = lengthOf(recvbuf);
    if (this.rankFor("Scatter") == root) {
      expectAtRoot("Scatter", "send", sendbuf);
      const expected = <i64>this.sizeFor("Scatter") * count;
      const rule = "size × recvbuf.length";
      expectLength("Scatter", "the root's send buffer", lengthOf(sendbuf), expected, rule);
    }
    const type = datatypeOf<B>();
    const send = addressOf(sendbuf);
    const recv = addressOf(recvbuf);
    const sendcount = send != 0 ? count : 0;
    check("Scatter", abi.scatter(send, sendcount, type, recv, count, type, root, this.handle));
  }

  /** The root receives every rank's buffer, in rank order (size × sendbuf.length elements). */
  Gather<B>(sendbuf: B, recvbuf: B | null, root: i32 = 0): void {
    const count = lengthOf(sendbuf);
    if (this.rankFor("Gather") == root) {
      expectAtRoot("Gather", "receive", recvbuf);
      const expected = <i64>this.sizeFor("Gather") * count;
      const rule = "size × sendbuf.length";
      expectLength("Gather", "the root's receive buffer", lengthOf(recvbuf), expected, rule);
    }
    const type = datatypeOf<B>();
    const send = addressOf(sendbuf);
    const recv = addressOf(recvbuf);
    const recvcount = recv != 0 ? count : 0;
    check("Gather", abi.gather(send, count, type, recv, recvcount, type, root, this.handle));
  }

  /** Every rank receives every rank's buffer, in rank order; in place if sendbuf is recvbuf. */
  Allgather<B>(sendbuf: B, recvbuf: B): void {
    const size = this.sizeFor("Allgather");
    const length = lengthOf(recvbuf);
    let send = addressOf(sendbuf);
    let count = lengthOf(sendbuf);
    if (sameBuffer(sendbuf, recvbuf)) {
      // This rank's block is already at its place in recvbuf.
      if (length % size != 0) {
        fail("Allgather", `the buffer holds ${length} elements, not a multiple of ${size} ranks`);
      }
      send = IN_PLACE;
      count = length / size;
    } else {
      const rule = "size × sendbuf.length";
      expectLength("Allgather", "the receive buffer", length, <i64>size * count, rule);
    }
    const type = datatypeOf<B>();
    const recv = addressOf(recvbuf);
    check("Allgather", abi.allgather(send, count, type, recv, count, type, this.handle));
  }

  /** Rank j's i-th block goes to rank i's j-th block (blocks of length / size elements). */
  Alltoall<B>(sendbuf: B, recvbuf: B): void {
    const size = this.sizeFor("Alltoall");
    const length = lengthOf(sendbuf);
    if (length % size != 0) {
      fail("Alltoall", `the send buffer holds ${length} elements, not a multiple of ${size} ranks`);
    }
    const rule = "the send buffer's length";
    expectLength("Alltoall", "the receive buffer", lengthOf(recvbuf), length, rule);
    const type = datatypeOf<B>();
    const count = length / size;
    const send = addressOf(sendbuf);
    const recv = addressOf(recvbuf);
    check("Alltoall", abi.alltoall(send, count, type, recv, count, type, this.handle));
  }

  /** Scatter with a count and an offset per rank (offsets packed in rank order if displs is null). */
  Scatterv<B>(
    sendbuf: B | null,
    counts: Int32Array | null,
    displs: Int32Array | null,
    recvbuf: B,
    root: i32 = 0,
  ): void {
    let sendcounts: usize = 0;
    let offsets: usize = 0;
    if (this.rankFor("Scatterv") == root) {
      expectAtRoot("Scatterv", "send", sendbuf);
      const length = lengthOf(sendbuf);
      const size = this.sizeFor("Scatterv");
      offsets = blockOffsets("Scatterv", "send", counts, displs, size, length).dataStart;
      sendcounts = addressOf(counts);
    }
    const type = datatypeOf<B>();
    const send = addressOf(sendbuf);
    const recv = addressOf(recvbuf);
    const count = lengthOf(recvbuf);
    check(
      "Scatterv",
      abi.scatterv(send, sendcounts, offsets, type, recv, count, type, root, this.handle),
    );
  }

  /** Gather with a count and an offset per rank (offsets packed in rank order if displs is null). */
  Gatherv<B>(
    sendbuf: B,
    recvbuf: B | null,
    counts: Int32Array | null,
    displs: Int32Array | null,
    root: i32 = 0,
  ): void {
    let recvcounts: usize = 0;
    let offsets: usize = 0;
    if (this.rankFor("Gatherv") == root) {
      expectAtRoot("Gatherv", "receive", recvbuf);
      const length = lengthOf(recvbuf);
      const size = this.sizeFor("Gatherv");
      offsets = blockOffsets("Gatherv", "receive", counts, displs, size, length).dataStart;
      recvcounts = addressOf(counts);
    }
    const type = datatypeOf<B>();
    const send = addressOf(sendbuf);
    const count = lengthOf(sendbuf);
    const recv = addressOf(recvbuf);
    check(
      "Gatherv",
      abi.gatherv(send, count, type, recv, recvcounts, offsets, type, root, this.handle),
    );
  }

  /** Allgather with a count and an offset per rank; in place if sendbuf is recvbuf. */
  Allgatherv<B>(sendbuf: B, recvbuf: B, counts: Int32Array, displs: Int32Array): void {
    const length = lengthOf(recvbuf);
    const size = this.sizeFor("Allgatherv");
    const offsets = blockOffsets("Allgatherv", "receive", counts, displs, size, length);
    let send = addressOf(sendbuf);
    let count = lengthOf(sendbuf);
    if (sameBuffer(sendbuf, recvbuf)) {
      send = IN_PLACE;
      count = counts[this.rankFor("Allgatherv")];
    }
    const type = datatypeOf<B>();
    const recv = addressOf(recvbuf);
    check(
      "Allgatherv",
      abi.allgatherv(
        send,
        count,
        type,
        recv,
        counts.dataStart,
        offsets.dataStart,
        type,
        this.handle,
      ),
    );
  }

  /** Alltoall with a count and an offset per block, on both sides. */
  Alltoallv<B>(
    sendbuf: B,
    sendcounts: Int32Array,
    sdispls: Int32Array,
    recvbuf: B,
    recvcounts: Int32Array,
    rdispls: Int32Array,
  ): void {
    const size = this.sizeFor("Alltoallv");
    const sendLength = lengthOf(sendbuf);
    const recvLength = lengthOf(recvbuf);
    const sendOffsets = blockOffsets("Alltoallv", "send", sendcounts, sdispls, size, sendLength);
    const recvOffsets = blockOffsets("Alltoallv", "receive", recvcounts, rdispls, size, recvLength);
    const type = datatypeOf<B>();
    check(
      "Alltoallv",
      abi.alltoallv(
        addressOf(sendbuf),
        sendcounts.dataStart,
        sendOffsets.dataStart,
        type,
        addressOf(recvbuf),
        recvcounts.dataStart,
        recvOffsets.dataStart,
        type,
        this.handle,
      ),
    );
  }

  /** Combines every rank's buffer element-wise with `op` into the root's recvbuf (in place if
   *  the root passes one buffer twice). */
  Reduce<B>(sendbuf: B, recvbuf: B | null, op: Op = SUM, root: i32 = 0): void {
    let send = addressOf(sendbuf);
    if (this.rankFor("Reduce") == root) {
      expectAtRoot("Reduce", "receive", recvbuf);
      send = operandOf("Reduce", sendbuf, changetype<B>(recvbuf));
    }
    const count = lengthOf(sendbuf);
    const recv = addressOf(recvbuf);
    const type = datatypeOf<B>();
    check("Reduce", abi.reduce(send, recv, count, type, op.code, root, this.handle));
  }

  /** Combines every rank's buffer element-wise with `op`; every rank gets the result. */
  Allreduce<B>(sendbuf: B, recvbuf: B, op: Op = SUM): void {
    const send = operandOf("Allreduce", sendbuf, recvbuf);
    const count = lengthOf(recvbuf);
    const type = datatypeOf<B>();
    check("Allreduce", abi.allreduce(send, addressOf(recvbuf), count, type, op.code, this.handle));
  }

  /** Inclusive prefix reduction: rank i gets ranks 0..i combined. */
  Scan<B>(sendbuf: B, recvbuf: B, op: Op = SUM): void {
    const send = operandOf("Scan", sendbuf, recvbuf);
    const count = lengthOf(recvbuf);
    const type = datatypeOf<B>();
    check("Scan", abi.scan(send, addressOf(recvbuf), count, type, op.code, this.handle));
  }

  /** Exclusive prefix reduction: rank i gets ranks 0..i-1 combined; rank 0's recvbuf is left
   *  unchanged. */
  Exscan<B>(sendbuf: B, recvbuf: B, op: Op = SUM): void {
    const send = operandOf("Exscan", sendbuf, recvbuf);
    const count = lengthOf(recvbuf);
    const type = datatypeOf<B>();
    check("Exscan", abi.exscan(send, addressOf(recvbuf), count, type, op.code, this.handle));
  }

  /** Reduces size blocks element-wise; rank i gets block i (size × recvbuf.length elements). */
  Reduce_scatter_block<B>(sendbuf: B, recvbuf: B, op: Op = SUM): void {
    const count = lengthOf(recvbuf);
    const expected = <i64>this.sizeFor("Reduce_scatter_block") * count;
    const rule = "size × recvbuf.length";
    expectLength("Reduce_scatter_block", "the send buffer", lengthOf(sendbuf), expected, rule);
    const send = addressOf(sendbuf);
    const recv = addressOf(recvbuf);
    const type = datatypeOf<B>();
    check(
      "Reduce_scatter_block",
      abi.reduce_scatter_block(send, recv, count, type, op.code, this.handle),
    );
  }

  // ---- objects -------------------------------------------------------------------------

  /** Sends any supported value. */
  send<T>(obj: T, dest: i32, tag: i32 = 0): void {
    const data = encode<T>(obj);
    check(
      "send",
      abi.send(changetype<usize>(data), data.byteLength, BYTE_CODE, dest, tag, this.handle),
    );
  }

  /** Receives a value of type T; a message of another type is a fatal error naming both. */
  recv<T>(source: i32 = ANY_SOURCE, tag: i32 = ANY_TAG, status: Status | null = null): T {
    return receiveObject<T>(this, "recv", source, tag, status);
  }

  /** Sends one value and receives another at the same time. */
  sendrecv<T>(
    obj: T,
    dest: i32,
    sendtag: i32 = 0,
    source: i32 = ANY_SOURCE,
    recvtag: i32 = ANY_TAG,
    status: Status | null = null,
  ): T {
    const request = this.isend<T>(obj, dest, sendtag);
    const result = receiveObject<T>(this, "sendrecv", source, recvtag, status);
    request.Wait();
    return result;
  }

  /** Starts sending any supported value. */
  isend<T>(obj: T, dest: i32, tag: i32 = 0): Request {
    const data = encode<T>(obj);
    const out = memory.data(4);
    check(
      "isend",
      abi.isend(changetype<usize>(data), data.byteLength, BYTE_CODE, dest, tag, this.handle, out),
    );
    return new Request(load<i32>(out), changetype<usize>(data));
  }

  // ---- collectives: objects ------------------------------------------------------------

  /** Returns once every rank has called it. */
  barrier(): void {
    check("barrier", abi.barrier(this.handle));
  }

  /** Broadcasts the root's value; every rank gets a copy. */
  bcast<T>(obj: T, root: i32 = 0): T {
    return bcastObject<T>(this, obj, root, this.rankFor("bcast"));
  }

  /** Rank i gets the root's objs[i] (objs is read at the root only). */
  scatter<T>(objs: Array<T> | null, root: i32 = 0): T {
    return scatterObject<T>(this, objs, root, this.rankFor("scatter"), this.sizeFor("scatter"));
  }

  /** The root gets every rank's value in rank order; the other ranks get null. */
  gather<T>(obj: T, root: i32 = 0): Array<T> | null {
    return gatherObject<T>(this, obj, root, this.rankFor("gather"), this.sizeFor("gather"));
  }

  /** Every rank gets every rank's value, in rank order. */
  allgather<T>(obj: T): Array<T> {
    return allgatherObject<T>(this, obj, this.sizeFor("allgather"));
  }

  /** objs[j] goes to rank j; the i-th value returned comes from rank i. */
  alltoall<T>(objs: Array<T>): Array<T> {
    return alltoallObject<T>(this, objs, this.sizeFor("alltoall"));
  }

  /** Combines every rank's number with `op`; the root gets the result, the others T's zero. */
  reduce<T>(value: T, op: Op = SUM, root: i32 = 0): T {
    return reduceNumber<T>(this, Reduction.Reduce, value, op, root);
  }

  /** Combines every rank's number with `op`; every rank gets the result. */
  allreduce<T>(value: T, op: Op = SUM): T {
    return reduceNumber<T>(this, Reduction.Allreduce, value, op, 0);
  }

  /** Rank i gets the numbers of ranks 0..i combined with `op`. */
  scan<T>(value: T, op: Op = SUM): T {
    return reduceNumber<T>(this, Reduction.Scan, value, op, 0);
  }

  /** Rank i gets the numbers of ranks 0..i-1 combined with `op`; rank 0, where MPI defines no
   *  result, gets T's zero. */
  exscan<T>(value: T, op: Op = SUM): T {
    return reduceNumber<T>(this, Reduction.Exscan, value, op, 0);
  }

  // ---- communicators --------------------------------------------------------------------

  /** Splits into communicators of the ranks that pass the same color, ordered by key, then by
   *  rank here; UNDEFINED as color gives COMM_NULL. Collective. */
  Split(color: i32, key: i32 = 0): Comm {
    const out = memory.data(4);
    check("Split", abi.comm_split(this._handle, color, key, out));
    const handle = load<i32>(out);
    return handle == COMM_NULL.handle ? COMM_NULL : new Comm(handle);
  }

  /** A communicator of the same ranks with a context of its own: its messages never match
   *  this one's. Collective. */
  Dup(): Comm {
    const out = memory.data(4);
    check("Dup", abi.comm_dup(this._handle, out));
    return new Comm(load<i32>(out));
  }

  /** Frees the communicator; any later use of it is an error. Collective. */
  Free(): void {
    check("Free", abi.comm_free(this._handle));
    this._handle = FREED;
    this.cachedRank = -1;
    this.cachedSize = -1;
  }

  /** Ends every rank of the job; the job exits with `errorcode`. */
  Abort(errorcode: i32 = 1): void {
    abi.abort(this.handle, errorcode);
    fail("Abort", "the job did not end");
  }
}

/** No communicator: what Split gives for color UNDEFINED; every call with it is an error. */
export const COMM_NULL = new Comm(0);
/** Every rank of the job. */
export const COMM_WORLD = new Comm(1);
/** This rank alone. */
export const COMM_SELF = new Comm(2);
