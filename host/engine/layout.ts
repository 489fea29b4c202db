/**
 * Layout of a job's control memory: one SharedArrayBuffer that every rank maps. It holds the
 * job-wide flags, one block per rank (doorbell, state, what the rank is blocked in), the
 * rendezvous completion slots, and one single-producer/single-consumer ring per ordered pair
 * of ranks for eager messages.
 */

/** Bytes of one cache-line-aligned block. */
const LINE = 64;

/** Words of the job block. */
export const Job = {
  /** Non-zero once the job is ending: every wait sees it and unwinds. */
  ABORT: 0,
} as const;

/**
 * Words of a rank block: two cache lines, so that peers ringing the doorbell (first line) do
 * not contend with the rank's own record of its state (second line), which peers only read.
 */
export const RankWord = {
  /** Incremented by anyone who posts something the rank may be waiting for. */
  DOORBELL: 0,
  /** 1 while the rank is asleep in Atomics.wait on its doorbell: posters must notify. */
  SLEEPING: 1,
  /**
   * World rank whose ring the rank is polling directly (that sender need not ring the
   * doorbell), or -1 when it watches the doorbell.
   */
  WATCH: 2,
  /** RankState. */
  STATE: 16,
  /** Index into BLOCKING_CALLS of the call the rank is waiting in, or -1. */
  CALL: 17,
  PEER: 18,
  TAG: 19,
  COMM: 20,
  /** 1 if the call waits on its sending side. */
  SENDING: 21,
  /** Blocked waits the rank has begun: changes whenever it leaves one and blocks in another. */
  WAIT: 22,
  /**
   * The doorbell's value when the rank last found its wait unmet. While it equals DOORBELL,
   * nothing the wait depends on has changed since (see deadlock.ts).
   */
  CHECKED: 23,
} as const;

export const RankState = {
  STARTING: 0,
  RUNNING: 1,
  /** Returned from its program (or exited through proc_exit). */
  FINISHED: 2,
  FAILED: 3,
} as const;

/**
 * The collectives, as named in errors (the kernel API's spelling): the data collectives, then
 * the communicator calls, which agree through the same area. At most 32 (see stage-waits.ts).
 */
export const COLLECTIVE_CALLS = [
  "Barrier",
  "Bcast",
  "Scatter",
  "Gather",
  "Allgather",
  "Alltoall",
  "Scatterv",
  "Gatherv",
  "Allgatherv",
  "Alltoallv",
  "Reduce",
  "Allreduce",
  "Scan",
  "Exscan",
  "Reduce_scatter_block",
  "Split",
  "Dup",
  "Free",
] as const;

/** Calls that can block, for the report of where each rank is waiting. */
export const BLOCKING_CALLS = [
  "Send",
  "Recv",
  "Sendrecv",
  "Probe",
  "Wait",
  "Waitany",
  ...COLLECTIVE_CALLS,
] as const;

/** Words of a ring header, on separate lines: the receiver writes one, the sender the other. */
export const RingWord = {
  /** Bytes ever released by the receiver (u32, wraps), as last given back to the sender. */
  HEAD: 0,
  /** 1 while the sender waits for space: the receiver gives space back at once and rings. */
  SPACE_WAITER: LINE / 4,
  /** The receiver's posted receive for this sender (see Posted), on a line of its own. */
  POSTED: (2 * LINE) / 4,
} as const;

/**
 * A receive posted by a rank that waits for one source: the sender copies a matching message
 * straight into the receiver's buffer (one copy, no ring, no handshake) when nothing it sent
 * earlier is still in the ring. Words from RingWord.POSTED.
 */
export const Posted = {
  /** PostState, moved IDLE → POSTED by the receiver, POSTED → CLAIMED → FILLED by the sender. */
  STATE: 0,
  CTX: 1,
  TAG: 2,
  PTR: 3,
  CAPACITY: 4,
  /** The receiver's read position in the ring when it posted: the sender claims only if its
   * tail is there, so a direct delivery never overtakes a message in the ring. */
  SEQ: 5,
  GOT_TAG: 6,
  GOT_BYTES: 7,
  /** PostFlags. */
  FLAGS: 8,
} as const;

export const PostState = { IDLE: 0, POSTED: 1, CLAIMED: 2, FILLED: 3 } as const;

/**
 * Which messages a sender may deliver into a post. A blocking receive pulls large messages
 * itself (a core reads another core's lines faster than it writes lines another core holds);
 * a pending receive takes any size, so that the sender need not wait while the receiver
 * computes.
 */
export const PostFlags = { EAGER_ONLY: 0, ANY_SIZE: 1 } as const;
const RING_HEADER = 3 * LINE;

/** Entry header in a ring (8 words, 32 bytes); the payload of an eager entry follows it. */
export const Entry = {
  SIZE: 0,
  KIND: 1,
  CTX: 2,
  TAG: 3,
  BYTES: 4,
  /** Rendezvous: address of the payload in the sender's memory. */
  PTR: 5,
  /** Rendezvous: the sender's completion slot. */
  SLOT: 6,
  HEADER_BYTES: 32,
} as const;

export const EntryKind = { EAGER: 1, RENDEZVOUS: 2, PAD: 3 } as const;

/** Slot states of a rendezvous transfer. */
export const Slot = { FREE: 0, PENDING: 1, DONE: 2 } as const;

/**
 * Words of a rank's record in a communicator's collective area: stage counters on the first
 * line (each is the number of the last collective that reached the stage), the call's
 * arguments on the second, both written only by the owner and read by its peers.
 */
