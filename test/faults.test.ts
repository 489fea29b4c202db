/**
 * The fault matrix: every kind of fault, in a rank that others are waiting for inside
 * point-to-point calls, inside a collective, or in the middle of a rendezvous copy, ends
 * every rank, reports that one cause with the exit code API.md gives, and leaves the host
 * able to run more jobs.
 */
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type HostPlatform, type JobResult, type RankWorker, runJob } from "../host/launcher.js";
import { nodePlatform } from "../host/platform/node/platform.js";
import { describeJob, job, kernel, kernelPath } from "./helpers.js";

const faults = kernelPath("faults");
const NP = 3;
/** Each rank's memory cap in the matrix (the `oom` fault runs into it). */
const MAX_MEMORY_PAGES = 2048;

interface Fault {
  fault: string;
  exitCode: number;
  /** The one failure line, for victim rank `v`. */
  line: (v: number) => RegExp;
}

const FAULTS: Fault[] = [
  {
    fault: "trap",
    exitCode: 1,
    line: (v) => new RegExp(`^rank ${v}: trap: unreachable in \\S*fail$`),
  },
  {
    fault: "oob",
    exitCode: 1,
    line: (v) => new RegExp(`^rank ${v}: trap: memory access out of bounds in \\S*fail$`),
  },
  {
    fault: "abort",
    exitCode: 1,
    line: (v) => new RegExp(`^rank ${v}: abort: boom( at .*)?$`),
  },
  {
    fault: "Abort",
    exitCode: 5,
    line: (v) => new RegExp(`^rank ${v}: Abort: called with error code 5 on COMM_WORLD$`),
  },
  {
    fault: "stack",
    exitCode: 1,
    line: (v) => new RegExp(`^rank ${v}: trap: stack overflow in \\S*recurse$`),
  },
  {
    fault: "oom",
    exitCode: 1,
    line: (v) =>
      new RegExp(
        `^rank ${v}: out of memory: the allocator could not grow the memory beyond [\\d.]+ MiB \\(the cap is 128 MiB`,
      ),
  },
  { fault: "exit", exitCode: 3, line: (v) => new RegExp(`^rank ${v}: exited with code 3$`) },
  { fault: "die", exitCode: 1, line: (v) => new RegExp(`^rank ${v}: worker died: `) },
];

const SCENES = ["p2p", "collective", "rendezvous", "copying"];

/**
 * Runs one cell of the matrix. A rank that prints `dying` has its worker terminated a moment
 * later, from outside, while it waits inside a call.
 */
async function faultJob(fault: string, scene: string, victim: number): Promise<JobResult> {
  const bytes = await kernel(faults);
  const workers: RankWorker[] = [];
  const platform: HostPlatform = {
    ...nodePlatform,
    createWorker: () => {
      const worker = nodePlatform.createWorker();
      workers.push(worker);
      return worker;
    },
  };
  return runJob(
    bytes,
    {
      np: NP,
      args: [fault, scene, String(victim)],
      timeoutMs: 20_000,
      maxMemoryPages: MAX_MEMORY_PAGES,
      onOutput: (rank, _stream, line) => {
        if (line === "dying") setTimeout(() => workers[rank]?.terminate(), 50);
      },
    },
    platform,
  );
}

/** Threads of this process (Linux), or null where /proc does not say. */
function threads(): number | null {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    return Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN) || null;
  } catch {
    return null;
  }
}

/** The thread count once terminated workers have gone (it stops falling), within 5 s. */
async function settledThreads(): Promise<number | null> {
  let last = threads();
  for (let waited = 0, still = 0; last !== null && waited < 5000 && still < 300; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = threads() as number;
    still = now < last ? 0 : still + 50;
    last = Math.min(last, now);
  }
  return last;
}

let baseline: number | null = null;

test("a job runs before the faults (the host's threads are counted after it)", async () => {
  const j = await job(kernelPath("p2p"), 2, ["order"]);
  assert.is(j.exitCode, 0, describeJob(j));
  baseline = await settledThreads();
});

FAULTS.forEach((f, i) => {
  SCENES.forEach((scene, j) => {
    const victim = (i + j) % NP;
    test(`${f.fault} in rank ${victim}, ${scene}: every rank ends, one cause, exit ${f.exitCode}`, async () => {
      const j = await faultJob(f.fault, scene, victim);
      assert.not.ok(j.timedOut, `the job hung: ${describeJob(j)}`);
      assert.not.ok(j.deadlocked, describeJob(j));
      assert.is(j.exitCode, f.exitCode, describeJob(j));
      assert.is(j.failures.length, 1, `one failure: ${describeJob(j)}`);
      assert.match(j.failures[0] as string, f.line(victim), describeJob(j));
      assert.equal(
        j.ranks.map((r) => r.status),
        Array.from({ length: NP }, (_, r) => (r === victim ? "failed" : "aborted")),
        describeJob(j),
      );
    });
  });
});

test("after the faults the host runs jobs as before, and no worker is left behind", async () => {
  for (let k = 0; k < 3; k++) {
    const j = await job(kernelPath("p2p"), 2, ["order"]);
    assert.is(j.exitCode, 0, describeJob(j));
  }
  if (baseline === null) {
    console.log("  (threads not counted: /proc/self/status is not available here)");
    return;
  }
  const now = await settledThreads();
  assert.ok(now !== null && now <= baseline, `${now} threads now, ${baseline} before the faults`);
});

test.run();
