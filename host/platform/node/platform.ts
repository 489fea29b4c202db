/** The launcher's Node adapter: ranks are worker_threads. */
import { availableParallelism, hostname } from "node:os";
import { Worker } from "node:worker_threads";
import type { HostPlatform, RankWorker } from "../../launcher.js";
import type { FromRank, ToRank } from "../../protocol.js";

const workerUrl = new URL("./worker.js", import.meta.url);

function createWorker(): RankWorker {
  const worker = new Worker(workerUrl, { stdout: false, stderr: false });
  let said = false;
  let exitHandler: ((detail: string) => void) | undefined;
  let error: unknown;
  worker.on("error", (e) => {
    error = e;
  });
  worker.on("exit", (code) => {
    if (exitHandler === undefined) return;
    const detail =
      error instanceof Error
        ? `${error.name}: ${error.message}`
        : `thread exited with code ${code}`;
    exitHandler(said ? "" : detail);
  });
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
      exitHandler = handler;
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
