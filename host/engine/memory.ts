/** Byte and word views of one shared buffer. */
export interface ByteViews {
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
}

/**
 * Copies `bytes` bytes between (possibly different) shared buffers. Element access to shared
 * views costs a few ns each and a `set` call ~70 ns (measured here), so short copies go a word
 * at a time when both ends are 4-byte aligned (the usual case: allocators align buffers), a
 * byte at a time up to 16 bytes otherwise, and longer ones through `set`.
 */
export function copyBytes(
  from: ByteViews,
  fromAt: number,
  to: ByteViews,
  toAt: number,
  bytes: number,
): void {
  if (bytes <= 64 && ((fromAt | toAt) & 3) === 0) {
    const src = from.i32;
    const dst = to.i32;
    const words = bytes >> 2;
    const f = fromAt >> 2;
    const t = toAt >> 2;
    for (let i = 0; i < words; i++) dst[t + i] = src[f + i] as number;
    const u8from = from.u8;
    const u8to = to.u8;
    for (let i = words << 2; i < bytes; i++) u8to[toAt + i] = u8from[fromAt + i] as number;
  } else if (bytes <= 16) {
    const u8from = from.u8;
    const u8to = to.u8;
    for (let i = 0; i < bytes; i++) u8to[toAt + i] = u8from[fromAt + i] as number;
  } else {
    to.u8.set(from.u8.subarray(fromAt, fromAt + bytes), toAt);
  }
}

/**
 * A rank's linear memory as the host sees it. The memory is shared and may grow at any time
 * (in its own rank), so a cached view is re-read from `memory.buffer` whenever a range falls
 * outside it: growth never invalidates addresses, it only makes the old view too short.
 */
export class LinearMemory implements ByteViews {
  #buffer: ArrayBufferLike;
  #u8: Uint8Array;
  #i32: Int32Array;
  #data: DataView;

  constructor(readonly memory: WebAssembly.Memory) {
    this.#buffer = memory.buffer;
    this.#u8 = new Uint8Array(memory.buffer);
    this.#i32 = new Int32Array(memory.buffer);
    this.#data = new DataView(memory.buffer);
  }

  /** Current size in bytes. */
  get byteLength(): number {
    this.#refresh();
    return this.#u8.length;
  }

  /** Whether [ptr, ptr + len) lies inside the memory; ptr and len are unsigned. */
  contains(ptr: number, len: number): boolean {
    const end = ptr + len;
    if (end <= this.#u8.length) return true;
    this.#refresh();
    return end <= this.#u8.length;
  }

  /** A view of the whole memory, valid for every range `contains` accepted. */
  get u8(): Uint8Array {
    return this.#u8;
  }

  /**
   * The memory's buffer as of the last refresh (valid for every range `contains` accepted);
   * reading `memory.buffer` itself costs ~45 ns a time.
   */
  get buffer(): ArrayBufferLike {
    return this.#buffer;
  }

  /** The same memory as 32-bit words, for short aligned copies. */
  get i32(): Int32Array {
    return this.#i32;
  }

  get data(): DataView {
    return this.#data;
  }

  #refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer.byteLength !== this.#u8.length) {
      this.#buffer = buffer;
      this.#u8 = new Uint8Array(buffer);
      this.#i32 = new Int32Array(buffer);
      this.#data = new DataView(buffer);
    }
  }
}
