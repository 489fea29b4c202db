/**
 * A job's trace (the Chrome trace event object `run({ trace })` hands over) as the timeline
 * draws it: a track of calls per rank, in time order, and the messages between them.
 */
import { ANY_SOURCE, Comm, type FunctionName, PROC_NULL } from "../../host/abi.js";
import type { ChromeTrace, TraceEvent } from "../../host/platform/web/index.js";

/** What a call does, which is what its bar's colour says. */
export const CALL_KINDS = ["point-to-point", "collective", "wait", "local"] as const;
export type CallKind = (typeof CALL_KINDS)[number];

const KIND_OF_CALL: Readonly<Partial<Record<FunctionName, CallKind>>> = {
  send: "point-to-point",
  recv: "point-to-point",
  sendrecv: "point-to-point",
  isend: "point-to-point",
  irecv: "point-to-point",
  probe: "point-to-point",
  iprobe: "point-to-point",
  wait: "wait",
  test: "wait",
  waitany: "wait",
  testall: "wait",
  // Creating and freeing a communicator is collective over the old one.
  comm_split: "collective",
  comm_dup: "collective",
  comm_free: "collective",
  barrier: "collective",
  bcast: "collective",
  scatter: "collective",
  gather: "collective",
  allgather: "collective",
  alltoall: "collective",
  scatterv: "collective",
  gatherv: "collective",
  allgatherv: "collective",
  alltoallv: "collective",
  reduce: "collective",
  allreduce: "collective",
  scan: "collective",
  exscan: "collective",
  reduce_scatter_block: "collective",
};

/** Calls that involve no other rank (comm_rank, wtime, ...) are "local". */
export function kindOf(call: string): CallKind {
  return KIND_OF_CALL[call as FunctionName] ?? "local";
}

/** One rank's calls. A rank makes one call at a time, so starts and ends both ascend. */
export interface Track {
  readonly rank: number;
  readonly calls: readonly TraceEvent[];
  /** Microseconds since the job started. */
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Index in CALL_KINDS of each call's kind. */
  readonly kinds: Uint8Array;
}

export interface CallRef {
  readonly rank: number;
  /** Index in its track's calls. */
  readonly index: number;
}

/** A message: the arrow from the call that sent it to the call that received it. */
export interface Message {
  readonly from: CallRef;
  readonly to: CallRef;
  /** Where the arrow leaves and arrives (µs): the middle of each call. */
  readonly sentAt: number;
  readonly receivedAt: number;
}

export interface Timeline {
  readonly tracks: readonly Track[];
  readonly messages: readonly Message[];
  readonly calls: number;
  /** The first call's start and the last call's end (µs); both 0 without calls. */
  readonly start: number;
  readonly end: number;
}

export function timelineOf(trace: ChromeTrace): Timeline {
  const byRank: TraceEvent[][] = Array.from({ length: trace.otherData.ranks }, () => []);
  const sends = new Map<number, TraceEvent>();
  const receives: TraceEvent[] = [];
  for (const event of trace.traceEvents) {
    if (event.ph === "X") byRank[event.tid]?.push(event);
    else if (event.ph === "s" && event.id !== undefined) sends.set(event.id, event);
    else if (event.ph === "f") receives.push(event);
  }
  const tracks = byRank.map((calls, rank) => trackOf(rank, calls));
  const messages: Message[] = [];
  for (const arrival of receives) {
    const departure = arrival.id === undefined ? undefined : sends.get(arrival.id);
    if (departure === undefined) continue;
    const from = callAt(tracks[departure.tid], departure.ts ?? 0);
    const to = callAt(tracks[arrival.tid], arrival.ts ?? 0);
    if (from === null || to === null) continue;
    messages.push({ from, to, sentAt: departure.ts ?? 0, receivedAt: arrival.ts ?? 0 });
  }
  const started = tracks.filter((t) => t.calls.length > 0);
  return {
    tracks,
    messages,
    calls: tracks.reduce((n, t) => n + t.calls.length, 0),
    start: started.length === 0 ? 0 : Math.min(...started.map((t) => t.starts[0] as number)),
    end: started.length === 0 ? 0 : Math.max(...started.map((t) => t.ends.at(-1) as number)),
  };
}

function trackOf(rank: number, events: TraceEvent[]): Track {
  const calls = events.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const starts = new Float64Array(calls.length);
  const ends = new Float64Array(calls.length);
  const kinds = new Uint8Array(calls.length);
  calls.forEach((call, i) => {
    starts[i] = call.ts ?? 0;
    ends[i] = (call.ts ?? 0) + (call.dur ?? 0);
    kinds[i] = CALL_KINDS.indexOf(kindOf(call.name));
  });
  return { rank, calls, starts, ends, kinds };
}

/** Index of the first call of `track` that ends at or after `time` (calls.length if none). */
export function firstEndingAfter(track: Track, time: number): number {
  let low = 0;
  let high = track.ends.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((track.ends[mid] as number) < time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The call of `track` under `time`, give or take `slack` µs; null where there is none. */
export function callAt(track: Track | undefined, time: number, slack = 0): CallRef | null {
  if (track === undefined) return null;
  const index = firstEndingAfter(track, time - slack);
  if (index >= track.calls.length || (track.starts[index] as number) > time + slack) return null;
  return { rank: track.rank, index };
}

/** The pairs of ranks that exchanged a message, as "0>1" (sender>receiver), sorted. */
export function messagePairs(timeline: Timeline): string[] {
  return [...new Set(timeline.messages.map((m) => `${m.from.rank}>${m.to.rank}`))].sort();
}

const COMM_NAMES: ReadonlyMap<number, string> = new Map([
  [Comm.WORLD, "COMM_WORLD"],
  [Comm.SELF, "COMM_SELF"],
]);

/** A peer as a kernel names it: a rank, or ANY_SOURCE or PROC_NULL. */
export function peerName(peer: number): string {
  if (peer === ANY_SOURCE) return "ANY_SOURCE";
  if (peer === PROC_NULL) return "PROC_NULL";
  return String(peer);
}

export function commName(comm: number): string {
  return COMM_NAMES.get(comm) ?? `communicator ${comm}`;
}
