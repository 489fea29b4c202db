import { ErrorCode, UNDEFINED } from "../../../abi.js";
import type { CollectiveCall } from "../../../engine/collective-area.js";
import {
  type CommCreation,
  checkColor,
  checkFreeable,
  laterGeneration,
  lowestFreeInAll,
  Proposal,
  tooManyCommunicators,
} from "../../../engine/comm-create.js";
import { type Communicator, type Communicators, GENERATION_MASK } from "../../../engine/comms.js";
import { MpiError } from "../../../engine/errors.js";
import type { CollectiveMail } from "./collective-mail.js";
import type { CopyingCollectives } from "./collectives.js";
import type { ImportCall } from "./replay.js";

/** What the members of a new communicator agreed on; every rank registers it itself. */
interface Plan {
  readonly area: number;
  readonly generation: number;
  readonly worldRanks: Int32Array;
  readonly name: string;
}

/**
 * Split, Dup and Free in messages, with the engine's agreement (see engine/comm-create.ts): the
 * ranks of the parent exchange their color, key and free areas, then the generation of the
 * area each new communicator takes, so that its context id is the one it would have with
 * shared memory and no stale message can match it. The exchanges run as a task; the new
 * communicator is registered (or the old one freed) by the attempt of the import that
 * completes.
 */
export class CopyingCommCreation implements Pick<CommCreation, keyof CommCreation> {
  constructor(
    readonly mail: CollectiveMail,
    readonly comms: Communicators,
    readonly collectives: CopyingCollectives,
    readonly call: ImportCall,
  ) {}

  split(
    parent: Communicator,
    color: number,
    key: number,
    call: CollectiveCall,
  ): Communicator | null {
    checkColor(color);
    const plan = this.call.task(() => this.#plan(parent, color, key, call));
    if (plan === null) return null;
    return this.comms.create(plan.area, plan.generation, plan.worldRanks, plan.name);
  }

  dup(parent: Communicator): Communicator {
    return this.split(parent, 0, parent.rank, "Dup") as Communicator;
  }

  free(comm: Communicator): void {
    checkFreeable(comm);
    this.call.task(() => this.collectives.synchronize(comm, "Free"));
    this.comms.free(comm);
  }

  async #plan(
    parent: Communicator,
    color: number,
    key: number,
    call: CollectiveCall,
  ): Promise<Plan | null> {
    const mine = new Int32Array(Proposal.WORDS);
    mine[Proposal.COLOR] = color;
    mine[Proposal.KEY] = key;
    mine.set(this.comms.freeAreas(), Proposal.FREE);
    const proposals = await this.#allgather(parent, call, mine);
    const colorOf = (j: number): number => proposals[j]?.[Proposal.COLOR] as number;
    const keyOf = (j: number): number => proposals[j]?.[Proposal.KEY] as number;

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
    if (reporter < parent.size) return this.#tooMany(parent, reporter, call);
    const members = groups.get(color) ?? [];
    members.sort((a, b) => keyOf(a) - keyOf(b) || a - b);
    const area = color === UNDEFINED ? -1 : lowestFreeInAll(proposals, members);

    const standing = Int32Array.of(area >= 0 ? this.comms.generation(area) : 0);
    const standings = await this.#allgather(parent, call, standing);
    if (color === UNDEFINED) return null;
    let generation = standing[0] as number;
    for (const j of members) generation = laterGeneration(generation, standings[j]?.[0] as number);
    const origin = parent.handle < 3 ? parent.name : `comm #${parent.handle}`;
    return {
      area,
      generation: (generation + 1) & GENERATION_MASK,
      worldRanks: Int32Array.from(members, (j) => parent.worldRanks[j] as number),
      name: `${call} of ${origin}`,
    };
  }

  /** Every rank's words, by rank in `comm`. */
  async #allgather(comm: Communicator, call: CollectiveCall, words: Int32Array) {
    const seq = this.mail.start(comm);
    for (let j = 0; j < comm.size; j++) {
      if (j !== comm.rank) {
        this.mail.send(comm, seq, j, call, { bytes: words.byteLength }, words.slice().buffer);
      }
    }
    const parts = await this.mail.receiveAll(comm, seq, call);
    return parts.map((part, j) =>
      j === comm.rank ? words : new Int32Array(part?.data as ArrayBuffer),
    );
  }

  /** One rank reports the lack of areas; the others wait for its failure to end the job. */
  async #tooMany(parent: Communicator, reporter: number, call: CollectiveCall): Promise<never> {
    if (parent.rank === reporter) throw tooManyCommunicators();
    const peers = this.mail.peers;
    const world = parent.worldRanks[reporter] as number;
    while (!peers.ended(world)) await peers.next();
    throw new MpiError(ErrorCode.ERR_INTERN, `rank ${reporter} went on after ${call} failed`);
  }
}
