/** Messages between the ranks of a job that share no memory, one port per pair of ranks. */
import type { CollectiveCall } from "../../../engine/collective-area.js";

/** A point-to-point message: its payload, copied out of the sender's memory. */
export interface MessageWire {
  readonly kind: "message";
  readonly ctx: number;
  readonly tag: number;
  readonly data: ArrayBuffer;
}

/** What one rank sends another in a collective: at most one message per pair and collective. */
export interface CollectiveWire {
  readonly kind: "collective";
  readonly ctx: number;
  /** The collective's number on its communicator. */
  readonly seq: number;
  readonly call: CollectiveCall;
  /** The sender's arguments, for the checks that ranks agree. */
  readonly root: number;
  readonly bytes: number;
  readonly datatype: number;
  readonly op: number;
  readonly data: ArrayBuffer | null;
}

/**
 * The sender has ended: nothing more comes from it (a port delivers in order, so everything
 * it sent has arrived). A rank that failed ends the job.
 */
export interface EndedWire {
  readonly kind: "ended";
  readonly failed: boolean;
}

export type Wire = MessageWire | CollectiveWire | EndedWire;