export const Coll = {
  /** Arguments published: peers may read them and the buffers they point to. Holds the
   * collective's number and the call's index together (see stage-waits.ts). */
  ENTERED: 0,
  /** Middle of two-phase algorithms: this rank's share is written. */
  MID: 1,
  /** Done reading peers' buffers. */
  DONE: 2,
  ROOT: 17,
  SEND: 18,
  RECV: 19,
  /** Bytes this rank sends (or holds, for reductions). */
  BYTES: 20,
  /** Bytes this rank receives per block. */
  RECV_BYTES: 21,
  COUNTS: 22,
  DISPLS: 23,
  RECV_COUNTS: 24,
  RECV_DISPLS: 25,
  DATATYPE: 26,
  OP: 27,
  /** Element size of the counts' datatype (v-variants count elements). */
  ELEMENT: 28,
} as const;

/**
 * An inline slot starts with the arguments its readers check (a peer that has moved on may
 * already be rewriting its record, but not this slot), then the word that says the owner has
 * entered the collective (as ENTERED does, which an inline collective leaves alone), then the
 * operand: a reader of a small operand waits on the same cache line it then reads.
 */
export const Inline = { ROOT: 0, BYTES: 1, DATATYPE: 2, OP: 3, SEQ: 4, DATA: 32 } as const;

/**
 * Bytes of each of a record's two inline slots: small collectives copy their operand there at
 * entry, so that peers read it from the control memory and nobody waits for the readers (the
 * slots alternate, and a rank enters collective k only once its peers have entered k - 1).
 * Slots shrink as ranks multiply, within a budget for all contexts' areas.
 */
const INLINE_BUDGET = 16 << 20;
const MIN_INLINE = 256;
const MAX_INLINE = 16 << 10;

/**
 * Collective areas, one per communicator context live at once in a rank (communicators with
 * disjoint groups may share one): COMM_WORLD has 0, COMM_SELF 1, the others are agreed on when
 * a communicator is made (see comm-create.ts).
 */
export const MAX_CONTEXTS = 64;

export interface LayoutOptions {
  /** Bytes of each pair's ring (a power of two). */
  ringBytes?: number;
  /** Largest payload sent eagerly through the ring; larger ones use rendezvous. */
  eagerLimit?: number;
}

export interface Layout {
  readonly size: number;
  readonly ringBytes: number;
  readonly eagerLimit: number;
  readonly slotsPerRank: number;
  readonly totalBytes: number;
  /** Byte offset of rank r's block. */
  rank(r: number): number;
  /** Byte offset of rank r's rendezvous slots (i32 each). */
  slots(r: number): number;
  /** Byte offset of the header of the ring carrying messages from `src` to `dst`. */
  ring(src: number, dst: number): number;
  /** Byte offset of that ring's data. */
  ringData(src: number, dst: number): number;
  /** Byte offset of world rank r's record in the collective area of context `ctx`. */
  coll(ctx: number, r: number): number;
  /** Bytes of each inline slot. */
  readonly inlineBytes: number;
  /** Byte offset of inline slot `parity` (0 or 1) of that record. */
  collInline(ctx: number, r: number, parity: number): number;
}

/** Total bytes of rings per job: rings shrink as pairs multiply (n² of them). */
const RING_BUDGET = 64 << 20;
const MAX_RING = 256 << 10;
const MIN_RING = 16 << 10;
/**
 * Payloads up to this size go through the ring (two copies, the sender returns at once);
 * larger ones are copied once, by the receiver, straight from the sender's memory.
 */
const DEFAULT_EAGER_LIMIT = 16 << 10;
const SLOTS_PER_RANK = 1024;

function floorPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

export function layout(size: number, options: LayoutOptions = {}): Layout {
  const ringBytes =
    options.ringBytes ??
    Math.min(MAX_RING, Math.max(MIN_RING, floorPow2(RING_BUDGET / (size * size))));
  if (ringBytes < 1024 || floorPow2(ringBytes) !== ringBytes) {
    throw new RangeError(`ring size ${ringBytes} is not a power of two of at least 1024`);
  }
  const eagerLimit = Math.min(options.eagerLimit ?? DEFAULT_EAGER_LIMIT, ringBytes / 4);
  const ranksAt = LINE;
  const rankBytes = 2 * LINE;
  const slotsAt = ranksAt + size * rankBytes;
  const slotBytes = Math.ceil((SLOTS_PER_RANK * 4) / LINE) * LINE;
  const ringsAt = slotsAt + size * slotBytes;
  const ringStride = RING_HEADER + ringBytes;
  const collAt = ringsAt + size * size * ringStride;
  const inlineBytes = Math.min(
    MAX_INLINE,
    Math.max(MIN_INLINE, floorPow2(INLINE_BUDGET / (size * MAX_CONTEXTS * 2))),
  );
  const record = 2 * LINE + 2 * inlineBytes;
  return {
    size,
    ringBytes,
    eagerLimit,
    slotsPerRank: SLOTS_PER_RANK,
    totalBytes: collAt + MAX_CONTEXTS * size * record,
    inlineBytes,
    rank: (r) => ranksAt + r * rankBytes,
    slots: (r) => slotsAt + r * slotBytes,
    ring: (src, dst) => ringsAt + (src * size + dst) * ringStride,
    ringData: (src, dst) => ringsAt + (src * size + dst) * ringStride + RING_HEADER,
    coll: (ctx, r) => collAt + (ctx * size + r) * record,
    collInline: (ctx, r, parity) =>
      collAt + (ctx * size + r) * record + 2 * LINE + parity * inlineBytes,
  };
}
