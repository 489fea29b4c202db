/** Nonblocking point-to-point (Isend, Irecv, isend, Request) at 1–5 ranks, checked inside the ranks. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli, describeJob, job, kernelPath } from "./helpers.js";

const nonblocking = kernelPath("nonblocking");

/** Scenario, extra argument, rank counts. Each rank prints `ok <scenario>` when its checks held. */
const scenarios: [string, string, number[]][] = [
  // 1. typed arrays of every datatype and StaticArray, statuses on Wait and Test, wildcards,
  // PROC_NULL
  ["basic", "", [1, 2, 3, 5]],
  // 2. post order, ANY_SOURCE before a specific source, blocking Recv and Probe behind Irecvs
  ["order", "", [1, 2, 3]],
  // 3. 1 MiB messages: 64 in flight between a pair, and from several sources at once
  ["large-window", "", [2, 3]],
  ["large-sources", "", [1, 3, 5]],
  // 4. data arrives while the receiver computes without MPI calls; ring exchanges
  ["overlap", "", [2, 3, 5]],
  ["overlap-after-any", "", [2, 3, 5]],
  ["ring", "", [1, 2, 3, 5]],
  // 5. 2000 Irecvs and 2000 Isends outstanding at once
  ["many", "waitall", [1, 3]],
  ["many", "waitany", [2, 3]],
  ["many", "testall", [2, 5]],
  // 6. Waitany serves every ready request; UNDEFINED with none active
  ["fairness", "", [1, 2, 3, 5]],
  // 7. Testall false then true; completed requests skipped in arrays
  ["testall", "", [1, 2, 3]],
  // A pending receive's buffer is kept by its request alone
  ["pinned", "", [1, 2]],
  // 8. objects: isend + recv
  ["objects", "", [1, 2, 3, 5]],
  // communicators from Split and Dup: their own ranks in statuses, their own matching
  ["subcomm", "", [1, 2, 4, 5]],
];

for (const [scenario, arg, nps] of scenarios) {
  for (const np of nps) {
    const name = arg === "" ? scenario : `${scenario} ${arg}`;
    test(`${name} on ${np} rank${np > 1 ? "s" : ""}`, async () => {
      const j = await job(nonblocking, np, arg === "" ? [scenario] : [scenario, arg]);
      assert.not.ok(j.timedOut, describeJob(j));
      assert.is(j.exitCode, 0, describeJob(j));
      assert.equal(
        j.lines,
        Array.from({ length: np }, () => `ok ${scenario}`),
        describeJob(j),
      );
      assert.equal(j.warnings, [], describeJob(j));
    });
  }
}

test("tiny rings and eager limit: order, thousands of requests, overlap", async () => {
  const options = { ringBytes: 4096, eagerLimit: 256 };
  for (const args of [["order"], ["many", "testall"], ["overlap"], ["large-sources"]]) {
    const j = await job(nonblocking, 3, args, options);
    assert.is(j.exitCode, 0, `${args.join(" ")}: ${describeJob(j)}`);
    assert.is(j.lines.length, 3, `${args.join(" ")}: ${describeJob(j)}`);
  }
});

// ---- 9. errors: one clear line for the failing rank, a non-zero exit, no hang -------------

interface Failure {
  how: string;
  np: number;
  /** The failing rank's line, without "wasmpi: ". */
  line: string;
}

