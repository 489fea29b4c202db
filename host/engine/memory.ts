/**
 * A rank's linear memory as the host sees it. The memory is shared and may grow at any time
 * (in its own rank), so a cached view is re-read from `memory.buffer` whenever a range falls
 * outside it: growth never invalidates addresses, it only makes the old view too short.
 */
export class LinearMemory {
  #u8: Uint8Array;
  #data: DataView;

  constructor(readonly memory: WebAssembly.Memory) {
    this.#u8 = new Uint8Array(memory.buffer);
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

  get data(): DataView {
    return this.#data;
  }

  #refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer.byteLength !== this.#u8.length) {
      this.#u8 = new Uint8Array(buffer);
      this.#data = new DataView(buffer);
    }
  }
}
