/** The timeline's time axis: round ticks and times written in µs, ms or s. */

export interface Tick {
  /** Microseconds since the job started. */
  readonly at: number;
  readonly label: string;
}

const UNITS = [
  { name: "s", us: 1e6 },
  { name: "ms", us: 1e3 },
  { name: "µs", us: 1 },
] as const;

/** The largest unit in which `us` is at least 1 (µs below that). */
function unitOf(us: number): (typeof UNITS)[number] {
  return UNITS.find((u) => Math.abs(us) >= u.us) ?? UNITS[2];
}

/**
 * About `count` ticks between `from` and `to` (µs), at 1, 2 or 5 times a power of ten, written
 * in the unit of the times themselves ("381.5 ms", not "381500 µs") to the step's precision.
 */
export function ticks(from: number, to: number, count: number): Tick[] {
  if (!(to > from) || !(count >= 1)) return [];
  const rough = (to - from) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const unit = unitOf(Math.max(Math.abs(from), Math.abs(to)));
  const decimals = Math.max(0, -Math.floor(Math.log10(step / unit.us) + 1e-9));
  const out: Tick[] = [];
  // Multiples of the step, not a running sum: no rounding error creeps into the labels.
  for (let n = Math.ceil(from / step); n * step <= to; n++) {
    out.push({ at: n * step, label: `${((n * step) / unit.us).toFixed(decimals)} ${unit.name}` });
  }
  return out;
}

/** A duration (µs) to three significant figures in its own unit: "396 µs", "8.12 ms". */
export function formatDuration(us: number): string {
  const unit = unitOf(us);
  const value = us / unit.us;
  const decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(decimals)} ${unit.name}`;
}

/** A moment (µs since the job started) to the microsecond, in ms: "112.588 ms". */
export function formatInstant(us: number): string {
  return `${(us / 1000).toFixed(3)} ms`;
}
