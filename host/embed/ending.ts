/** How a rank's program ended, told from what `_start` returned or threw. */
import type { Communicators } from "../engine/comms.js";
import { JobAborted, RankFailure } from "../engine/errors.js";
import type { RankRuntime } from "../engine/rank.js";
import { type BlockedCall, blockedCall, blockedSite } from "../engine/sites.js";

export type RankEnding =
  /** The program returned, or called proc_exit. */
  | { readonly type: "exit"; readonly code: number }
  /** The rank ended the job: a fatal error, abort(), Abort(code), a trap. */
  | { readonly type: "failed"; readonly message: string; readonly exitCode: number }
  /**
   * The rank unwound because the job was ended (another rank failed, a deadlock, the
   * deadline), and the call it was blocked in, if any.
   */
  | { readonly type: "aborted"; readonly blocked?: BlockedCall };

/** The ending of a program that threw `error` out of the kernel. */
export function describeFailure(error: unknown, rt: RankRuntime): RankEnding {
  if (error instanceof JobAborted) {
    const site = blockedSite(rt.ctrl, rt.layout.rank(rt.rank) >> 2);
    if (site === null) return { type: "aborted" };
    return { type: "aborted", blocked: blockedCall(site, (handle) => commName(rt.comms, handle)) };
  }
  return describeError(error, rt.memory.byteLength, rt.maxMemoryPages);
}

/**
 * The ending of a program that threw `error` out of the kernel, other than the end of the job;
 * `bytes` and `maxPages` are the rank's memory size and cap, for out of memory.
 */
export function describeError(error: unknown, bytes: number, maxPages: number): RankEnding {
  if (error instanceof RankFailure) {
    return { type: "failed", message: error.message, exitCode: error.exitCode };
  }
  if (error instanceof WebAssembly.RuntimeError) {
    const frame = wasmFrame(error);
    if (error.message === "unreachable" && frame.startsWith(" in ~lib/rt/")) {
      return { type: "failed", message: outOfMemory(bytes, maxPages), exitCode: 1 };
    }
    return { type: "failed", message: `trap: ${error.message}${frame}`, exitCode: 1 };
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return { type: "failed", message: `trap: stack overflow${wasmFrame(error)}`, exitCode: 1 };
  }
  return { type: "failed", message: errorText(error), exitCode: 1 };
}

/**
 * AssemblyScript's allocator traps (`unreachable` in ~lib/rt) when memory.grow is refused: the
 * rank's memory is at its cap, or the next block would pass it.
 */
function outOfMemory(bytes: number, maxPages: number): string {
  const mib = (n: number) => `${Math.round((n / 2 ** 20) * 10) / 10} MiB`;
  return `out of memory: the allocator could not grow the memory beyond ${mib(bytes)} (the cap is ${mib(maxPages * 65536)}: --max-memory, or the kernel's maximum)`;
}

/** A communicator by its name and origin (`#3 (Split of COMM_WORLD)`), for reports. */
export function commName(comms: Communicators, handle: number): string {
  try {
    return comms.get(handle).name.replace(/^comm /, "");
  } catch {
    return `#${handle}`;
  }
}

/** " in <function>" for the innermost Wasm frame of a trap, when the stack names one. */
function wasmFrame(error: Error): string {
  for (const line of (error.stack ?? "").split("\n")) {
    const match = /^\s*at (.*?) \(wasm:\/\//.exec(line) ?? /^\s*at (wasm:\/\/\S+)/.exec(line);
    if (match) return ` in ${match[1]}`;
  }
  return "";
}

/** An error as one line: its message, after its class name unless it is a plain Error. */
export function errorText(error: unknown): string {
  if (error instanceof Error)
    return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}
