/**
 * Compiling a C kernel with clang for wasm32-wasi against wasmpi's include/ (mpi.h, wasmpi.h),
 * cached by content like AssemblyScript kernels: the cache entry lists every header the
 * compiler read besides the system's (clang -MMD), so editing mpi.h compiles again.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CompileError } from "./compile.js";
import { cacheDir, type Manifest, readCached, sha256, writeAtomically } from "./kernel-cache.js";

const run = promisify(execFile);

const includeDir = fileURLToPath(new URL("../../../../include", import.meta.url));

/** The most a rank's memory may grow to: 2 GiB, as asconfig.json gives AssemblyScript kernels. */
const MAX_MEMORY_BYTES = 2 ** 31;

/**
 * clang's arguments besides the source and the output. The kernel imports its memory as a
 * shared one, which the host creates. Debian's wasi-libc is built without the atomics feature
 * that a shared memory demands of every object, hence --no-check-features: safe here, as
 * only one thread ever runs code in a rank's memory.
 */
export function clangArguments(): string[] {
  return [
    "--target=wasm32-wasi",
    "-O2",
    "-matomics",
    "-mbulk-memory",
    "-I",
    includeDir,
    `-Wl,--import-memory,--shared-memory,--max-memory=${MAX_MEMORY_BYTES},--no-check-features`,
  ];
}

/** The compiler: $WASMPI_CLANG (for example a wasi-sdk clang), else clang on the PATH. */
const clang = (): string => process.env.WASMPI_CLANG ?? "clang";

const MISSING =
  "C kernels need clang with the wasm32 target, lld and wasi-libc (Debian: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)";

interface ToolError {
  code?: string | number;
  stderr?: string;
}

/** Compiles (or takes from the cache) the C kernel at `entry`. */
export async function compileCKernel(entry: string): Promise<Uint8Array> {
  const path = resolve(entry);
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    throw new CompileError(
      `cannot read ${entry}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let version: string;
  try {
    version = (await run(clang(), ["--version"])).stdout;
  } catch (error) {
    const code = (error as ToolError).code;
    throw new CompileError(
      `cannot compile ${entry}: ${code === "ENOENT" ? `${clang()} not found` : `${clang()} --version failed`}; ${MISSING}`,
    );
  }
  const args = clangArguments();
  const key = sha256(JSON.stringify([version, args, path, sha256(source)]));
  const dir = cacheDir();
  const wasmPath = join(dir, `${key}.wasm`);
  const manifestPath = join(dir, `${key}.json`);
  const cached = readCached(wasmPath, manifestPath);
  if (cached !== null) return cached;

  const work = mkdtempSync(join(dir, "clang-"));
  try {
    const out = join(work, "kernel.wasm");
    const deps = join(work, "kernel.d");
    try {
      await run(clang(), [...args, "-MMD", "-MF", deps, path, "-o", out]);
    } catch (error) {
      const stderr = (error as ToolError).stderr?.trim();
      throw new CompileError(`cannot compile ${entry}:\n${stderr || String(error)}`);
    }
    const binary = readFileSync(out);
    const files = dependencies(readFileSync(deps, "utf8")).map((file): [string, string] => [
      file,
      sha256(readFileSync(file, "utf8")),
    ]);
    const manifest: Manifest = { files };
    writeAtomically(wasmPath, binary);
    writeAtomically(manifestPath, JSON.stringify(manifest));
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The prerequisites of a make rule as clang writes it (`target: a.c \` newline `  b.h`). */
function dependencies(rule: string): string[] {
  const body = rule.replace(/\\\r?\n/g, " ");
  const colon = body.search(/:(\s|$)/);
  const files: string[] = [];
  for (const match of body.slice(colon + 1).matchAll(/(?:\\.|\S)+/g)) {
    files.push(resolve(match[0].replace(/\\(.)/g, "$1")));
  }
  return files;
}
