// One rank of the embedded job, in a worker of our own: our WASI (the browser shim, which runs
// under Node too), our `env` functions, and wasmpi's imports from the package.
import { parentPort } from "node:worker_threads";
import { ConsoleStdout, File, OpenFile, WASI } from "@bjorn3/browser_wasi_shim";
import { joinJob } from "wasmpi";

parentPort.once("message", ({ setup, module, args }) => {
  const rank = joinJob(setup);
  const say = (stream) => (line) => parentPort.postMessage({ type: "line", stream, line });
  const wasi = new WASI(
    ["kernel", ...args],
    [],
    [
      new OpenFile(new File([])),
      ConsoleStdout.lineBuffered(say("stdout")),
      ConsoleStdout.lineBuffered(say("stderr")),
    ],
    { debug: false },
  );
  const env = {
    integrand: (x) => 4 / (1 + x * x),
    publish: (from, value) => parentPort.postMessage({ type: "published", rank: from, value }),
  };
  const instance = new WebAssembly.Instance(
    module,
    rank.importObject({ env, wasi_snapshot_preview1: wasi.wasiImport }),
  );
  // The shim finds the memory among the exports; a kernel that imports its memory (a C
  // kernel) need not export it, so hand it over.
  const exports = { ...instance.exports, memory: rank.memory };
  // run() marks the rank running, then finished or failed, so its peers never wait in vain.
  const { ending } = rank.run(() => wasi.start({ exports }));
  parentPort.postMessage({ type: "ended", ending });
  parentPort.close();
});
