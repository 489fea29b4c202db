import {
  ANY_SOURCE,
  ANY_TAG,
  DATATYPE_SIZES,
  ErrorCode,
  PROC_NULL,
  Status,
  TAG_UB,
} from "../abi.js";
import type { Communicator } from "./comms.js";
import { MpiError } from "./errors.js";
import type { LinearMemory } from "./memory.js";

/**
 * The argument checks every import makes before it touches memory, and the record of the last
 * error an import returned (its reason, for the kernel's `fatal` report).
 */
export class Checks {
  lastCode = 0;
  lastReason = "";

  constructor(
    readonly memory: LinearMemory,
    /**
     * Called when an import returns an error: a wait it left by throwing no longer holds the
     * rank (the kernel may go on after an error code).
     */
    readonly onError: () => void = () => {},
  ) {}

  /** The code an MpiError stands for, kept with its reason; rethrows anything else. */
  codeOf(error: unknown): number {
    if (error instanceof MpiError) {
      this.onError();
      this.lastCode = error.code;
      this.lastReason = error.reason;
      return error.code;
    }
    throw error;
  }

  /** Runs `body` and turns an MpiError into its code. */
  guard(body: () => void): number {
    try {
      body();
      return 0;
    } catch (error) {
      return this.codeOf(error);
    }
  }

  /** Checks that [ptr, ptr + bytes) lies in the rank's memory; returns ptr as unsigned. */
  range(what: string, ptr: number, bytes: number): number {
    const start = ptr >>> 0;
    if (!this.memory.contains(start, bytes)) {
      throw new MpiError(
        ErrorCode.ERR_BUFFER,
        `${what} [${start}, ${start + bytes}) lies outside the rank's memory (${this.memory.byteLength} bytes)`,
      );
    }
    return start;
  }

  /** The element size of a datatype code. */
  elementSize(datatype: number): number {
    const size = DATATYPE_SIZES[datatype];
    if (size === undefined) throw new MpiError(ErrorCode.ERR_TYPE, `invalid datatype ${datatype}`);
    return size;
  }

  /** Validates a (buffer, count, datatype) triple; returns its length in bytes. */
  bufferBytes(what: string, ptr: number, count: number, datatype: number): number {
    const size = this.elementSize(datatype);
    if (count < 0) throw new MpiError(ErrorCode.ERR_COUNT, `negative count ${count}`);
    const bytes = count * size;
    if (bytes > 0x7fffffff) {
      throw new MpiError(ErrorCode.ERR_COUNT, `count ${count} is larger than a rank's memory`);
    }
    this.range(what, ptr, bytes);
    return bytes;
  }

  rankIn(comm: Communicator, rank: number, role: string, wildcard: boolean): void {
    if (rank === PROC_NULL || (wildcard && rank === ANY_SOURCE)) return;
    if (rank < 0 || rank >= comm.size) {
      throw new MpiError(
        role === "root" ? ErrorCode.ERR_ROOT : ErrorCode.ERR_RANK,
        `invalid ${role} rank ${rank} (${comm.name} has ${comm.size} rank${comm.size === 1 ? "" : "s"})`,
      );
    }
  }

  tag(tag: number, wildcard: boolean): void {
    if ((wildcard && tag === ANY_TAG) || (tag >= 0 && tag <= TAG_UB)) return;
    throw new MpiError(
      ErrorCode.ERR_TAG,
      `invalid tag ${tag} (tags are 0..${TAG_UB}${wildcard ? ", or ANY_TAG" : ""})`,
    );
  }

  writeI32(what: string, ptr: number, value: number): void {
    const at = this.range(what, ptr, 4);
    this.memory.data.setInt32(at, value, true);
  }

  /** A status pointer: 0 (no status wanted), or checked to hold a Status. */
  status(ptr: number): number {
    return ptr === 0 ? 0 : this.range("status", ptr, Status.SIZE);
  }

  /** Fills the Status at `at` (if any); `src` is a world rank, reported as a rank of `comm`. */
  writeStatus(at: number, comm: Communicator, src: number, tag: number, bytes: number): void {
    if (at === 0) return;
    const data = this.memory.data;
    data.setInt32(
      at + Status.SOURCE,
      src === PROC_NULL ? PROC_NULL : (comm.commRanks[src] as number),
      true,
    );
    data.setInt32(at + Status.TAG, tag, true);
    data.setInt32(at + Status.ERROR, 0, true);
    data.setInt32(at + Status.COUNT_BYTES, bytes, true);
  }
}
