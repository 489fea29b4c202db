/** A rank's worker thread under Node: the shared rank body with worker_threads and node:wasi. */
import { parentPort } from "node:worker_threads";
import type { FromRank, ToRank } from "../../protocol.js";
import { rankMain } from "../../rank-main.js";

// node:wasi announces itself as experimental on first use; that line is not the kernel's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === "string" ? warning : warning.message;
  if (text.includes("WASI")) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const { WASI } = await import("node:wasi");
const port = parentPort;
if (port === null) throw new Error("wasmpi's rank worker must run in a worker thread");

rankMain({
  post: (message: FromRank, transfer?: Transferable[]) =>
    port.postMessage(message, transfer as readonly ArrayBuffer[] | undefined),
  onMessage: (handler: (message: ToRank) => void) => port.on("message", handler),
  wasi: (args, env) => {
    const wasi = new WASI({
      version: "preview1",
      args: ["kernel", ...args],
      env: { ...env },
      returnOnExit: true,
    });
    // uvwasi's sched_yield is the system call; usable once start() has run, as every wasmpi
    // call comes from inside the kernel's _start.
    const schedYield = wasi.wasiImport.sched_yield as () => number;
    return {
      imports: wasi.wasiImport as Record<string, unknown>,
      start: (instance) => wasi.start(instance),
      yieldCpu: () => {
        schedYield();
      },
    };
  },
  close: () => port.close(),
});
