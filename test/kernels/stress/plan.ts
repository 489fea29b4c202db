// The traffic of one round, the same in every rank: each rank derives every rank's sends from
// (seed, round, sender), so a receiver knows how many messages each peer sends it, in what
// order and of what sizes, and whether a peer has posted all its receives in advance.
//
// Sizes, in bytes, relative to the eager limit E (16 KiB by default): 84% small (0 to 256,
// 0 itself one time in 32), 14% medium (log-uniform from 256 to E: eager, and many of them
// fill a ring), 1.6% large (log-uniform from E to 1 MiB, 1 MiB itself one time in 8:
// rendezvous). The mean is about 6 KiB (large ones carry most bytes), so a million messages
// move about 6 GB.

export const MAX_SENDS = 24;
export const MAX_SIZE = 1 << 20;
/** Bytes a rank sends in one round at most: every Isend buffer stays put until the round ends. */
export const SEND_POOL = 8 << 20;
/** Bytes of receive buffers a rank posts in advance at most. */
export const RECV_POOL = 8 << 20;

export function mix64(x: u64): u64 {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

/** xorshift64*, one stream per (seed, round, rank). */
export class Rng {
  state: u64;

  constructor(seed: u64, a: u64, b: u64) {
    this.state = mix64(seed ^ mix64(a * 0x9e3779b97f4a7c15 + b)) | 1;
  }

  next(): u64 {
    let x = this.state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    this.state = x;
    return x * 0x2545f4914f6cdd1d;
  }

  below(n: u32): u32 {
    return <u32>((this.next() >> 32) % <u64>n);
  }

  /** Log-uniform in [lo, hi]. */
  logUniform(lo: i32, hi: i32): i32 {
    const u = <f64>(this.next() >> 11) / <f64>((<u64>1) << 53);
    return min(hi, <i32>Math.floor(<f64>lo * (<f64>hi / <f64>lo) ** u));
  }
}

/** How a rank receives in a round. */
export enum Mode {
  /** Every receive is an Irecv posted before the rank sends anything. */
  POSTED = 0,
  /** Blocking Recv (ANY_SOURCE, sometimes after a Probe) once the rank has sent. */
  BLOCKING = 1,
  /** Some receives posted in advance, the rest blocking. */
  MIXED = 2,
}

function pickSize(rng: Rng, eagerLimit: i32): i32 {
  const roll = rng.below(128);
  if (roll < 2) return rng.below(8) == 0 ? MAX_SIZE : rng.logUniform(eagerLimit + 1, MAX_SIZE);
  if (roll < 20) return rng.logUniform(257, eagerLimit);
  return rng.below(32) == 0 ? 0 : <i32>rng.below(257);
}

export class Plan {
  readonly size: i32;
  /** Sends of each rank: destination, bytes, and whether it prefers a blocking Send. */
  readonly sends: StaticArray<i32>;
  readonly dst: StaticArray<i32>;
  readonly bytes: StaticArray<i32>;
  readonly blocking: StaticArray<bool>;
  /** Per receiver: messages, largest message, mode, receives posted in advance. */
  readonly incoming: StaticArray<i32>;
  readonly largest: StaticArray<i32>;
  readonly mode: StaticArray<i32>;
  readonly posted: StaticArray<i32>;
  /** How this round completes receives (0 Wait, 1 Waitany, 2 Test) and sends (0 Waitall, 1 Testall, 2 Waitany). */
  recvStyle: i32 = 0;
  sendStyle: i32 = 0;
  messages: i64 = 0;
  volume: i64 = 0;

  constructor(size: i32) {
    this.size = size;
    this.sends = new StaticArray<i32>(size);
    this.dst = new StaticArray<i32>(size * MAX_SENDS);
    this.bytes = new StaticArray<i32>(size * MAX_SENDS);
    this.blocking = new StaticArray<bool>(size * MAX_SENDS);
    this.incoming = new StaticArray<i32>(size);
    this.largest = new StaticArray<i32>(size);
    this.mode = new StaticArray<i32>(size);
    this.posted = new StaticArray<i32>(size);
  }

  /** Receive capacity for rank r this round: its largest message, 8-byte aligned. */
  capacity(r: i32): i32 {
    return max(8, (this.largest[r] + 7) & ~7);
  }

  /** Whether rank r posts every receive before it sends: then a large blocking Send to it cannot wait forever. */
  allPosted(r: i32): bool {
    return this.posted[r] == this.incoming[r];
  }

  make(seed: u64, round: i32, eagerLimit: i32): void {
    const n = this.size;
    this.messages = 0;
    this.volume = 0;
    for (let r = 0; r < n; r++) {
      this.incoming[r] = 0;
      this.largest[r] = 0;
    }
    for (let s = 0; s < n; s++) {
      const rng = new Rng(seed, <u64>round, <u64>s);
      const count = <i32>rng.below(MAX_SENDS + 1);
      let total: i64 = 0;
      let k = 0;
      for (let i = 0; i < count; i++) {
        const bytes = pickSize(rng, eagerLimit);
        if (total + bytes + 8 > SEND_POOL) break;
        total += (bytes + 7) & ~7;
        const other = n > 1 ? (s + 1 + <i32>rng.below(<u32>n - 1)) % n : s;
        const d = rng.below(16) == 0 ? s : other;
        this.dst[s * MAX_SENDS + k] = d;
        this.bytes[s * MAX_SENDS + k] = bytes;
        this.blocking[s * MAX_SENDS + k] = rng.below(2) == 0;
        this.incoming[d]++;
        if (bytes > this.largest[d]) this.largest[d] = bytes;
        this.volume += bytes;
        k++;
      }
      this.sends[s] = k;
      this.messages += k;
    }
    const rng = new Rng(seed, <u64>round, 0xffff);
    for (let r = 0; r < n; r++) {
      const mode = <i32>rng.below(3);
      const fits = RECV_POOL / this.capacity(r);
      const wanted =
        mode == Mode.POSTED ? this.incoming[r] : mode == Mode.MIXED ? this.incoming[r] / 2 : 0;
      this.mode[r] = mode;
      this.posted[r] = min(wanted, fits);
    }
    this.recvStyle = <i32>rng.below(3);
    this.sendStyle = <i32>rng.below(3);
  }
}
