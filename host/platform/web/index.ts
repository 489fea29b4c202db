/**
 * `wasmpi` in the browser: ranks are module Web Workers. On a cross-origin isolated page they
 * share memory, exactly as under Node; on any other page they copy every message (see
 * COPYING_WARNING).
 */
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
import { jspi } from "./copying/jspi.js";
import { copyingLink } from "./copying/link.js";

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
export { MAX_COPYING_RANKS } from "./copying/link.js";

/**
 * Said once, in every result of a job on a page that is not cross-origin isolated (and once on
 * the console). The figures are bench/browser.ts's.
 */
export const COPYING_WARNING =
  "this page is not cross-origin isolated, so the ranks cannot share memory: every message is copied into a postMessage and out again, and a rank waits for one through its worker's event loop (WebAssembly JSPI) instead of on shared memory, which makes each message many times slower (bench/browser.ts measures it). Serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp to share memory.";

/** How the ranks of a job reach one another on this page. */
export type Transport = "shared-memory" | "copying";

/** Shared memory needs a cross-origin isolated page; elsewhere, messages are copied. */
export function transport(): Transport {
  return globalThis.crossOriginIsolated === true ? "shared-memory" : "copying";
}

const workerUrl = new URL("./worker.js", import.meta.url);

function createWorker(): RankWorker {
  const worker = new Worker(workerUrl, { type: "module" });
  let exitHandler: ((detail: string) => void) | undefined;
  worker.addEventListener("error", (event) => {
    exitHandler?.(event.message || "the worker's script failed to load or threw");
  });
  return {
    post: (message: ToRank, transfer?: Transferable[]) =>
      worker.postMessage(message, transfer ?? []),
    onMessage: (handler) =>
      worker.addEventListener("message", (event: MessageEvent<FromRank>) => handler(event.data)),
    onExit: (handler) => {
      exitHandler = handler;
    },
    terminate: () => worker.terminate(),
  };
}

const decoder = new TextDecoder();

const sharedPlatform: HostPlatform = {
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

const copyingPlatform: HostPlatform = {
  ...sharedPlatform,
  // Pages that are not isolated get a 100 µs clock.
  wtick: 1e-4,
  link: copyingLink,
};

let warned = false;

/**
 * Runs `kernel` (bytes, a compiled module, or the URL of a .wasm file) on `options.np` ranks and
 * resolves when every rank has ended, as under Node.
 */
export async function run(kernel: Kernel, options: RunOptions = {}): Promise<JobResult> {
  const mode = transport();
  if (mode === "copying" && jspi() === null) {
    throw new LaunchError(
      "this page is not cross-origin isolated and this browser lacks WebAssembly JSPI (Chromium 137 or later has it): serve the page with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp",
    );
  }
  const platform = mode === "shared-memory" ? sharedPlatform : copyingPlatform;
  const result = await runJob(await load(kernel), options, platform);
  if (mode === "copying") {
    result.warnings.unshift(COPYING_WARNING);
    if (!warned) console.warn(`wasmpi: ${COPYING_WARNING}`);
    warned = true;
  }
  return result;
}

async function load(kernel: Kernel): Promise<Uint8Array | WebAssembly.Module> {
  if (kernel instanceof WebAssembly.Module || kernel instanceof Uint8Array) return kernel;
  if (kernel instanceof ArrayBuffer) return new Uint8Array(kernel);
  const response = await fetch(kernel);
  if (!response.ok) throw new LaunchError(`cannot fetch ${kernel}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
