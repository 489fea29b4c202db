import { ANY_SOURCE, ErrorCode } from "../abi.js";
import { NOT_RESTING } from "./doorbell.js";
import { JobAborted, MpiError } from "./errors.js";
import { BLOCKING_CALLS, Job, type Layout, RankState, RankWord } from "./layout.js";
import { describe, type WaitSite } from "./sites.js";

/**
 * What a waiting rank knows of the others: whether the job is ending, which peers have
 * ended, and (in its own rank block) where it is blocked, for the launcher's reports.
 */
export class Liveness {
  readonly #ctrl: Int32Array;
  readonly #rank: number;
  readonly #stateWords: Int32Array;
  readonly #block: number;

  constructor(ctrl: Int32Array, layout: Layout, rank: number) {
    this.#ctrl = ctrl;
    this.#rank = rank;
    this.#stateWords = Int32Array.from(
      { length: layout.size },
      (_, r) => (layout.rank(r) >> 2) + RankWord.STATE,
    );
    this.#block = layout.rank(rank) >> 2;
  }

  /** Unwinds the rank if another one has ended the job. */
  checkJob(): void {
    if (Atomics.load(this.#ctrl, Job.ABORT) !== 0) throw new JobAborted();
  }

  /**
   * Whether world rank r has ended (finished or failed); also checks the job. A failing rank
   * marks the job ending before its own state, so the job is checked again once r is seen
   * ended: the waiter then unwinds quietly instead of reporting a second failure.
   */
  ended(r: number): boolean {
    this.checkJob();
    if (Atomics.load(this.#ctrl, this.#stateWords[r] as number) < RankState.FINISHED) return false;
    this.checkJob();
    return true;
  }

  /** Whether every member but this rank has ended; also checks the job. */
  allEnded(members: Int32Array): boolean {
    this.checkJob();
    for (const r of members) {
      if (r === this.#rank) continue;
      if (Atomics.load(this.#ctrl, this.#stateWords[r] as number) < RankState.FINISHED)
        return false;
    }
    this.checkJob();
    return true;
  }

  noSender(site: WaitSite): never {
    throw noSender(site);
  }

  /**
   * The bookkeeping of a rest, after a look found the wait unmet with the doorbell at `seen`:
   * on the wait's first rest (`since` is NOT_RESTING) says where this rank is blocked, for
   * reports; on every rest records `seen`, for deadlock detection (see deadlock.ts). Never
   * on the spinning fast path, whose cache lines peers are polling. Returns the time the
   * wait began to rest.
   *
   * From its first rest to its end a wait must watch the doorbell, not a ring or the stage
   * words: every change that could end it then rings the doorbell, so a doorbell still at
   * `seen` means the wait is still unmet.
   */
  resting(site: WaitSite, seen: number, since: number): number {
    const ctrl = this.#ctrl;
    const b = this.#block;
    if (since !== NOT_RESTING) {
      if (ctrl[b + RankWord.CHECKED] !== seen) Atomics.store(ctrl, b + RankWord.CHECKED, seen);
      return since;
    }
    ctrl[b + RankWord.PEER] = site.peer;
    ctrl[b + RankWord.TAG] = site.tag;
    ctrl[b + RankWord.COMM] = site.comm;
    ctrl[b + RankWord.SENDING] = site.sending ? 1 : 0;
    // CHECKED before WAIT before CALL: a reader that sees the new WAIT sees this wait's look.
    Atomics.store(ctrl, b + RankWord.CHECKED, seen);
    Atomics.add(ctrl, b + RankWord.WAIT, 1);
    Atomics.store(ctrl, b + RankWord.CALL, BLOCKING_CALLS.indexOf(site.call));
    return performance.now();
  }

  unblocked(): void {
    Atomics.store(this.#ctrl, this.#block + RankWord.CALL, -1);
  }
}

/** The error of a receive or probe whose possible senders have all ended. */
export function noSender(site: WaitSite): MpiError {
  const who = site.peer === ANY_SOURCE ? "every other rank" : `rank ${site.peer}`;
  return new MpiError(
    ErrorCode.ERR_PROC_FAILED,
    `${who} ended without sending a matching message (${describe(site)})`,
  );
}
