/** Shared helpers of the test suites: run jobs with a deadline, collect their output. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compileCKernel, compileKernel, type JobResult, type RunOptions, run } from "wasmpi";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const cliPath = fileURLToPath(new URL("../host/cli.js", import.meta.url));

export const kernelPath = (name: string): string => `${root}test/kernels/${name}.ts`;
export const examplePath = (name: string): string => `${root}examples/${name}.ts`;

const compiled = new Map<string, Promise<Uint8Array>>();

/** Compiles an AssemblyScript or C kernel once per test process (and once per content, on disk). */
export function kernel(path: string): Promise<Uint8Array> {
  const known = compiled.get(path);
  if (known !== undefined) return known;
  const bytes = path.endsWith(".c") ? compileCKernel(path) : compileKernel(path);
  compiled.set(path, bytes);
  return bytes;
}

export interface Job extends JobResult {
  /** Output lines by rank. */
  stdout: string[][];
  stderr: string[][];
  /** Every stdout line of every rank. */
  lines: string[];
}

/** Default deadline of one job: generous for 2 oversubscribed cores, short of a hang. */
const JOB_DEADLINE_MS = 60_000;

/** Runs a job through the host API with its own deadline; never hangs. */
export async function job(
  path: string,
  np: number,
  args: string[] = [],
  options: RunOptions = {},
): Promise<Job> {
  const bytes = await kernel(path);
  const stdout: string[][] = Array.from({ length: np }, () => []);
  const stderr: string[][] = Array.from({ length: np }, () => []);
  const result = await run(bytes, {
    np,
    args,
    timeoutMs: JOB_DEADLINE_MS,
    onOutput: (rank, stream, line) => (stream === "stdout" ? stdout : stderr)[rank]?.push(line),
    ...options,
  });
  return { ...result, stdout, stderr, lines: stdout.flat() };
}

export interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the wasmpi command with a deadline (the child is killed at the deadline). */
export function cli(args: string[], deadlineMs = JOB_DEADLINE_MS): Promise<Cli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`wasmpi ${args.join(" ")} did not end within ${deadlineMs} ms`));
    }, deadlineMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Lines sorted, for comparing output that ranks print in any order. */
export const sorted = (lines: readonly string[]): string[] => [...lines].sort();

/** A description of a job for assertion messages. */
export function describeJob(j: JobResult & { lines?: string[]; stderr?: string[][] }): string {
  return JSON.stringify(
    { exitCode: j.exitCode, failures: j.failures, ranks: j.ranks, stderr: j.stderr },
    null,
    1,
  );
}
