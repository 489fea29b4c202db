/**
 * Hostile kernels: calls the fuzzer once found mishandled, each replayed by a scenario of
 * test/kernels/holes.ts that checks the codes and side effects.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeJob, job, kernelPath } from "./helpers.js";

const holes = kernelPath("holes");

const scenarios: [scenario: string, np: number, what: string][] = [
  ["testall-duplicate", 1, "Testall refuses a request named twice and changes nothing"],
  ["testall-truncated", 1, "Testall frees every request even when one receive was truncated"],
  ["test-any-source-self", 1, "Test of an ANY_SOURCE receive on one rank waits for its own send"],
  ["test-any-source-self", 2, "Test of an ANY_SOURCE receive on COMM_SELF is no error at 2 ranks"],
  ["truncated-rendezvous", 1, "a large send to itself completes when its receive truncates it"],
  ["truncated-rendezvous", 2, "a large Send completes when its receiver truncates it"],
  ["wrapping-displacement", 1, "a v-collective block 4 GiB past its buffer is refused"],
];

for (const [scenario, np, what] of scenarios) {
  test(what, async () => {
    const j = await job(holes, np, [scenario], { timeoutMs: 20_000 });
    assert.is(j.exitCode, 0, describeJob(j));
    assert.equal(
      j.lines,
      Array.from({ length: np }, () => `ok ${scenario}`),
      describeJob(j),
    );
  });
}

test.run();
