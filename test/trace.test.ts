/** Traces: every call of every rank as a slice on its rank's track, every message an arrow. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { abi, type ChromeTrace, createJob, joinJob, run, type TraceEvent } from "wasmpi";
import { cli, describeJob, job, kernel, kernelPath } from "./helpers.js";

const traceKernel = kernelPath("trace");
const scratch = mkdtempSync(join(tmpdir(), "wasmpi-trace-"));
const SENDING_CALLS = new Set(["send", "isend", "sendrecv"]);
const RECEIVING_CALLS = new Set(["recv", "sendrecv", "wait", "waitany", "test", "testall"]);

interface Arrow {
  src: number;
  dst: number;
  tag: number;
  from: TraceEvent;
  to: TraceEvent;
}

/** The slice on rank `tid`'s track that encloses time `ts`. */
function sliceAt(trace: ChromeTrace, tid: number, ts: number): TraceEvent {
  const found = trace.traceEvents.filter(
    (e) =>
      e.ph === "X" &&
      e.tid === tid &&
      (e.ts as number) <= ts &&
      ts <= (e.ts as number) + (e.dur as number),
  );
  assert.is(found.length, 1, `one slice of rank ${tid} encloses ${ts}, found ${found.length}`);
  return found[0] as TraceEvent;
}

/** Checks the file's structure and returns its arrows, each with the slices it joins. */
function arrowsOf(trace: ChromeTrace, np: number): Arrow[] {
  assert.is(trace.displayTimeUnit, "ns");
  assert.ok(Array.isArray(trace.traceEvents));
  const names = trace.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name");
  assert.equal(
    names.map((e) => [e.tid, e.args?.name]),
    Array.from({ length: np }, (_, r) => [r, `rank ${r}`]),
  );
  const functions = new Set(Object.keys(abi.FUNCTIONS));
  for (let rank = 0; rank < np; rank++) {
    const slices = trace.traceEvents
      .filter((e) => e.ph === "X" && e.tid === rank)
      .sort((a, b) => (a.ts as number) - (b.ts as number));
    assert.ok(slices.length > 0, `rank ${rank} has slices`);
    let end = Number.NEGATIVE_INFINITY;
    for (const s of slices) {
      assert.ok(functions.has(s.name), `${s.name} is a wasmpi call`);
      assert.ok((s.dur as number) >= 0, `${s.name} on rank ${rank} has a duration`);
      // A rank makes one call at a time: its slices never overlap.
      assert.ok(
        (s.ts as number) >= end,
        `${s.name} on rank ${rank} starts after the call before ends`,
      );
      end = (s.ts as number) + (s.dur as number);
    }
  }
  const starts = new Map(trace.traceEvents.filter((e) => e.ph === "s").map((e) => [e.id, e]));
  const ends = trace.traceEvents.filter((e) => e.ph === "f");
  assert.is(ends.length, starts.size, "every arrow has both ends");
  return ends.map((f) => {
    const s = starts.get(f.id);
    assert.ok(s !== undefined, `arrow ${f.id} has a start`);
    assert.is(f.bp, "e");
    const from = sliceAt(trace, s.tid, s.ts as number);
    const to = sliceAt(trace, f.tid, f.ts as number);
    assert.ok(SENDING_CALLS.has(from.name), `arrow ${f.id} leaves a send, not ${from.name}`);
    assert.ok(RECEIVING_CALLS.has(to.name), `arrow ${f.id} reaches a receive, not ${to.name}`);
    return { src: s.tid, dst: f.tid, tag: f.args?.tag as number, from, to };
  });
}

/** The arrows test/kernels/trace.ts draws on np ranks, as "src>dst tag". */
function expectedArrows(np: number): string[] {
  const out: string[] = [];
  for (let r = 0; r < np; r++) {
    const right = (r + 1) % np;
    out.push(`${r}>${right} ${10 + r}`, `${r}>${right} 20`, `${r}>${right} 30`);
  }
  // Split(r % 2): sub-rank 0 to sub-rank 1 are world ranks 0 and 2, 1 and 3.
  if (np > 2) out.push("0>2 40");
  if (np > 3) out.push("1>3 40");
  out.push("0>1 50", "0>1 50", "0>1 50");
  return out.sort();
}

const key = (a: Arrow) => `${a.src}>${a.dst} ${a.tag}`;

