// Waiting for the machine to be idle before a job. On 2 cores a benchmark job uses both, so a
// test suite or another benchmark running beside it skews both implementations, the spinning
// one most (a wasmpi Barrier at 4 ranks went from tens of µs to ~0.7 ms beside another 4-rank
// job). Waiting a little is cheaper than a round of figures that cannot be compared.
import { setTimeout as sleep } from "node:timers/promises";
import { measureBusy } from "./machine.js";

export interface IdleWait {
  /** Seconds spent waiting. */
  readonly waitedSeconds: number;
  /** Other processes' share of the CPU in the last measurement; null where unknown. */
  readonly othersBusy: number | null;
}

/**
 * Returns once other processes use at most `threshold` of the CPU, or after `limitSeconds`.
 * `onWait` is told once, when waiting starts.
 */
export async function waitForIdle(
  limitSeconds: number,
  threshold: number,
  onWait: (othersBusy: number) => void,
): Promise<IdleWait> {
  const started = performance.now();
  const waited = (): number => Math.round(performance.now() - started) / 1000;
  let busy = await measureBusy(300);
  let told = false;
  while (busy !== null && busy > threshold && waited() < limitSeconds) {
    if (!told) onWait(busy);
    told = true;
    await sleep(700);
    busy = await measureBusy(300);
  }
  return { waitedSeconds: told ? waited() : 0, othersBusy: busy };
}
