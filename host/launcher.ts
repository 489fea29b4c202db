/**
 * A job from the launcher's side, the same in every runtime: create the shared memories,
 * start one worker per rank (init → ready → start), route output, end every rank on the
 * first failure, enforce the deadline, and collect exit codes.
 */
import type { BlockedCall } from "./engine/sites.js";
import type { FromRank, ToRank } from "./protocol.js";
import { sharedMemories } from "./shared-link.js";
import { type ChromeTrace, chromeTrace } from "./trace/chrome.js";
import type { RankTrace } from "./trace/recorder.js";
import { type MemoryImport, memoryImport } from "./wasm-binary.js";

export type Stream = "stdout" | "stderr";

/** A kernel: Wasm bytes, a compiled module, or (where the runtime can load it) a URL or path. */
export type Kernel = Uint8Array | ArrayBuffer | WebAssembly.Module | URL | string;

export interface RunOptions {
  /** Number of ranks (default 1). */
  np?: number;
  /** Arguments after the program name (argv[1..]). */
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Receives every output line of every rank, without its newline. */
  onOutput?: (rank: number, stream: Stream, line: string) => void;
  /**
   * Stop the job after this many milliseconds; it ends with exit code 124, and each rank's
   * `error` says where it was (`Recv: blocked (source=1, tag=0, comm=COMM_WORLD)`).
   */
  timeoutMs?: number;
  /** Cap on each rank's memory, in 64 KiB pages (at most what the kernel declares). */
  maxMemoryPages?: number;
  /** Payloads up to this many bytes go eagerly through the rings. */
  eagerLimit?: number;
  /** Bytes of each pair's ring (a power of two). */
  ringBytes?: number;
  /**
   * Record every wasmpi call of every rank, in the Chrome trace event format (Perfetto,
   * chrome://tracing): a function receives the trace when the job ends; a path (Node only)
   * is where the trace file is written. Ranks stopped by a timeout leave no record.
   */
  trace?: string | ((trace: ChromeTrace) => void);
}

export interface RankResult {
  rank: number;
  exitCode: number;
  /**
   * How the rank ended. "failed" also for each rank blocked in a deadlock; "aborted": ended
   * because another rank failed or the job timed out.
   */
  status: "exited" | "failed" | "aborted";
  /**
   * Why it failed (for a deadlock: `Call: deadlock (what it waits for)`), or where it was when
   * the job timed out (`Call: blocked (what it waits for)`).
   */
  error?: string;
}

export interface JobResult {
  exitCode: number;
  ranks: RankResult[];
  /** Whether the job was stopped by its deadline. */
  timedOut: boolean;
  /** Whether the job was stopped because no running rank could go on. */
  deadlocked: boolean;
  /**
   * The failures in the order they happened, as `rank R: reason` lines; for a deadlock, one
   * line per blocked rank, in rank order.
   */
  failures: string[];
  /** Things done wrong that did not fail the job (requests never completed), as `rank R: ...`. */
  warnings: string[];
}

/** What a runtime provides to the launcher. */
export interface HostPlatform {
  createWorker(): RankWorker;
  /** Logical cores available to the job. */
  readonly cores: number;
  readonly hostname: string;
  /** Resolution of the clock behind MPI.Wtime(). */
  readonly wtick: number;
  /** Where output goes when the caller gives no `onOutput`. */
  writeOutput(rank: number, fd: 1 | 2, bytes: Uint8Array): void;
  /** How the ranks of a job reach one another; by default they share their memories. */
  readonly link?: (job: JobShape) => JobLink;
}

/** What a link is made for: one job. */
export interface JobShape {
  readonly np: number;
  readonly module: WebAssembly.Module;
  /** Limits of each rank's memory, in 64 KiB pages. */
  readonly memory: { readonly initial: number; readonly maximum: number };
  readonly options: RunOptions;
  readonly platform: HostPlatform;
  /** Whether the ranks record their calls for a trace. */
  readonly trace: boolean;
}

/** How the ranks of one job reach one another, as the launcher sees it. */
export interface JobLink {
  /** The message that starts rank `rank`'s worker, and what moves with it. */
  init(rank: number): { message: ToRank; transfer?: Transferable[] };
  /** Makes every rank that waits for another unwind: the job is ending. */
  abort(workers: readonly RankWorker[]): void;
  /**
   * Polled: true once every rank still running (`running(r)`) has been stuck for a grace
   * period, so that none can act for another.
   */
  deadlocked(now: number, running: (rank: number) => boolean): boolean;
  /** Where rank `rank` is, when it did not say itself as the job ended. */
  where(rank: number): BlockedCall | string;
  /** A rank said where it has been waiting (null: it went on). */
  blocked?(rank: number, call: BlockedCall | null): void;
}

export interface RankWorker {
  post(message: ToRank, transfer?: Transferable[]): void;
  onMessage(handler: (message: FromRank) => void): void;
  /** The worker died without a final message (crash, out of memory, killed). */
  onExit(handler: (detail: string) => void): void;
  terminate(): void;
}

