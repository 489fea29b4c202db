/** `wasmpi` in the browser: ranks are module Web Workers. */
import {
  type HostPlatform,
  type JobResult,
  type Kernel,
  LaunchError,
  type RankWorker,
  type RunOptions,
  runJob,
} from "../../launcher.js";
import type { FromRank, ToRank } from "../../protocol.js";

export * as abi from "../../abi.js";
export type { RankEnding } from "../../embed/ending.js";
export { createJob, type JobOptions, type RankStateName, SharedJob } from "../../embed/job.js";
export { type JoinOptions, joinJob, type RankOutcome, WasmpiRank } from "../../embed/rank.js";
export { JobAborted, MpiError, RankFailure } from "../../engine/errors.js";
export type { RankSetup } from "../../engine/rank.js";
export type { JobResult, Kernel, RankResult, RunOptions, Stream } from "../../launcher.js";
export { LaunchError } from "../../launcher.js";
export { type ChromeTrace, chromeTrace, type TraceEvent } from "../../trace/chrome.js";
export type { RankTrace } from "../../trace/recorder.js";
export { type MemoryImport, memoryImport } from "../../wasm-binary.js";

const workerUrl = new URL("./worker.js", import.meta.url);

function createWorker(): RankWorker {
  const worker = new Worker(workerUrl, { type: "module" });
  let exitHandler: ((detail: string) => void) | undefined;
  worker.addEventListener("error", (event) => exitHandler?.(event.message || "the worker failed"));
  return {
    post: (message: ToRank) => worker.postMessage(message),
    onMessage: (handler) =>
      worker.addEventListener("message", (event: MessageEvent<FromRank>) => handler(event.data)),
    onExit: (handler) => {
      exitHandler = handler;
    },
    terminate: () => worker.terminate(),
  };
}

const decoder = new TextDecoder();

const webPlatform: HostPlatform = {
  createWorker,
  cores: globalThis.navigator?.hardwareConcurrency ?? 2,
  hostname: globalThis.location?.hostname || "browser",
  // Isolated pages get a 5 µs clock.
  wtick: 5e-6,
  writeOutput: (rank, fd, bytes) => {
    for (const line of decoder.decode(bytes).replace(/\n$/, "").split("\n")) {
      (fd === 1 ? console.log : console.error)(`[${rank}] ${line}`);
    }
  },
};

/** Runs `kernel` (bytes, a compiled module, or the URL of a .wasm file) on `options.np` ranks. */
export async function run(kernel: Kernel, options: RunOptions = {}): Promise<JobResult> {
  if (typeof SharedArrayBuffer === "undefined" || globalThis.crossOriginIsolated === false) {
    throw new LaunchError(
      "wasmpi needs shared memory: serve the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)",
    );
  }
  return runJob(await load(kernel), options, webPlatform);
}

async function load(kernel: Kernel): Promise<Uint8Array | WebAssembly.Module> {
  if (kernel instanceof WebAssembly.Module || kernel instanceof Uint8Array) return kernel;
  if (kernel instanceof ArrayBuffer) return new Uint8Array(kernel);
  const response = await fetch(kernel);
  if (!response.ok) throw new LaunchError(`cannot fetch ${kernel}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
