import { ANY_SOURCE, ErrorCode } from "../abi.js";
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

  blockedIn(site: WaitSite): void {
    const ctrl = this.#ctrl;
    const b = this.#block;
    ctrl[b + RankWord.PEER] = site.peer;
    ctrl[b + RankWord.TAG] = site.tag;
    ctrl[b + RankWord.COMM] = site.comm;
    ctrl[b + RankWord.SENDING] = site.sending ? 1 : 0;
    Atomics.store(ctrl, b + RankWord.CALL, BLOCKING_CALLS.indexOf(site.call));
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
