/**
 * The stage words of a collective area, as a waiting rank sees them: the collective numbers
 * they hold, and the wait for a peer to reach a stage. A rank spins on the one word it expects
 * to change, looks at the others only when a spin runs out, and then sleeps on its doorbell;
 * while it polls stage words, the ranks that mark stages need not ring it.
 */
import { ErrorCode } from "../abi.js";
import type { CollectiveCall, CollectiveParts } from "./collective-area.js";
import type { Communicator } from "./comms.js";
import { NOT_RESTING } from "./doorbell.js";
import { MpiError } from "./errors.js";
import { COLLECTIVE_CALLS, Coll, Inline } from "./layout.js";

/**
 * The ENTERED word holds the collective's number and its call together, so that a peer reads
 * both at once even while the owner moves on to its next collective. Numbers wrap at 2^27 and
 * are compared modulo that.
 */
export const CALL_BITS = 5;
export const CALL_MASK = (1 << CALL_BITS) - 1;
export const SEQ_MASK = (1 << (32 - CALL_BITS)) - 1;

/** Whether stage number `value` has reached `seq` (modulo 2^27, within half the range). */
function reached(value: number, seq: number): boolean {
  return ((value - seq) & SEQ_MASK) < 1 << (31 - CALL_BITS);
}

/** Collective `seq`'s number and call in one word (ENTERED, an inline slot's SEQ). */
export function tagged(seq: number, call: CollectiveCall): number {
  // A loop of one collective names the same call each time: comparing the (interned) name
  // costs ~1 ns, the map's lookup ~35.
  if (call !== lastCall) {
    lastIndex = CALL_INDEX.get(call) as number;
    lastCall = call;
  }
  return (seq << CALL_BITS) | lastIndex;
}

let lastCall = "";
let lastIndex = 0;

/** The later of two collective numbers (modulo 2^27, within half the range). */
export function laterSeq(a: number, b: number): number {
  return reached(a, b) ? a : b;
}

/** Word indices in the control memory that show one stage of one peer, and their shift. */
class StageWords {
  first = 0;
  second = 0;
  third = 0;
  shift = 0;
}

/** The WATCH value of a rank that polls collective stage words instead of its doorbell. */
const WATCH_STAGES = -2;

const CALL_INDEX: ReadonlyMap<string, number> = new Map(COLLECTIVE_CALLS.map((c, i) => [c, i]));

/** One rank's waits for its peers' stages, and the wake-ups its own stages owe them. */
export class StageWaits {
  readonly #p: CollectiveParts;

  constructor(parts: CollectiveParts) {
    this.#p = parts;
  }

  /** Rings every peer that waits on its doorbell rather than polling stage words. */
  wakePeers(comm: Communicator): void {
    const p = this.#p;
    for (const world of comm.worldRanks) {
      if (world !== p.rank) p.bells.ringUnlessWatching(world, WATCH_STAGES);
    }
  }

  /**
   * Waits until communicator rank `peer` has reached `word`'s stage of collective `seq`;
   * `inline`: the peer is expected to enter it through its inline slot. Returns the word that
   * showed the stage reached (for ENTERED, it names the peer's call too).
   */
  awaitStage(
    comm: Communicator,
    peer: number,
    word: number,
    seq: number,
    call: CollectiveCall,
    inline: boolean,
  ): number {
    const p = this.#p;
    const world = comm.worldRanks[peer] as number;
    const w = this.#stageWords(comm.area, world, word, seq, inline);
    let found = this.#reachedNow(w, seq);
    if (found !== undefined) return found;
    // Poll the peer's stage words themselves (stagers then need not ring this rank); watch
    // the doorbell only to sleep.
    const waiter = p.waiter;
    waiter.watchRing(WATCH_STAGES);
    found = this.#spinOn(w, seq);
    // Where ranks share cores, a wait first yields the core between spins and keeps polling:
    // ringing a rank that yields costs its peers a cache miss each, for nothing, since the
    // rank looks at the stage words whenever it runs. It counts as running, not resting, for
    // the deadlock detection.
    let yieldingSince = NOT_RESTING;
    while (found === undefined && waiter.canYield && !p.live.ended(world)) {
      if (yieldingSince === NOT_RESTING) yieldingSince = performance.now();
      if (!waiter.yieldTurn(yieldingSince)) break;
      found = this.#spinOn(w, seq);
    }
    if (found !== undefined) return found;
    let restingSince = NOT_RESTING;
    for (;;) {
      // Once resting, the doorbell stays watched (see Liveness.resting).
      waiter.watchDoorbell();
      const seen = waiter.current();
      const ended = p.live.ended(world);
      found = this.#reachedNow(w, seq);
      if (found !== undefined) break;
      if (ended) {
        throw new MpiError(
          ErrorCode.ERR_PROC_FAILED,
          `rank ${peer} ended without calling ${call} (collective #${seq} on ${comm.name})`,
        );
      }
      const site = { call, peer, sending: false, tag: seq, comm: comm.handle };
      restingSince = p.live.resting(site, seen, restingSince);
      waiter.sleep(seen);
      found = this.#spinOn(w, seq);
      if (found !== undefined) break;
    }
    if (restingSince !== NOT_RESTING) p.live.unblocked();
    return found;
  }

  /**
   * Where world rank `world` says it has reached a stage of collective `seq` on `area`: for
   * ENTERED, the SEQ word of its inline slot for `seq` and its record's ENTERED word (an
   * inline collective says so in its slot, any other in ENTERED), the one the caller expects
   * (`inline`) first, then its other slot's SEQ word (it may have gone on); for another stage,
   * that word of its record (three times). A wait spins on the first only.
   */
  #stageWords(area: number, world: number, word: number, seq: number, inline: boolean): StageWords {
    const { layout } = this.#p;
    const w = this.#words;
    const record = (layout.coll(area, world) >> 2) + word;
    if (word === Coll.ENTERED) {
      const slot = (layout.collInline(area, world, seq & 1) >> 2) + Inline.SEQ;
      const slotFirst = inline && !this.#p.oversubscribed; // as CollectiveArea.#enteredInline writes
      w.first = slotFirst ? slot : record;
      w.second = slotFirst ? record : slot;
      w.third = (layout.collInline(area, world, (seq + 1) & 1) >> 2) + Inline.SEQ;
      w.shift = CALL_BITS;
    } else {
      w.first = record;
      w.second = record;
      w.third = record;
      w.shift = 0;
    }
    return w;
  }

  /** Reused by #stageWords: one wait at a time. */
  readonly #words = new StageWords();

  /** The first of `w`'s words that shows collective `seq` reached, or undefined. */
  #reachedNow(w: StageWords, seq: number): number | undefined {
    const ctrl = this.#p.ctrl;
    const first = Atomics.load(ctrl, w.first);
    if (reached(first >>> w.shift, seq)) return first;
    const second = Atomics.load(ctrl, w.second);
    if (reached(second >>> w.shift, seq)) return second;
    const third = Atomics.load(ctrl, w.third);
    return reached(third >>> w.shift, seq) ? third : undefined;
  }

  /** Spins until `w`'s first word shows `seq` reached (that word) or the spin runs out. */
  #spinOn(w: StageWords, seq: number): number | undefined {
    const ctrl = this.#p.ctrl;
    const at = w.first;
    const shift = w.shift;
    for (let i = this.#p.waiter.spins; i > 0; i--) {
      const value = Atomics.load(ctrl, at);
      if (reached(value >>> shift, seq)) return value;
      if ((i & 4095) === 0) this.#p.live.checkJob();
    }
    return undefined;
  }
}
