/**
 * Communicators at 1–5 ranks: Split with varied colors and keys (members checked against an
 * independent computation), UNDEFINED, Dup isolation on every receive and probe path,
 * collectives on rows and columns at once, Splits of Splits, contexts reused by other groups
 * many times over, all contexts in use at once; then the ways a communicator call ends the job.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeJob, job, kernelPath } from "./helpers.js";

const comms = kernelPath("comms");
const scenarios = ["split", "undefined", "dup", "self", "grid", "nested", "reuse", "fill", "stale"];

for (const scenario of scenarios) {
  for (const np of [1, 2, 3, 4, 5]) {
    test(`${scenario} on ${np} rank${np > 1 ? "s" : ""}`, async () => {
      const j = await job(comms, np, [scenario], { timeoutMs: 30_000 });
      assert.is(j.exitCode, 0, describeJob(j));
      assert.equal(
        j.lines,
        Array.from({ length: np }, () => `ok ${scenario}`),
        describeJob(j),
      );
    });
  }
}

interface Failure {
  scenario: string;
  /** The only failure line, without "wasmpi: ". */
  line: RegExp;
}

const TOO_MANY =
  "too many communicators: at most 62 can exist at once besides COMM_WORLD and COMM_SELF \\(Free those no longer needed\\)";

// The last rank makes the mistake unless the mistake is everybody's.
const failures: Failure[] = [
  { scenario: "error-freed-send", line: /^rank L: Send: the communicator was freed$/ },
  { scenario: "error-freed-barrier", line: /^rank L: Barrier: the communicator was freed$/ },
  { scenario: "error-double-free", line: /^rank L: Free: the communicator was freed$/ },
  { scenario: "error-null-send", line: /^rank L: Send: the communicator is COMM_NULL$/ },
  { scenario: "error-null-barrier", line: /^rank L: Barrier: the communicator is COMM_NULL$/ },
  { scenario: "error-null-rank", line: /^rank L: Get_rank: the communicator is COMM_NULL$/ },
  { scenario: "error-null-split", line: /^rank L: Split: the communicator is COMM_NULL$/ },
  { scenario: "error-free-world", line: /^rank L: Free: COMM_WORLD cannot be freed$/ },
  { scenario: "error-free-self", line: /^rank L: Free: COMM_SELF cannot be freed$/ },
  { scenario: "error-free-null", line: /^rank L: Free: the communicator is COMM_NULL$/ },
  { scenario: "error-too-many", line: new RegExp(`^rank 0: Dup: ${TOO_MANY}$`) },
  { scenario: "error-too-many-split", line: new RegExp(`^rank 0: Split: ${TOO_MANY}$`) },
  {
    scenario: "error-bad-color",
    line: /^rank L: Split: invalid color -5 \(colors are >= 0, or UNDEFINED\)$/,
  },
];

for (const f of failures) {
  for (const np of [1, 3]) {
    test(`${f.scenario} on ${np} rank${np > 1 ? "s" : ""} ends the job with one line`, async () => {
      const started = performance.now();
      const j = await job(comms, np, [f.scenario], { timeoutMs: 20_000 });
      const elapsed = performance.now() - started;
      assert.not.ok(j.timedOut, `the job hung: ${describeJob(j)}`);
      assert.is(j.exitCode, 1, describeJob(j));
      assert.is(j.failures.length, 1, describeJob(j));
      const line = new RegExp(f.line.source.replace("rank L", `rank ${np - 1}`));
      assert.match(j.failures[0] as string, line, describeJob(j));
      assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    });
  }
}

test.run();
