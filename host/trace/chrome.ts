/**
 * Every rank's trace joined into one file in the Chrome trace event format, which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open: a track per rank with a slice per wasmpi call,
 * and an arrow (a flow event pair) from each message's send to the call that received it.
 */
import { ERROR_NAMES } from "../abi.js";
import { EVENT_FIELDS, EventField, FLOW_FIELDS, FlowField, type RankTrace } from "./recorder.js";
import { FUNCTION_NAMES } from "./traced-imports.js";

export interface TraceEvent {
  readonly name: string;
  readonly cat?: string;
  /** X: a complete slice; M: metadata; s / f: the start and end of an arrow. */
  readonly ph: "X" | "M" | "s" | "f";
  readonly pid: number;
  readonly tid: number;
  /** Microseconds since the job started. */
  readonly ts?: number;
  readonly dur?: number;
  readonly id?: number;
  /** "e": the arrow ends on the slice that encloses `ts`, not on the next one. */
  readonly bp?: "e";
  readonly args?: Readonly<Record<string, number | string | boolean>>;
}

export interface ChromeTrace {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: "ns";
  readonly otherData: { readonly ranks: number };
}

/** The job is one process; its ranks are its threads, so that each gets a track. */
const PID = 1;
const MESSAGE = "message";

/** Joins the ranks' traces; `size` is the job's number of ranks (some may have left none). */
export function chromeTrace(traces: readonly RankTrace[], size: number): ChromeTrace {
  const events: TraceEvent[] = [
    { name: "process_name", ph: "M", pid: PID, tid: 0, args: { name: "wasmpi job" } },
  ];
  for (let rank = 0; rank < size; rank++) {
    events.push(
      {
        name: "thread_name",
        ph: "M",
        pid: PID,
        tid: rank,
        args: { name: `rank ${rank}` },
      },
      {
        name: "thread_sort_index",
        ph: "M",
        pid: PID,
        tid: rank,
        args: { sort_index: rank },
      },
    );
  }
  for (const trace of traces) {
    const e = trace.events;
    for (let at = 0; at < e.length; at += EVENT_FIELDS) events.push(slice(trace.rank, e, at));
  }
  events.push(...arrows(traces));
  return { traceEvents: events, displayTimeUnit: "ns", otherData: { ranks: size } };
}

function slice(rank: number, e: Float64Array, at: number): TraceEvent {
  const field = (f: number) => e[at + f] as number;
  const start = field(EventField.START);
  const end = field(EventField.END);
  const args: Record<string, number | string | boolean> = {};
  for (const [name, f] of [
    ["peer", EventField.PEER],
    ["tag", EventField.TAG],
    ["bytes", EventField.BYTES],
    ["comm", EventField.COMM],
  ] as const) {
    if (!Number.isNaN(field(f))) args[name] = field(f);
  }
  const result = field(EventField.RESULT);
  if (Number.isNaN(result)) args.returned = false;
  else if (result !== 0) args.error = ERROR_NAMES[result] ?? result;
  return {
    name: FUNCTION_NAMES[field(EventField.CALL)] ?? "call",
    cat: "wasmpi",
    ph: "X",
    pid: PID,
    tid: rank,
    ts: start,
    dur: Number.isNaN(end) ? 0 : end - start,
    args,
  };
}

/** The middle of a call's slice: an arrow's end binds to the slice around it. */
function middle(trace: RankTrace, row: number): number {
  const start = trace.events[row * EVENT_FIELDS + EventField.START] as number;
  const end = trace.events[row * EVENT_FIELDS + EventField.END] as number;
  return Number.isNaN(end) ? start : start + (end - start) / 2;
}

/**
 * An arrow per message whose both ends were recorded: the n-th send from A to B with one
 * context and tag meets the n-th receive at B from A with the same context and tag.
 */
function arrows(traces: readonly RankTrace[]): TraceEvent[] {
  const key = (src: number, dst: number, f: Float64Array, at: number) =>
    `${src}>${dst}/${f[at + FlowField.CTX]}/${f[at + FlowField.TAG]}#${f[at + FlowField.ORDINAL]}`;
  const sends = new Map<string, { trace: RankTrace; row: number }>();
  for (const trace of traces) {
    const f = trace.flows;
    for (let at = 0; at < f.length; at += FLOW_FIELDS) {
      if (f[at + FlowField.SENDING] !== 1) continue;
      const dst = f[at + FlowField.PEER] as number;
      sends.set(key(trace.rank, dst, f, at), { trace, row: f[at + FlowField.EVENT] as number });
    }
  }
  const out: TraceEvent[] = [];
  let id = 0;
  for (const trace of traces) {
    const f = trace.flows;
    for (let at = 0; at < f.length; at += FLOW_FIELDS) {
      if (f[at + FlowField.SENDING] !== 0) continue;
      const src = f[at + FlowField.PEER] as number;
      const send = sends.get(key(src, trace.rank, f, at));
      if (send === undefined) continue;
      id++;
      const common = { name: MESSAGE, cat: MESSAGE, pid: PID, id } as const;
      const args = { tag: f[at + FlowField.TAG] as number };
      out.push(
        { ...common, ph: "s", tid: src, ts: middle(send.trace, send.row), args },
        {
          ...common,
          ph: "f",
          bp: "e",
          tid: trace.rank,
          ts: middle(trace, f[at + FlowField.EVENT] as number),
          args,
        },
      );
    }
  }
  return out;
}
