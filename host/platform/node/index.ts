/** `wasmpi` under Node: run a kernel as N ranks on worker threads. */
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
import { compileKernel } from "./compile.js";
import { compileCKernel } from "./compile-c.js";
import { nodePlatform } from "./platform.js";

export * as abi from "../../abi.js";
export { JobAborted, MpiError, RankFailure } from "../../engine/errors.js";
export type { JobResult, Kernel, RankResult, RunOptions, Stream } from "../../launcher.js";
export { LaunchError } from "../../launcher.js";
export { CompileError, compileKernel } from "./compile.js";
export { clangArguments, compileCKernel } from "./compile-c.js";

/**
 * Runs `kernel` on `options.np` ranks and resolves when every rank has ended. The kernel is
 * Wasm bytes, a compiled module, or a path or file URL to a .wasm file, to AssemblyScript
 * source (.ts) or to C source (.c), which is compiled with wasmpi's settings and cached.
 */
export async function run(kernel: Kernel, options: RunOptions = {}): Promise<JobResult> {
  return runJob(await load(kernel), options, nodePlatform);
}

/** The CLI's entry: like `run`, with output as raw bytes of whole lines. */
export async function runWithOutput(
  kernel: Kernel,
  options: RunOptions,
  output: OutputBytes,
): Promise<JobResult> {
  return runJob(await load(kernel), options, nodePlatform, output);
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
