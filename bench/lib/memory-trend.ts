// Whether a process's memory stayed flat over a long run. Its resident size climbs in steps
// for the first minute or two (worker heaps sizing themselves, buffers touched for the first
// time), then stays; a leak keeps climbing. So only the second half of the run is judged: the
// median of its last quarter against the median of its first (medians, because one garbage
// collection moves a single sample by megabytes), with the least-squares slope beside.

export interface MemorySample {
  /** Seconds since the run started. */
  readonly seconds: number;
  readonly bytes: number;
}

export interface Trend {
  /** null when the judged window holds too few samples. */
  readonly flat: boolean | null;
  /** The judged window, in seconds since the start. */
  readonly from: number;
  readonly to: number;
  readonly firstMedian: number;
  readonly secondMedian: number;
  /** Growth allowed between the two quarters. */
  readonly limit: number;
  /** Bytes per minute over the judged window. */
  readonly slope: number;
}

/** Growth between the quarters that still counts as flat: 8 MiB, or 2% of the memory. */
const LIMIT_BYTES = 8 << 20;
const LIMIT_SHARE = 0.02;
const MIN_SAMPLES = 4;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function slopePerMinute(samples: readonly MemorySample[]): number {
  const n = samples.length;
  const mt = samples.reduce((a, s) => a + s.seconds, 0) / n;
  const mb = samples.reduce((a, s) => a + s.bytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.seconds - mt) * (s.bytes - mb);
    den += (s.seconds - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

/** Judges the samples of the second half of a run of `seconds`. */
export function memoryTrend(samples: readonly MemorySample[], seconds: number): Trend {
  const kept = samples.filter((s) => s.seconds >= seconds / 2);
  const from = kept[0]?.seconds ?? seconds / 2;
  const to = kept[kept.length - 1]?.seconds ?? seconds;
  if (kept.length < MIN_SAMPLES) {
    return { flat: null, from, to, firstMedian: 0, secondMedian: 0, limit: 0, slope: 0 };
  }
  const half = kept.length >> 1;
  const firstMedian = median(kept.slice(0, half).map((s) => s.bytes));
  const secondMedian = median(kept.slice(kept.length - half).map((s) => s.bytes));
  const limit = Math.max(LIMIT_BYTES, firstMedian * LIMIT_SHARE);
  return {
    flat: secondMedian - firstMedian <= limit,
    from,
    to,
    firstMedian,
    secondMedian,
    limit,
    slope: slopePerMinute(kept),
  };
}
