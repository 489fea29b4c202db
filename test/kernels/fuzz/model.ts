// What the fuzzing rank knows of its communicators and requests, so that it never makes a
// valid call that could wait forever: every import must return, and a hang is a failure.
//
// Communicators: COMM_WORLD (the fuzzer is rank 0; the other ranks only receive what it sends
// them), COMM_SELF, and those the fuzzer makes from COMM_SELF-like ones (one rank each). The
// fuzzer is rank 0 in every one of them.
import { anyI32, below, chance, wild } from "./random";

export enum CommKind {
  INVALID = 0,
  /** COMM_WORLD: collectives would wait for ranks that never call them. */
  WORLD = 1,
  /** One rank: every collective completes at once. */
  SOLO = 2,
}

const MAX_HANDLE = 128;
const liveComm = new StaticArray<bool>(MAX_HANDLE);
let worldSize = 1;

export function initComms(size: i32): void {
  worldSize = size;
}

export function commKind(handle: i32): CommKind {
  if (handle == 1) return CommKind.WORLD;
  if (handle == 2) return CommKind.SOLO;
  if (handle >= 3 && handle < MAX_HANDLE && unchecked(liveComm[handle])) return CommKind.SOLO;
  return CommKind.INVALID;
}

export function commSize(handle: i32): i32 {
  const kind = commKind(handle);
  return kind == CommKind.WORLD ? worldSize : kind == CommKind.SOLO ? 1 : 0;
}

export function commMade(handle: i32): bool {
  if (handle < 3 || handle >= MAX_HANDLE || unchecked(liveComm[handle])) return false;
  liveComm[handle] = true;
  return true;
}

/** The communicator of requests whose communicator was freed. */
const ORPHAN = -1;

export function commFreed(handle: i32): void {
  liveComm[handle] = false;
  // Messages and receives of a freed communicator can never match again; those that matched
  // before may have completed, which the fuzzer cannot know until it tests them.
  for (let i = 0; i < liveCount; i++) {
    const h = unchecked(live[i]);
    if (unchecked(reqComm[h]) == handle) reqComm[h] = ORPHAN;
  }
}

/** Whether the request's communicator was freed while it was pending. */
export function orphaned(handle: i32): bool {
  return unchecked(reqComm[handle]) == ORPHAN;
}

/** A communicator handle: mostly live ones, sometimes anything. */
export function pickComm(): i32 {
  const roll = wild ? below(100) : below(75);
  if (roll < 30) return 1;
  if (roll < 55) return 2;
  if (roll < 75) {
    const start = <i32>below(MAX_HANDLE - 3);
    for (let i = 0; i < MAX_HANDLE - 3; i++) {
      const h = 3 + ((start + i) % (MAX_HANDLE - 3));
      if (unchecked(liveComm[h])) return h;
    }
    return 2;
  }
  switch (below(10)) {
    case 0:
      return 0;
    case 1:
      return -1;
    case 2:
      return 3 + below(64);
    case 3:
      return 64;
    case 4:
      return 1 << 20;
    case 5:
      return i32.MIN_VALUE;
    case 6:
      return i32.MAX_VALUE;
    default:
      return anyI32();
  }
}

// ---- ranks and targets ----------------------------------------------------------------------

export const PROC_NULL: i32 = -2;
export const ANY_SOURCE: i32 = -1;
export const ANY_TAG: i32 = -1;
export const UNDEFINED: i32 = -32766;
export const TAG_UB: i32 = 0x3fffffff;

export enum Target {
  BAD = 0,
  NULL = 1,
  /** The fuzzer itself (rank 0). */
  SELF = 2,
  /** Another rank: it receives everything, never sends. */
  PEER = 3,
  ANY = 4,
}

/** What rank `r` of communicator `comm` is, for a send (`receiving` false) or a receive. */
export function target(comm: i32, r: i32, receiving: bool): Target {
  const size = commSize(comm);
  if (size == 0) return Target.BAD;
  if (r == PROC_NULL) return Target.NULL;
  if (r == ANY_SOURCE) return receiving ? Target.ANY : Target.BAD;
  if (r < 0 || r >= size) return Target.BAD;
  return r == 0 ? Target.SELF : Target.PEER;
}

/**
 * A rank in a communicator of `size` ranks, or one of the special or invalid values (only
 * valid ones for a send or a receive when the call is not wild).
 */
