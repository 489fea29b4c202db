/** A rank's module Web Worker: the shared rank body with a browser WASI shim. */
import { ConsoleStdout, File, OpenFile, WASI } from "@bjorn3/browser_wasi_shim";
import type { FromRank, ToRank } from "../../protocol.js";
import { rankMain } from "../../rank-main.js";

const scope = globalThis as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<ToRank>) => void): void;
  close(): void;
};

rankMain({
  post: (message: FromRank, transfer?: Transferable[]) => scope.postMessage(message, transfer),
  onMessage: (handler) => scope.addEventListener("message", (event) => handler(event.data)),
  wasi: (args, env) => {
    // stdout and stderr are replaced by the rank body's line sinks; these only stand in.
    const fds = [
      new OpenFile(new File([])),
      new ConsoleStdout(() => {}),
      new ConsoleStdout(() => {}),
    ];
    const wasi = new WASI(
      ["kernel", ...args],
      Object.entries(env).map(([k, v]) => `${k}=${v}`),
      fds,
    );
    return {
      imports: wasi.wasiImport as unknown as Record<string, unknown>,
      start: (instance) =>
        wasi.start(
          instance as unknown as { exports: { memory: WebAssembly.Memory; _start: () => unknown } },
        ),
    };
  },
  close: () => scope.close(),
});
