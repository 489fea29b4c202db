/**
 * The default link between the ranks of a job: every rank gets its own shared memory and every
 * peer's, and the job's control memory, where ranks wait and say where they are.
 */
import { BLOCKING_CALLS, Job, layout, RankState, RankWord } from "./engine/layout.js";
import type { RankSetup } from "./engine/rank.js";
import { describe, type WaitSite } from "./engine/sites.js";
import type { JobLink, JobShape } from "./launcher.js";

/** Polls of the doorbell before resting: a spin must outlast a ~30 µs wake-up to pay. */
const SPINS_DEDICATED = 400_000;
/**
 * With more ranks than cores a spinning rank takes the core its sender needs: rest soon, by
 * yielding the core where the runtime can (1 to 50 polls measured alike at 4 ranks on 2 cores,
 * 200 slower, 2000 as slow as sleeping).
 */
const SPINS_OVERSUBSCRIBED = 20;

/** Shared memories and a control memory for one job. */
export function sharedMemories(job: JobShape): JobLink {
  const { np, memory, options, platform } = job;
  const memories = Array.from(
    { length: np },
    () => new WebAssembly.Memory({ ...memory, shared: true }),
  );
  const lay = layout(np, {
    ...(options.ringBytes === undefined ? {} : { ringBytes: options.ringBytes }),
    ...(options.eagerLimit === undefined ? {} : { eagerLimit: options.eagerLimit }),
  });
  const control = new SharedArrayBuffer(lay.totalBytes);
  const ctrl = new Int32Array(control);
  for (let r = 0; r < np; r++) {
    ctrl[(lay.rank(r) >> 2) + RankWord.CALL] = -1;
    ctrl[(lay.rank(r) >> 2) + RankWord.WATCH] = -1;
  }
  const oversubscribed = np > platform.cores;
  const spins = oversubscribed ? SPINS_OVERSUBSCRIBED : SPINS_DEDICATED;
  return {
    init: (rank) => {
      const setup: RankSetup = {
        rank,
        size: np,
        memories,
        control,
        ringBytes: lay.ringBytes,
        eagerLimit: lay.eagerLimit,
        spins,
        oversubscribed,
        epoch: job.epoch,
        hostname: platform.hostname,
        wtick: platform.wtick,
      };
      const args = options.args ?? [];
      return { message: { type: "init", setup, module: job.module, args, env: options.env ?? {} } };
    },
    abort: () => {
      Atomics.store(ctrl, Job.ABORT, 1);
      for (let r = 0; r < np; r++) {
        const bell = lay.rank(r) >> 2;
        Atomics.add(ctrl, bell + RankWord.DOORBELL, 1);
        Atomics.notify(ctrl, bell + RankWord.DOORBELL);
      }
    },
    where: (rank) => whereIs(ctrl, lay.rank(rank) >> 2),
  };
}

/** Where a rank is, read from its block in the control memory. */
function whereIs(ctrl: Int32Array, block: number): string {
  const state = Atomics.load(ctrl, block + RankWord.STATE);
  if (state === RankState.STARTING) return "still starting";
  if (state >= RankState.FINISHED) return "finished";
  const call = BLOCKING_CALLS[Atomics.load(ctrl, block + RankWord.CALL)];
  if (call === undefined) return "running (not in a wasmpi call)";
  return blockedIn({
    call,
    sending: Atomics.load(ctrl, block + RankWord.SENDING) !== 0,
    peer: ctrl[block + RankWord.PEER] as number,
    tag: ctrl[block + RankWord.TAG] as number,
    comm: ctrl[block + RankWord.COMM] as number,
  });
}

/** Where a rank waits, as a timeout reports it. */
export function blockedIn(site: WaitSite): string {
  return `blocked in ${site.call}(${describe(site)}, comm=${commName(site.comm)})`;
}

function commName(handle: number): string {
  return handle === 1 ? "COMM_WORLD" : handle === 2 ? "COMM_SELF" : `#${handle}`;
}