export function pickRank(size: i32, receiving: bool = true): i32 {
  const roll = wild ? below(100) : below(receiving ? 72 : 60);
  if (roll < 25) return 0;
  if (roll < 45) return size > 1 ? 1 + <i32>below(<u32>size - 1) : 0;
  if (roll < 60) return PROC_NULL;
  if (roll < 72) return ANY_SOURCE;
  switch (below(6)) {
    case 0:
      return size;
    case 1:
      return size + 1;
    case 2:
      return -3;
    case 3:
      return i32.MIN_VALUE;
    case 4:
      return i32.MAX_VALUE;
    default:
      return anyI32();
  }
}

export function tagOk(tag: i32, receiving: bool): bool {
  return (receiving && tag == ANY_TAG) || (tag >= 0 && tag <= TAG_UB);
}

/** Small tags most of the time, so that receives find the messages sent to this rank. */
export function pickTag(receiving: bool = true): i32 {
  let roll = wild ? below(100) : below(receiving ? 70 : 60);
  if (!wild && !receiving && roll >= 45) roll += 10;
  if (roll < 45) return <i32>below(4);
  if (roll < 55) return ANY_TAG;
  if (roll < 63) return TAG_UB;
  if (roll < 70) return <i32>below(<u32>TAG_UB + 1);
  switch (below(5)) {
    case 0:
      return TAG_UB + 1;
    case 1:
      return -2;
    case 2:
      return i32.MIN_VALUE;
    case 3:
      return i32.MAX_VALUE;
    default:
      return anyI32();
  }
}

// ---- requests -------------------------------------------------------------------------------

export enum ReqKind {
  DEAD = 0,
  /** Completes without this rank's help: to PROC_NULL, to a peer, or eager. */
  SEND_SURE = 1,
  /** A large send to itself: complete once this rank receives it. */
  SEND_MAYBE = 2,
  /** A receive from PROC_NULL: complete at once. */
  RECV_SURE = 3,
  /** A receive from itself or ANY_SOURCE: complete once this rank sends it a match. */
  RECV_MAYBE = 4,
  /** A receive that can never complete: from a peer, which never sends. */
  RECV_NEVER = 5,
}

export const MAX_REQUEST = 1 << 16;
const reqKind = new StaticArray<i32>(MAX_REQUEST);
const reqComm = new StaticArray<i32>(MAX_REQUEST);
const MAX_LIVE_REQUESTS = 256;
const live = new StaticArray<i32>(MAX_LIVE_REQUESTS);
let liveCount = 0;
let neverCount = 0;

export function requestKind(handle: i32): ReqKind {
  return handle > 0 && handle < MAX_REQUEST ? <ReqKind>unchecked(reqKind[handle]) : ReqKind.DEAD;
}

export function isRecv(kind: ReqKind): bool {
  return kind == ReqKind.RECV_SURE || kind == ReqKind.RECV_MAYBE || kind == ReqKind.RECV_NEVER;
}

/** Whether a wait for `handle` returns (it may fail, but never waits forever). */
export function waitEnds(handle: i32): bool {
  const kind = requestKind(handle);
  return kind == ReqKind.SEND_SURE || kind == ReqKind.RECV_SURE;
}

export function roomForRequest(never: bool): bool {
  return liveCount < MAX_LIVE_REQUESTS && (!never || neverCount < 8);
}

/** Records a new request; false if the handle is already live (the host reused a live handle). */
export function requestMade(handle: i32, kind: ReqKind, comm: i32): bool {
  if (handle <= 0 || handle >= MAX_REQUEST || unchecked(reqKind[handle]) != ReqKind.DEAD) {
    return false;
  }
  reqKind[handle] = kind;
  reqComm[handle] = comm;
  live[liveCount++] = handle;
  if (kind == ReqKind.RECV_NEVER) neverCount++;
  return true;
}

export function requestEnded(handle: i32): void {
  if (unchecked(reqKind[handle]) == ReqKind.RECV_NEVER) neverCount--;
  reqKind[handle] = ReqKind.DEAD;
  for (let i = 0; i < liveCount; i++) {
    if (unchecked(live[i]) == handle) {
      live[i] = live[--liveCount];
      return;
    }
  }
}

export function liveRequests(): i32 {
  return liveCount;
}

export function liveRequest(i: i32): i32 {
  return unchecked(live[i]);
}

/** A request handle: mostly live ones, sometimes dead or invalid ones. */
export function pickRequest(): i32 {
  if (liveCount > 0 && (!wild || chance(60))) return unchecked(live[below(<u32>liveCount)]);
  if (!wild) return 0;
  switch (below(8)) {
    case 0:
      return 0;
    case 1:
      return -1;
    case 2:
      return 1 + <i32>below(300);
    case 3:
      return MAX_REQUEST;
    case 4:
      return MAX_REQUEST - 1;
    case 5:
      return i32.MIN_VALUE;
    case 6:
      return i32.MAX_VALUE;
    default:
      return anyI32();
  }
}