test("run({ trace }) gives every call as a slice and every message as an arrow between the right ranks", async () => {
  let trace: ChromeTrace | null = null;
  const j = await job(traceKernel, 4, [], {
    trace: (t) => {
      trace = t;
    },
  });
  assert.is(j.exitCode, 0, describeJob(j));
  assert.equal(j.lines, ["ok trace", "ok trace", "ok trace", "ok trace"]);
  const t = trace as unknown as ChromeTrace;
  const arrows = arrowsOf(t, 4);
  assert.equal(arrows.map(key).sort(), expectedArrows(4));
  for (const a of arrows) {
    // Both ends name the same peer pair, seen from each side (a sendrecv's slice shows the
    // peer it sends to; where its message came from, the arrow shows).
    assert.is(a.from.args?.peer, a.dst, `${key(a)}: the send's peer`);
    if (a.to.name !== "sendrecv")
      assert.is(a.to.args?.peer, a.src, `${key(a)}: the receive's peer`);
    if (a.tag >= 10 && a.tag < 20) {
      assert.is(a.from.name, "send");
      assert.is(a.to.name, "recv");
      assert.is(a.to.args?.tag, a.tag, "a wildcard receive shows the tag that arrived");
      assert.is(a.to.args?.bytes, 16);
    }
    if (a.tag === 20) assert.equal([a.from.name, a.to.name], ["isend", "wait"]);
    if (a.tag === 30) assert.equal([a.from.name, a.to.name], ["sendrecv", "sendrecv"]);
    // Messages of one pair and tag pair up in order: the sizes on both ends agree.
    if (a.tag === 50) assert.is(a.to.args?.bytes, a.from.args?.bytes, "tag 50 in order");
  }
  const sizes = arrows.filter((a) => a.tag === 50).map((a) => a.from.args?.bytes);
  assert.equal([...sizes].sort(), [16, 24, 8].sort());
  const allreduce = t.traceEvents.filter((e) => e.ph === "X" && e.name === "allreduce");
  assert.equal(
    allreduce.map((e) => [e.args?.bytes, e.args?.comm]),
    [0, 1, 2, 3].map(() => [8, abi.Comm.WORLD]),
  );
});

test("wasmpi run --trace FILE writes the trace, and a failed call shows its error", async () => {
  const file = join(scratch, "ring.json");
  const out = await cli(["run", "-n", "3", "--trace", file, traceKernel]);
  assert.is(out.code, 0, out.stderr);
  const trace = JSON.parse(readFileSync(file, "utf8")) as ChromeTrace;
  assert.equal(arrowsOf(trace, 3).map(key).sort(), expectedArrows(3));

  const failed = join(scratch, "failed.json");
  const bad = await cli([
    "run",
    "-n",
    "2",
    `--trace=${failed}`,
    kernelPath("failures"),
    "--",
    "peer-returned",
  ]);
  assert.is(bad.code, 1, bad.stderr);
  const events = (JSON.parse(readFileSync(failed, "utf8")) as ChromeTrace).traceEvents;
  const recv = events.find((e) => e.ph === "X" && e.tid === 1 && e.name === "recv");
  assert.equal(recv?.args?.error, "ERR_PROC_FAILED", JSON.stringify(recv));
  const fatal = events.find((e) => e.ph === "X" && e.tid === 1 && e.name === "fatal");
  assert.is(fatal?.args?.returned, false, JSON.stringify(fatal));
});

test("run({ trace: path }) writes the file; a path that cannot be written is said at once", async () => {
  const bytes = await kernel(traceKernel);
  const file = join(scratch, "api.json");
  const result = await run(bytes, { np: 2, trace: file, timeoutMs: 60_000, onOutput: () => {} });
  assert.is(result.exitCode, 0);
  const trace = JSON.parse(readFileSync(file, "utf8")) as ChromeTrace;
  assert.equal(arrowsOf(trace, 2).map(key).sort(), expectedArrows(2));
  try {
    await run(bytes, { np: 2, trace: join(scratch, "no", "such", "dir.json") });
    assert.unreachable("a trace path in a missing folder is refused");
  } catch (error) {
    assert.match((error as Error).message, /^cannot write the trace to .*dir\.json: ENOENT$/);
  }
});

test("without a trace, a rank's imports are the engine's own functions", () => {
  const job = createJob({ np: 1, memory: { initial: 1, maximum: 1 } });
  const plain = joinJob(job.rank(0));
  const traced = joinJob(job.rank(0), { trace: true });
  for (const [name, spec] of Object.entries(abi.FUNCTIONS)) {
    // The plain functions declare the table's parameters; the traced ones wrap them.
    assert.is((plain.imports[name] as () => void).length, spec.params.length, name);
    assert.is.not(traced.imports[name], plain.imports[name], name);
  }
  assert.is(plain.run(() => 0).trace, null);
  const events = traced.run(() => 0).trace?.events;
  assert.ok(events instanceof Float64Array && events.length === 0);
});

test("--trace needs a file", async () => {
  const out = await cli(["run", "--trace"]);
  assert.is(out.code, 2);
  assert.is(out.stderr, "wasmpi: --trace needs a value\n");
  const flag = await cli(["run", "--trace", "-n", "2", "x.wasm"]);
  assert.is(flag.code, 2);
  assert.match(flag.stderr, /^wasmpi: --trace takes the path of the file to write, got '-n'\n$/);
});

test.run();
