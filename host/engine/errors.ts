import { ERROR_NAMES, type ErrorCode } from "../abi.js";

/**
 * An invalid call or a failed operation. Imports turn it into the error code they return;
 * the reason is kept so that the kernel's report can name it (`Recv: message truncated ...`).
 */
export class MpiError extends Error {
  override readonly name = "MpiError";
  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
  ) {
    super(`${ERROR_NAMES[code] ?? code}: ${reason}`);
  }
}

/** The rank ends the job: a fatal MPI error, abort(), a type mismatch. Unwinds the kernel. */
export class RankFailure extends Error {
  override readonly name = "RankFailure";
  constructor(
    message: string,
    /** Exit code of the job: MPI_Abort's error code, or 1. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Another rank ended the job while this one was inside a call. Unwinds the kernel quietly. */
export class JobAborted extends Error {
  override readonly name = "JobAborted";
  constructor() {
    super("the job was ended by a failure in another rank");
  }
}
