#!/usr/bin/env node
/** The `wasmpi` command. */
import { accessSync, constants, readFileSync } from "node:fs";
import type { RunOptions } from "./launcher.js";
import { discardPrestarted, prestartWorkers } from "./platform/node/platform.js";

const USAGE = `Usage: wasmpi run [options] <kernel.wasm | kernel.ts | kernel.c> [-- args...]

Runs a WebAssembly MPI kernel as N ranks. AssemblyScript source (.ts) and C source (.c,
with clang and wasi-libc) are compiled with wasmpi's settings first (cached by content).

Options:
  -n, -np, --np N      number of ranks (default 1)
  --tag-output         prefix every output line with [R] (R = rank)
  --timeout SECONDS    stop the job after SECONDS, say where each rank is blocked, exit 124
  --max-memory MIB     cap each rank's memory at MIB mebibytes
  --trace FILE         write every wasmpi call of every rank to FILE (Chrome trace
                       format: open it in ui.perfetto.dev or chrome://tracing)
  -h, --help           show this help
  -v, --version        show the version

A job whose running ranks are all blocked for good (a deadlock) is stopped at once, with a
line per rank naming the call it waits in.

Exit code: 0 when every rank ends normally; the failing rank's code (Abort(code), a
non-zero exit) or 1 on failure or deadlock; 124 on timeout; 2 for a bad command line;
141 when the reader of the output goes away (as on SIGPIPE).`;

class UsageError extends Error {}

interface Command {
  kernel: string;
  options: RunOptions;
  tagOutput: boolean;
}

function parse(argv: readonly string[]): Command | "help" | "version" {
  if (argv.length === 0) throw new UsageError("no command given (try: wasmpi run -n 4 kernel.ts)");
  const [command, ...rest] = argv;
  if (command === "-h" || command === "--help" || command === "help") return "help";
  if (command === "-v" || command === "--version") return "version";
  if (command !== "run")
    throw new UsageError(`unknown command '${command}' (the command is 'run')`);
  const options: RunOptions = {};
  let kernel: string | undefined;
  let tagOutput = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const value = (name: string): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s) : [arg, undefined];
    const take = (name: string): string => inline ?? value(name);
    switch (flag) {
      case "--":
        options.args = rest.slice(i + 1);
        i = rest.length;
        break;
      case "-n":
      case "-np":
      case "--np":
      case "--n": {
        const text = take(flag);
        const np = Number(text);
        if (!/^\d+$/.test(text) || np < 1 || np > 1024) {
          throw new UsageError(`${flag} takes a number of ranks from 1 to 1024, got '${text}'`);
        }
        options.np = np;
        break;
      }
      case "--tag-output":
        tagOutput = true;
        break;
      case "--timeout": {
        const text = take(flag);
        const seconds = Number(text);
        if (!(seconds > 0) || !Number.isFinite(seconds)) {
          throw new UsageError(`--timeout takes a positive number of seconds, got '${text}'`);
        }
        options.timeoutMs = seconds * 1000;
        break;
      }
      case "--max-memory": {
        const text = take(flag);
        const mib = Number(text);
        if (!/^\d+$/.test(text) || mib < 1 || mib > 4096) {
          throw new UsageError(`--max-memory takes MiB from 1 to 4096, got '${text}'`);
        }
        options.maxMemoryPages = mib * 16;
        break;
      }
      case "--trace": {
        const file = take(flag);
        if (file === "" || file.startsWith("-")) {
          throw new UsageError(`--trace takes the path of the file to write, got '${file}'`);
        }
        options.trace = file;
        break;
      }
      case "-h":
      case "--help":
        return "help";
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option '${flag}'`);
        if (kernel !== undefined) {
          throw new UsageError(
            `more than one kernel given ('${kernel}', '${flag}'); pass kernel arguments after --`,
          );
        }
        kernel = flag;
    }
  }
  if (kernel === undefined)
    throw new UsageError("no kernel given (a .wasm file, AssemblyScript .ts or C .c source)");
  return { kernel, options, tagOutput };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Prefixes each line of a chunk of whole lines with "[R] ". */
function tagLines(rank: number, bytes: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`[${rank}] `);
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
  const endsOpen = bytes.length > 0 && bytes[bytes.length - 1] !== 10;
  const out = new Uint8Array(bytes.length + (lines + (endsOpen ? 1 : 0)) * prefix.length);
  let at = 0;
  let lineStart = true;
  for (const byte of bytes) {
    if (lineStart) {
      out.set(prefix, at);
      at += prefix.length;
    }
    out[at++] = byte;
    lineStart = byte === 10;
  }
  return out;
}

async function main(argv: readonly string[]): Promise<number> {
  let command: ReturnType<typeof parse>;
  try {
    command = parse(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`wasmpi: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "version") {
    process.stdout.write(`wasmpi ${version()}\n`);
    return 0;
  }
  const { kernel, options, tagOutput } = command;
  try {
    accessSync(kernel, constants.R_OK);
  } catch (error) {
    process.stderr.write(
      `wasmpi: cannot read ${kernel}: ${(error as NodeJS.ErrnoException).code}\n`,
    );
    return 2;
  }
  // The ranks' threads boot while this thread loads the launcher and reads the kernel.
  prestartWorkers(options.np ?? 1);
  const [{ runWithOutput }, { LaunchError }, { CompileError }] = await Promise.all([
    import("./platform/node/run.js"),
    import("./launcher.js"),
    import("./platform/node/compile.js"),
  ]);
  const write = (rank: number, fd: 1 | 2, bytes: Uint8Array): void => {
    const stream = fd === 1 ? process.stdout : process.stderr;
    if (stream.writable) stream.write(tagOutput ? tagLines(rank, bytes) : bytes);
  };
  try {
    const result = await runWithOutput(kernel, options, write);
    if (result.timedOut) {
      process.stderr.write(
        `wasmpi: the job timed out after ${(options.timeoutMs ?? 0) / 1000} s\n`,
      );
      for (const rank of result.ranks) {
        if (rank.error !== undefined && rank.status === "aborted") {
          process.stderr.write(`wasmpi: rank ${rank.rank}: ${rank.error}\n`);
        }
      }
    }
    for (const warning of result.warnings) process.stderr.write(`wasmpi: ${warning}\n`);
    if (result.deadlocked) {
      process.stderr.write(
        "wasmpi: deadlock: every running rank is blocked in a call that no pending message or peer can complete\n",
      );
    }
    for (const failure of result.failures) process.stderr.write(`wasmpi: ${failure}\n`);
    return result.exitCode;
  } catch (error) {
    if (error instanceof CompileError) {
      process.stderr.write(`wasmpi: ${error.message}\n`);
      return 1;
    }
    if (error instanceof LaunchError) {
      process.stderr.write(`wasmpi: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    discardPrestarted();
  }
}

/**
 * SIGPIPE, as a command in a pipeline gets it: once the reader of stdout has gone
 * (`wasmpi run ... | head`), the job ends at once, quietly, with 128 + 13. A closed stderr
 * only loses what would have gone there.
 */
const SIGPIPE_EXIT = 141;
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    if (stream === process.stdout) process.exit(SIGPIPE_EXIT);
  });
}

process.exitCode = await main(process.argv.slice(2));
