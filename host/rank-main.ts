/**
 * The body of a rank's worker, the same in every runtime: join the job, instantiate the
 * kernel with the WASI and wasmpi imports, wait for the start signal, run `_start`, and say
 * how it ended. The platform supplies the message port and the WASI implementation.
 */
import { MODULE } from "./abi.js";
import { JobAborted, RankFailure } from "./engine/errors.js";
import { buildImports } from "./engine/imports.js";
import { RankState } from "./engine/layout.js";
import { RankRuntime } from "./engine/rank.js";
import type { FromRank, InitMessage, ToRank } from "./protocol.js";

export interface Wasi {
  readonly imports: Record<string, unknown>;
  /** Runs the command's `_start`; returns its exit code (proc_exit or 0). */
  start(instance: WebAssembly.Instance): number;
  /** Gives the CPU to another runnable thread (sched_yield), where the runtime can. */
  readonly yieldCpu?: () => void;
}

export interface RankPlatform {
  post(message: FromRank, transfer?: Transferable[]): void;
  onMessage(handler: (message: ToRank) => void): void;
  /** WASI preview1 for the kernel, with stdio left to `buildWasi`'s caller. */
  wasi(args: readonly string[], env: Readonly<Record<string, string>>): Wasi;
  /** Called once the rank has said how it ended. */
  close(): void;
}

const WASI_MODULE = "wasi_snapshot_preview1";

/** Collects a file descriptor's bytes and posts them a whole line at a time. */
class LineSink {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  constructor(
    readonly fd: 1 | 2,
    readonly post: RankPlatform["post"],
  ) {}

  write(chunk: Uint8Array): void {
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline < 0) {
      this.#pending.push(chunk.slice());
      this.#pendingBytes += chunk.length;
      return;
    }
    const head = chunk.subarray(0, lastNewline + 1);
    const out = new Uint8Array(this.#pendingBytes + head.length);
    let at = 0;
    for (const part of this.#pending) {
      out.set(part, at);
      at += part.length;
    }
    out.set(head, at);
    this.#pending = lastNewline + 1 < chunk.length ? [chunk.slice(lastNewline + 1)] : [];
    this.#pendingBytes = chunk.length - lastNewline - 1;
    this.post({ type: "output", fd: this.fd, bytes: out }, [out.buffer]);
  }

  /**
   * Posts what is left of an unfinished last line, ended with a newline: printed as it is,
   * another rank's next line would be spliced onto it.
   */
  flush(): void {
    if (this.#pendingBytes === 0) return;
    const out = new Uint8Array(this.#pendingBytes + 1);
    let at = 0;
    for (const part of this.#pending) {
      out.set(part, at);
      at += part.length;
    }
    out[at] = 10;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.post({ type: "output", fd: this.fd, bytes: out }, [out.buffer]);
  }
}

export function rankMain(platform: RankPlatform): void {
  let runtime: RankRuntime | null = null;
  let instance: WebAssembly.Instance | null = null;
  let wasi: Wasi | null = null;
  const sinks = { 1: new LineSink(1, platform.post), 2: new LineSink(2, platform.post) } as const;

  const init = (message: InitMessage): void => {
    wasi = platform.wasi(message.args, message.env);
    const rt = new RankRuntime(message.setup, wasi.yieldCpu ?? null);
    runtime = rt;
    const memory = message.setup.memories[message.setup.rank] as WebAssembly.Memory;
    const wasiImports = { ...wasi.imports, fd_write: stdioWrite(rt, wasi.imports.fd_write, sinks) };
    const imports: WebAssembly.Imports = {
      env: { memory },
      [WASI_MODULE]: wasiImports as WebAssembly.ModuleImports,
      [MODULE]: buildImports(rt) as unknown as WebAssembly.ModuleImports,
    };
    instance = new WebAssembly.Instance(message.module, imports);
  };

  const start = (): void => {
    const rt = runtime as RankRuntime;
    rt.started();
    let result: FromRank;
    try {
      const code = (wasi as Wasi).start(instance as WebAssembly.Instance);
      result = { type: "exit", code };
    } catch (error) {
      result = describeFailure(error);
    }
    sinks[1].flush();
    sinks[2].flush();
    const pending = result.type === "exit" ? rt.requests.pending() : [];
    if (pending.length > 0) {
      const n = pending.length;
      platform.post({
        type: "warning",
        message: `ended with ${n} request${n === 1 ? "" : "s"} never completed (Wait or Test each one): ${pending.slice(0, 4).join("; ")}${n > 4 ? `; and ${n - 4} more` : ""}`,
      });
    }
    rt.ended(result.type === "exit" ? RankState.FINISHED : RankState.FAILED);
    platform.post(result);
    platform.close();
  };

  platform.onMessage((message) => {
    if (message.type === "init") {
      try {
        init(message);
      } catch (error) {
        platform.post({ type: "setup-failed", message: errorText(error) });
        platform.close();
        return;
      }
      platform.post({ type: "ready" });
    } else {
      start();
    }
  });
}

function describeFailure(error: unknown): FromRank {
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

function errorText(error: unknown): string {
  if (error instanceof Error)
    return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

/**
 * fd_write with stdout and stderr routed to the launcher line by line; other descriptors go
 * to the platform's WASI. Reads the iovecs itself, bounds-checked like every import.
 */
function stdioWrite(
  rt: RankRuntime,
  fallback: unknown,
  sinks: Readonly<Record<1 | 2, LineSink>>,
): (fd: number, iovs: number, iovsLen: number, nwritten: number) => number {
  const EBADF = 8;
  const EFAULT = 21;
  const EINVAL = 28;
  return (fd, iovs, iovsLen, nwritten) => {
    if (fd !== 1 && fd !== 2) {
      return typeof fallback === "function" ? fallback(fd, iovs, iovsLen, nwritten) : EBADF;
    }
    const mem = rt.memory;
    const vecs = iovs >>> 0;
    if (iovsLen < 0 || iovsLen > 1024) return EINVAL;
    if (!mem.contains(vecs, iovsLen * 8) || !mem.contains(nwritten >>> 0, 4)) return EFAULT;
    const data = mem.data;
    let total = 0;
    for (let i = 0; i < iovsLen; i++) {
      const ptr = data.getUint32(vecs + i * 8, true);
      const len = data.getUint32(vecs + i * 8 + 4, true);
      if (!mem.contains(ptr, len)) return EFAULT;
      if (len > 0) sinks[fd].write(mem.u8.subarray(ptr, ptr + len));
      total += len;
    }
    data.setUint32(nwritten >>> 0, total, true);
    return 0;
  };
}
