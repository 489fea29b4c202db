/** How a rank's program ended, told from what `_start` returned or threw. */
import { JobAborted, RankFailure } from "../engine/errors.js";

export type RankEnding =
  /** The program returned, or called proc_exit. */
  | { readonly type: "exit"; readonly code: number }
  /** The rank ended the job: a fatal error, abort(), Abort(code), a trap. */
  | { readonly type: "failed"; readonly message: string; readonly exitCode: number }
  /** The rank unwound because the job was ended elsewhere. */
  | { readonly type: "aborted" };

/** The ending of a program that threw `error` out of the kernel. */
export function describeFailure(error: unknown): RankEnding {
  if (error instanceof JobAborted) return { type: "aborted" };
  if (error instanceof RankFailure) {
    return { type: "failed", message: error.message, exitCode: error.exitCode };
  }
  if (error instanceof WebAssembly.RuntimeError) {
    return { type: "failed", message: `trap: ${error.message}${wasmFrame(error)}`, exitCode: 1 };
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return { type: "failed", message: `trap: stack overflow${wasmFrame(error)}`, exitCode: 1 };
  }
  return { type: "failed", message: errorText(error), exitCode: 1 };
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
