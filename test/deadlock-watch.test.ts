/**
 * The deadlock rule on its own, over a control memory written by hand: a job is declared
 * deadlocked only when every running rank has stayed blocked in the same wait, its doorbell
 * untouched since its last look, for the whole grace period.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DeadlockWatch } from "../host/engine/deadlock.js";
import { Job, layout, RankState, RankWord } from "../host/engine/layout.js";

const GRACE = 300;

/** A job of `np` ranks, all running and blocked (call 0) with their doorbells at 5. */
function stuckJob(np: number) {
  const lay = layout(np);
  const ctrl = new Int32Array(new SharedArrayBuffer(lay.totalBytes));
  const word = (r: number, w: number) => (lay.rank(r) >> 2) + w;
  for (let r = 0; r < np; r++) {
    ctrl[word(r, RankWord.STATE)] = RankState.RUNNING;
    ctrl[word(r, RankWord.CALL)] = 0;
    ctrl[word(r, RankWord.WAIT)] = 1;
    ctrl[word(r, RankWord.DOORBELL)] = 5;
    ctrl[word(r, RankWord.CHECKED)] = 5;
  }
  const watch = new DeadlockWatch(ctrl, lay, GRACE);
  /** Polls at each time (ms); whether the last poll declared a deadlock. */
  const pollAt = (...times: number[]): boolean => {
    let declared = false;
    for (const t of times) declared = watch.poll(t);
    return declared;
  };
  return { ctrl, word, pollAt };
}

test("every running rank stuck for the grace period: a deadlock", () => {
  const j = stuckJob(3);
  assert.not.ok(j.pollAt(0, 100, 200), "not before the grace period has passed");
  assert.ok(j.pollAt(300));
});

test("a rank that ended does not keep the others from deadlocking", () => {
  const j = stuckJob(3);
  j.ctrl[j.word(2, RankWord.STATE)] = RankState.FINISHED;
  j.ctrl[j.word(2, RankWord.CALL)] = -1;
  assert.ok(j.pollAt(0, 100, 200, 300));
});

test("a rank outside any wait (computing) means no deadlock", () => {
  const j = stuckJob(3);
  j.ctrl[j.word(1, RankWord.CALL)] = -1;
  assert.not.ok(j.pollAt(0, 100, 200, 300, 1000));
});

test("a doorbell rung since the rank's last look means no deadlock", () => {
  const j = stuckJob(2);
  j.ctrl[j.word(0, RankWord.DOORBELL)] = 6;
  assert.not.ok(j.pollAt(0, 100, 200, 300, 1000));
});

test("any change during the grace period starts it again", () => {
  const j = stuckJob(2);
  assert.not.ok(j.pollAt(0, 100, 200));
  // Rank 1 was woken, looked again and blocked again, at a later doorbell value.
  j.ctrl[j.word(1, RankWord.DOORBELL)] = 7;
  j.ctrl[j.word(1, RankWord.CHECKED)] = 7;
  assert.not.ok(j.pollAt(300, 400, 500));
  assert.ok(j.pollAt(600));
});

test("a rank that left its wait and blocked in another one starts the grace period again", () => {
  const j = stuckJob(2);
  assert.not.ok(j.pollAt(0, 100, 200));
  j.ctrl[j.word(0, RankWord.WAIT)] = 2;
  assert.not.ok(j.pollAt(300, 400, 500));
  assert.ok(j.pollAt(600));
});

test("a rank still starting, a job ending, or no rank running: never a deadlock", () => {
  const starting = stuckJob(2);
  starting.ctrl[starting.word(1, RankWord.STATE)] = RankState.STARTING;
  assert.not.ok(starting.pollAt(0, 100, 200, 300, 1000));
  const ending = stuckJob(2);
  ending.ctrl[Job.ABORT] = 1;
  assert.not.ok(ending.pollAt(0, 100, 200, 300, 1000));
  const ended = stuckJob(2);
  for (const r of [0, 1]) ended.ctrl[ended.word(r, RankWord.STATE)] = RankState.FINISHED;
  assert.not.ok(ended.pollAt(0, 100, 200, 300, 1000));
});

test.run();
