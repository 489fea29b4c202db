import type { WaitSite } from "../../../engine/sites.js";
import { type JobLink, type JobShape, LaunchError } from "../../../launcher.js";
import { blockedIn } from "../../../shared-link.js";

/**
 * A port per pair of ranks grows as the square of the ranks: past this many, a page that is not
 * cross-origin isolated should not run the job at all.
 */
export const MAX_COPYING_RANKS = 64;

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
  const sites: (WaitSite | null)[] = Array.from({ length: np }, () => null);
  return {
    init: (rank) => {
      const mine = ports[rank] as (MessagePort | null)[];
      const setup = {
        rank,
        size: np,
        memory: job.memory,
        ports: mine,
        epoch: job.epoch,
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
    where: (rank) => {
      const site = sites[rank];
      return site ? blockedIn(site) : "running (not in a wasmpi call)";
    },
    blocked: (rank, site) => {
      sites[rank] = site;
    },
  };
}
