/**
 * The wasmpi import module with every call recorded: built only when a trace is asked for,
 * around the plain imports, so that an untraced rank runs the plain functions untouched.
 * Where a call's peer, tag, size and communicator are is read from the ABI table's parameter
 * names; the calls that complete receives report what actually arrived.
 */
import {
  DATATYPE_SIZES,
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  PROC_NULL,
} from "../abi.js";
import { worldRank } from "../engine/comms.js";
import type { Implementation } from "../engine/imports.js";
import type { Arrival } from "../engine/inbox.js";
import type { RankRuntime } from "../engine/rank.js";
import type { Request } from "../engine/requests.js";
import { EventField, type TraceRecorder } from "./recorder.js";

/** The functions by the index a trace row names them with. */
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** Argument positions of what a trace shows; -1 where the call has no such parameter. */
interface Places {
  readonly peer: number;
  readonly tag: number;
  readonly count: number;
  readonly datatype: number;
  readonly comm: number;
}

function placesOf(spec: FunctionSpec): Places {
  const at = (name: string) => spec.params.findIndex((p) => p.name === name);
  const first = (...names: string[]) => names.map(at).find((i) => i >= 0) ?? -1;
  // The first (count, datatype) pair a call has: its own buffer, else what it sends, else
  // what it receives.
  const pairs = [
    ["count", "datatype"],
    ["sendcount", "sendtype"],
    ["recvcount", "recvtype"],
  ] as const;
  const pair = pairs.find(([count, type]) => at(count) >= 0 && at(type) >= 0);
  return {
    peer: first("dest", "source", "root"),
    tag: first("tag", "sendtag"),
    count: pair === undefined ? -1 : at(pair[0]),
    datatype: pair === undefined ? -1 : at(pair[1]),
    comm: at("comm"),
  };
}

/** The call's argument of that parameter name (as the ABI table names it). */
type Arg = (param: string) => number;

/** What a call reports beyond its arguments, once it has succeeded. */
interface Completion {
  /** The requests the call may complete, looked up before it frees them. */
  before?(arg: Arg): readonly (Request | undefined)[];
  after(arg: Arg, requests: readonly (Request | undefined)[], row: number): void;
}

