/**
 * WebAssembly JavaScript Promise Integration (JSPI), shipped by Chromium from version 137: a
 * Wasm call stack can wait for a promise. An import wrapped in `Suspending` may return a
 * promise, and the Wasm code that called it is suspended until the promise settles; the
 * worker's event loop runs meanwhile, so the messages a rank waits for can arrive. Only code
 * entered through a `promising` export can be suspended.
 */

export interface Jspi {
  readonly Suspending: new (
    fn: (...args: number[]) => Promise<number | undefined>,
  ) => WebAssembly.ImportValue;
  readonly promising: (fn: () => unknown) => () => Promise<unknown>;
}

/** JSPI, or null where the engine lacks it. */
export function jspi(): Jspi | null {
  const wasm = WebAssembly as unknown as Partial<Jspi>;
  if (typeof wasm.Suspending !== "function" || typeof wasm.promising !== "function") return null;
  return wasm as Jspi;
}
