import {
  ANY_TAG,
  ERROR_NAMES,
  ErrorCode,
  FUNCTIONS,
  type FunctionName,
  MODULE,
  PROC_NULL,
} from "../abi.js";
import { Checks } from "./checks.js";
import { collectiveImports } from "./collective-imports.js";
import { commImports } from "./comm-imports.js";
import { worldRank } from "./comms.js";
import { MpiError, RankFailure } from "./errors.js";
import type { Arrival } from "./inbox.js";
import { requestImports } from "./request-imports.js";
import type { BlockingCall, WaitSite } from "./sites.js";
import type { RankTransport } from "./transport.js";

export type Implementation = (...args: number[]) => number | undefined;

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * Builds the `wasmpi` import module for one rank from the ABI table. Every import checks its
 * arguments (ranks, tags, counts, datatypes, and that every pointer range lies inside the
 * rank's memory) and returns an error code; the reason is kept for `fatal`, which the kernel
 * calls to end the job with a report naming the call.
 */
export function buildImports(
  rt: RankTransport,
  /** Where the blocking receives and probes leave what matched (a tracer reads it). */
  arrival: Arrival = { src: 0, tag: 0, bytes: 0 },
): Record<FunctionName, Implementation> {
  const checks = new Checks(rt.memory, () => rt.messenger.live.unblocked());
  const mem = rt.memory;

  const statusAt = (ptr: number) => checks.status(ptr);
  const writeStatus = checks.writeStatus.bind(checks);

  // Where a blocking call waits, for reports; reused, since a rank makes one call at a time.
  const sendSite: WaitSite = { call: "Send", peer: 0, sending: true, tag: 0, comm: 0 };
  const recvSite: WaitSite = { call: "Recv", peer: 0, sending: false, tag: 0, comm: 0 };
  const site = (into: WaitSite, call: BlockingCall, peer: number, tag: number, comm: number) => {
    into.call = call;
    into.peer = peer;
    into.tag = tag;
    into.comm = comm;
    return into;
  };

  const world = worldRank;

  const impl: Record<FunctionName, Implementation> = {
    ...collectiveImports(rt, checks),
    ...requestImports(rt, checks),
    ...commImports(rt, checks),
    comm_rank: (commHandle, out) =>
      checks.guard(() => checks.writeI32("rank_out", out, rt.comms.get(commHandle).rank)),

    comm_size: (commHandle, out) =>
      checks.guard(() => checks.writeI32("size_out", out, rt.comms.get(commHandle).size)),

    send: (buf, count, datatype, dest, tag, commHandle) => {
      try {
        const comm = rt.comms.get(commHandle);
        checks.rankIn(comm, dest, "destination", false);
        checks.tag(tag, false);
        const bytes = checks.bufferBytes("send buffer", buf, count, datatype);
        if (dest === PROC_NULL) return 0;
        const at = site(sendSite, "Send", dest, tag, commHandle);
        rt.messenger.send(at, comm.ctx, world(comm, dest), tag, buf >>> 0, bytes);
        return 0;
      } catch (error) {
        return checks.codeOf(error);
      }
    },

    recv: (buf, count, datatype, source, tag, commHandle, statusOut) => {
      try {
        const comm = rt.comms.get(commHandle);
        checks.rankIn(comm, source, "source", true);
        checks.tag(tag, true);
        const capacity = checks.bufferBytes("receive buffer", buf, count, datatype);
        const status = statusAt(statusOut);
        if (source === PROC_NULL) {
          writeStatus(status, comm, PROC_NULL, ANY_TAG, 0);
          return 0;
        }
        rt.messenger.inbox.recv(
          site(recvSite, "Recv", source, tag, commHandle),
          comm.ctx,
          world(comm, source),
          tag,
          buf >>> 0,
          capacity,
          comm.worldRanks,
          arrival,
        );
        writeStatus(status, comm, arrival.src, arrival.tag, arrival.bytes);
        return 0;
      } catch (error) {
        return checks.codeOf(error);
      }
    },

    sendrecv: (
      sendbuf,
      sendcount,
      sendtype,
      dest,
      sendtag,
      recvbuf,
      recvcount,
      recvtype,
      source,
      recvtag,
      commHandle,
      statusOut,
    ) =>
      checks.guard(() => {
        const comm = rt.comms.get(commHandle);
        checks.rankIn(comm, dest, "destination", false);
        checks.rankIn(comm, source, "source", true);
        checks.tag(sendtag, false);
        checks.tag(recvtag, true);
        const bytes = checks.bufferBytes("send buffer", sendbuf, sendcount, sendtype);
        const capacity = checks.bufferBytes("receive buffer", recvbuf, recvcount, recvtype);
        const status = statusAt(statusOut);
        const m = rt.messenger;
        const outgoing = site(sendSite, "Sendrecv", dest, sendtag, commHandle);
        const slot =
          dest === PROC_NULL
            ? -1
            : m.postSend(outgoing, comm.ctx, world(comm, dest), sendtag, sendbuf >>> 0, bytes);
        if (source === PROC_NULL) {
          writeStatus(status, comm, PROC_NULL, ANY_TAG, 0);
        } else {
          site(recvSite, "Sendrecv", source, recvtag, commHandle);
          m.inbox.recv(
            recvSite,
            comm.ctx,
            world(comm, source),
            recvtag,
            recvbuf >>> 0,
            capacity,
            comm.worldRanks,
            arrival,
          );
          writeStatus(status, comm, arrival.src, arrival.tag, arrival.bytes);
        }
        if (slot >= 0) m.completeSend(outgoing, world(comm, dest), slot);
      }),

    probe: (source, tag, commHandle, statusOut) =>
      checks.guard(() => {
        const comm = rt.comms.get(commHandle);
        checks.rankIn(comm, source, "source", true);
        checks.tag(tag, true);
        const status = statusAt(statusOut);
        if (source === PROC_NULL) {
          writeStatus(status, comm, PROC_NULL, ANY_TAG, 0);
          return;
        }
        rt.messenger.inbox.probe(
          site(recvSite, "Probe", source, tag, commHandle),
          comm.ctx,
          world(comm, source),
          tag,
          comm.worldRanks,
          arrival,
        );
        writeStatus(status, comm, arrival.src, arrival.tag, arrival.bytes);
      }),

    iprobe: (source, tag, commHandle, flagOut, statusOut) =>
      checks.guard(() => {
        const comm = rt.comms.get(commHandle);
        checks.rankIn(comm, source, "source", true);
        checks.tag(tag, true);
        const flag = checks.range("flag_out", flagOut, 4);
        const status = statusAt(statusOut);
        if (source === PROC_NULL) {
          mem.data.setInt32(flag, 1, true);
          writeStatus(status, comm, PROC_NULL, ANY_TAG, 0);
          return;
        }
        const found = rt.messenger.inbox.iprobe(
          comm.ctx,
          world(comm, source),
          tag,
          comm.worldRanks,
          arrival,
        );
        mem.data.setInt32(flag, found ? 1 : 0, true);
        if (found) writeStatus(status, comm, arrival.src, arrival.tag, arrival.bytes);
      }),

    abort: (commHandle, errorcode) =>
      checks.guard(() => {
        const comm = rt.comms.get(commHandle);
        throw new RankFailure(
          `Abort: called with error code ${errorcode} on ${comm.name}`,
          errorcode & 0xff,
        );
      }),

    wtime: () => rt.wtime(),

    wtick: () => rt.wtick,

    get_processor_name: (buf, buflen, lenOut) =>
      checks.guard(() => {
        if (buflen < 0) throw new MpiError(ErrorCode.ERR_COUNT, `negative buffer length ${buflen}`);
        const name = utf8Encoder.encode(rt.hostname);
        const at = checks.range("name buffer", buf, buflen);
        checks.writeI32("len_out", lenOut, name.length);
        mem.u8.set(name.subarray(0, buflen), at);
      }),

    fatal: (call, callLen, code) => {
      const name = readText(call, callLen) ?? "call";
      const reason =
        code === checks.lastCode && checks.lastReason !== ""
          ? checks.lastReason
          : `error ${ERROR_NAMES[code] ?? code}`;
      throw new RankFailure(`${name}: ${reason}`);
    },

    panic: (message, messageLen) => {
      throw new RankFailure(
        readText(message, messageLen) ?? "the kernel reported a failure with an unreadable message",
      );
    },
  };

  function readText(ptr: number, len: number): string | null {
    const start = ptr >>> 0;
    if (len < 0 || len > 1 << 20 || !mem.contains(start, len)) return null;
    // TextDecoder refuses views of shared memory: copy first.
    return utf8.decode(mem.u8.slice(start, start + len));
  }

  for (const [name, spec] of Object.entries(FUNCTIONS)) {
    const fn = impl[name as FunctionName];
    if (fn.length !== spec.params.length) {
      throw new Error(
        `wasmpi import ${MODULE}.${name} takes ${fn.length} parameters, the ABI says ${spec.params.length}`,
      );
    }
  }
  return impl;
}
