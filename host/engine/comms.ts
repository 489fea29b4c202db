import { Comm, ErrorCode } from "../abi.js";
import { MpiError } from "./errors.js";
import { MAX_CONTEXTS } from "./layout.js";

/** A communicator as one rank sees it. */
export interface Communicator {
  readonly handle: number;
  /**
   * Context id carried by every message on it: traffic never matches across contexts. It is
   * the communicator's area plus MAX_CONTEXTS times the area's generation, so that a message
   * left unreceived on a freed communicator never matches a receive on a later one that reuses
   * the area.
   */
  readonly ctx: number;
  /**
   * Index of its collective area in the control memory (and of its collective numbers).
   * Communicators with disjoint groups may share one: records are per (area, world rank).
   */
  readonly area: number;
  readonly rank: number;
  readonly size: number;
  /** World rank of each member, by communicator rank. */
  readonly worldRanks: Int32Array;
  /** Communicator rank of each world rank, or -1 for non-members. */
  readonly commRanks: Int32Array;
  readonly name: string;
}

/** The world rank of communicator rank `rank`; PROC_NULL and ANY_SOURCE (negative) as they are. */
export function worldRank(comm: Communicator, rank: number): number {
  return rank < 0 ? rank : (comm.worldRanks[rank] as number);
}

/** Generations wrap here, so that a context id stays a positive i32. */
export const GENERATION_MASK = (1 << 25) - 1;

/** Handles below this one are predefined (NULL, WORLD, SELF). */
const FIRST_HANDLE = 3;

/**
 * The communicators of one rank, by handle: COMM_WORLD and COMM_SELF exist from the start, the
 * others are made by Split and Dup and freed by Free. Also which collective areas this rank
 * uses, and each area's latest generation here.
 */
export class Communicators {
  /** By handle; an array, as every call looks its communicator up. */
  readonly #byHandle: (Communicator | undefined)[] = [];
  readonly #worldRank: number;
  readonly #worldSize: number;
  /** Bit a of word a >> 5 is set while area a is in use in this rank. */
  readonly #used = new Int32Array(MAX_CONTEXTS / 32);
  readonly #generation = new Int32Array(MAX_CONTEXTS);

  constructor(worldRank: number, worldSize: number) {
    this.#worldRank = worldRank;
    this.#worldSize = worldSize;
    const identity = Int32Array.from({ length: worldSize }, (_, r) => r);
    // Contexts 0 and 1 (areas 0 and 1, generation 0): no Split or Dup gets either, since
    // these two areas stay in use.
    this.#add(Comm.WORLD, 0, 0, identity, "COMM_WORLD");
    this.#add(Comm.SELF, 1, 1, Int32Array.of(worldRank), "COMM_SELF");
  }

  get(handle: number): Communicator {
    const comm = handle >= 0 ? this.#byHandle[handle] : undefined;
    if (comm !== undefined) return comm;
    if (handle === Comm.NULL) {
      throw new MpiError(ErrorCode.ERR_COMM, "the communicator is COMM_NULL");
    }
    if (handle === Comm.FREED) throw new MpiError(ErrorCode.ERR_COMM, "the communicator was freed");
    throw new MpiError(ErrorCode.ERR_COMM, `invalid communicator handle ${handle}`);
  }

  /** The areas not in use in this rank, as a bit set of MAX_CONTEXTS / 32 words. */
  freeAreas(): Int32Array {
    return this.#used.map((word) => ~word);
  }

  /** The generation area `a` had in its latest use in this rank (0 if never used). */
  generation(a: number): number {
    return this.#generation[a] as number;
  }

  /**
   * Registers a communicator on area `a` (free in this rank) in generation `generation`, with
   * the members `worldRanks` in rank order (this rank among them), under the lowest free handle.
   */
  create(a: number, generation: number, worldRanks: Int32Array, name: string): Communicator {
    let handle = FIRST_HANDLE;
    while (this.#byHandle[handle] !== undefined) handle++;
    this.#generation[a] = generation;
    const ctx = a + MAX_CONTEXTS * generation;
    return this.#add(handle, a, ctx, worldRanks, `comm #${handle} (${name})`);
  }

  /** Forgets a communicator made by create(): its handle and its area may be reused. */
  free(comm: Communicator): void {
    const a = comm.area;
    this.#used[a >> 5] = (this.#used[a >> 5] as number) & ~(1 << (a & 31));
    this.#byHandle[comm.handle] = undefined;
  }

  #add(handle: number, a: number, ctx: number, worldRanks: Int32Array, name: string): Communicator {
    const commRanks = new Int32Array(this.#worldSize).fill(-1);
    worldRanks.forEach((world, r) => {
      commRanks[world] = r;
    });
    const comm: Communicator = {
      handle,
      ctx,
      area: a,
      rank: commRanks[this.#worldRank] as number,
      size: worldRanks.length,
      worldRanks,
      commRanks,
      name,
    };
    this.#used[a >> 5] = (this.#used[a >> 5] as number) | (1 << (a & 31));
    this.#byHandle[handle] = comm;
    return comm;
  }
}
