import { Comm, ErrorCode, UNDEFINED } from "../abi.js";
import type { CollectiveArea, CollectiveCall } from "./collective-area.js";
import { type Communicator, type Communicators, GENERATION_MASK } from "./comms.js";
import { MpiError } from "./errors.js";
import { Coll, MAX_CONTEXTS } from "./layout.js";
import { laterSeq } from "./stage-waits.js";

/** Words each rank publishes in the first round of making communicators. */
export const Proposal = { COLOR: 0, KEY: 1, FREE: 2, WORDS: 2 + MAX_CONTEXTS / 32 } as const;

/** Words of the second round: where this rank's use of the chosen area stands. */
const Standing = { SEQ: 0, GENERATION: 1, WORDS: 2 } as const;

/**
 * Making and freeing communicators: Split, Dup (a Split with one color) and Free, each a
 * collective over an existing communicator, agreed on through its collective area.
 *
 * Contexts. Each new communicator takes the lowest collective area free in every one of its
 * members (communicators with disjoint groups may share an area: records are per area and
 * world rank, and messages match by context and source). Members must then agree on two
 * numbers before they use the area:
 * - the collective number to start from: the latest any member reached on the area. Stage
 *   words left in the control memory by the area's earlier communicators are at most that,
 *   and stage words only grow, so none of them satisfies a wait of the new communicator
 *   (see CollectiveArea.restart);
 * - the area's generation: one past the latest any member used. It is part of the context id
 *   that messages carry, so that a message left unreceived on a freed communicator can never
 *   match a receive on a later one that reuses the area.
 *
 * Free is a barrier on the communicator before its area is released: once it returns, no
 * member reads this rank's record or slots for it any more, except to see its ENTERED word
 * reach the barrier, which stays true as the area's numbers grow.
 */
export class CommCreation {
  readonly #area: CollectiveArea;
  readonly #comms: Communicators;

  constructor(area: CollectiveArea, comms: Communicators) {
    this.#area = area;
    this.#comms = comms;
  }

  /**
   * The communicator of the ranks of `parent` that pass `color`, ordered by key, then by rank in
   * `parent`; null for color UNDEFINED. Collective over `parent`.
   */
  split(
    parent: Communicator,
    color: number,
    key: number,
    call: CollectiveCall,
  ): Communicator | null {
    checkColor(color);
    const mine = new Int32Array(Proposal.WORDS);
    mine[Proposal.COLOR] = color;
    mine[Proposal.KEY] = key;
    mine.set(this.#comms.freeAreas(), Proposal.FREE);
    const proposals = this.#allgather(parent, call, mine);
    const colorOf = (j: number): number => proposals[j]?.[Proposal.COLOR] as number;

    // Every rank sees every color's group, so that all agree on who reports a lack of areas.
    const groups = new Map<number, number[]>();
    proposals.forEach((_, j) => {
      const c = colorOf(j);
      if (c !== UNDEFINED) groups.set(c, [...(groups.get(c) ?? []), j]);
    });
    if (groups.size === 0) return null;
    let reporter = parent.size;
    for (const group of groups.values()) {
      if (lowestFreeInAll(proposals, group) < 0) reporter = Math.min(reporter, group[0] as number);
    }
    if (reporter < parent.size) this.#tooMany(parent, reporter, call);
    const keyOf = (j: number): number => proposals[j]?.[Proposal.KEY] as number;
    const members = groups.get(color) ?? [];
    members.sort((a, b) => keyOf(a) - keyOf(b) || a - b);
    const area = color === UNDEFINED ? -1 : lowestFreeInAll(proposals, members);

    const standing = new Int32Array(Standing.WORDS);
    if (area >= 0) {
      standing[Standing.SEQ] = this.#area.sequence(area);
      standing[Standing.GENERATION] = this.#comms.generation(area);
    }
    const standings = this.#allgather(parent, call, standing);
    if (color === UNDEFINED) return null;

    let seq = standing[Standing.SEQ] as number;
    let generation = standing[Standing.GENERATION] as number;
    for (const j of members) {
      const theirs = standings[j] as Int32Array;
      seq = laterSeq(seq, theirs[Standing.SEQ] as number);
      generation = laterGeneration(generation, theirs[Standing.GENERATION] as number);
    }
    const worldRanks = Int32Array.from(members, (j) => parent.worldRanks[j] as number);
    const origin = parent.handle < 3 ? parent.name : `comm #${parent.handle}`;
    const comm = this.#comms.create(
      area,
      (generation + 1) & GENERATION_MASK,
      worldRanks,
      `${call} of ${origin}`,
    );
    this.#area.restart(comm, seq, call);
    return comm;
  }

