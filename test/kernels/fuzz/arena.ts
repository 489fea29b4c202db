// The memory a fuzzing rank hands to the imports, and the checks that nothing else is touched.
//
// The arena is the last pages of the rank's memory, grown by the kernel itself (the allocator
// never uses pages it did not grow), so that pointers near the memory's end are arena pointers.
// Every byte holds a canary derived from its address. Before a call the kernel names the
// ranges the call may write; afterwards it checks that those ranges hold no bytes of a peer's
// memory, fills them with canaries again, and checks the bytes around them. Every few thousand
// calls, and at the end, the whole arena is checked. Ranks other than the fuzzer fill their
// arena with one byte value of their own, which can therefore be recognised wherever it lands.
import { mix64 } from "./random";

/** Bytes at the arena's start that no pointer ever names: a write there is always stray. */
export const MOAT: u32 = 4096;
const GUARD: u32 = 32;
const MAX_NAMED = 8;
const MAX_LIVE = 64;

export let base: u32 = 0;
/** The memory's end (the arena is its last pages). */
export let end: u32 = 0;
let pages: i32 = 0;

const namedAt = new StaticArray<u32>(MAX_NAMED);
const namedLen = new StaticArray<u32>(MAX_NAMED);
let named = 0;

/** Ranges that pending receives may write at any time: left out of the checks until they end. */
const liveAt = new StaticArray<u32>(MAX_LIVE);
const liveLen = new StaticArray<u32>(MAX_LIVE);
const liveOwner = new StaticArray<i32>(MAX_LIVE);
let lives = 0;

/** Grows the memory by `arenaPages` pages and makes them the arena. */
export function grow(arenaPages: i32): void {
  const before = memory.grow(arenaPages);
  if (before < 0) abort(`cannot grow the memory by ${arenaPages} pages for the arena`);
  base = (<u32>before) << 16;
  pages = memory.size();
  end = (<u32>pages) << 16;
}

/** The memory grew after the arena was made: the arena no longer ends the memory. */
export function moved(): bool {
  return memory.size() != pages;
}

/** Bytes a pointer may target: [base + MOAT, end). */
export function targetable(): u32 {
  return end - base - MOAT;
}

// ---- canaries -------------------------------------------------------------------------------

/** The fuzzer's canary for the 8 bytes at `at` (8-aligned): never 8 equal bytes. */
function ownWord(at: u32): u64 {
  return (mix64(<u64>at) & 0x00ffffffffffffff) | 0xc000000000000000;
}

function ownByte(at: u32): u8 {
  return <u8>(ownWord(at & ~7) >> ((<u64>(at & 7)) << 3));
}

/** The byte a peer fills its arena with. */
export function peerByte(rank: i32): u8 {
  return <u8>(0xa0 + rank);
}

/** Fills [from, to) with the fuzzer's canaries. */
export function fillOwn(from: u32, to: u32): void {
  let at = from;
  while (at < to && (at & 7) != 0) store<u8>(at, ownByte(at++));
  for (; at + 8 <= to; at += 8) store<u64>(at, ownWord(at));
  while (at < to) store<u8>(at, ownByte(at++));
}

/** The first byte of [from, to) that is not the fuzzer's canary, or `to`. */
export function firstChanged(from: u32, to: u32): u32 {
  let at = from;
  while (at < to && (at & 7) != 0) {
    if (load<u8>(at) != ownByte(at)) return at;
    at++;
  }
  for (; at + 8 <= to; at += 8) {
    if (load<u64>(at) != ownWord(at)) {
      for (let i: u32 = 0; i < 8; i++) if (load<u8>(at + i) != ownByte(at + i)) return at + i;
    }
  }
  for (; at < to; at++) if (load<u8>(at) != ownByte(at)) return at;
  return to;
}

/** The first aligned 8 bytes of [from, to) that all hold a peer's fill byte, or `to`. */
export function firstLeak(from: u32, to: u32, ranks: i32): u32 {
  for (let at = (from + 7) & ~7; at + 8 <= to; at += 8) {
    const word = load<u64>(at);
    const byte = <u32>(word & 0xff);
    if (word == <u64>byte * 0x0101010101010101 && byte > 0xa0 && byte < 0xa0 + <u32>ranks) {
      return at;
    }
  }
  return to;
}

/** Fills the whole arena of a peer with its byte. */
export function fillPeer(rank: i32): void {
  memory.fill(base, peerByte(rank), end - base);
}

/** The first byte of a peer's arena that is not its fill byte, or `end`. */
export function firstPeerChanged(rank: i32): u32 {
  const word = <u64>peerByte(rank) * 0x0101010101010101;
  for (let at = base; at < end; at += 8) {
    if (load<u64>(at) != word) return at;
  }
  return end;
}

