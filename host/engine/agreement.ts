/**
 * The checks that every rank of a communicator makes the same collective call with agreeing
 * arguments, whatever carries the arguments from rank to rank.
 */
import { DATATYPE_NAMES, ErrorCode } from "../abi.js";
import type { CollectiveCall } from "./collective-area.js";
import type { Communicator } from "./comms.js";
import { MpiError } from "./errors.js";

/** Arguments that disagree between ranks. */
export function mismatch(reason: string): MpiError {
  return new MpiError(ErrorCode.ERR_ARG, reason);
}

/** Checks that communicator rank `peer` entered the collective this rank did. */
export function sameCall(
  comm: Communicator,
  peer: number,
  theirs: CollectiveCall,
  call: CollectiveCall,
): void {
  if (theirs !== call) {
    throw mismatch(
      `rank ${peer} called ${theirs} while this rank called ${call} (collectives must be called in the same order by every rank of ${comm.name})`,
    );
  }
}

/** Checks the root that the root itself named. */
export function sameRoot(comm: Communicator, theirs: number, root: number, call: string): void {
  if (theirs !== root)
    throw mismatch(
      `rank ${root} called ${call} with root ${theirs}, this rank with root ${root} (on ${comm.name})`,
    );
}

/** Checks a byte count a peer passed (`who` sends or receives it) against this rank's. */
export function agree(theirs: number, mine: number, who: string): void {
  if (theirs !== mine)
    throw mismatch(`counts disagree: ${who} ${theirs} bytes, this rank expects ${mine}`);
}

/** What a rank reduces: root (-1 for none), bytes, datatype and op. */
export interface Reduction {
  readonly root: number;
  readonly bytes: number;
  readonly datatype: number;
  readonly op: number;
}

/** Checks that communicator rank `j` reduces what this rank reduces. */
export function sameReduction(j: number, theirs: Reduction, mine: Reduction): void {
  if (mine.root >= 0 && theirs.root !== mine.root) {
    throw mismatch(`rank ${j} uses root ${theirs.root}, this rank root ${mine.root}`);
  }
  if (theirs.bytes !== mine.bytes) {
    throw mismatch(
      `counts disagree: rank ${j} passes ${theirs.bytes} bytes, this rank ${mine.bytes}`,
    );
  }
  if (theirs.datatype !== mine.datatype || theirs.op !== mine.op) {
    throw mismatch(
      `rank ${j} reduces ${DATATYPE_NAMES[theirs.datatype]} with op ${theirs.op}, this rank ${DATATYPE_NAMES[mine.datatype]} with op ${mine.op}`,
    );
  }
}