/** Internal hook for the CLI: raw output bytes of whole lines, in order per rank. */
export type OutputBytes = (rank: number, fd: 1 | 2, bytes: Uint8Array) => void;

export class LaunchError extends Error {
  override readonly name = "LaunchError";
}

/** How long ranks get to unwind after a failure before their workers are terminated. */
const GRACE_MS = 300;
/** How often the launcher looks for a deadlock (each link declares one within a second). */
const DEADLOCK_POLL_MS = 100;

export async function runJob(
  kernel: Uint8Array | WebAssembly.Module,
  options: RunOptions,
  platform: HostPlatform,
  outputBytes?: OutputBytes,
): Promise<JobResult> {
  const np = options.np ?? 1;
  if (!Number.isInteger(np) || np < 1 || np > 1024) {
    throw new LaunchError(`the number of ranks must be an integer from 1 to 1024, got ${np}`);
  }
  if (typeof options.trace === "string") {
    throw new LaunchError(
      `a trace file (${options.trace}) can be written under Node only; pass a function to receive the trace`,
    );
  }
  const onTrace = options.trace;
  const { module, mem } = await prepare(kernel);
  const declared = mem.maximum ?? 65536;
  const maximum = Math.min(declared, options.maxMemoryPages ?? declared);
  if (maximum < mem.initial) {
    throw new LaunchError(
      `the memory cap of ${maximum} pages is below the ${mem.initial} pages the kernel needs at start`,
    );
  }
  const memory = { initial: mem.initial, maximum };
  const trace = onTrace !== undefined;
  const link = (platform.link ?? sharedMemories)({ np, module, memory, options, platform, trace });

  const write: OutputBytes =
    outputBytes ??
    (options.onOutput === undefined
      ? platform.writeOutput.bind(platform)
      : lineSplitter(options.onOutput));

  return new Promise<JobResult>((resolve) => {
    const workers: RankWorker[] = [];
    const results: (RankResult | undefined)[] = Array.from({ length: np }, () => undefined);
    let settled = 0;
    const failures: string[] = [];
    const warnings: string[] = [];
    const traces: RankTrace[] = [];
    let exitCode = 0;
    let ready = 0;
    let ending = false;
    let timedOut = false;
    let deadlocked = false;
    const deadlockLines: (string | undefined)[] = [];
    let finished = false;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const running = (rank: number): boolean => results[rank] === undefined;
    const deadlockPoll = setInterval(() => {
      if (!ending && link.deadlocked(performance.now(), running)) {
        deadlocked = true;
        exitCode = 1;
        endJob();
      }
    }, DEADLOCK_POLL_MS);

    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(graceTimer);
      clearTimeout(deadline);
      clearInterval(deadlockPoll);
      for (const w of workers) w.terminate();
      const ranks = results.map(
        (r, rank): RankResult => r ?? { rank, exitCode: 1, status: "aborted" },
      );
      if (onTrace !== undefined) {
        try {
          onTrace(chromeTrace(traces, np));
        } catch (error) {
          warnings.push(`the trace callback failed: ${(error as Error).message}`);
        }
      }
      // A deadlock's lines come in rank order, not in the order the ranks unwound.
      for (const line of deadlockLines) if (line !== undefined) failures.push(line);
      resolve({ exitCode, ranks, timedOut, deadlocked, failures, warnings });
    };

    const settle = (rank: number, result: RankResult): void => {
      if (results[rank] !== undefined) return;
      results[rank] = result;
      if (++settled === np) finish();
    };

    /**
     * How a rank that unwound when the job ended (`blocked`: the call it was in, as it said;
     * null if it did not answer) is reported: where it was blocked when the job was stopped for
     * a deadlock or its deadline, as the rank or else its block in the control memory says.
     */
    const stopped = (rank: number, blocked: BlockedCall | null): void => {
      if (!deadlocked && !timedOut) {
        settle(rank, { rank, exitCode: 1, status: "aborted" });
        return;
      }
      const where = blocked ?? link.where(rank);
      if (deadlocked && typeof where !== "string") {
        const error = `${where.call}: deadlock (${where.detail})`;
        deadlockLines[rank] = `rank ${rank}: ${error}`;
        settle(rank, { rank, exitCode: 1, status: "failed", error });
        return;
      }
      const error = typeof where === "string" ? where : `${where.call}: blocked (${where.detail})`;
      settle(rank, { rank, exitCode: timedOut ? 124 : 1, status: "aborted", error });
    };

    /** Ends the job: every waiting rank unwinds, the rest are terminated after a grace. */
    const endJob = (): void => {
      if (ending) return;
      ending = true;
      clearInterval(deadlockPoll);
      link.abort(workers);
      graceTimer = setTimeout(() => {
        for (let r = 0; r < np; r++) if (results[r] === undefined) stopped(r, null);
        finish();
      }, GRACE_MS);
    };

    const fail = (rank: number, reason: string, code: number): void => {
      failures.push(`rank ${rank}: ${reason}`);
      if (exitCode === 0 && !timedOut) exitCode = code === 0 ? 1 : code;
      settle(rank, { rank, exitCode: code, status: "failed", error: reason });
      endJob();
    };

    const onMessage = (rank: number, message: FromRank): void => {
      switch (message.type) {
        case "ready":
          if (++ready === np) for (const w of workers) w.post({ type: "start" });
          return;
        case "output":
          write(rank, message.fd, message.bytes);
          return;
        case "warning":
          warnings.push(`rank ${rank}: ${message.message}`);
          return;
        case "trace":
          traces.push(message.trace);
          return;
        case "exit":
          if (message.code === 0) settle(rank, { rank, exitCode: 0, status: "exited" });
          else fail(rank, `exited with code ${message.code}`, message.code);
          return;
        case "failed":
          fail(rank, message.message, message.exitCode);
          return;
        case "aborted":
          stopped(rank, message.blocked ?? null);
          return;
        case "setup-failed":
          fail(rank, `cannot start the kernel: ${message.message}`, 1);
          return;
        case "blocked":
          link.blocked?.(rank, message.blocked);
          return;
      }
    };

    for (let rank = 0; rank < np; rank++) {
      const worker = platform.createWorker();
      workers.push(worker);
      worker.onMessage((message) => onMessage(rank, message));
      worker.onExit((detail) => {
        if (results[rank] === undefined && !ending) fail(rank, `worker died: ${detail}`, 1);
        else settle(rank, { rank, exitCode: 1, status: "aborted" });
      });
      const { message, transfer } = link.init(rank);
      worker.post(message, transfer);
    }

    if (options.timeoutMs !== undefined) {
      deadline = setTimeout(() => {
        // A job already ending for another cause ends with that cause.
        if (ending) return;
        timedOut = true;
        exitCode = 124;
        endJob();
      }, options.timeoutMs);
    }
  });
}

