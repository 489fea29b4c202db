// What the figures were measured on, stored with every result file.
import { readFileSync } from "node:fs";
import { cpus, release, totalmem, type } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** Share of all CPU time that was busy in the second before the benchmark started. */
  readonly busyAtStart: number | null;
}

/** CPU time since boot in clock ticks (Linux), to tell the benchmark's own use from others'. */
export interface CpuSnapshot {
  /** Busy time of all CPUs. */
  readonly busy: number;
  /** Busy and idle time of all CPUs. */
  readonly total: number;
  /** This process's time plus that of its children it has waited for (the jobs). */
  readonly own: number;
}

/** Null where /proc is missing. */
export function cpuSnapshot(): CpuSnapshot | null {
  try {
    const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    // idle and iowait are the 4th and 5th fields.
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    // After the command name: utime, stime, cutime, cstime are fields 14-17 of proc(5).
    const self = readFileSync("/proc/self/stat", "utf8");
    const rest = self
      .slice(self.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    const own = (rest[11] ?? 0) + (rest[12] ?? 0) + (rest[13] ?? 0) + (rest[14] ?? 0);
    return { busy: total - idle, total, own };
  } catch {
    return null;
  }
}

/**
 * The share of the machine's CPU time that processes other than this one and its finished
 * jobs used between two snapshots: another test suite or build running beside a job.
 */
export function othersBusy(before: CpuSnapshot | null, after: CpuSnapshot | null): number | null {
  if (before === null || after === null || after.total === before.total) return null;
  const others = after.busy - before.busy - (after.own - before.own);
  return Math.max(0, others) / (after.total - before.total);
}

/**
 * How busy the machine is, measured over `ms` (the load average lags by a minute, so it
 * still shows a test suite that just ended).
 */
export async function measureBusy(ms = 1000): Promise<number | null> {
  const before = cpuSnapshot();
  await sleep(ms);
  return othersBusy(before, cpuSnapshot());
}

export async function describeMachine(): Promise<Machine> {
  const cores = cpus();
  const busy = await measureBusy();
  return {
    cpu: cores[0]?.model ?? "unknown",
    cores: cores.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    busyAtStart: busy === null ? null : Math.round(busy * 1000) / 1000,
  };
}

/**
 * A warning when other work is running: on 2 cores a benchmark job uses both, so anything
 * else (a test suite, a build) skews both implementations, the spinning one most.
 */
export function busyWarning(machine: Machine): string | null {
  if (machine.busyAtStart === null || machine.busyAtStart < 0.1) return null;
  const percent = Math.round(machine.busyAtStart * 100);
  return `warning: the machine was not idle when the benchmark started (${percent}% of ${machine.cores} cores busy); figures may be disturbed.`;
}
