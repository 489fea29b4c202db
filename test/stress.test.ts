/**
 * Load: messages of 0 B to 1 MiB between random pairs of 4 ranks, ANY_SOURCE receives, blocking
 * and nonblocking calls mixed (test/kernels/stress.ts); every message is checked for its
 * sequence number in its pair and its checksum, in the ranks. Small runs here; `npm run soak`
 * runs the same for minutes, and `--messages 1000000` a million messages.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { memoryTrend } from "../bench/lib/memory-trend.js";
import { describeJob, type Job, job, kernelPath } from "./helpers.js";

const RANKS = 4;
const SEED = process.env.WASMPI_STRESS_SEED ?? "7";

/** The job's counts: every message sent was received, and as many as rank 0 reports. */
function checkCounts(j: Job, atLeast: number): void {
  assert.is(j.exitCode, 0, describeJob(j));
  let sent = 0;
  let received = 0;
  for (let r = 0; r < RANKS; r++) {
    const line = (j.stdout[r] ?? []).find((l) => l.startsWith(`stress rank ${r} `)) ?? "";
    const m = /^stress rank \d+ sent (\d+) received (\d+)$/.exec(line);
    assert.ok(m, `rank ${r} printed no counts: ${JSON.stringify(j.stdout[r])}`);
    sent += Number(m[1]);
    received += Number(m[2]);
  }
  const ok = /^stress ok messages (\d+) bytes (\d+) seconds [\d.]+$/.exec(
    (j.stdout[0] ?? []).find((l) => l.startsWith("stress ok")) ?? "",
  );
  assert.ok(ok, `no summary: ${JSON.stringify(j.stdout[0])}`);
  assert.is(sent, Number(ok[1]), "messages sent, summed over the ranks");
  assert.is(received, sent, "messages received, summed over the ranks");
  assert.ok(sent >= atLeast, `only ${sent} messages`);
}

test("20,000 messages between random pairs of 4 ranks arrive once each, intact, in order", async () => {
  const j = await job(kernelPath("stress"), RANKS, [SEED, "20000", "0", "16384", "0"]);
  checkCounts(j, 20_000);
});

test("through 16 KiB rings and a 2 KiB eager limit: rings fill, more go by rendezvous", async () => {
  const j = await job(kernelPath("stress"), RANKS, [SEED, "8000", "0", "2048", "0"], {
    ringBytes: 16 << 10,
    eagerLimit: 2048,
  });
  checkCounts(j, 8000);
});

test("for a time rather than a count: the ranks agree when to stop", async () => {
  const j = await job(kernelPath("stress"), RANKS, [SEED, "0", "0.5", "16384", "0.2"]);
  checkCounts(j, 1);
  assert.ok(
    (j.stdout[0] ?? []).some((l) =>
      /^stress progress messages \d+ bytes \d+ seconds [\d.]+ memory \d+$/.test(l),
    ),
    "no progress line",
  );
});

const MiB = 1 << 20;
/** Samples every 5 s for `minutes`, from `bytes(seconds)`. */
const series = (minutes: number, bytes: (t: number) => number) =>
  Array.from({ length: (minutes * 60) / 5 }, (_, i) => ({ seconds: i * 5, bytes: bytes(i * 5) }));
/** A deterministic wobble of a few MiB, as garbage collections make. */
const wobble = (t: number) => ((t * 7919) % 5) * MiB;

test("the soak's verdict: steps while warming up then level is flat; steady growth is not", () => {
  const warming = memoryTrend(
    series(4, (t) => 300 * MiB + (t < 90 ? t * MiB : 90 * MiB) + wobble(t)),
    240,
  );
  assert.is(warming.flat, true, JSON.stringify(warming));
  const leaking = memoryTrend(
    series(4, (t) => 300 * MiB + (t / 60) * 20 * MiB + wobble(t)),
    240,
  );
  assert.is(leaking.flat, false, JSON.stringify(leaking));
  assert.ok(leaking.slope > 15 * MiB && leaking.slope < 25 * MiB, `slope ${leaking.slope}`);
  assert.is(
    memoryTrend(
      series(0.25, () => MiB),
      15,
    ).flat,
    null,
  );
});

test.run();
