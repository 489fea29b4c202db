import { Entry, EntryKind, RingWord } from "./layout.js";

/**
 * One direction of one pair of ranks: a single-producer/single-consumer byte ring in the
 * control memory. Entries are 8-byte aligned, never wrap (a PAD entry fills the end of the
 * ring instead), and are published by one atomic store of the tail counter, which orders the
 * plain writes of the header and payload before it.
 */
class Ring {
  protected readonly ctrl: Int32Array;
  protected readonly tailWord: number;
  protected readonly headWord: number;
  protected readonly data: number;
  protected readonly mask: number;

  constructor(
    ctrl: Int32Array,
    headerByte: number,
    dataByte: number,
    readonly ringBytes: number,
  ) {
    this.ctrl = ctrl;
    this.tailWord = (headerByte >> 2) + RingWord.TAIL;
    this.headWord = (headerByte >> 2) + RingWord.HEAD;
    this.data = dataByte;
    this.mask = ringBytes - 1;
  }
}

export function entryBytes(payload: number): number {
  return (Entry.HEADER_BYTES + payload + 7) & ~7;
}

/** The sending end. */
export class RingWriter extends Ring {
  #tail = 0;

  /**
   * Byte offset in the control memory where an entry of `size` bytes may be written, or -1
   * while the ring lacks the space. Pads the end of the ring first when the entry would wrap.
   */
  reserve(size: number): number {
    const pos = this.#tail & this.mask;
    const pad = pos + size > this.ringBytes ? this.ringBytes - pos : 0;
    const used = (this.#tail - Atomics.load(this.ctrl, this.headWord)) >>> 0;
    if (this.ringBytes - used < pad + size) return -1;
    if (pad !== 0) {
      const at = (this.data + pos) >> 2;
      this.ctrl[at + Entry.SIZE] = pad;
      this.ctrl[at + Entry.KIND] = EntryKind.PAD;
      this.#tail = (this.#tail + pad) >>> 0;
    }
    return this.data + (this.#tail & this.mask);
  }

  /** Publishes the entry written at the last reserved offset (and any padding before it). */
  commit(size: number): void {
    this.#tail = (this.#tail + size) >>> 0;
    Atomics.store(this.ctrl, this.tailWord, this.#tail);
  }

  /** While waiting for space: ask the receiver to ring when it frees some. */
  set waitingForSpace(on: boolean) {
    Atomics.store(this.ctrl, this.tailWord + RingWord.SPACE_WAITER, on ? 1 : 0);
  }
}

/** An entry read from a ring and not yet released (its bytes are still in use). */
export interface RingEntry {
  /** Counter value at the entry's first byte. */
  readonly start: number;
  readonly size: number;
  released: boolean;
}

/** The receiving end. */
export class RingReader extends Ring {
  /** Counter up to which entries have been read. */
  #scanned = 0;
  #tail = 0;
  #head = 0;
  /** Entries read but not yet released, oldest first; their bytes cannot be reused. */
  readonly #held: RingEntry[] = [];
  #heldFront = 0;

  /** Byte offset of the next unread entry, or -1 if the sender has published nothing new. */
  peek(): number {
    if (this.#scanned === this.#tail) {
      this.#tail = Atomics.load(this.ctrl, this.tailWord) >>> 0;
      if (this.#scanned === this.#tail) return -1;
    }
    return this.data + (this.#scanned & this.mask);
  }

  /** Whether there may be unread entries (without touching the shared tail). */
  get drained(): boolean {
    return this.#scanned === Atomics.load(this.ctrl, this.tailWord) >>> 0;
  }

  /** Bytes between the released head and the read position: held by unmatched messages. */
  get heldBytes(): number {
    return (this.#scanned - this.#head) >>> 0;
  }

  /**
   * Moves past the entry at the read position. With `hold`, its bytes stay in use until
   * `release(entry)`; without, they are released now.
   */
  skip(size: number, hold: true): RingEntry;
  skip(size: number, hold: false): null;
  skip(size: number, hold: boolean): RingEntry | null {
    const start = this.#scanned;
    this.#scanned = (start + size) >>> 0;
    if (hold) {
      const entry = { start, size, released: false };
      this.#held.push(entry);
      return entry;
    }
    if (this.#heldFront === this.#held.length) this.#moveHead(this.#scanned);
    else this.#held.push({ start, size, released: true });
    return null;
  }

  release(entry: RingEntry): void {
    entry.released = true;
    const held = this.#held;
    let front = this.#heldFront;
    let head = this.#head;
    while (front < held.length && (held[front] as RingEntry).released) {
      const e = held[front] as RingEntry;
      head = (e.start + e.size) >>> 0;
      front++;
    }
    if (front === held.length) {
      held.length = 0;
      front = 0;
      head = this.#scanned;
    } else if (front > 1024) {
      held.splice(0, front);
      front = 0;
    }
    this.#heldFront = front;
    if (head !== this.#head) this.#moveHead(head);
  }

  #moveHead(head: number): void {
    this.#head = head;
    Atomics.store(this.ctrl, this.headWord, head);
  }

  /** Whether the sender waits for space and should be woken after a release. */
  get senderWaiting(): boolean {
    return Atomics.load(this.ctrl, this.tailWord + RingWord.SPACE_WAITER) !== 0;
  }
}