/** Adapts raw output to the line callback of the host API. */
function lineSplitter(onOutput: NonNullable<RunOptions["onOutput"]>): OutputBytes {
  const decoder = new TextDecoder();
  return (rank, fd, bytes) => {
    const stream: Stream = fd === 1 ? "stdout" : "stderr";
    let text = decoder.decode(bytes);
    if (text.endsWith("\n")) text = text.slice(0, -1);
    for (const line of text.split("\n")) onOutput(rank, stream, line);
  };
}

const NOT_SHARED =
  "the kernel does not import a shared memory: compile it with wasmpi's asconfig.json (asc --config node_modules/wasmpi/asconfig.json), link C with -Wl,--import-memory,--shared-memory,--max-memory=N (README: C kernels), or run the .ts or .c source with `wasmpi run`";

async function prepare(
  kernel: Uint8Array | WebAssembly.Module,
): Promise<{ module: WebAssembly.Module; mem: MemoryImport }> {
  if (kernel instanceof WebAssembly.Module) return { module: kernel, mem: probeMemory(kernel) };
  let mem: MemoryImport | null;
  try {
    mem = memoryImport(kernel);
  } catch (error) {
    throw new LaunchError((error as Error).message);
  }
  if (mem === null || !mem.shared || mem.maximum === undefined) throw new LaunchError(NOT_SHARED);
  try {
    return { module: await WebAssembly.compile(kernel as Uint8Array<ArrayBuffer>), mem };
  } catch (error) {
    throw new LaunchError(
      `the kernel is not a valid WebAssembly module: ${(error as Error).message}`,
    );
  }
}

/**
 * The memory limits of a compiled module, whose bytes are gone: instantiate it against a
 * scratch memory and learn the limits from the engine's refusals. Instantiation runs no
 * kernel code (a command's work starts at `_start`).
 */
function probeMemory(module: WebAssembly.Module): MemoryImport {
  const entry = WebAssembly.Module.imports(module).find((i) => i.kind === "memory");
  if (entry === undefined) throw new LaunchError(NOT_SHARED);
  let initial = 1;
  let maximum = 65536;
  for (let attempt = 0; attempt < 4; attempt++) {
    const memory = new WebAssembly.Memory({ initial, maximum, shared: true });
    const field = (module: string) =>
      new Proxy(
        {},
        { get: (_, name) => (module === entry.module && name === entry.name ? memory : () => 0) },
      );
    const imports = new Proxy({}, { get: (_, module) => field(String(module)) });
    try {
      new WebAssembly.Instance(module, imports as WebAssembly.Imports);
      return { module: entry.module, name: entry.name, initial, maximum, shared: true };
    } catch (error) {
      const text = (error as Error).message;
      const max = /declared maximum (\d+)/.exec(text);
      const min = /smaller than initial (\d+)/.exec(text);
      if (max) maximum = Number(max[1]);
      else if (min) initial = Number(min[1]);
      else if (/shared/.test(text)) throw new LaunchError(NOT_SHARED);
      else break;
    }
  }
  throw new LaunchError(
    "cannot learn the memory limits of the compiled kernel: pass its bytes instead",
  );
}
