/** Messages between the launcher and a rank's worker. */
import type { RankSetup } from "./engine/rank.js";
import type { BlockedCall } from "./engine/sites.js";
import type { RankTrace } from "./trace/recorder.js";

export interface InitMessage {
  readonly type: "init";
  readonly setup: RankSetup;
  readonly module: WebAssembly.Module;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Record every wasmpi call and post the record before the rank's ending. */
  readonly trace: boolean;
}

export type ToRank = InitMessage | { readonly type: "start" };

export type FromRank =
  /** Instantiated; waiting for "start". */
  | { readonly type: "ready" }
  /** The kernel could not be instantiated (missing imports, memory too small). */
  | { readonly type: "setup-failed"; readonly message: string }
  /** Whole lines, each ending with "\n", written to fd 1 or 2 (at exit, an unfinished last line is ended). */
  | { readonly type: "output"; readonly fd: 1 | 2; readonly bytes: Uint8Array }
  /** Something the kernel did wrong that does not fail the job; posted before it ends. */
  | { readonly type: "warning"; readonly message: string }
  /** The rank's calls, when the job is traced; posted before the rank's ending. */
  | { readonly type: "trace"; readonly trace: RankTrace }
  /** The program returned, or called proc_exit. */
  | { readonly type: "exit"; readonly code: number }
  /** The rank ended the job: a fatal error, abort(), Abort(code), a trap. */
  | { readonly type: "failed"; readonly message: string; readonly exitCode: number }
  /**
   * The rank unwound because the job was ended (another rank failed, a deadlock, the deadline),
   * and the call it was blocked in, if any.
   */
  | { readonly type: "aborted"; readonly blocked?: BlockedCall };
