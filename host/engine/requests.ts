import { ErrorCode } from "../abi.js";
import { MpiError } from "./errors.js";
import type { WaitSite } from "./sites.js";

/** A pending send: complete once its slot is DONE (rendezvous), at once if it went eagerly. */
export interface SendRequest {
  readonly kind: "send";
  readonly site: WaitSite;
  /** World rank of the destination. */
  readonly dst: number;
  /** Rendezvous slot, or -1 when the message is already in the ring. */
  readonly slot: number;
}

export type Request = SendRequest;

/** Request handles of one rank. Handles are small positive integers, reused after `free`. */
export class Requests {
  readonly #table: (Request | undefined)[] = [undefined];
  readonly #free: number[] = [];

  constructor(readonly limit = 1 << 16) {}

  add(request: Request): number {
    const handle = this.#free.pop() ?? this.#table.length;
    if (handle >= this.limit) {
      throw new MpiError(ErrorCode.ERR_REQUEST, `more than ${this.limit - 1} requests pending`);
    }
    this.#table[handle] = request;
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
  }
}
