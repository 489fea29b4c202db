/**
 * Deadlocks are found and reported, one line per blocked rank (well before the jobs' 10 s
 * deadline: the launcher looks every 100 ms); jobs that merely wait for a long time are never
 * stopped.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeJob, job, kernelPath } from "./helpers.js";

const kernel = kernelPath("deadlock");
const WORLD = "comm=COMM_WORLD";

interface Deadlock {
  scenario: string;
  np: number;
  /** The line of each rank still running, by rank; the other ranks exit normally. */
  lines: (rank: number, np: number) => string | null;
}

const right = (r: number, np: number) => (r + 1) % np;
const left = (r: number, np: number) => (r + np - 1) % np;

const deadlocks: Deadlock[] = [
  {
    scenario: "recv-cycle",
    np: 2,
    lines: (r, np) => `Recv: deadlock (source=${right(r, np)}, tag=0, ${WORLD})`,
  },
  {
    scenario: "recv-cycle",
    np: 1,
    lines: () => `Recv: deadlock (source=0, tag=0, ${WORLD})`,
  },
  {
    // More ranks than cores: every wait yields and sleeps.
    scenario: "recv-cycle",
    np: 5,
    lines: (r, np) => `Recv: deadlock (source=${right(r, np)}, tag=0, ${WORLD})`,
  },
  {
    scenario: "send-cycle",
    np: 3,
    lines: (r, np) => `Send: deadlock (dest=${right(r, np)}, tag=1, ${WORLD})`,
  },
  {
    scenario: "sendrecv",
    np: 2,
    lines: (r, np) => `Sendrecv: deadlock (source=${left(r, np)}, tag=2, ${WORLD})`,
  },
  {
    scenario: "collective-missing",
    np: 4,
    lines: (r, np) =>
      r === np - 1
        ? `Recv: deadlock (source=0, tag=7, ${WORLD})`
        : `Barrier: deadlock (waiting for rank ${np - 1}, collective #1, ${WORLD})`,
  },
  {
    scenario: "collective-split",
    np: 3,
    lines: (r, np) =>
      r === np - 1
        ? "Recv: deadlock (source=0, tag=3, comm=#3 (Split of COMM_WORLD))"
        : `Allreduce: deadlock (waiting for rank ${np - 1}, collective #1, comm=#3 (Split of COMM_WORLD))`,
  },
  {
    scenario: "wait-irecv",
    np: 3,
    lines: () => `Wait: deadlock (source=ANY_SOURCE, tag=9, ${WORLD})`,
  },
  {
    scenario: "waitany",
    np: 2,
    lines: (r, np) => `Waitany: deadlock (source=${right(r, np)}, tag=1, ${WORLD})`,
  },
  {
    scenario: "probe",
    np: 2,
    lines: (r, np) => `Probe: deadlock (source=${right(r, np)}, tag=5, ${WORLD})`,
  },
  {
    scenario: "ring-full",
    np: 3,
    lines: (r) =>
      r === 0
        ? `Send: deadlock (dest=1, tag=1, ${WORLD})`
        : `Barrier: deadlock (waiting for rank 0, collective #1, ${WORLD})`,
  },
  {
    scenario: "some-ended",
    np: 4,
    lines: (r) => (r < 2 ? `Recv: deadlock (source=${1 - r}, tag=0, ${WORLD})` : null),
  },
];

for (const d of deadlocks) {
  test(`${d.scenario} on ${d.np} rank${d.np === 1 ? "" : "s"}: a deadlock, reported per rank`, async () => {
    const j = await job(kernel, d.np, [d.scenario], { timeoutMs: 10_000 });
    assert.not.ok(j.timedOut, `not found before the deadline: ${describeJob(j)}`);
    assert.ok(j.deadlocked, describeJob(j));
    assert.is(j.exitCode, 1, describeJob(j));
    const expected: string[] = [];
    for (let r = 0; r < d.np; r++) {
      const line = d.lines(r, d.np);
      const result = j.ranks[r];
      if (line === null) {
        assert.is(result?.status, "exited", `rank ${r} ends normally: ${describeJob(j)}`);
        continue;
      }
      assert.is(result?.status, "failed", `rank ${r} is reported: ${describeJob(j)}`);
      assert.is(result?.error, line, `rank ${r}'s report`);
      expected.push(`rank ${r}: ${line}`);
    }
    assert.equal(j.failures, expected);
  });
}

/** Jobs whose ranks wait long, or often, but never in vain: each must end normally. */
const waits = [
  { scenario: "slow-sender", np: 3, what: "a rank computes for 2 s before it sends" },
  { scenario: "slow-sender", np: 5, what: "the same, 5 ranks on 2 cores" },
  { scenario: "slow-collective", np: 3, what: "a rank computes for 2 s before Allreduce" },
  { scenario: "big-rendezvous", np: 2, what: "256 MiB messages copied while the sender waits" },
  { scenario: "busy", np: 5, what: "exchanges, collectives and pauses on 5 ranks, 2 cores" },
];

for (const w of waits) {
  test(`no false alarm: ${w.what}`, async () => {
    const j = await job(kernel, w.np, [w.scenario], { timeoutMs: 30_000 });
    assert.not.ok(j.deadlocked, `stopped as a deadlock: ${describeJob(j)}`);
    assert.is(j.exitCode, 0, describeJob(j));
    assert.equal(
      j.stdout.map((lines) => lines.join("|")),
      Array.from({ length: w.np }, () => "ok"),
    );
  });
}

test.run();
