/** Reading the few facts the launcher needs straight from a module's bytes. */

export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  /** Pages of 64 KiB. */
  readonly initial: number;
  readonly maximum: number | undefined;
  readonly shared: boolean;
}

/** The module's imported memory, or null if it imports none. Throws on malformed bytes. */
export function memoryImport(bytes: Uint8Array): MemoryImport | null {
  let at = 8;
  const fail = (why: string): never => {
    throw new Error(`not a WebAssembly module: ${why}`);
  };
  if (
    bytes.length < 8 ||
    bytes[0] !== 0 ||
    bytes[1] !== 0x61 ||
    bytes[2] !== 0x73 ||
    bytes[3] !== 0x6d
  ) {
    fail("missing the \\0asm header");
  }
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) fail("truncated");
      const byte = bytes[at++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) fail("bad LEB128 integer");
    }
  };
  const name = (): string => {
    const len = u32();
    const text = new TextDecoder().decode(bytes.subarray(at, at + len));
    at += len;
    return text;
  };
  const limits = () => {
    const flags = u32();
    const initial = u32();
    const maximum = flags & 1 ? u32() : undefined;
    return { initial, maximum, shared: (flags & 2) !== 0 };
  };
  while (at < bytes.length) {
    const id = bytes[at++] as number;
    const size = u32();
    const end = at + size;
    if (id !== 2) {
      at = end;
      continue;
    }
    const count = u32();
    for (let i = 0; i < count; i++) {
      const module = name();
      const field = name();
      const kind = bytes[at++];
      if (kind === 0) u32();
      else if (kind === 1) {
        at++;
        limits();
      } else if (kind === 2) return { module, name: field, ...limits() };
      else if (kind === 3) at += 2;
      else if (kind === 4) {
        at++;
        u32();
      } else fail(`unknown import kind ${kind}`);
    }
    return null;
  }
  return null;
}
