import { ErrorCode } from "../abi.js";
import type { Communicator } from "./comms.js";
import { MpiError } from "./errors.js";
import type { PendingRecv } from "./matching.js";
import { describe, type WaitSite } from "./sites.js";

/** A pending send: complete once its slot is DONE (rendezvous), at once if it went eagerly. */
export interface SendRequest {
  readonly kind: "send";
  readonly site: WaitSite;
  /** World rank of the destination. */
  readonly dst: number;
  /** Rendezvous slot, or -1 when the message is already delivered or in the ring. */
  readonly slot: number;
  /** Set once the slot has been seen DONE (and given back). */
  done: boolean;
}

/** A pending receive (Irecv): complete once its PendingRecv is done. */
export interface RecvRequest {
  readonly kind: "recv";
  readonly site: WaitSite;
  readonly comm: Communicator;
  readonly pending: PendingRecv;
}

export type Request = SendRequest | RecvRequest;

/**
 * Request handles of one rank. Handles are small positive integers, reused after `free`; the
 * table holds at most `limit - 1` requests at once.
 */
export class Requests {
  readonly #table: (Request | undefined)[] = [undefined];
  readonly #free: number[] = [];
  #live = 0;
  /** Sends freed by the kernel before they completed: their slots come back when DONE. */
  readonly detached: SendRequest[] = [];

  constructor(readonly limit = 1 << 16) {}

  add(request: Request): number {
    const handle = this.#free.pop() ?? this.#table.length;
    if (handle >= this.limit) {
      throw new MpiError(
        ErrorCode.ERR_REQUEST,
        `more than ${this.limit - 1} requests pending (complete some with Wait or Test first)`,
      );
    }
    this.#table[handle] = request;
    this.#live++;
    return handle;
  }

  get(handle: number): Request {
    const request = handle > 0 ? this.#table[handle] : undefined;
    if (request === undefined) {
      throw new MpiError(
        ErrorCode.ERR_REQUEST,
        `invalid request handle ${handle} (completed, freed or never created)`,
      );
    }
    return request;
  }

  free(handle: number): void {
    this.#table[handle] = undefined;
    this.#free.push(handle);
    this.#live--;
  }

  /** What is still pending, one description per request (for the end-of-rank warning). */
  pending(): string[] {
    if (this.#live === 0 && this.detached.length === 0) return [];
    const out: string[] = [];
    for (const request of this.#table) {
      if (request === undefined) continue;
      const call = request.kind === "send" ? "Isend" : "Irecv";
      out.push(`${call} (${describe(request.site)})`);
    }
    return out;
  }
}
