/** The object path's serialization round-trips every supported type and names mismatches. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeJob, job, kernelPath } from "./helpers.js";

test("every supported type round-trips", async () => {
  const j = await job(kernelPath("serialize"), 1);
  assert.is(j.exitCode, 0, describeJob(j));
  assert.match(j.lines.at(-1) ?? "", /^serialize: \d+ cases ok$/);
});

test("decoding as another type names both types", async () => {
  const j = await job(kernelPath("serialize_mismatch"), 1);
  assert.is(j.exitCode, 1);
  assert.equal(j.failures, ["rank 0: recv: type mismatch: expected string, received Array<f64>"]);
});

test.run();
