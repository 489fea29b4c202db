// Message contents: bytes from a stream seeded by (source, destination, sequence number), with
// the sequence number in the first 4 bytes and a checksum of the rest in the next 4. Messages
// under 8 bytes carry what fits of the stream; the receiver compares them whole.
import { mix64 } from "./plan";

function streamSeed(src: i32, dst: i32, seq: u32): u64 {
  return mix64(((<u64>src) << 48) ^ ((<u64>dst) << 32) ^ <u64>seq) | 1;
}

/** Fills [at, at + bytes) with the stream of message `seq` from src to dst. */
function fillStream(at: usize, bytes: i32, seed: u64): void {
  let x = seed;
  let i = 0;
  for (; i + 8 <= bytes; i += 8) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    store<u64>(at + <usize>i, x * 0x2545f4914f6cdd1d);
  }
  if (i < bytes) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    let word = x * 0x2545f4914f6cdd1d;
    for (; i < bytes; i++) {
      store<u8>(at + <usize>i, <u8>word);
      word >>= 8;
    }
  }
}

/** A 32-bit checksum of [at, at + bytes). */
export function checksum(at: usize, bytes: i32): u32 {
  let h: u64 = 0xcbf29ce484222325 ^ <u64>bytes;
  let i = 0;
  for (; i + 8 <= bytes; i += 8) h = rotl<u64>((h ^ load<u64>(at + <usize>i)) * 0x100000001b3, 29);
  for (; i < bytes; i++) h = (h ^ <u64>load<u8>(at + <usize>i)) * 0x100000001b3;
  return <u32>(mix64(h) >> 32);
}

export function write(at: usize, bytes: i32, src: i32, dst: i32, seq: u32): void {
  fillStream(at, bytes, streamSeed(src, dst, seq));
  if (bytes >= 4) store<u32>(at, seq);
  if (bytes >= 8) store<u32>(at + 4, checksum(at + 8, bytes - 8));
}

/** The sequence number a message carries, or -1 if it is too short to carry one. */
export function seqOf(at: usize, bytes: i32): i64 {
  return bytes >= 4 ? <i64>load<u32>(at) : -1;
}

/** Whether a message of 8 bytes or more matches its checksum. */
export function intact(at: usize, bytes: i32): bool {
  return bytes < 8 || load<u32>(at + 4) == checksum(at + 8, bytes - 8);
}

/** Up to 7 bytes of a short message, as one number (for comparing later). */
export function shortContent(at: usize, bytes: i32): u64 {
  let v: u64 = 0;
  for (let i = min(bytes, 8) - 1; i >= 0; i--) v = (v << 8) | <u64>load<u8>(at + <usize>i);
  return v;
}

const scratch = memory.data(8);

/** What a short message `seq` from src to dst holds, as shortContent reads it. */
export function expectedShort(bytes: i32, src: i32, dst: i32, seq: u32): u64 {
  write(scratch, bytes, src, dst, seq);
  return shortContent(scratch, bytes);
}
