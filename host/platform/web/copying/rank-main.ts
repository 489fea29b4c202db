/**
 * The body of a rank's worker in a job whose ranks share no memory: the same steps as the
 * shared rank body (join, instantiate, wait for the start, run `_start`, say how it ended),
 * with the rank's own memory, the copying transport, and `_start` entered through JSPI so that
 * the kernel can be suspended while the rank waits.
 */
import { MODULE } from "../../../abi.js";
import { describeError, errorText } from "../../../embed/ending.js";
import { JobAborted } from "../../../engine/errors.js";
import { LinearMemory } from "../../../engine/memory.js";
import type { CopyingInitMessage, FromRank, ToRank } from "../../../protocol.js";
import { LineSink, stdioWrite, warnPending } from "../../../rank-main.js";
import type { BrowserWasi } from "../wasi.js";
import { jspi } from "./jspi.js";
import { CopyingRank } from "./rank.js";

export interface WorkerScope {
  post(message: FromRank, transfer?: Transferable[]): void;
  onMessage(handler: (message: ToRank) => void): void;
  close(): void;
}

const WASI_MODULE = "wasi_snapshot_preview1";

export function copyingRankMain(
  scope: WorkerScope,
  init: CopyingInitMessage,
  wasiFor: (args: readonly string[], env: Readonly<Record<string, string>>) => BrowserWasi,
): void {
  const sinks = { 1: new LineSink(1, scope.post), 2: new LineSink(2, scope.post) } as const;
  const api = jspi();
  let rank: CopyingRank;
  let wasi: BrowserWasi;
  /** The kernel's `_start`, entered so that the imports that wait can suspend it. */
  let run: () => Promise<unknown>;
  try {
    if (api === null) {
      throw new Error(
        "ranks that share no memory wait through WebAssembly JSPI, which this browser lacks",
      );
    }
    const memory = new WebAssembly.Memory({ ...init.setup.memory, shared: true });
    rank = new CopyingRank(init.setup, memory, (blocked) =>
      scope.post({ type: "blocked", blocked }),
    );
    wasi = wasiFor(init.args, init.env);
    const wasiImports = {
      ...wasi.imports,
      fd_write: stdioWrite(new LinearMemory(memory), wasi.imports.fd_write, sinks),
    };
    const instance = new WebAssembly.Instance(init.module, {
      env: { memory },
      [WASI_MODULE]: wasiImports as WebAssembly.ModuleImports,
      [MODULE]: rank.imports(api),
    });
    // WASI finds the memory among the exports (a C kernel imports it without exporting it).
    wasi.bind({ exports: { ...instance.exports, memory } });
    const entry = instance.exports._start;
    if (typeof entry !== "function") throw new Error("the kernel exports no _start function");
    run = api.promising(entry as () => unknown);
  } catch (error) {
    scope.post({ type: "setup-failed", message: errorText(error) });
    scope.close();
    return;
  }

  const start = async (): Promise<void> => {
    let result: FromRank;
    try {
      await run();
      result = { type: "exit", code: 0 };
    } catch (error) {
      result = ending(error);
    }
    sinks[1].flush();
    sinks[2].flush();
    if (result.type === "exit") warnPending(rank.requests.pending(), scope.post);
    // Anything but a clean exit means the job is ending (a non-zero exit fails it too, and an
    // aborted rank unwound because it ends): peers unwind quietly instead of reporting that
    // this rank ended.
    rank.ended(!(result.type === "exit" && result.code === 0));
    scope.post(result);
    scope.close();
  };

  /** How the rank ended, from what its `_start` threw. */
  const ending = (error: unknown): FromRank => {
    const code = wasi.exitCode(error);
    if (code !== null) return { type: "exit", code };
    if (!(error instanceof JobAborted)) {
      return describeError(error, rank.memory.byteLength, rank.maxMemoryPages);
    }
    const blocked = rank.waiting();
    return blocked === undefined ? { type: "aborted" } : { type: "aborted", blocked };
  };

  scope.onMessage((message) => {
    if (message.type === "start") void start();
    else if (message.type === "abort") rank.peers.abort();
  });
  scope.post({ type: "ready" });
}
