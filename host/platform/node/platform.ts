/** The launcher's Node adapter: ranks are worker_threads. */
import { availableParallelism, hostname } from "node:os";
import { Worker } from "node:worker_threads";
import type { HostPlatform, RankWorker } from "../../launcher.js";
import type { FromRank, ToRank } from "../../protocol.js";

const workerUrl = new URL("./worker.js", import.meta.url);

/** A rank's thread, watched from its start so that an early error or exit is kept. */
class RankThread {
  readonly worker = new Worker(workerUrl, { stdout: false, stderr: false });
  error: unknown;
  exitCode: number | undefined;
  onExit: ((code: number) => void) | undefined;

  constructor() {
    this.worker.on("error", (e) => {
      this.error = e;
    });
    this.worker.on("exit", (code) => {
      this.exitCode = code;
      this.onExit?.(code);
    });
  }
}

/** Threads started before their job (see `prestartWorkers`), taken by the next jobs. */
const prestarted: RankThread[] = [];

/**
 * Starts `n` rank threads now, for a job about to be launched: a thread takes ~60 ms to boot
 * and load the rank's code, which then overlaps with the caller's own start-up (loading the
 * launcher, reading or compiling the kernel). The next jobs take them; `discardPrestarted`
 * ends those left over.
 */
export function prestartWorkers(n: number): void {
  for (let i = 0; i < n; i++) prestarted.push(new RankThread());
}

/** Ends the prestarted threads no job took. */
export function discardPrestarted(): void {
  for (const thread of prestarted.splice(0)) void thread.worker.terminate();
}

function createWorker(): RankWorker {
  const thread = prestarted.shift() ?? new RankThread();
  const { worker } = thread;
  let said = false;
  return {
    post: (message: ToRank) => worker.postMessage(message),
    onMessage: (handler) =>
      worker.on("message", (message: FromRank) => {
        if (message.type === "exit" || message.type === "failed" || message.type === "aborted") {
          said = true;
        }
        handler(message);
      }),
    onExit: (handler) => {
      const report = (code: number) => {
        const { error } = thread;
        const detail =
          error instanceof Error
            ? `${error.name}: ${error.message}`
            : `thread exited with code ${code}`;
        handler(said ? "" : detail);
      };
      if (thread.exitCode === undefined) thread.onExit = report;
      else report(thread.exitCode);
    },
    terminate: () => {
      void worker.terminate();
    },
  };
}

export const nodePlatform: HostPlatform = {
  createWorker,
  cores: availableParallelism(),
  hostname: hostname(),
  // performance.now() in Node is backed by a nanosecond clock.
  wtick: 1e-9,
  writeOutput: (_rank, fd, bytes) => {
    (fd === 1 ? process.stdout : process.stderr).write(bytes);
  },
};
