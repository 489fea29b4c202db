// Runs kernel.ts as N ranks in a host of our own, built on wasmpi's embedding entry points:
//   node examples/embed/main.mjs [ranks] [intervals]
// createJob makes the ranks' shared memories; each worker joins with joinJob (see rank.mjs).
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { compileKernel, createJob, memoryImport } from "wasmpi";

const np = Number(process.argv[2] ?? 4);
const intervals = process.argv[3] ?? "1000000";

const bytes = await compileKernel(fileURLToPath(new URL("./kernel.ts", import.meta.url)));
const module = await WebAssembly.compile(bytes);
const { initial, maximum } = memoryImport(bytes);
// Told the cores, the ranks of an oversubscribed job give theirs away soon when they wait.
const job = createJob({ np, memory: { initial, maximum }, cores: availableParallelism() });

function runRank(rank) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL("./rank.mjs", import.meta.url));
    let ending = null;
    worker.on("message", (message) => {
      if (message.type === "line") {
        (message.stream === "stdout" ? console.log : console.error)(`[${rank}] ${message.line}`);
      } else if (message.type === "published") {
        console.log(`rank ${message.rank} published ${message.value}`);
      } else if (message.type === "ended") {
        ending = message.ending;
      }
    });
    // A worker that dies cannot mark its rank ended: end the job so that no peer waits for it.
    worker.on("error", (error) => {
      ending ??= { type: "failed", message: error.message, exitCode: 1 };
      job.abort();
    });
    worker.on("exit", () =>
      resolve(ending ?? { type: "failed", message: "worker exited", exitCode: 1 }),
    );
    worker.postMessage({ setup: job.rank(rank), module, args: [intervals] });
  });
}

const endings = await Promise.all(Array.from({ length: np }, (_, rank) => runRank(rank)));
let exitCode = 0;
endings.forEach((ending, rank) => {
  if (ending.type === "failed") console.error(`rank ${rank}: ${ending.message}`);
  if (exitCode === 0 && ending.type !== "exit") exitCode = ending.exitCode ?? 1;
  if (exitCode === 0 && ending.type === "exit") exitCode = ending.code;
});
process.exitCode = exitCode;
