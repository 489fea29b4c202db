// Runs one benchmark job as a child process with a deadline. The child gets its own process
// group so that a hung job is ended whole (mpirun and its ranks, or node and its workers).
import { spawn } from "node:child_process";

export interface ChildResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface ChildOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Process groups still running, ended if the benchmark itself is interrupted. */
const running = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

let interruptHandlerInstalled = false;
function endChildrenOnInterrupt(): void {
  if (interruptHandlerInstalled) return;
  interruptHandlerInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const pid of running) killGroup(pid);
      process.exit(130);
    });
  }
}

export function runChild(
  command: string,
  args: readonly string[],
  options: ChildOptions,
): Promise<ChildResult> {
  endChildrenOnInterrupt();
  const started = performance.now();
  return new Promise((resolveResult) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, options.timeoutMs);
    let finished = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      // A spawn failure emits "error" and may still emit "close".
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (pid !== undefined) {
        // Ranks that outlive their launcher would skew the next run's timing.
        killGroup(pid);
        running.delete(pid);
      }
      const seconds = (performance.now() - started) / 1000;
      resolveResult({ exitCode, signal, timedOut, stdout, stderr, seconds });
    };
    child.on("error", (error) => {
      stderr += `${error.message}\n`;
      finish(null, null);
    });
    child.on("close", finish);
  });
}

/** The last lines of a child's output, for a failure report. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
