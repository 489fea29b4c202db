import { Entry, EntryKind, RingWord } from "./layout.js";

/**
 * One direction of one pair of ranks: a single-producer/single-consumer byte ring in the
 * control memory. Entries are 8-byte aligned and never wrap (a PAD entry fills the end of
 * the ring instead).
 *
 * An entry is published by one atomic store of its SIZE word, after its header and payload;
 * the word where the next entry will start is zeroed before that store, so a receiver polls a
 * single word, in the same cache line as the entry's header and small payload, and finds either
 * zero or a published entry. The receiver gives space back lazily (a quarter of the ring at a
 * time, at once when the sender waits for space, and before it waits itself), so a small
 * message costs the sender no read of a line the receiver writes.
 */
class Ring {
  protected readonly ctrl: Int32Array;
  protected readonly headWord: number;
  protected readonly waiterWord: number;
  protected readonly data: number;
  protected readonly mask: number;

  constructor(
    ctrl: Int32Array,
    headerByte: number,
    dataByte: number,
    readonly ringBytes: number,
  ) {
    this.ctrl = ctrl;
    this.headWord = (headerByte >> 2) + RingWord.HEAD;
    this.waiterWord = (headerByte >> 2) + RingWord.SPACE_WAITER;
    this.data = dataByte;
    this.mask = ringBytes - 1;
  }
}

export function entryBytes(payload: number): number {
  return (Entry.HEADER_BYTES + payload + 7) & ~7;
}

/** Bytes that must stay free after an entry: the zeroed word where the next one starts. */
const NEXT_WORD = 8;

/** The sending end. */
export class RingWriter extends Ring {
  #tail = 0;
  /** The receiver's head as last read: space up to it is certainly free. */
  #head = 0;
  /** Offset of a PAD entry written by `reserve` and published by `commit`, or -1. */
  #pad = -1;

  /**
   * Byte offset in the control memory where an entry of `size` bytes may be written, or -1
   * while the ring lacks the space. Prepares a PAD entry first when the entry would wrap.
   */
  reserve(size: number): number {
    const pos = this.#tail & this.mask;
    const pad = pos + size > this.ringBytes ? this.ringBytes - pos : 0;
    const need = pad + size + NEXT_WORD;
    if (this.ringBytes - ((this.#tail - this.#head) >>> 0) < need) {
      this.#head = Atomics.load(this.ctrl, this.headWord) >>> 0;
      if (this.ringBytes - ((this.#tail - this.#head) >>> 0) < need) return -1;
    }
    if (pad !== 0) {
      const at = (this.data + pos) >> 2;
      this.ctrl[at + Entry.KIND] = EntryKind.PAD;
      this.#pad = at;
      this.#tail = (this.#tail + pad) >>> 0;
    }
    return this.data + (this.#tail & this.mask);
  }

  /** Publishes the entry written at the last reserved offset (and any padding before it). */
  commit(size: number): void {
    const ctrl = this.ctrl;
    const pos = this.#tail & this.mask;
    ctrl[(this.data + ((pos + size) & this.mask)) >> 2] = 0;
    Atomics.store(ctrl, ((this.data + pos) >> 2) + Entry.SIZE, size);
    if (this.#pad >= 0) {
      // The PAD goes last: the receiver reaches the entry only through it.
      Atomics.store(ctrl, this.#pad + Entry.SIZE, this.ringBytes - ((this.#pad << 2) - this.data));
      this.#pad = -1;
    }
    this.#tail = (this.#tail + size) >>> 0;
  }

  /** Bytes ever published (u32, wraps). */
  get tail(): number {
    return this.#tail;
  }

  /** While waiting for space: ask the receiver to give space back at once, and ring. */
  set waitingForSpace(on: boolean) {
    Atomics.store(this.ctrl, this.waiterWord, on ? 1 : 0);
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
  /** Counter up to which bytes are released, and the value the sender was last given. */
  #head = 0;
  #published = 0;
  /** Entries read but not yet released, oldest first; their bytes cannot be reused. */
  readonly #held: RingEntry[] = [];
  #heldFront = 0;

  /** Byte offset of the next unread entry, or -1 if the sender has published nothing new. */
  peek(): number {
    const at = this.data + (this.#scanned & this.mask);
    return Atomics.load(this.ctrl, (at >> 2) + Entry.SIZE) === 0 ? -1 : at;
  }

  /** Counter up to which entries have been read. */
  get scanned(): number {
    return this.#scanned;
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
    if ((head - this.#published) >>> 0 >= this.ringBytes >> 2) this.flush();
  }

  /** Set when space was given back to a sender that waits for it: ring it, then clear. */
  wakeSender = false;

  /** Gives the released space back to the sender. */
  flush(): void {
    if (this.#published === this.#head) return;
    this.#published = this.#head;
    Atomics.store(this.ctrl, this.headWord, this.#head);
    if (Atomics.load(this.ctrl, this.waiterWord) !== 0) this.wakeSender = true;
  }
}
