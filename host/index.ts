/** The types and pieces shared by the Node and browser entries of `wasmpi`. */
export * as abi from "./abi.js";
export { JobAborted, MpiError, RankFailure } from "./engine/errors.js";
export type { JobResult, RankResult, RunOptions, Stream } from "./launcher.js";
export { LaunchError } from "./launcher.js";
export type Kernel = Uint8Array | ArrayBuffer | WebAssembly.Module | URL | string;
export declare function run(
  kernel: Kernel,
  options?: import("./launcher.js").RunOptions,
): Promise<import("./launcher.js").JobResult>;