  /** A communicator with the same ranks in the same order and a context of its own. */
  dup(parent: Communicator): Communicator {
    return this.split(parent, 0, parent.rank, "Dup") as Communicator;
  }

  /** Frees a communicator made by split or dup, once every member has called Free. */
  free(comm: Communicator): void {
    checkFreeable(comm);
    const seq = this.#area.enterBare(comm, "Free");
    this.#area.awaitAll(comm, Coll.ENTERED, seq, "Free");
    this.#comms.free(comm);
  }

  /** Every rank's words, by rank in `comm` (an allgather through the inline slots). */
  #allgather(comm: Communicator, call: CollectiveCall, words: Int32Array): Int32Array[] {
    const seq = this.#area.enterWords(comm, call, words);
    const all: Int32Array[] = [];
    for (let j = 0; j < comm.size; j++) {
      all.push(j === comm.rank ? words : this.#area.inlineWords(comm, j, seq, call));
    }
    return all;
  }

  /**
   * No area is free in every member of one of the new communicators. Every rank knows it: the
   * first member of the first such group reports it, the others wait for the job to end, so
   * the job ends with one line.
   */
  #tooMany(parent: Communicator, reporter: number, call: CollectiveCall): never {
    if (parent.rank === reporter) throw tooManyCommunicators();
    // The reporter never enters the next collective: this waits until its failure ends the job.
    const next = this.#area.sequence(parent.area) + 1;
    this.#area.awaitRank(parent, reporter, Coll.ENTERED, next, call, false);
    throw new MpiError(ErrorCode.ERR_INTERN, `rank ${reporter} went on after ${call} failed`);
  }
}

/** The lowest area free in every one of `members`, or -1. */
export function lowestFreeInAll(
  proposals: readonly Int32Array[],
  members: readonly number[],
): number {
  for (let w = 0; w < MAX_CONTEXTS / 32; w++) {
    let free = -1;
    for (const j of members) free &= proposals[j]?.[Proposal.FREE + w] as number;
    if (free !== 0) return w * 32 + (31 - Math.clz32(free & -free));
  }
  return -1;
}

/** The later of two generations (they wrap at GENERATION_MASK, compared within half the range). */
export function laterGeneration(a: number, b: number): number {
  return ((a - b) & GENERATION_MASK) <= GENERATION_MASK >> 1 ? a : b;
}

export function checkColor(color: number): void {
  if (color < 0 && color !== UNDEFINED) {
    throw new MpiError(ErrorCode.ERR_ARG, `invalid color ${color} (colors are >= 0, or UNDEFINED)`);
  }
}

export function checkFreeable(comm: Communicator): void {
  if (comm.handle === Comm.WORLD || comm.handle === Comm.SELF) {
    throw new MpiError(ErrorCode.ERR_COMM, `${comm.name} cannot be freed`);
  }
}

/** No collective area is free in every member of a new communicator. */
export function tooManyCommunicators(): MpiError {
  return new MpiError(
    ErrorCode.ERR_OTHER,
    `too many communicators: at most ${MAX_CONTEXTS - 2} can exist at once besides COMM_WORLD and COMM_SELF (Free those no longer needed)`,
  );
}