const failures: Failure[] = [
  { how: "fail-wait-completed", np: 2, line: "rank 1: Wait: the request has already completed" },
  { how: "fail-test-completed", np: 1, line: "rank 0: Test: the request has already completed" },
  { how: "fail-wait-freed", np: 2, line: "rank 1: Wait: the request was freed" },
  {
    how: "fail-too-many-requests",
    np: 2,
    line: "rank 1: Isend: more than 65535 requests pending (complete some with Wait or Test first)",
  },
  {
    how: "fail-free-pending",
    np: 2,
    line: "rank 1: Free: a pending receive cannot be freed (its buffer would be written later): Wait or Test it",
  },
  {
    how: "fail-truncate",
    np: 2,
    line: "rank 1: Wait: message truncated (got 800 bytes, buffer holds 80)",
  },
  {
    how: "fail-truncate-large",
    np: 3,
    line: "rank 2: Wait: message truncated (got 800000 bytes, buffer holds 80)",
  },
  {
    how: "fail-truncate-waitany",
    np: 2,
    line: "rank 1: Waitany: message truncated (got 2400 bytes, buffer holds 80)",
  },
  {
    how: "fail-no-sender",
    np: 2,
    line: "rank 1: Wait: rank 0 ended without sending a matching message (source=0, tag=4)",
  },
  {
    how: "fail-no-sender-test",
    np: 2,
    line: "rank 1: Test: rank 0 ended without sending a matching message (source=0, tag=4)",
  },
  {
    how: "fail-no-sender-waitany",
    np: 3,
    line: "rank 2: Waitany: every other rank ended without sending a matching message (source=ANY_SOURCE, tag=4)",
  },
  {
    how: "fail-no-receiver",
    np: 2,
    line: "rank 1: Wait: rank 0 ended without receiving this message (dest=0, tag=4)",
  },
];

for (const f of failures) {
  test(`${f.how} on ${f.np} rank${f.np > 1 ? "s" : ""} ends the job with one line`, async () => {
    const started = performance.now();
    const j = await job(nonblocking, f.np, [f.how], { timeoutMs: 20_000 });
    const elapsed = performance.now() - started;
    assert.not.ok(j.timedOut, `the job hung: ${describeJob(j)}`);
    assert.is(j.exitCode, 1, describeJob(j));
    assert.equal(j.failures, [f.line], describeJob(j));
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    const failed = Number(/^rank (\d+)/.exec(f.line)?.[1]);
    for (const r of j.ranks) {
      if (r.rank === failed) assert.is(r.status, "failed", describeJob(j));
      else assert.ok(r.status !== "exited" || r.exitCode === 0, describeJob(j));
    }
  });
}

test("the CLI prints exactly the failing rank's line", async () => {
  const out = await cli(["run", "-n", "2", nonblocking, "--", "fail-truncate"]);
  assert.is(out.code, 1, out.stderr);
  assert.is(
    out.stderr,
    "wasmpi: rank 1: Wait: message truncated (got 800 bytes, buffer holds 80)\n",
  );
});

const leakWarnings = [
  "rank 0: ended with 1 request never completed (Wait or Test each one): Isend (dest=0, tag=97)",
  "rank 1: ended with 2 requests never completed (Wait or Test each one): Irecv (source=1, tag=99); Isend (dest=1, tag=98)",
  "rank 2: ended with 6 requests never completed (Wait or Test each one): Irecv (source=2, tag=100); Irecv (source=2, tag=101); Irecv (source=2, tag=102); Irecv (source=2, tag=103); and 2 more",
];

test("ranks that end with requests pending: exit 0, one warning per such rank", async () => {
  const j = await job(nonblocking, 4, ["leak"]);
  assert.is(j.exitCode, 0, describeJob(j));
  assert.equal(j.failures, []);
  assert.equal([...j.warnings].sort(), leakWarnings, describeJob(j));
  assert.equal(j.lines, ["ok leak", "ok leak", "ok leak", "ok leak"]);
});

test("the CLI prints the never-completed warnings on stderr and exits 0", async () => {
  const out = await cli(["run", "-n", "4", nonblocking, "--", "leak"]);
  assert.is(out.code, 0, out.stderr);
  const lines = out.stderr.replace(/\n$/, "").split("\n");
  assert.equal(
    lines.sort(),
    leakWarnings.map((w) => `wasmpi: ${w}`),
  );
  assert.is(out.stdout, "ok leak\nok leak\nok leak\nok leak\n");
});

test.run();
