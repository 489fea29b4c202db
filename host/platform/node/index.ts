/** `wasmpi` under Node: run a kernel as N ranks on worker threads. */

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
export { CompileError, compileKernel } from "./compile.js";
export { clangArguments, compileCKernel } from "./compile-c.js";
export { run, runWithOutput } from "./run.js";
