import { DATATYPE_NAMES, ErrorCode, IN_PLACE, OP_NAMES } from "../abi.js";
import type { Checks } from "./checks.js";
import type { Communicator } from "./comms.js";
import { MpiError } from "./errors.js";
import type { Implementation } from "./imports.js";
import { opApplies } from "./reduce.js";
import { elementsPerPair, isLocOp } from "./reduce-loc.js";
import type { RankTransport } from "./transport.js";

export type CollectiveImport =
  | "barrier"
  | "bcast"
  | "scatter"
  | "gather"
  | "allgather"
  | "alltoall"
  | "scatterv"
  | "gatherv"
  | "allgatherv"
  | "alltoallv"
  | "reduce"
  | "allreduce"
  | "scan"
  | "exscan"
  | "reduce_scatter_block";

/**
 * The collective imports: each checks its arguments in this rank (buffer ranges, root, op
 * against datatype), then hands them to the engine, which checks that the ranks agree.
 */
export function collectiveImports(
  rt: RankTransport,
  c: Checks,
): Record<CollectiveImport, Implementation> {
  const coll = rt.collectives;
  const size = (comm: Communicator) => comm.size;

  const rootOf = (comm: Communicator, root: number): number => {
    c.rankIn(comm, root, "root", false);
    if (root < 0) throw new MpiError(ErrorCode.ERR_ROOT, `invalid root ${root}`);
    return root;
  };

  /** A receive buffer that must exist at the root. */
  const rootBuffer = (what: string, ptr: number, count: number, datatype: number): number => {
    if (ptr === 0 && count > 0) {
      throw new MpiError(ErrorCode.ERR_BUFFER, `the root's ${what} is null`);
    }
    return c.bufferBytes(what, ptr, count, datatype);
  };

  /** Checks the op against the datatype, and that MAXLOC/MINLOC get whole pairs. */
  const opOk = (op: number, datatype: number, count: number): void => {
    c.elementSize(datatype);
    if (OP_NAMES[op] === undefined) throw new MpiError(ErrorCode.ERR_OP, `invalid op ${op}`);
    if (!opApplies(op, datatype)) {
      throw new MpiError(
        ErrorCode.ERR_OP,
        `${OP_NAMES[op]} does not apply to ${datatypeName(datatype)}`,
      );
    }
    if (isLocOp(op) && count > 0 && count % elementsPerPair(datatype) !== 0) {
      throw new MpiError(
        ErrorCode.ERR_COUNT,
        `${OP_NAMES[op]} combines (value, index) pairs, two elements of ${datatypeName(datatype)} each: a count of ${count} is not whole pairs`,
      );
    }
  };

  /** Same buffer for send and receive means in place, as MPI_IN_PLACE does. */
  const inPlace = (send: number, recv: number): number =>
    send === IN_PLACE || send === recv ? IN_PLACE : send >>> 0;

  /** Checks `n` i32 counts and displacements and every block they describe; returns bytes. */
  const blocks = (
    what: string,
    buf: number,
    counts: number,
    displs: number,
    n: number,
    element: number,
  ): void => {
    c.range(`${what} counts`, counts, n * 4);
    c.range(`${what} displacements`, displs, n * 4);
    const data = c.memory.data;
    for (let j = 0; j < n; j++) {
      const count = data.getInt32((counts >>> 0) + j * 4, true);
      const displ = data.getInt32((displs >>> 0) + j * 4, true);
      if (count < 0)
        throw new MpiError(ErrorCode.ERR_COUNT, `negative count ${count} for rank ${j}`);
      if (displ < 0) {
        throw new MpiError(ErrorCode.ERR_ARG, `negative displacement ${displ} for rank ${j}`);
      }
      // Checked whole: cut to 32 bits like a pointer argument, a block a multiple of 4 GiB
      // further on would pass for the buffer itself.
      const start = (buf >>> 0) + displ * element;
      if (start > 0xffffffff) {
        throw new MpiError(
          ErrorCode.ERR_BUFFER,
          `${what} block of rank ${j} starts at ${start}, past the 4 GiB a memory can hold`,
        );
      }
      c.range(`${what} block of rank ${j}`, start, count * element);
    }
  };

  return {
    barrier: (comm) => c.guard(() => coll.barrier(rt.comms.get(comm))),

    bcast: (buf, count, datatype, root, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        rootOf(comm, root);
        const bytes = c.bufferBytes("buffer", buf, count, datatype);
        coll.bcast(comm, buf >>> 0, bytes, root);
      }),

    scatter: (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        rootOf(comm, root);
        const atRoot = comm.rank === root;
        const inplace = atRoot && recvbuf === IN_PLACE;
        let block = inplace ? 0 : c.bufferBytes("receive buffer", recvbuf, recvcount, recvtype);
        if (atRoot) {
          if (sendcount < 0) throw new MpiError(ErrorCode.ERR_COUNT, `negative count ${sendcount}`);
          const sendBlock = sendcount * c.elementSize(sendtype);
          rootBuffer("send buffer", sendbuf, sendcount * size(comm), sendtype);
          if (!inplace && sendBlock !== block) {
            throw new MpiError(
              ErrorCode.ERR_ARG,
              `counts disagree: the root sends ${sendBlock} bytes to each rank, its own receive buffer holds ${block}`,
            );
          }
          block = sendBlock;
        }
        coll.scatter(comm, sendbuf >>> 0, inplace ? IN_PLACE : recvbuf >>> 0, block, root);
      }),

    gather: (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        rootOf(comm, root);
        const atRoot = comm.rank === root;
        const inplace = atRoot && sendbuf === IN_PLACE;
        let block = inplace ? 0 : c.bufferBytes("send buffer", sendbuf, sendcount, sendtype);
        if (atRoot) {
          if (recvcount < 0) throw new MpiError(ErrorCode.ERR_COUNT, `negative count ${recvcount}`);
          const recvBlock = recvcount * c.elementSize(recvtype);
          rootBuffer("receive buffer", recvbuf, recvcount * size(comm), recvtype);
          if (!inplace && recvBlock !== block) {
            throw new MpiError(
              ErrorCode.ERR_ARG,
              `counts disagree: the root receives ${recvBlock} bytes from each rank, sends ${block} itself`,
            );
          }
          block = recvBlock;
        }
        coll.gather(comm, inplace ? IN_PLACE : sendbuf >>> 0, recvbuf >>> 0, block, root);
      }),

    allgather: (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        const block = c.bufferBytes("receive buffer", recvbuf, recvcount, recvtype);
        c.bufferBytes("receive buffer", recvbuf, recvcount * size(comm), recvtype);
        const inplace = sendbuf === IN_PLACE;
        if (!inplace) {
          const sendBytes = c.bufferBytes("send buffer", sendbuf, sendcount, sendtype);
          if (sendBytes !== block) {
            throw new MpiError(
              ErrorCode.ERR_ARG,
              `counts disagree: sends ${sendBytes} bytes, receives ${block} from each rank`,
            );
          }
        }
        coll.allgather(comm, inplace ? IN_PLACE : sendbuf >>> 0, recvbuf >>> 0, block);
      }),

    alltoall: (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        const sendBytes = c.bufferBytes("send buffer", sendbuf, sendcount * size(comm), sendtype);
        const recvBytes = c.bufferBytes(
          "receive buffer",
          recvbuf,
          recvcount * size(comm),
          recvtype,
        );
        if (sendBytes !== recvBytes) {
          throw new MpiError(
            ErrorCode.ERR_ARG,
            `counts disagree: sends ${sendBytes / size(comm)} bytes to each rank, receives ${recvBytes / size(comm)}`,
          );
        }
        coll.alltoall(comm, sendbuf >>> 0, recvbuf >>> 0, sendBytes / size(comm));
      }),

    scatterv: (sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount, recvtype, root, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        rootOf(comm, root);
        const atRoot = comm.rank === root;
        const inplace = atRoot && recvbuf === IN_PLACE;
        const recvBytes = inplace
          ? 0
          : c.bufferBytes("receive buffer", recvbuf, recvcount, recvtype);
        const element = atRoot ? c.elementSize(sendtype) : 1;
        if (atRoot) blocks("send buffer", sendbuf, sendcounts, displs, size(comm), element);
        coll.scatterv(comm, {
          root,
          send: sendbuf >>> 0,
          recv: inplace ? IN_PLACE : recvbuf >>> 0,
          recvBytes,
          counts: sendcounts >>> 0,
          displs: displs >>> 0,
          element,
        });
      }),

    gatherv: (sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, root, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        rootOf(comm, root);
        const atRoot = comm.rank === root;
        const inplace = atRoot && sendbuf === IN_PLACE;
        const bytes = inplace ? 0 : c.bufferBytes("send buffer", sendbuf, sendcount, sendtype);
        const element = atRoot ? c.elementSize(recvtype) : 1;
        if (atRoot) {
          if (recvbuf === 0) {
            throw new MpiError(ErrorCode.ERR_BUFFER, "the root's receive buffer is null");
          }
          blocks("receive buffer", recvbuf, recvcounts, displs, size(comm), element);
        }
        coll.gatherv(comm, {
          root,
          send: inplace ? IN_PLACE : sendbuf >>> 0,
          recv: recvbuf >>> 0,
          bytes,
          counts: recvcounts >>> 0,
          displs: displs >>> 0,
          element,
        });
      }),

    allgatherv: (sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        const inplace = sendbuf === IN_PLACE;
        const element = c.elementSize(recvtype);
        blocks("receive buffer", recvbuf, recvcounts, displs, size(comm), element);
        // In place, this rank's block is already at its displacement: it sends counts[rank].
        const bytes = inplace
          ? c.memory.data.getInt32((recvcounts >>> 0) + comm.rank * 4, true) * element
          : c.bufferBytes("send buffer", sendbuf, sendcount, sendtype);
        coll.allgatherv(comm, {
          send: inplace ? IN_PLACE : sendbuf >>> 0,
          recv: recvbuf >>> 0,
          bytes,
          recvCounts: recvcounts >>> 0,
          recvDispls: displs >>> 0,
          element,
        });
      }),

    alltoallv: (
      sendbuf,
      sendcounts,
      sdispls,
      sendtype,
      recvbuf,
      recvcounts,
      rdispls,
      recvtype,
      handle,
    ) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        const element = c.elementSize(recvtype);
        if (c.elementSize(sendtype) !== element) {
          throw new MpiError(
            ErrorCode.ERR_TYPE,
            `send and receive datatypes differ in size (${datatypeName(sendtype)}, ${datatypeName(recvtype)})`,
          );
        }
        blocks("send buffer", sendbuf, sendcounts, sdispls, size(comm), element);
        blocks("receive buffer", recvbuf, recvcounts, rdispls, size(comm), element);
        coll.alltoallv(comm, {
          send: sendbuf >>> 0,
          recv: recvbuf >>> 0,
          counts: sendcounts >>> 0,
          displs: sdispls >>> 0,
          recvCounts: recvcounts >>> 0,
          recvDispls: rdispls >>> 0,
          element,
        });
      }),

    reduce: (sendbuf, recvbuf, count, datatype, op, root, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        rootOf(comm, root);
        opOk(op, datatype, count);
        const atRoot = comm.rank === root;
        const send = atRoot ? inPlace(sendbuf, recvbuf) : sendbuf >>> 0;
        if (send === IN_PLACE && !atRoot) {
          throw new MpiError(ErrorCode.ERR_BUFFER, "in place is for the root only");
        }
        if (send !== IN_PLACE) c.bufferBytes("send buffer", sendbuf, count, datatype);
        if (atRoot) rootBuffer("receive buffer", recvbuf, count, datatype);
        rt.reductions.reduce(comm, "Reduce", send, recvbuf >>> 0, count, datatype, op, root);
      }),

    allreduce: (sendbuf, recvbuf, count, datatype, op, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        opOk(op, datatype, count);
        const send = inPlace(sendbuf, recvbuf);
        if (send !== IN_PLACE) c.bufferBytes("send buffer", sendbuf, count, datatype);
        c.bufferBytes("receive buffer", recvbuf, count, datatype);
        rt.reductions.reduce(comm, "Allreduce", send, recvbuf >>> 0, count, datatype, op, -1);
      }),

    scan: (sendbuf, recvbuf, count, datatype, op, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        opOk(op, datatype, count);
        const send = inPlace(sendbuf, recvbuf);
        if (send !== IN_PLACE) c.bufferBytes("send buffer", sendbuf, count, datatype);
        c.bufferBytes("receive buffer", recvbuf, count, datatype);
        rt.reductions.scan(comm, "Scan", send, recvbuf >>> 0, count, datatype, op);
      }),

    exscan: (sendbuf, recvbuf, count, datatype, op, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        opOk(op, datatype, count);
        const send = inPlace(sendbuf, recvbuf);
        if (send !== IN_PLACE) c.bufferBytes("send buffer", sendbuf, count, datatype);
        c.bufferBytes("receive buffer", recvbuf, count, datatype);
        rt.reductions.scan(comm, "Exscan", send, recvbuf >>> 0, count, datatype, op);
      }),

    reduce_scatter_block: (sendbuf, recvbuf, recvcount, datatype, op, handle) =>
      c.guard(() => {
        const comm = rt.comms.get(handle);
        opOk(op, datatype, recvcount);
        const send = sendbuf === IN_PLACE ? IN_PLACE : sendbuf >>> 0;
        const total = recvcount * size(comm);
        if (send !== IN_PLACE) c.bufferBytes("send buffer", sendbuf, total, datatype);
        c.bufferBytes("receive buffer", recvbuf, send === IN_PLACE ? total : recvcount, datatype);
        rt.reductions.reduceScatterBlock(comm, send, recvbuf >>> 0, recvcount, datatype, op);
      }),
  };
}

function datatypeName(code: number): string {
  return DATATYPE_NAMES[code] ?? `datatype ${code}`;
}
