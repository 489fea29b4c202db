import { ErrorCode } from "../abi.js";
import { RingReader } from "./channels.js";
import { MpiError } from "./errors.js";
import { Entry, EntryKind, Slot } from "./layout.js";
import { type Envelope, Unexpected } from "./matching.js";
import { type ByteViews, copyBytes, type LinearMemory } from "./memory.js";
import type { MessengerParts } from "./p2p.js";

/** What a receive or probe found. */
export interface Arrival {
  /** World rank of the sender. */
  src: number;
  tag: number;
  bytes: number;
}

/**
 * Moving messages out of the rings that come into one rank: an eager payload is copied out of
 * the ring, a rendezvous one straight out of the sender's memory (one copy), and a message no
 * receive wants yet becomes an unexpected envelope whose payload stays in the ring (copied out,
 * a spill, only when its ring fills up). Ring space goes back to the sender lazily.
 */
export class Deliveries {
  readonly #p: MessengerParts;
  /** The ring from each source into this rank. */
  readonly readers: RingReader[];
  readonly unexpected: Unexpected;
  /** The control memory, where the rings are. */
  readonly #ring: ByteViews;

  constructor(parts: MessengerParts) {
    this.#p = parts;
    const { layout, ctrl, rank, size } = parts;
    this.readers = Array.from(
      { length: size },
      (_, src) =>
        new RingReader(ctrl, layout.ring(src, rank), layout.ringData(src, rank), layout.ringBytes),
    );
    this.unexpected = new Unexpected(size);
    this.#ring = { u8: parts.ctrlU8, i32: ctrl };
  }

  /** Turns the unread entry at `at` from `src` into an unexpected envelope. */
  hold(src: number, at: number): Envelope {
    const ctrl = this.#p.ctrl;
    const w = at >> 2;
    const kind = ctrl[w + Entry.KIND] as number;
    const rendezvous = kind === EntryKind.RENDEZVOUS;
    const reader = this.readers[src] as RingReader;
    const env: Envelope = {
      src,
      ctx: ctrl[w + Entry.CTX] as number,
      tag: ctrl[w + Entry.TAG] as number,
      bytes: ctrl[w + Entry.BYTES] as number,
      kind,
      seq: this.unexpected.nextSeq(),
      payload: rendezvous ? -1 : at + Entry.HEADER_BYTES,
      data: null,
      ptr: rendezvous ? (ctrl[w + Entry.PTR] as number) >>> 0 : 0,
      slot: rendezvous ? (ctrl[w + Entry.SLOT] as number) : -1,
      entry: null,
    };
    env.entry = reader.skip(ctrl[w + Entry.SIZE] as number, true);
    if (rendezvous) this.#releaseEntry(src, env);
    this.unexpected.push(env);
    return env;
  }

  entry(src: number, at: number, ptr: number, capacity: number, out: Arrival): void {
    const p = this.#p;
    const ctrl = p.ctrl;
    const w = at >> 2;
    const bytes = ctrl[w + Entry.BYTES] as number;
    const size = ctrl[w + Entry.SIZE] as number;
    const reader = this.readers[src] as RingReader;
    out.src = src;
    out.tag = ctrl[w + Entry.TAG] as number;
    out.bytes = bytes;
    if (ctrl[w + Entry.KIND] === EntryKind.EAGER) {
      if (bytes > capacity) {
        reader.skip(size, false);
        throw truncated(bytes, capacity);
      }
      copyBytes(this.#ring, at + Entry.HEADER_BYTES, p.memory, ptr, bytes);
      reader.skip(size, false);
      this.wakeWriter(src, reader);
    } else {
      const from = (ctrl[w + Entry.PTR] as number) >>> 0;
      const slot = ctrl[w + Entry.SLOT] as number;
      reader.skip(size, false);
      this.wakeWriter(src, reader);
      this.#pull(src, from, slot, bytes, ptr, capacity);
    }
  }

  envelope(env: Envelope, ptr: number, capacity: number, out: Arrival): void {
    out.src = env.src;
    out.tag = env.tag;
    out.bytes = env.bytes;
    if (env.kind === EntryKind.RENDEZVOUS) {
      this.#pull(env.src, env.ptr, env.slot, env.bytes, ptr, capacity);
      return;
    }
    const truncation = env.bytes > capacity;
    if (!truncation) {
      const dst = this.#p.memory.u8;
      if (env.data !== null) dst.set(env.data, ptr);
      else copyBytes(this.#ring, env.payload, this.#p.memory, ptr, env.bytes);
    }
    this.#releaseEntry(env.src, env);
    if (truncation) throw truncated(env.bytes, capacity);
  }

  /** The rendezvous copy: straight from the sender's memory into this rank's. */
  #pull(
    src: number,
    from: number,
    slot: number,
    bytes: number,
    ptr: number,
    capacity: number,
  ): void {
    const p = this.#p;
    if (bytes > capacity) {
      // The send completes, as in MPI: the error is the receiver's. Left pending, it would keep
      // its sender waiting forever when the receiver goes on (errors are codes at the ABI).
      Atomics.store(p.ctrl, (p.layout.slots(src) >> 2) + slot, Slot.DONE);
      p.bells.ring(src);
      throw truncated(bytes, capacity);
    }
    const peer = p.peers[src] as LinearMemory;
    if (!peer.contains(from, bytes)) {
      throw new MpiError(
        ErrorCode.ERR_INTERN,
        `rank ${src} published a message outside its memory`,
      );
    }
    copyBytes(peer, from, p.memory, ptr, bytes);
    Atomics.store(p.ctrl, (p.layout.slots(src) >> 2) + slot, Slot.DONE);
    p.bells.ring(src);
  }

  #releaseEntry(src: number, env: Envelope): void {
    if (env.entry === null) return;
    const reader = this.readers[src] as RingReader;
    reader.release(env.entry);
    env.entry = null;
    this.wakeWriter(src, reader);
  }

  wakeWriter(src: number, reader: RingReader): void {
    if (!reader.wakeSender) return;
    reader.wakeSender = false;
    this.#p.bells.ring(src);
  }

  /** The receiver's read position in the ring from `src`, for the sender's post check. */
  scanned(src: number): number {
    return (this.readers[src] as RingReader).scanned;
  }

  spill(src: number): void {
    for (const env of this.unexpected.from(src)) {
      if (env.entry === null) continue;
      env.data = this.#p.ctrlU8.slice(env.payload, env.payload + env.bytes);
      env.payload = -1;
      this.#releaseEntry(src, env);
    }
  }

  /**
   * Gives every sender back the ring space this rank has released. Runs before the rank
   * sleeps and when it ends, so that no sender waits for space that is already free.
   */
  flush(): void {
    for (let src = 0; src < this.readers.length; src++) {
      const reader = this.readers[src] as RingReader;
      reader.flush();
      this.wakeWriter(src, reader);
    }
  }
}

export function truncated(bytes: number, capacity: number): MpiError {
  return new MpiError(
    ErrorCode.ERR_TRUNCATE,
    `message truncated (got ${bytes} bytes, buffer holds ${capacity})`,
  );
}
