import type { BlockedCall } from "../../../engine/sites.js";
import { type JobLink, type JobShape, LaunchError } from "../../../launcher.js";

/**
 * A port per pair of ranks grows as the square of the ranks: past this many, a page that is not
 * cross-origin isolated should not run the job at all.
 */
export const MAX_COPYING_RANKS = 64;

/**
 * How long every running rank must have said it waits, with nothing new said, before the job
 * is declared deadlocked. A message in flight reaches its rank within milliseconds and the
 * rank says it went on, so a long silence means no rank can act for another.
 */
const DEADLOCK_GRACE_MS = 300;

/**
 * The launcher's side of a job whose ranks share no memory: a MessageChannel between every two
 * ranks (messages go straight from worker to worker, never through the page), the end of the
 * job said by message, and where each rank waits as the ranks report it.
 */
export function copyingLink(job: JobShape): JobLink {
  const { np, options, platform } = job;
  if (np > MAX_COPYING_RANKS) {
    throw new LaunchError(
      `without cross-origin isolation a job has at most ${MAX_COPYING_RANKS} ranks (got ${np}): every pair of ranks needs a port of its own`,
    );
  }
  if (job.trace) {
    throw new LaunchError(
      "a trace is recorded only where ranks share memory: serve the page cross-origin isolated",
    );
  }
  const ports: (MessagePort | null)[][] = Array.from({ length: np }, () =>
    Array.from({ length: np }, () => null),
  );
  for (let i = 0; i < np; i++) {
    for (let j = i + 1; j < np; j++) {
      const channel = new MessageChannel();
      (ports[i] as (MessagePort | null)[])[j] = channel.port1;
      (ports[j] as (MessagePort | null)[])[i] = channel.port2;
    }
  }
  const epoch = performance.timeOrigin + performance.now();
  const waits: (BlockedCall | null)[] = Array.from({ length: np }, () => null);
  /** Bumped by every report, so that a deadlock needs the same reports for the whole grace. */
  let reports = 0;
  let seen = -1;
  let since = -1;
  return {
    init: (rank) => {
      const mine = ports[rank] as (MessagePort | null)[];
      const setup = {
        rank,
        size: np,
        memory: job.memory,
        ports: mine,
        epoch,
        hostname: platform.hostname,
        wtick: platform.wtick,
      };
      return {
        message: {
          type: "init-copying",
          setup,
          module: job.module,
          args: options.args ?? [],
          env: options.env ?? {},
        },
        transfer: mine.filter((port) => port !== null),
      };
    },
    abort: (workers) => {
      for (const worker of workers) worker.post({ type: "abort" });
    },
    deadlocked: (now, running) => {
      let stuck = 0;
      for (let r = 0; r < np; r++) {
        if (!running(r)) continue;
        if (waits[r] === null) {
          since = -1;
          return false;
        }
        stuck++;
      }
      if (stuck === 0) return false;
      if (since < 0 || seen !== reports) {
        since = now;
        seen = reports;
        return false;
      }
      return now - since >= DEADLOCK_GRACE_MS;
    },
    where: (rank) => waits[rank] ?? "running (not in a wasmpi call)",
    blocked: (rank, call) => {
      waits[rank] = call;
      reports++;
    },
  };
}
