/**
 * The body of a rank's worker, the same in every runtime: join the job, instantiate the
 * kernel with the WASI and wasmpi imports, wait for the start signal, run `_start`, and say
 * how it ended. The platform supplies the message port and the WASI implementation.
 */
import { WASI_MODULE } from "./abi.js";
import { errorText } from "./embed/ending.js";
import { joinJob, type WasmpiRank } from "./embed/rank.js";
import { LinearMemory } from "./engine/memory.js";
import type { FromRank, InitMessage, ToRank } from "./protocol.js";

export interface Wasi {
  readonly imports: Record<string, unknown>;
  /** Runs the command's `_start`; returns its exit code (proc_exit or 0). */
  start(instance: { readonly exports: WebAssembly.Exports }): number;
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

/**
 * Collects a file descriptor's bytes and posts them a whole line at a time. Lines are posted
 * as copies, never transferred: the first ArrayBuffer a thread detaches makes V8 throw away
 * every optimized function that reads a typed array (the messaging loops among them) and
 * check for detached buffers from then on, which cost a 2-ranks run of 1 KiB sends half its
 * bandwidth for ~30 ms after its first printed line.
 */
export class LineSink {
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
    this.post({ type: "output", fd: this.fd, bytes: out });
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
    this.post({ type: "output", fd: this.fd, bytes: out });
  }
}

export function rankMain(platform: RankPlatform): void {
  let rank: WasmpiRank | null = null;
  let instance: WebAssembly.Instance | null = null;
  let wasi: Wasi | null = null;
  const sinks = { 1: new LineSink(1, platform.post), 2: new LineSink(2, platform.post) } as const;

  const init = (message: InitMessage): void => {
    wasi = platform.wasi(message.args, message.env);
    const joined = joinJob(message.setup, {
      trace: message.trace,
      ...(wasi.yieldCpu ? { yieldCpu: wasi.yieldCpu } : {}),
    });
    rank = joined;
    const fdWrite = stdioWrite(new LinearMemory(joined.memory), wasi.imports.fd_write, sinks);
    const wasiImports = { ...wasi.imports, fd_write: fdWrite } as WebAssembly.ModuleImports;
    instance = new WebAssembly.Instance(
      message.module,
      joined.importObject({ [WASI_MODULE]: wasiImports }),
    );
  };

  const start = (): void => {
    const run = wasi as Wasi;
    const joined = rank as WasmpiRank;
    // WASI finds the memory among the exports; a module that imports its memory need not
    // export it too (AssemblyScript does, clang's wasm-ld 14 cannot).
    const exports = { ...(instance as WebAssembly.Instance).exports, memory: joined.memory };
    const {
      ending,
      unfinishedRequests: pending,
      trace,
    } = joined.run(() => run.start({ exports: exports as WebAssembly.Exports }));
    sinks[1].flush();
    sinks[2].flush();
    warnPending(pending, platform.post);
    if (trace !== null) {
      platform.post({ type: "trace", trace }, [trace.events.buffer, trace.flows.buffer]);
    }
    platform.post(ending);
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
    } else if (message.type === "start") {
      start();
    }
  });
}

/** Warns of the requests a rank's program started and never completed. */
export function warnPending(pending: readonly string[], post: RankPlatform["post"]): void {
  const n = pending.length;
  if (n === 0) return;
  post({
    type: "warning",
    message: `ended with ${n} request${n === 1 ? "" : "s"} never completed (Wait or Test each one): ${pending.slice(0, 4).join("; ")}${n > 4 ? `; and ${n - 4} more` : ""}`,
  });
}

/**
 * fd_write with stdout and stderr routed to the launcher line by line; other descriptors go
 * to the platform's WASI. Reads the iovecs itself, bounds-checked like every import.
 */
export function stdioWrite(
  mem: LinearMemory,
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
