/**
 * Collectives at 1–5 ranks, in the manner of mpi4py's suite: every collective × every buffer
 * type × every root, every op on every datatype it applies to, in-place forms, zero lengths,
 * uneven v-counts, MAXLOC and MINLOC on (value, index) pairs, the object forms; each scenario checked inside the ranks. Then large
 * buffers, and the ways a collective ends the job.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeJob, job, kernelPath } from "./helpers.js";

const collectives = kernelPath("collectives");
const scenarios = [
  "barrier",
  "bcast",
  "scatter",
  "gather",
  "allgather",
  "alltoall",
  "vector",
  "reduce",
  "scan",
  "loc",
  "views",
  "empty",
  "objects",
  "numbers",
];

for (const scenario of scenarios) {
  for (const np of [1, 2, 3, 4, 5]) {
    test(`${scenario} on ${np} rank${np > 1 ? "s" : ""}`, async () => {
      const j = await job(collectives, np, [scenario]);
      assert.is(j.exitCode, 0, describeJob(j));
      assert.equal(
        j.lines,
        Array.from({ length: np }, () => `ok ${scenario}`),
        describeJob(j),
      );
    });
  }
}

for (const scenario of ["large-bcast", "large-scatter", "large-allreduce"]) {
  test(`${scenario}: 10M doubles (80 MB) at 2 and 4 ranks`, async () => {
    for (const np of [2, 4]) {
      const j = await job(collectives, np, [scenario]);
      assert.is(j.exitCode, 0, `${np} ranks: ${describeJob(j)}`);
      assert.equal(
        j.lines,
        Array.from({ length: np }, () => `ok ${scenario}`),
      );
    }
  });
}

interface Failure {
  scenario: string;
  np: number;
  /** The first failure line, without "wasmpi: ". */
  line: RegExp;
}

// Lines the kernel library writes are matched exactly; the host's own wording loosely.
const failures: Failure[] = [
  { scenario: "error-root", np: 3, line: /^rank \d: Bcast: .*\broot\b.*\b3\b/ },
  { scenario: "error-counts", np: 3, line: /^rank \d: Bcast: .*\b(bytes|count|elements)\b/ },
  {
    scenario: "error-null-root",
    np: 3,
    line: /^rank 0: Gather: the root's receive buffer is null$/,
  },
  {
    scenario: "error-null-reduce",
    np: 2,
    line: /^rank 0: Reduce: the root's receive buffer is null$/,
  },
  {
    scenario: "error-scatter-length",
    np: 3,
    line: /^rank 0: Scatter: the root's send buffer holds 13 elements, size × recvbuf\.length is 12$/,
  },
  {
    scenario: "error-op",
    np: 2,
    line: /^rank \d: Allreduce: .*\bBAND\b.*\b(DOUBLE|Float64Array)\b/,
  },
  {
    scenario: "error-loc-count",
    np: 2,
    line: /^rank \d: Allreduce: MAXLOC combines \(value, index\) pairs, two elements of DOUBLE each: a count of 3 is not whole pairs$/,
  },
  {
    scenario: "error-loc-number",
    np: 2,
    line: /^rank \d: allreduce: MINLOC combines \(value, index\) pairs, not single numbers: use Allreduce on a typed array of \(value, index\) elements$/,
  },
  {
    scenario: "error-object-type",
    np: 3,
    line: /^rank [12]: bcast: type mismatch: expected i32, received string$/,
  },
];

for (const f of failures) {
  test(`${f.scenario} on ${f.np} ranks ends the job with one line`, async () => {
    const started = performance.now();
    const j = await job(collectives, f.np, [f.scenario], { timeoutMs: 20_000 });
    const elapsed = performance.now() - started;
    assert.not.ok(j.timedOut, `the job hung: ${describeJob(j)}`);
    assert.is(j.exitCode, 1, describeJob(j));
    assert.ok(j.failures.length >= 1, describeJob(j));
    assert.match(j.failures[0] as string, f.line, describeJob(j));
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
  });
}

test.run();
