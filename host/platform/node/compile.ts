/**
 * Compiling an AssemblyScript kernel with the package's asc settings (asconfig.json), cached
 * by content: a cache entry remembers the hash of every source file the compiler read, so a
 * change to any imported file, not only the entry, compiles again.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDir, type Manifest, readCached, sha256, writeAtomically } from "./kernel-cache.js";

export class CompileError extends Error {
  override readonly name = "CompileError";
}

const packageRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const require = createRequire(import.meta.url);
/** Where `import ... from "wasmpi/assembly"` resolves when no node_modules/wasmpi is found. */
const SELF = join(packageRoot, ".wasmpi-self");

interface AsconfigOptions {
  lib: string[];
  [option: string]: unknown;
}

/** asconfig.json's options as asc arguments, with its library paths made absolute. */
function ascArguments(): string[] {
  const config = JSON.parse(readFileSync(join(packageRoot, "asconfig.json"), "utf8")) as {
    options: AsconfigOptions;
  };
  const shim = dirname(require.resolve("@assemblyscript/wasi-shim/package.json"));
  const args: string[] = [];
  for (const [name, value] of Object.entries(config.options)) {
    if (name === "lib") {
      for (const lib of value as string[]) {
        const path = lib.includes("@assemblyscript/wasi-shim/")
          ? join(shim, lib.slice(lib.indexOf("@assemblyscript/wasi-shim/") + 26))
          : resolve(packageRoot, lib);
        args.push("--lib", path);
      }
    } else if (value === true) {
      args.push(`--${name}`);
    } else if (Array.isArray(value)) {
      for (const item of value) args.push(`--${name}`, String(item));
    } else if (value !== false) {
      args.push(`--${name}`, String(value));
    }
  }
  return [...args, "--path", SELF];
}

/** Compiles (or takes from the cache) the AssemblyScript kernel at `entry`. */
export async function compileKernel(entry: string): Promise<Uint8Array> {
  const path = resolve(entry);
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    throw new CompileError(
      `cannot read ${entry}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  // The compiler is large to load: learn its version cheaply and load it only on a miss.
  const { version } = JSON.parse(
    readFileSync(require.resolve("assemblyscript/package.json"), "utf8"),
  ) as {
    version: string;
  };
  const args = ascArguments();
  const key = sha256(JSON.stringify([version, args, path, sha256(source)]));
  const dir = cacheDir();
  const wasmPath = join(dir, `${key}.wasm`);
  const manifestPath = join(dir, `${key}.json`);
  const cached = readCached(wasmPath, manifestPath);
  if (cached !== null) return cached;

  const asc = await import("assemblyscript/asc");
  const read = new Map<string, string>();
  let binary: Uint8Array | null = null;
  let diagnostics = "";
  const { error } = await asc.main(
    [relative(process.cwd(), path) || path, "--outFile", "kernel.wasm", ...args],
    {
      readFile: (name: string, baseDir: string) => {
        const file = resolveSelf(resolve(baseDir, name));
        try {
          const text = readFileSync(file, "utf8");
          read.set(file, sha256(text));
          return text;
        } catch {
          return null;
        }
      },
      listFiles: (name: string, baseDir: string) => {
        try {
          return readdirSync(resolve(baseDir, name)).filter(
            (f) => f.endsWith(".ts") && !f.endsWith(".d.ts"),
          );
        } catch {
          return null;
        }
      },
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
      },
      stdout: { write: () => true },
      stderr: {
        write: (text: string | Uint8Array) => {
          diagnostics += typeof text === "string" ? text : new TextDecoder().decode(text);
          return true;
        },
      },
    } as unknown as Parameters<typeof asc.main>[1],
  );
  if (error || binary === null) {
    const text = diagnostics.trim() || String(error);
    throw new CompileError(`cannot compile ${entry}:\n${text}`);
  }
  const manifest: Manifest = { files: [...read] };
  writeAtomically(wasmPath, binary);
  writeAtomically(manifestPath, JSON.stringify(manifest));
  return binary;
}

/** Maps the package's own library onto the path asc searches for "wasmpi/...". */
function resolveSelf(file: string): string {
  const prefix = join(SELF, "wasmpi") + sep;
  return file.startsWith(prefix) ? join(packageRoot, file.slice(prefix.length)) : file;
}
