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

/**
 * What a rank needs to join a job whose ranks cannot share memory (a page that is not
 * cross-origin isolated): the limits of the memory it makes itself, and a port to every peer.
 */
export interface CopyingSetup {
  readonly rank: number;
  readonly size: number;
  readonly memory: { readonly initial: number; readonly maximum: number };
  /** A port to each peer, by world rank; null in this rank's own place. */
  readonly ports: readonly (MessagePort | null)[];
  /** The job's start, in ms since the Unix epoch. */
  readonly epoch: number;
  readonly hostname: string;
  readonly wtick: number;
}

export interface CopyingInitMessage {
  readonly type: "init-copying";
  readonly setup: CopyingSetup;
  readonly module: WebAssembly.Module;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export type ToRank =
  | InitMessage
  | CopyingInitMessage
  | { readonly type: "start" }
  /** The job is ending: a rank that waits for another unwinds (ranks that share no memory). */
  | { readonly type: "abort" };

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
  | { readonly type: "aborted"; readonly blocked?: BlockedCall }
  /**
   * The call the rank has been waiting in for a while (null: it went on), for the reports of a
   * deadlock or a timeout; said only by ranks that share no memory with the launcher.
   */
  | { readonly type: "blocked"; readonly blocked: BlockedCall | null };
