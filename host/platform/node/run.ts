/** Running a job under Node: the kernel loaded (compiled when it is source), the trace file. */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  type JobResult,
  type Kernel,
  LaunchError,
  type OutputBytes,
  type RunOptions,
  runJob,
} from "../../launcher.js";
import type { ChromeTrace } from "../../trace/chrome.js";
import { compileKernel } from "./compile.js";
import { compileCKernel } from "./compile-c.js";
import { nodePlatform } from "./platform.js";
import { openTraceFile } from "./trace-file.js";

/**
 * Runs `kernel` on `options.np` ranks and resolves when every rank has ended. The kernel is
 * Wasm bytes, a compiled module, or a path or file URL to a .wasm file, to AssemblyScript
 * source (.ts) or to C source (.c), which is compiled with wasmpi's settings and cached.
 */
export async function run(kernel: Kernel, options: RunOptions = {}): Promise<JobResult> {
  return withTraceFile(options, async (o) => runJob(await load(kernel), o, nodePlatform));
}

/** The CLI's entry: like `run`, with output as raw bytes of whole lines. */
export async function runWithOutput(
  kernel: Kernel,
  options: RunOptions,
  output: OutputBytes,
): Promise<JobResult> {
  return withTraceFile(options, async (o) => runJob(await load(kernel), o, nodePlatform, output));
}

/** Runs a job whose `trace` may be a file path: the trace goes there once the job has ended. */
async function withTraceFile(
  options: RunOptions,
  runWith: (options: RunOptions) => Promise<JobResult>,
): Promise<JobResult> {
  const path = options.trace;
  if (typeof path !== "string") return runWith(options);
  const cannotWrite = (error: unknown) =>
    new LaunchError(
      `cannot write the trace to ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  const file = await openTraceFile(path).catch((error) => {
    throw cannotWrite(error);
  });
  try {
    let trace: ChromeTrace | null = null;
    const result = await runWith({
      ...options,
      trace: (t) => {
        trace = t;
      },
    });
    if (trace !== null)
      await file.write(trace).catch((error) => Promise.reject(cannotWrite(error)));
    return result;
  } finally {
    await file.close();
  }
}

async function load(kernel: Kernel): Promise<Uint8Array | WebAssembly.Module> {
  if (kernel instanceof WebAssembly.Module || kernel instanceof Uint8Array) return kernel;
  if (kernel instanceof ArrayBuffer) return new Uint8Array(kernel);
  const path = kernel instanceof URL ? fileURLToPath(kernel) : kernel;
  if (path.endsWith(".ts")) return compileKernel(path);
  if (path.endsWith(".c")) return compileCKernel(path);
  try {
    return await readFile(path);
  } catch (error) {
    throw new LaunchError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}
