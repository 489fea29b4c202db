/**
 * The demo's timeline model and time axis, under Node: a real job's trace becomes a track per
 * rank holding exactly that rank's calls in time order, and an arrow per message from the
 * call that sent it to the call that received it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ChromeTrace } from "wasmpi";
import { formatDuration, ticks } from "../examples/web/time-scale.js";
import {
  callAt,
  kindOf,
  messagePairs,
  type Timeline,
  timelineOf,
} from "../examples/web/timeline-model.js";
import { describeJob, job, kernelPath } from "./helpers.js";

const SENDING_CALLS = new Set(["send", "isend", "sendrecv"]);
const RECEIVING_CALLS = new Set(["recv", "sendrecv", "wait", "waitany", "test", "testall"]);

async function tracedJob(np: number): Promise<{ trace: ChromeTrace; timeline: Timeline }> {
  const traces: ChromeTrace[] = [];
  const j = await job(kernelPath("trace"), np, [], { trace: (t) => traces.push(t) });
  assert.is(j.exitCode, 0, describeJob(j));
  const trace = traces[0] as ChromeTrace;
  return { trace, timeline: timelineOf(trace) };
}

test("a track per rank holds that rank's calls, in time order, each under its own start", async () => {
  const { trace, timeline } = await tracedJob(3);
  assert.is(timeline.tracks.length, 3);
  const slices = trace.traceEvents.filter((e) => e.ph === "X");
  assert.is(timeline.calls, slices.length);
  for (const track of timeline.tracks) {
    const own = slices.filter((e) => e.tid === track.rank);
    assert.is(track.calls.length, own.length, `rank ${track.rank}'s calls`);
    assert.ok(
      track.calls.every((call) => call.tid === track.rank),
      `rank ${track.rank}'s track holds only its calls`,
    );
    track.calls.forEach((call, i) => {
      assert.is(track.starts[i], call.ts, `rank ${track.rank}, call ${i}: start`);
      assert.is(track.ends[i], (call.ts ?? 0) + (call.dur ?? 0), `rank ${track.rank}: end`);
      if (i > 0) assert.ok((track.starts[i] as number) >= (track.ends[i - 1] as number));
      // A call is found at its own middle (an instant call may share it with its neighbour).
      const middle = (call.ts ?? 0) + (call.dur ?? 0) / 2;
      if ((call.dur ?? 0) > 0) assert.equal(callAt(track, middle), { rank: track.rank, index: i });
    });
  }
  assert.is(timeline.start, Math.min(...slices.map((e) => e.ts ?? 0)));
  assert.is(timeline.end, Math.max(...slices.map((e) => (e.ts ?? 0) + (e.dur ?? 0))));
});

test("every message of the trace is an arrow from a sending call to a receiving call", async () => {
  const { trace, timeline } = await tracedJob(4);
  const arrivals = trace.traceEvents.filter((e) => e.ph === "f");
  assert.ok(arrivals.length > 0, "the job sends messages");
  assert.is(timeline.messages.length, arrivals.length);
  const pairs = new Set<string>();
  for (const m of timeline.messages) {
    const from = timeline.tracks[m.from.rank]?.calls[m.from.index];
    const to = timeline.tracks[m.to.rank]?.calls[m.to.index];
    const what = `${m.from.rank}>${m.to.rank}: ${from?.name} to ${to?.name}`;
    assert.ok(from !== undefined && SENDING_CALLS.has(from.name), what);
    assert.ok(to !== undefined && RECEIVING_CALLS.has(to.name), what);
    assert.ok(
      (from.ts ?? 0) <= m.sentAt && m.sentAt <= (from.ts ?? 0) + (from.dur ?? 0),
      `${what}: leaves its send`,
    );
    pairs.add(`${m.from.rank}>${m.to.rank}`);
  }
  const flowPairs = new Set<string>();
  const starts = new Map(trace.traceEvents.filter((e) => e.ph === "s").map((e) => [e.id, e.tid]));
  for (const f of arrivals) flowPairs.add(`${starts.get(f.id)}>${f.tid}`);
  assert.equal(messagePairs(timeline), [...flowPairs].sort());
  assert.equal([...pairs].sort(), [...flowPairs].sort());
});

test("calls are coloured by what they do", () => {
  assert.equal(
    [
      "send",
      "irecv",
      "probe",
      "allreduce",
      "comm_split",
      "wait",
      "testall",
      "comm_rank",
      "wtime",
    ].map(kindOf),
    [
      "point-to-point",
      "point-to-point",
      "point-to-point",
      "collective",
      "collective",
      "wait",
      "wait",
      "local",
      "local",
    ],
  );
});

test("the time axis: round steps inside the range, written in the unit of the times", () => {
  for (const [from, to, count] of [
    [0, 1000, 10],
    [107_150.1, 117_000.4, 9],
    [381_805.2, 381_815.9, 8],
    [2.5e6, 9.75e6, 6],
  ] as const) {
    const marks = ticks(from, to, count);
    const what = `${from}..${to}: ${marks.map((m) => m.label).join(", ")}`;
    assert.ok(marks.length >= count / 2.5 && marks.length <= count * 2.5 + 1, what);
    assert.ok(
      marks.every((m) => m.at >= from && m.at <= to),
      what,
    );
    const steps = marks.slice(1).map((m, i) => m.at - (marks[i]?.at as number));
    assert.ok(
      steps.every((s) => Math.abs(s - (steps[0] as number)) < 1e-6),
      `${what}: even steps`,
    );
    assert.is(new Set(marks.map((m) => m.label)).size, marks.length, `${what}: distinct labels`);
  }
  assert.equal(
    ticks(381_500, 382_600, 4).map((m) => m.label),
    ["381.5 ms", "382.0 ms", "382.5 ms"],
  );
  assert.equal([0.5, 15, 396.067, 8120.06, 2.5e6].map(formatDuration), [
    "0.50 µs",
    "15.0 µs",
    "396 µs",
    "8.12 ms",
    "2.50 s",
  ]);
});

test.run();
