/**
 * The default link between the ranks of a job: every rank gets its own shared memory and every
 * peer's, and the job's control memory, where ranks wait and say where they are (see
 * embed/job.ts). Deadlocks are read from the control memory (engine/deadlock.ts).
 */
import { createJob } from "./embed/job.js";
import { DeadlockWatch } from "./engine/deadlock.js";
import { whereRankIs } from "./engine/sites.js";
import type { JobLink, JobShape } from "./launcher.js";

/** How long every running rank must stay stuck before a deadlock is declared (deadlock.ts). */
const DEADLOCK_GRACE_MS = 300;

/** Shared memories and a control memory for one job. */
export function sharedMemories(shape: JobShape): JobLink {
  const { np, options, platform } = shape;
  const job = createJob({
    np,
    memory: shape.memory,
    cores: platform.cores,
    hostname: platform.hostname,
    wtick: platform.wtick,
    ...(options.ringBytes === undefined ? {} : { ringBytes: options.ringBytes }),
    ...(options.eagerLimit === undefined ? {} : { eagerLimit: options.eagerLimit }),
  });
  const lay = job.layout;
  const ctrl = new Int32Array(job.control);
  const deadlocks = new DeadlockWatch(ctrl, lay, DEADLOCK_GRACE_MS);
  return {
    init: (rank) => ({
      message: {
        type: "init",
        setup: job.rank(rank),
        module: shape.module,
        args: options.args ?? [],
        env: options.env ?? {},
        trace: shape.trace,
      },
    }),
    abort: () => job.abort(),
    deadlocked: (now) => deadlocks.poll(now),
    where: (rank) => whereRankIs(ctrl, lay.rank(rank) >> 2),
  };
}
