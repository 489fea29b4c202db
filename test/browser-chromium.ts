/**
 * Debian's chromium driven by playwright-core for the browser tests (the registry's browsers
 * cannot be downloaded here), and jobs run on a page through the package's browser entry.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { JobResult } from "wasmpi";

export const CHROMIUM = process.env.WASMPI_CHROMIUM ?? "/usr/bin/chromium";

/** A quiet browser: no network of its own, no updates, no first-run pages. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

export const chromiumFound = (): boolean => existsSync(CHROMIUM);

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts chromium with a fresh profile, removed again by `close`. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "wasmpi-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: FLAGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export interface PageJob extends JobResult {
  /** Output lines by rank. */
  stdout: string[][];
  stderr: string[][];
}

/** How long a job on a page may take before it stops itself (and how much longer the test waits). */
const JOB_DEADLINE_MS = 30_000;

/** Runs a kernel the demo server serves, through `run()` of the browser entry, on `page`. */
export function runOnPage(
  page: Page,
  kernel: string,
  np: number,
  args: readonly string[] = [],
  timeoutMs = JOB_DEADLINE_MS,
): Promise<PageJob> {
  const job = page.evaluate(
    async ({ kernel, np, args, timeoutMs }) => {
      const entry = "/host/platform/web/index.js";
      const wasmpi = (await import(entry)) as typeof import("../host/platform/web/index.js");
      const stdout: string[][] = Array.from({ length: np }, () => []);
      const stderr: string[][] = Array.from({ length: np }, () => []);
      const result = await wasmpi.run(`/kernels/${kernel}.wasm`, {
        np,
        args: [...args],
        timeoutMs,
        onOutput: (rank, stream, line) => (stream === "stdout" ? stdout : stderr)[rank]?.push(line),
      });
      return { ...result, stdout, stderr };
    },
    { kernel, np, args, timeoutMs },
  );
  return deadline(
    job,
    timeoutMs + 15_000,
    `${kernel} ${args.join(" ")} on ${np} ranks in the page`,
  );
}

/** Waits until the page has no worker left (terminated workers go away a moment later). */
export async function noWorkersLeft(page: Page, ms = 5000): Promise<number> {
  const until = performance.now() + ms;
  while (page.workers().length > 0 && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return page.workers().length;
}