// ---- ranges a call may write ----------------------------------------------------------------

/** Forgets the ranges of the previous call. */
export function clearNamed(): void {
  named = 0;
}

/**
 * Names [ptr, ptr + bytes) as a range the next call may write, if it lies inside the arena
 * (a range the imports must refuse is never named, so a write there is caught).
 */
export function name(ptr: u32, bytes: i64): void {
  if (bytes <= 0 || ptr < base || <i64>ptr + bytes > <i64>end) return;
  if (named == MAX_NAMED) abort("more than 8 named ranges in one call");
  namedAt[named] = ptr;
  namedLen[named] = <u32>bytes;
  named++;
}

/** The call was not made: ranges the fuzzer itself wrote (arrays of counts) become canaries. */
export function restoreNamed(): void {
  for (let i = 0; i < named; i++) {
    const at = unchecked(namedAt[i]);
    fillOwn(at, at + unchecked(namedLen[i]));
  }
  named = 0;
}

/** Registers a pending receive's buffer; false when the table is full (do not post it). */
export function addLive(owner: i32, ptr: u32, bytes: i64): bool {
  if (bytes <= 0 || ptr < base || <i64>ptr + bytes > <i64>end) return true;
  if (lives == MAX_LIVE) return false;
  liveAt[lives] = ptr;
  liveLen[lives] = <u32>bytes;
  liveOwner[lives] = owner;
  lives++;
  return true;
}

export function liveRoom(): bool {
  return lives < MAX_LIVE;
}

/**
 * The pending receive `owner` has ended: its buffer must hold no peer's bytes; it becomes
 * canaries again. Returns the address of a leaked byte, or 0.
 */
export function endLive(owner: i32, ranks: i32): u32 {
  for (let i = 0; i < lives; i++) {
    if (unchecked(liveOwner[i]) != owner) continue;
    const at = unchecked(liveAt[i]);
    const to = at + unchecked(liveLen[i]);
    lives--;
    liveAt[i] = liveAt[lives];
    liveLen[i] = liveLen[lives];
    liveOwner[i] = liveOwner[lives];
    const leak = firstLeak(at, to, ranks);
    fillOwn(at, to);
    return leak < to ? leak : 0;
  }
  return 0;
}

function isLive(at: u32): bool {
  for (let i = 0; i < lives; i++) {
    const from = unchecked(liveAt[i]);
    if (at >= from && at < from + unchecked(liveLen[i])) return true;
  }
  return false;
}

/** The first changed byte of [from, to) outside pending receives' buffers, or `to`. */
function firstStray(from: u32, to: u32): u32 {
  let at = from;
  while (at < to) {
    at = firstChanged(at, to);
    if (at == to || !isLive(at)) return at;
    at++;
  }
  return to;
}

/**
 * After a call: the named ranges hold no peer's bytes and become canaries again, and the bytes
 * around them and the moat are untouched. Returns a description of what went wrong, or "".
 * Allocates only when something went wrong.
 */
export function checkAfterCall(ranks: i32): string {
  for (let i = 0; i < named; i++) {
    const at = unchecked(namedAt[i]);
    const to = at + unchecked(namedLen[i]);
    const leak = firstLeak(at, to, ranks);
    if (leak < to) return leaked(leak);
    fillOwn(at, to);
  }
  for (let i = 0; i < named; i++) {
    const at = unchecked(namedAt[i]);
    const to = at + unchecked(namedLen[i]);
    const before = at - GUARD > base ? at - GUARD : base;
    const after = to + GUARD < end ? to + GUARD : end;
    let stray = firstStray(before, at);
    if (stray < at) return strayWrite(stray);
    stray = firstStray(to, after);
    if (stray < after) return strayWrite(stray);
  }
  const moatEnd = base + MOAT;
  const stray = firstChanged(base, moatEnd);
  if (stray < moatEnd) return strayWrite(stray);
  return "";
}

/** The whole arena: canaries everywhere but in pending receives' buffers. */
export function checkAll(): string {
  const stray = firstStray(base, end);
  return stray < end ? strayWrite(stray) : "";
}

function leaked(at: u32): string {
  return `bytes of another rank's memory (0x${load<u64>(at).toString(16)}) appeared at ${at}`;
}

function strayWrite(at: u32): string {
  return `byte ${at} of the arena [${base}, ${end}) was written outside every range the calls named (moat below ${base + MOAT}): it holds ${load<u8>(at)}, its canary is ${ownByte(at)}; bytes from ${at & ~15}: ${hex(at & ~15)}`;
}

function hex(from: u32): string {
  let text = "";
  for (let i: u32 = 0; i < 32; i++) text += (i > 0 ? " " : "") + load<u8>(from + i).toString(16);
  return text;
}
