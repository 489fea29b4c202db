/** Point-to-point semantics at 1–5 ranks, each scenario checked inside the ranks. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeJob, job, kernelPath } from "./helpers.js";

const p2p = kernelPath("p2p");
const scenarios = [
  "datatypes",
  "sizes",
  "anysource",
  "order",
  "probe",
  "specials",
  "objects",
  "flood",
  "exchange",
];

for (const scenario of scenarios) {
  for (const np of [1, 2, 3, 4]) {
    test(`${scenario} on ${np} rank${np > 1 ? "s" : ""}`, async () => {
      const j = await job(p2p, np, [scenario]);
      assert.is(j.exitCode, 0, describeJob(j));
      assert.equal(
        j.lines,
        Array.from({ length: np }, () => `ok ${scenario}`),
        describeJob(j),
      );
    });
  }
}

test("messages up to 64 MiB across the eager/rendezvous boundary", async () => {
  const j = await job(p2p, 2, ["sizes-large"]);
  assert.is(j.exitCode, 0, describeJob(j));
  assert.equal(j.lines, ["ok sizes-large", "ok sizes-large"]);
});

test("5 ranks oversubscribed on the machine's cores", async () => {
  for (const scenario of ["anysource", "order", "exchange", "flood"]) {
    const j = await job(p2p, 5, [scenario]);
    assert.is(j.exitCode, 0, `${scenario}: ${describeJob(j)}`);
    assert.is(j.lines.length, 5);
  }
});

test("tiny rings and eager limit still deliver everything in order", async () => {
  for (const scenario of ["flood", "order", "sizes"]) {
    const j = await job(p2p, 2, [scenario], { ringBytes: 4096, eagerLimit: 256 });
    assert.is(j.exitCode, 0, `${scenario}: ${describeJob(j)}`);
  }
});

test.run();
