// A seeded pseudo-random source (xorshift64*, seeded through splitmix64): the same seed gives
// the same sequence of calls, so a failure found under one seed replays exactly.

let state: u64 = 1;

/** splitmix64's finalizer: a well-mixed 64-bit hash of `x`. */
export function mix64(x: u64): u64 {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

export function seed(value: u64): void {
  state = mix64(value + 0x9e3779b97f4a7c15);
  if (state == 0) state = 1;
}

export function next(): u64 {
  let x = state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state = x;
  return x * 0x2545f4914f6cdd1d;
}

/**
 * Whether the current call gets hostile arguments. Otherwise every argument is valid, so that
 * calls also get far enough to succeed (a call with six arguments, each wrong one time in
 * four, would almost never do).
 */
export let wild = true;

export function setWild(on: bool): void {
  wild = on;
}

/** A number in [0, n), n > 0. */
export function below(n: u32): u32 {
  return <u32>((next() >> 32) % <u64>n);
}

/** True `percent` times in a hundred. */
export function chance(percent: u32): bool {
  return below(100) < percent;
}

/** Any 32-bit value. */
export function anyI32(): i32 {
  return <i32>(next() >> 32);
}
