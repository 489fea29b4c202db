import { ErrorCode } from "../../../abi.js";
import { sameCall } from "../../../engine/agreement.js";
import type { CollectiveCall } from "../../../engine/collective-area.js";
import type { Communicator } from "../../../engine/comms.js";
import { MpiError } from "../../../engine/errors.js";
import type { Peers } from "./peers.js";
import type { WaitReports } from "./replay.js";
import type { CollectiveWire } from "./wire.js";

/** The arguments a rank sends with its part of a collective, for the others' checks. */
export interface Said {
  readonly root?: number;
  readonly bytes?: number;
  readonly datatype?: number;
  readonly op?: number;
}

/**
 * The messages of collectives, apart from point-to-point traffic: numbered per communicator
 * (every rank calls its collectives in the same order), at most one per pair of ranks and
 * collective, so that (context, number, sender) names each one.
 */
export class CollectiveMail {
  readonly #mail = new Map<string, CollectiveWire>();
  readonly #started = new WeakMap<Communicator, number>();

  constructor(
    readonly peers: Peers,
    readonly reports: WaitReports,
  ) {
    peers.onCollective = (src, wire) => this.#mail.set(key(wire.ctx, wire.seq, src), wire);
  }

  /** The number of a new collective on `comm`. */
  start(comm: Communicator): number {
    const seq = (this.#started.get(comm) ?? 0) + 1;
    this.#started.set(comm, seq);
    return seq;
  }

  /** Sends communicator rank `peer` this rank's part of collective `seq`, moving `data`. */
  send(
    comm: Communicator,
    seq: number,
    peer: number,
    call: CollectiveCall,
    said: Said,
    data: ArrayBuffer | null = null,
  ): void {
    const wire: CollectiveWire = {
      kind: "collective",
      ctx: comm.ctx,
      seq,
      call,
      root: said.root ?? -1,
      bytes: said.bytes ?? 0,
      datatype: said.datatype ?? 0,
      op: said.op ?? 0,
      data,
    };
    this.peers.post(comm.worldRanks[peer] as number, wire, data === null ? [] : [data]);
  }

  /** Communicator rank `peer`'s part of collective `seq`, once it has arrived. */
  async receive(
    comm: Communicator,
    seq: number,
    peer: number,
    call: CollectiveCall,
  ): Promise<CollectiveWire> {
    const src = comm.worldRanks[peer] as number;
    const at = key(comm.ctx, seq, src);
    for (;;) {
      this.peers.checkJob();
      const wire = this.#mail.get(at);
      if (wire !== undefined) {
        this.#mail.delete(at);
        sameCall(comm, peer, wire.call, call);
        return wire;
      }
      if (this.peers.ended(src)) {
        throw new MpiError(
          ErrorCode.ERR_PROC_FAILED,
          `rank ${peer} ended without calling ${call} (collective #${seq} on ${comm.name})`,
        );
      }
      this.reports.at({ call, peer, sending: false, tag: seq, comm: comm.handle });
      await this.peers.next();
    }
  }

  /** Every other rank's part of collective `seq`, by communicator rank (null at this rank). */
  async receiveAll(
    comm: Communicator,
    seq: number,
    call: CollectiveCall,
    from: (j: number) => boolean = () => true,
  ): Promise<(CollectiveWire | null)[]> {
    const all: (CollectiveWire | null)[] = [];
    for (let j = 0; j < comm.size; j++) {
      all.push(j === comm.rank || !from(j) ? null : await this.receive(comm, seq, j, call));
    }
    return all;
  }
}

function key(ctx: number, seq: number, src: number): string {
  return `${ctx}:${seq}:${src}`;
}
