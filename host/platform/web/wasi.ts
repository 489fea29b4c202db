/** WASI for a kernel in a Web Worker, through @bjorn3/browser_wasi_shim. */
import { ConsoleStdout, File, OpenFile, WASI, WASIProcExit } from "@bjorn3/browser_wasi_shim";
import type { Wasi } from "../../rank-main.js";

/** The shim's view of an instance: it reads the memory from the exports on every call. */
type ShimInstance = { exports: { memory: WebAssembly.Memory; _start: () => unknown } };

export interface BrowserWasi extends Wasi {
  /** Points the imports at `instance` without running it (for a `_start` run some other way). */
  bind(instance: { readonly exports: WebAssembly.Exports }): void;
  /** The exit code if `error` is the kernel calling proc_exit, else null. */
  exitCode(error: unknown): number | null;
}

export function browserWasi(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): BrowserWasi {
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
    start: (instance) => wasi.start(instance as unknown as ShimInstance),
    bind: (instance) => wasi.initialize(instance as unknown as ShimInstance),
    exitCode: (error) => (error instanceof WASIProcExit ? error.code : null),
  };
}