export function traceImports(
  plain: Readonly<Record<FunctionName, Implementation>>,
  rt: RankRuntime,
  arrival: Arrival,
  recorder: TraceRecorder,
): Record<FunctionName, Implementation> {
  const now = () => rt.wtime() * 1e6;
  const mem = rt.memory;
  const readI32 = (ptr: number) => mem.data.getInt32(ptr >>> 0, true);
  const request = (handle: number): Request | undefined => {
    try {
      return handle === 0 ? undefined : rt.requests.get(handle);
    } catch {
      return undefined;
    }
  };
  const requestsAt = (ptr: number, count: number): (Request | undefined)[] =>
    count > 0 && mem.contains(ptr >>> 0, count * 4)
      ? Array.from({ length: count }, (_, i) => request(readI32(ptr + i * 4)))
      : [];

  const sent = (row: number, dest: number, tag: number, commHandle: number): void => {
    if (dest === PROC_NULL) return;
    const comm = rt.comms.get(commHandle);
    recorder.message(row, true, worldRank(comm, dest), comm.ctx, tag);
  };
  /** A receive that matched `arrival`, as the call's peer, tag and size when `primary`. */
  const received = (row: number, got: Arrival, ctx: number, primary: boolean): void => {
    if (got.src < 0) return;
    if (primary) {
      recorder.set(row, EventField.PEER, got.src);
      recorder.set(row, EventField.TAG, got.tag);
      recorder.set(row, EventField.BYTES, got.bytes);
    }
    recorder.message(row, false, got.src, ctx, got.tag);
  };
  const completed = (row: number, done: Request | undefined, primary: boolean): void => {
    if (done === undefined) return;
    if (done.kind === "recv") {
      received(row, done.pending.arrival, done.comm.ctx, primary);
    } else if (primary) {
      recorder.set(row, EventField.PEER, done.dst);
      recorder.set(row, EventField.TAG, done.site.tag);
    }
  };
  const probed = (row: number): void => {
    recorder.set(row, EventField.PEER, arrival.src);
    recorder.set(row, EventField.TAG, arrival.tag);
    recorder.set(row, EventField.BYTES, arrival.bytes);
  };

  const completions: Partial<Record<FunctionName, Completion>> = {
    send: { after: (a, _, row) => sent(row, a("dest"), a("tag"), a("comm")) },
    isend: { after: (a, _, row) => sent(row, a("dest"), a("tag"), a("comm")) },
    recv: {
      after: (a, _, row) => {
        if (a("source") !== PROC_NULL) received(row, arrival, rt.comms.get(a("comm")).ctx, true);
      },
    },
    sendrecv: {
      after: (a, _, row) => {
        sent(row, a("dest"), a("sendtag"), a("comm"));
        if (a("source") !== PROC_NULL) received(row, arrival, rt.comms.get(a("comm")).ctx, false);
      },
    },
    probe: {
      after: (a, _, row) => {
        if (a("source") !== PROC_NULL) probed(row);
      },
    },
    iprobe: {
      after: (a, _, row) => {
        if (a("source") !== PROC_NULL && readI32(a("flag_out")) === 1) probed(row);
      },
    },
    wait: {
      before: (a) => [request(a("request"))],
      after: (_, [done], row) => completed(row, done, true),
    },
    test: {
      before: (a) => [request(a("request"))],
      after: (a, [done], row) => {
        if (readI32(a("flag_out")) === 1) completed(row, done, true);
      },
    },
    waitany: {
      before: (a) => requestsAt(a("requests"), a("count")),
      after: (a, pending, row) => {
        const i = readI32(a("index_out"));
        if (i >= 0) completed(row, pending[i], true);
      },
    },
    testall: {
      before: (a) => requestsAt(a("requests"), a("count")),
      after: (a, pending, row) => {
        if (readI32(a("flag_out")) !== 1) return;
        for (const done of pending) completed(row, done, pending.length === 1);
      },
    },
  };

  const traced = {} as Record<FunctionName, Implementation>;
  FUNCTION_NAMES.forEach((name, call) => {
    const fn = plain[name];
    const spec: FunctionSpec = FUNCTIONS[name];
    const at = placesOf(spec);
    const returnsCode = spec.result === "i32";
    const completion = completions[name];
    const position = new Map(spec.params.map((p, i) => [p.name, i]));
    traced[name] = (...args: number[]) => {
      const arg: Arg = (param) => {
        const i = position.get(param);
        if (i === undefined)
          throw new Error(`the trace of ${name} reads a parameter ${param} it does not have`);
        return args[i] as number;
      };
      const row = recorder.begin(call, now());
      const commHandle = at.comm >= 0 ? (args[at.comm] as number) : Number.NaN;
      if (at.comm >= 0) recorder.set(row, EventField.COMM, commHandle);
      if (at.peer >= 0) recorder.set(row, EventField.PEER, worldOf(commHandle, args[at.peer]));
      if (at.tag >= 0) recorder.set(row, EventField.TAG, args[at.tag] as number);
      if (at.count >= 0) {
        const size = DATATYPE_SIZES[args[at.datatype] as number];
        const count = args[at.count] as number;
        if (size !== undefined && count >= 0) recorder.set(row, EventField.BYTES, count * size);
      }
      const pending = completion?.before?.(arg) ?? [];
      let result = Number.NaN;
      try {
        const value = fn(...args);
        result = returnsCode ? (value as number) : 0;
        return value;
      } finally {
        recorder.set(row, EventField.END, now());
        recorder.set(row, EventField.RESULT, result);
        if (result === 0) completion?.after(arg, pending, row);
      }
    };
  });
  return traced;

  /** A communicator's rank as a world rank, where the handle and rank are valid. */
  function worldOf(commHandle: number, rank: number | undefined): number {
    if (rank === undefined) return Number.NaN;
    try {
      const comm = rt.comms.get(commHandle);
      return rank < comm.size ? worldRank(comm, rank) : rank;
    } catch {
      return rank;
    }
  }
}
