/**
 * The on-disk cache of compiled kernels, shared by the AssemblyScript and the C compilers. An
 * entry is the module and a manifest of every source file the compiler read with its hash, so
 * that a change to any of them, not only the entry, compiles again.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

export interface Manifest {
  files: [path: string, hash: string][];
}

export const sha256 = (data: string | Uint8Array): string =>
  createHash("sha256").update(data).digest("hex");

export function cacheDir(): string {
  const dir = process.env.WASMPI_CACHE_DIR ?? join(homedir(), ".cache", "wasmpi");
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    const fallback = join(tmpdir(), "wasmpi-cache");
    mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}

/** The cached module, or null when it is missing or any file of its manifest has changed. */
export function readCached(wasmPath: string, manifestPath: string): Uint8Array | null {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
    for (const [file, hash] of manifest.files) {
      if (sha256(readFileSync(file, "utf8")) !== hash) return null;
    }
    return readFileSync(wasmPath);
  } catch {
    return null;
  }
}

/** Writes a cache entry so that no reader ever sees half of it. */
export function writeAtomically(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}
