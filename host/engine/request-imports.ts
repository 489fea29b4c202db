import { ANY_SOURCE, ANY_TAG, ErrorCode, PROC_NULL, UNDEFINED } from "../abi.js";
import type { Checks } from "./checks.js";
import { worldRank } from "./comms.js";
import { MpiError } from "./errors.js";
import type { Implementation } from "./imports.js";
import type { PendingRecv } from "./matching.js";
import type { RecvRequest, Request, SendRequest } from "./requests.js";
import { describe, type WaitSite } from "./sites.js";
import type { RankTransport } from "./transport.js";

export type RequestImport =
  | "isend"
  | "irecv"
  | "wait"
  | "test"
  | "waitany"
  | "testall"
  | "request_free";

/**
 * The nonblocking imports: starting sends and receives, and completing them. A request is
 * freed when it completes; its handle then means nothing (the kernel forgets it).
 */
export function requestImports(
  rt: RankTransport,
  c: Checks,
): Record<RequestImport, Implementation> {
  const m = rt.messenger;
  const inbox = m.inbox;
  const live = m.live;
  const requests = rt.requests;
  const mem = rt.memory;
  /** Where the next Waitany looks first: after the entry the last one returned. */
  let nextAny = 0;

  const world = worldRank;

  const waitSite = (peer: number, sending: boolean, tag: number, comm: number): WaitSite => ({
    call: "Wait",
    peer,
    sending,
    tag,
    comm,
  });

  /** Whether `request` has completed, by one look (a send's slot is given back then). */
  const done = (request: Request): boolean => {
    if (request.kind === "recv") return request.pending.done;
    if (!request.done && (request.slot < 0 || m.sendDone(request.slot))) request.done = true;
    return request.done;
  };

  /** Whether whatever `request` waits for has ended, so that it can never complete. */
  const hopeless = (request: Request): boolean =>
    request.kind === "recv"
      ? inbox.senderGone(request.pending, request.comm.worldRanks)
      : live.ended(request.dst);

  /** Throws the error of a request that can never complete. */
  const giveUp = (request: Request): never => {
    if (request.kind === "recv") live.noSender(request.site);
    throw new MpiError(
      ErrorCode.ERR_PROC_FAILED,
      `rank ${request.site.peer} ended without receiving this message (${describe(request.site)})`,
    );
  };

  /** Frees a completed request and fills the status; a failed receive throws its error. */
  const finish = (handle: number, request: Request, status: number): void => {
    requests.free(handle);
    if (request.kind === "send") {
      c.writeStatus(status, rt.comms.get(1), PROC_NULL, ANY_TAG, 0);
      return;
    }
    const { error, arrival } = request.pending;
    if (error !== null) throw error;
    c.writeStatus(status, request.comm, arrival.src, arrival.tag, arrival.bytes);
  };

  /** Gives back the slots of freed sends that have completed since. */
  const reap = (): void => {
    const detached = requests.detached;
    let kept = 0;
    for (const request of detached) if (!done(request)) detached[kept++] = request;
    detached.length = kept;
  };

  /** Reads `count` handles at `ptr`; every non-zero one must be a live request. */
  const handlesAt = (ptr: number, count: number): Int32Array => {
    if (count < 0) throw new MpiError(ErrorCode.ERR_COUNT, `negative count ${count}`);
    const at = c.range("requests", ptr, count * 4);
    const handles = new Int32Array(count);
    const data = mem.data;
    for (let i = 0; i < count; i++) {
      const handle = data.getInt32(at + i * 4, true);
      if (handle !== 0) requests.get(handle);
      handles[i] = handle;
    }
    return handles;
  };

  return {
    isend: (buf, count, datatype, dest, tag, commHandle, requestOut) =>
      c.guard(() => {
        const comm = rt.comms.get(commHandle);
        c.rankIn(comm, dest, "destination", false);
        c.tag(tag, false);
        const bytes = c.bufferBytes("send buffer", buf, count, datatype);
        const out = c.range("request_out", requestOut, 4);
        if (requests.detached.length > 0) reap();
        const site = waitSite(dest, true, tag, commHandle);
        const dst = world(comm, dest);
        const slot =
          dest === PROC_NULL ? -1 : m.postSend(site, comm.ctx, dst, tag, buf >>> 0, bytes);
        const request: SendRequest = { kind: "send", site, dst, slot, done: slot < 0 };
        mem.data.setInt32(out, requests.add(request), true);
      }),

    irecv: (buf, count, datatype, source, tag, commHandle, requestOut) =>
      c.guard(() => {
        const comm = rt.comms.get(commHandle);
        c.rankIn(comm, source, "source", true);
        c.tag(tag, true);
        const capacity = c.bufferBytes("receive buffer", buf, count, datatype);
        const out = c.range("request_out", requestOut, 4);
        const site = waitSite(source, false, tag, commHandle);
        const pending: PendingRecv =
          source === PROC_NULL
            ? {
                ctx: comm.ctx,
                src: PROC_NULL,
                tag,
                ptr: buf >>> 0,
                capacity,
                seq: -1,
                published: false,
                done: true,
                arrival: { src: PROC_NULL, tag: ANY_TAG, bytes: 0 },
                error: null,
              }
            : inbox.post(
                comm.ctx,
                source === ANY_SOURCE ? ANY_SOURCE : world(comm, source),
                tag,
                buf >>> 0,
                capacity,
                comm.worldRanks,
              );
        const request: RecvRequest = { kind: "recv", site, comm, pending };
        mem.data.setInt32(out, requests.add(request), true);
      }),

    wait: (handle, statusOut) =>
      c.guard(() => {
        const request = requests.get(handle);
        const status = c.status(statusOut);
        if (request.kind === "send") {
          if (!done(request)) m.completeSend(request.site, request.dst, request.slot);
          request.done = true;
        } else if (!request.pending.done) {
          inbox.await(request.site, request.pending, request.comm.worldRanks);
        }
        finish(handle, request, status);
      }),

    test: (handle, flagOut, statusOut) =>
      c.guard(() => {
        const request = requests.get(handle);
        const flag = c.range("flag_out", flagOut, 4);
        const status = c.status(statusOut);
        inbox.progress();
        let complete = done(request);
        // Unlike a wait, a test leaves the rank free to send itself the message an ANY_SOURCE
        // receive waits for, however many other ranks have ended.
        const anySource = request.kind === "recv" && request.pending.src === ANY_SOURCE;
        if (!complete && !anySource && hopeless(request)) {
          inbox.progress();
          complete = done(request);
          if (!complete) giveUp(request);
        }
        mem.data.setInt32(flag, complete ? 1 : 0, true);
        if (complete) finish(handle, request, status);
      }),

    waitany: (requestsPtr, count, indexOut, statusOut) =>
      c.guard(() => {
        if (count < 0) throw new MpiError(ErrorCode.ERR_COUNT, `negative count ${count}`);
        const base = c.range("requests", requestsPtr, count * 4);
        const index = c.range("index_out", indexOut, 4);
        const status = c.status(statusOut);
        // Look first after the entry returned last time, so that no request starves.
        const start = nextAny < count ? nextAny : 0;
        let active = 0;
        let head: Request | null = null;
        /** The index of a completed request, or -1 (then `active` counts the others). */
        const scan = (): number => {
          const data = mem.data;
          active = 0;
          for (let k = 0, i = start; k < count; k++, i = i + 1 === count ? 0 : i + 1) {
            const handle = data.getInt32(base + i * 4, true);
            if (handle === 0) continue;
            const request = requests.get(handle);
            if (done(request)) return i;
            head ??= request;
            active++;
          }
          return -1;
        };
        let found = scan();
        if (found < 0 && active === 0) {
          mem.data.setInt32(index, UNDEFINED, true);
          c.writeStatus(status, rt.comms.get(1), ANY_SOURCE, ANY_TAG, 0);
          return;
        }
        if (found < 0) {
          const first = head as unknown as Request;
          inbox.waitUntil(
            { ...first.site, call: "Waitany" },
            () => {
              found = scan();
              return found >= 0;
            },
            () => handlesAt(requestsPtr, count).every((h) => h === 0 || hopeless(requests.get(h))),
            () => giveUp(first),
          );
        }
        const handle = mem.data.getInt32(base + found * 4, true);
        nextAny = found + 1;
        mem.data.setInt32(index, found, true);
        finish(handle, requests.get(handle), status);
      }),

    testall: (requestsPtr, count, flagOut) =>
      c.guard(() => {
        const handles = handlesAt(requestsPtr, count);
        const flag = c.range("flag_out", flagOut, 4);
        // A request named twice would be freed by the first entry and be invalid at the second,
        // after some were freed already: refused before anything changes.
        const seen = new Set<number>();
        for (const handle of handles) {
          if (handle === 0) continue;
          if (seen.has(handle)) {
            throw new MpiError(ErrorCode.ERR_REQUEST, `request handle ${handle} appears twice`);
          }
          seen.add(handle);
        }
        inbox.progress();
        let all = true;
        for (const handle of handles) if (handle !== 0 && !done(requests.get(handle))) all = false;
        mem.data.setInt32(flag, all ? 1 : 0, true);
        if (!all) return;
        // All or none: every request is freed, even after one that failed (a truncated
        // receive), and the first failure is reported.
        let failure: unknown = null;
        for (const handle of handles) {
          if (handle === 0) continue;
          try {
            finish(handle, requests.get(handle), 0);
          } catch (error) {
            failure ??= error;
          }
        }
        if (failure !== null) throw failure;
      }),

    request_free: (handle) =>
      c.guard(() => {
        const request = requests.get(handle);
        if (request.kind === "recv" && !request.pending.done) {
          throw new MpiError(
            ErrorCode.ERR_REQUEST,
            "a pending receive cannot be freed (its buffer would be written later): Wait or Test it",
          );
        }
        requests.free(handle);
        if (request.kind === "send" && !done(request)) requests.detached.push(request);
      }),
  };
}
