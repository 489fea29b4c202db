/** Every way a job can fail ends every rank promptly with one clear line and the right code. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeJob, job, kernelPath } from "./helpers.js";

const failures = kernelPath("failures");

interface Case {
  how: string;
  np: number;
  exitCode: number;
  /** The first failure line, without "wasmpi: ". */
  line: RegExp;
}

const cases: Case[] = [
  { how: "trap", np: 3, exitCode: 1, line: /^rank 2: trap: unreachable/ },
  { how: "oob", np: 2, exitCode: 1, line: /^rank 1: trap: memory access out of bounds/ },
  { how: "abort", np: 2, exitCode: 1, line: /^rank 1: abort: boom( at .*)?$/ },
  {
    how: "Abort",
    np: 4,
    exitCode: 3,
    line: /^rank 3: Abort: called with error code 3 on COMM_WORLD$/,
  },
  { how: "exit", np: 2, exitCode: 7, line: /^rank 1: exited with code 7$/ },
  { how: "trap-while-others-compute", np: 3, exitCode: 1, line: /^rank 0: trap: unreachable/ },
  {
    how: "peer-returned",
    np: 2,
    exitCode: 1,
    line: /^rank 1: Recv: rank 0 ended without sending a matching message \(source=0, tag=4\)$/,
  },
  {
    how: "peer-returned-rendezvous",
    np: 2,
    exitCode: 1,
    line: /^rank 1: Send: rank 0 ended without receiving this message \(dest=0, tag=2\)$/,
  },
  {
    how: "bad-dest",
    np: 1,
    exitCode: 1,
    line: /^rank 0: Send: invalid destination rank 1 \(COMM_WORLD has 1 rank\)$/,
  },
  {
    how: "bad-source",
    np: 2,
    exitCode: 1,
    line: /^rank [01]: Recv: invalid source rank -7 \(COMM_WORLD has 2 ranks\)$/,
  },
  {
    how: "bad-tag",
    np: 1,
    exitCode: 1,
    line: /^rank 0: Send: invalid tag -5 \(tags are 0\.\.1073741823\)$/,
  },
  { how: "negative-count", np: 1, exitCode: 1, line: /^rank 0: Send: negative count -1$/ },
  { how: "bad-datatype", np: 1, exitCode: 1, line: /^rank 0: Send: invalid datatype 99$/ },
  {
    how: "bad-pointer",
    np: 1,
    exitCode: 1,
    line: /^rank 0: Send: send buffer \[4294967280, 4294967380\) lies outside the rank's memory \(\d+ bytes\)$/,
  },
  {
    how: "wrapping-pointer",
    np: 1,
    exitCode: 1,
    line: /^rank 0: Recv: receive buffer \[4294967040, 6442450687\) lies outside the rank's memory/,
  },
  { how: "bad-comm", np: 1, exitCode: 1, line: /^rank 0: Send: invalid communicator handle 77$/ },
  { how: "comm-null", np: 1, exitCode: 1, line: /^rank 0: Send: the communicator is COMM_NULL$/ },
  {
    how: "comm-null-object",
    np: 1,
    exitCode: 1,
    line: /^rank 0: gather: the communicator is COMM_NULL$/,
  },
  {
    how: "truncate",
    np: 2,
    exitCode: 1,
    line: /^rank 1: Recv: message truncated \(got 800 bytes, buffer holds 80\)$/,
  },
  {
    how: "truncate-rendezvous",
    np: 3,
    exitCode: 1,
    line: /^rank 2: Recv: message truncated \(got 800000 bytes, buffer holds 80\)$/,
  },
  {
    how: "type-mismatch",
    np: 2,
    exitCode: 1,
    line: /^rank 1: recv: type mismatch: expected string, received Array<f64>$/,
  },
];

for (const c of cases) {
  test(`${c.how} on ${c.np} ranks ends the job (exit ${c.exitCode})`, async () => {
    const started = performance.now();
    const j = await job(failures, c.np, [c.how], { timeoutMs: 20_000 });
    const elapsed = performance.now() - started;
    assert.not.ok(j.timedOut, `the job hung: ${describeJob(j)}`);
    assert.is(j.exitCode, c.exitCode, describeJob(j));
    assert.ok(j.failures.length >= 1, describeJob(j));
    assert.match(j.failures[0] as string, c.line, describeJob(j));
    // Promptly: start-up plus the grace given to ranks busy outside wasmpi calls.
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    for (const r of j.ranks) assert.ok(r.status !== "exited" || r.exitCode === 0, describeJob(j));
  });
}

test("every rank of a failed job is reported, the cause as failed", async () => {
  const j = await job(failures, 4, ["trap"]);
  assert.equal(
    j.ranks.map((r) => r.status),
    ["aborted", "aborted", "aborted", "failed"],
    describeJob(j),
  );
});

test("a job stopped by its deadline reports where each rank is", async () => {
  const j = await job(failures, 3, ["hang"], { timeoutMs: 1000 });
  assert.ok(j.timedOut, describeJob(j));
  assert.not.ok(j.deadlocked, describeJob(j));
  assert.is(j.exitCode, 124);
  assert.equal(
    j.ranks.map((r) => r.error),
    [
      "running (not in a wasmpi call)",
      "Recv: blocked (source=0, tag=0, comm=COMM_WORLD)",
      "Recv: blocked (source=0, tag=0, comm=COMM_WORLD)",
    ],
    describeJob(j),
  );
});

test("the host runs more jobs after failures", async () => {
  await job(failures, 2, ["trap-while-others-compute"]);
  const j = await job(kernelPath("p2p"), 2, ["order"]);
  assert.is(j.exitCode, 0, describeJob(j));
});

test.run();
