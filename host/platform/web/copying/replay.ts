/**
 * How the engine's synchronous imports wait in a rank that shares no memory. The imports are
 * written for ranks that block (Atomics.wait); here a rank can only wait by returning a promise
 * to the suspended kernel (JSPI), and the messages it waits for arrive as events while it is
 * suspended. So a transport call that would block throws `Suspend` instead; the import unwinds,
 * its wrapper awaits the promise, and calls the import again with the same arguments.
 *
 * That replay is sound because every step an import takes before it waits either has no
 * effect (argument checks, lookups) or is recorded in the call's `ImportCall`: a send made by
 * an earlier attempt is not made again, and a step that runs as a task (a collective, which
 * exchanges several messages) gives its outcome to the attempt that asks for it again. Tasks
 * only exchange messages; what they change in the rank's tables (a new communicator, a freed
 * one) is changed by the attempt that completes.
 */
import { JobAborted } from "../../../engine/errors.js";
import type { WaitSite } from "../../../engine/sites.js";

/** Thrown by a transport call that must wait: its import runs again once `until` settles. */
export class Suspend {
  constructor(
    readonly until: Promise<unknown>,
    /** Where the rank waits, for the report of a timeout; null for a turn of the event loop. */
    readonly site: WaitSite | null,
  ) {}
}

/** A step of an import call that runs while the call is suspended, and its outcome. */
class Task {
  settled = false;
  failed = false;
  value: unknown;
  error: unknown;
  readonly promise: Promise<void>;

  constructor(work: Promise<unknown>) {
    this.promise = work.then(
      (value) => {
        this.value = value;
        this.settled = true;
      },
      (error: unknown) => {
        this.error = error;
        this.failed = true;
        this.settled = true;
      },
    );
  }
}

/**
 * The record of the import call in progress: its sends, its tasks, whether it yielded. Imports
 * that never wait run outside any record and send at once.
 */
export class ImportCall {
  /** Whether a call that may wait (and so be replayed) is in progress. */
  #active = false;
  #sends = 0;
  #sendCursor = 0;
  readonly #tasks: Task[] = [];
  #taskCursor = 0;
  #yielded = false;

  constructor(
    /** A promise that settles after the event loop has had a turn. */
    readonly turn: () => Promise<void>,
  ) {}

  /** Before every attempt of the call. */
  attempt(): void {
    this.#active = true;
    this.#sendCursor = 0;
    this.#taskCursor = 0;
  }

  /** Once the call has returned or failed. */
  finish(): void {
    this.#active = false;
    this.#sends = 0;
    this.#tasks.length = 0;
    this.#yielded = false;
  }

  /** Runs `post` unless an earlier attempt of this call already did. */
  send(post: () => void): void {
    if (!this.#active) {
      post();
      return;
    }
    if (this.#sendCursor++ < this.#sends) return;
    this.#sends++;
    post();
  }

  /**
   * The outcome of `start()`, started by the first attempt that gets here; suspends the call
   * until it has settled.
   */
  task<T>(start: () => Promise<T>): T {
    if (!this.#active) throw new Error("wasmpi: a wait outside an import that may wait");
    const at = this.#taskCursor++;
    let task = this.#tasks[at];
    if (task === undefined) {
      task = new Task(start());
      this.#tasks[at] = task;
    }
    if (!task.settled) throw new Suspend(task.promise, null);
    if (task.failed) throw task.error;
    return task.value as T;
  }

  /** Suspends the call until the next event; it runs again then. */
  suspend(until: Promise<unknown>, site: WaitSite): never {
    if (!this.#active) throw new Error("wasmpi: a wait outside an import that may wait");
    throw new Suspend(until, site);
  }

  /**
   * Gives the event loop one turn per call, so that a kernel polling with Test or Iprobe sees
   * the messages that arrive as events.
   */
  yieldOnce(): void {
    if (!this.#active) throw new Error("wasmpi: a wait outside an import that may wait");
    if (this.#yielded) return;
    this.#yielded = true;
    throw new Suspend(this.turn(), null);
  }
}

/** Reports a wait that lasts (see Whereabouts). */
export interface WaitReports {
  at(site: WaitSite): void;
  clear(): void;
}

/**
 * An import that may wait, as a function returning a promise (for WebAssembly.Suspending):
 * it runs the import, and after each Suspend awaits and runs it again.
 */
export function replaying(
  fn: (...args: number[]) => number | undefined,
  call: ImportCall,
  reports: WaitReports,
): (...args: number[]) => Promise<number | undefined> {
  return async (...args) => {
    try {
      for (;;) {
        call.attempt();
        try {
          const result = fn(...args);
          reports.clear();
          return result;
        } catch (error) {
          if (!(error instanceof Suspend)) {
            // The end of the job leaves the wait on record: the rank reports where it was.
            if (!(error instanceof JobAborted)) reports.clear();
            throw error;
          }
          if (error.site !== null) reports.at(error.site);
          await error.until;
        }
      }
    } finally {
      call.finish();
    }
  };
}
