import { ErrorCode } from "../abi.js";
import { MpiError } from "./errors.js";

/** A communicator as one rank sees it. */
export interface Communicator {
  readonly handle: number;
  /** Context id carried by every message on it: traffic never matches across contexts. */
  readonly ctx: number;
  readonly rank: number;
  readonly size: number;
  /** World rank of each member, by communicator rank. */
  readonly worldRanks: Int32Array;
  /** Communicator rank of each world rank, or -1 for non-members. */
  readonly commRanks: Int32Array;
  readonly name: string;
}

/** Communicator handles of one rank: COMM_WORLD and COMM_SELF exist from the start. */
export class Communicators {
  /** By handle; an array, as every call looks its communicator up. */
  readonly #byHandle: (Communicator | undefined)[] = [];

  constructor(worldRank: number, worldSize: number) {
    const identity = Int32Array.from({ length: worldSize }, (_, r) => r);
    this.add(1, 0, worldRank, identity, worldSize, "COMM_WORLD");
    this.add(2, 1, 0, Int32Array.of(worldRank), worldSize, "COMM_SELF");
  }

  add(
    handle: number,
    ctx: number,
    rank: number,
    worldRanks: Int32Array,
    worldSize: number,
    name: string,
  ): Communicator {
    const commRanks = new Int32Array(worldSize).fill(-1);
    worldRanks.forEach((world, r) => {
      commRanks[world] = r;
    });
    const comm = { handle, ctx, rank, size: worldRanks.length, worldRanks, commRanks, name };
    this.#byHandle[handle] = comm;
    return comm;
  }

  get(handle: number): Communicator {
    const comm = handle >= 0 ? this.#byHandle[handle] : undefined;
    if (comm !== undefined) return comm;
    if (handle === 0) throw new MpiError(ErrorCode.ERR_COMM, "the communicator is COMM_NULL");
    throw new MpiError(ErrorCode.ERR_COMM, `invalid communicator handle ${handle}`);
  }
}
