/**
 * C kernels built against include/mpi.h: the tutorial's programs in C print what their
 * AssemblyScript ports print, pi comes out right, mpi.h's calls behave as MPI defines, and a
 * failing call is reported by name. They need clang with the wasm32 target, lld and wasi-libc;
 * without them this suite prints one line and skips.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { abi, CompileError } from "wasmpi";
import { cli, describeJob, examplePath, job, kernel, root, sorted } from "./helpers.js";

const cExample = (name: string): string => `${root}examples/c/${name}.c`;
const cKernel = (name: string): string => `${root}test/kernels/c/${name}.c`;

/** Compiler messages that mean a part of the toolchain is not installed. */
const NOT_INSTALLED =
  /not found|No such file|cannot open|unable to find|doesn't exist|No available targets/i;

/** Why C kernels cannot be built on this machine, or null when they can. */
async function missingToolchain(): Promise<string | null> {
  try {
    await kernel(cKernel("toolchain"));
    return null;
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    const line = error.message.split("\n").find((l) => NOT_INSTALLED.test(l));
    if (line === undefined) throw error;
    return line.trim();
  }
}

const missing = await missingToolchain();
if (missing !== null) console.log(`c-kernels: skipped, C kernels cannot be built here: ${missing}`);
const cTest = missing === null ? test : test.skip;

/** `rank R: Call: reason` → [R, Call, reason]. */
function failure(line: string): [string, string, string] {
  const m = /^rank (\d+): (\w+): (.*)$/.exec(line);
  assert.ok(m !== null, `not a failure line: ${line}`);
  return [m[1] as string, m[2] as string, m[3] as string];
}

const tutorial = [
  "mpi_hello",
  "mpi_send_recv",
  "mpi_array_point_to_point",
  "mpi_collectives",
  "mpi_array_collectives",
];

for (const name of tutorial) {
  for (const np of [1, 2, 4]) {
    cTest(
      `examples/c/${name}.c on ${np} rank${np > 1 ? "s" : ""} prints what examples/${name}.ts prints`,
      async () => {
        const c = await job(cExample(name), np);
        const as = await job(examplePath(name), np);
        assert.is(c.exitCode, as.exitCode, describeJob(c));
        assert.equal(sorted(c.lines), sorted(as.lines));
        assert.equal(c.stderr, as.stderr);
        // Where both fail (a send to rank 1 of 1), they fail alike: the same rank, the same call
        // (MPI_Send in C, send in AssemblyScript), the same reason.
        assert.is(c.failures.length, as.failures.length, describeJob(c));
        c.failures.forEach((line, i) => {
          const [rank, call, reason] = failure(line);
          const [asRank, asCall, asReason] = failure(as.failures[i] as string);
          assert.is(rank, asRank);
          assert.is(call.toLowerCase(), `mpi_${asCall.toLowerCase()}`, line);
          assert.is(reason, asReason);
        });
      },
    );
  }
}

/** "pi is approximately P, error is E" → [P, E]. */
const piLine = /^pi is approximately (\d\.\d{16}), error is (\d\.\d{16})$/;

for (const np of [1, 2, 4]) {
  cTest(`examples/c/pi.c on ${np} rank${np > 1 ? "s" : ""} finds π to 1e-11`, async () => {
    const out = await job(cExample("pi"), np);
    assert.is(out.exitCode, 0, describeJob(out));
    assert.is(out.lines.length, 2, out.lines.join("\n"));
    const m = piLine.exec(out.lines[0] as string);
    assert.ok(m !== null, out.lines[0]);
    const pi = Number(m[1]);
    assert.ok(Math.abs(pi - Math.PI) < 1e-11, `pi = ${pi}`);
    assert.ok(Math.abs(Number(m[2]) - Math.abs(pi - Math.PI)) < 1e-15, out.lines[0]);
    assert.match(out.lines[1] as string, new RegExp(`^1000000 intervals on ${np} ranks, `));
  });
}

cTest("examples/c/pi.c takes the number of intervals from its arguments", async () => {
  const n = 100;
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    const x = (i - 0.5) / n;
    sum += 4 / (1 + x * x);
  }
  const out = await job(cExample("pi"), 2, [String(n)]);
  assert.is(out.exitCode, 0, describeJob(out));
  const m = piLine.exec(out.lines[0] as string);
  assert.ok(m !== null, out.lines[0]);
  assert.ok(Math.abs(Number(m[1]) - sum / n) < 1e-13, `${m[1]} for ${sum / n}`);
  assert.match(out.lines[1] as string, /^100 intervals on 2 ranks, /);
});

cTest(
  "a C kernel imports only what a rank provides: env.memory, WASI preview1 and the ABI table's functions",
  async () => {
    const module = new WebAssembly.Module(
      (await kernel(cKernel("mpi_api"))) as Uint8Array<ArrayBuffer>,
    );
    const imports = WebAssembly.Module.imports(module);
    for (const entry of imports) {
      const where = `${entry.module}.${entry.name} (${entry.kind})`;
      if (entry.kind === "memory")
        assert.equal([entry.module, entry.name], ["env", "memory"], where);
      else if (entry.module === abi.MODULE) assert.ok(entry.name in abi.FUNCTIONS, where);
      else assert.is(entry.module, "wasi_snapshot_preview1", where);
    }
    assert.ok(imports.filter((i) => i.module === abi.MODULE).length > 20);
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    assert.ok(exports.includes("_start"), exports.join(", "));
  },
);

for (const np of [1, 2, 3, 4]) {
  cTest(`mpi.h's calls give MPI's results on ${np} rank${np > 1 ? "s" : ""}`, async () => {
    const out = await job(cKernel("mpi_api"), np);
    assert.is(out.exitCode, 0, describeJob(out));
    for (let rank = 0; rank < np; rank++) {
      const lines = out.stdout[rank] ?? [];
      assert.is(lines.length, 1, `rank ${rank}: ${lines.join("\n")}`);
      const m = new RegExp(`^rank ${rank}: (\\d+) checks passed$`).exec(lines[0] as string);
      assert.ok(m !== null && Number(m[1]) > 40, lines[0]);
    }
    assert.equal(out.stderr.flat(), []);
  });
}

cTest(
  "an MPI error in a C kernel ends the job with one line naming the call and the reason",
  async () => {
    const out = await cli(["run", "-n", "2", "test/kernels/c/failures.c", "--", "truncate"]);
    assert.is(out.code, 1, out.stderr);
    assert.ok(
      out.stderr
        .split("\n")
        .includes("wasmpi: rank 1: MPI_Recv: message truncated (got 400 bytes, buffer holds 40)"),
      out.stderr,
    );
    // What the failing rank printed before the call is not lost with it.
    const lines = out.stdout.split("\n");
    assert.ok(lines.includes("rank 1 before truncate"), out.stdout);
    assert.not.ok(lines.includes("rank 1 after truncate"), out.stdout);
  },
);

cTest("an error mpi.h finds itself is reported the same way", async () => {
  const out = await cli(["run", "-n", "1", "test/kernels/c/failures.c", "--", "get_count"]);
  assert.is(out.code, 1, out.stderr);
  assert.is(out.stderr, "wasmpi: rank 0: MPI_Get_count: invalid datatype 99\n");
  assert.is(out.stdout, "rank 0 before get_count\n");
});

cTest("MPI_Abort ends every rank; the job exits with the code given", async () => {
  const out = await cli(["run", "-n", "3", "test/kernels/c/failures.c", "--", "abort"]);
  assert.is(out.code, 7, out.stderr);
  assert.ok(
    out.stderr
      .split("\n")
      .includes("wasmpi: rank 0: Abort: called with error code 7 on COMM_WORLD"),
    out.stderr,
  );
  assert.not.match(out.stdout, /after/);
});

cTest("wasmpi run compiles C again when a header it includes changes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wasmpi-c-"));
  try {
    const program = join(dir, "value.c");
    writeFileSync(
      program,
      '#include <mpi.h>\n#include <stdio.h>\n#include "value.h"\nint main(void) { printf("%d\\n", VALUE); return 0; }\n',
    );
    for (const value of [1, 2]) {
      writeFileSync(join(dir, "value.h"), `#define VALUE ${value}\n`);
      const out = await cli(["run", program]);
      assert.is(out.code, 0, out.stderr);
      assert.is(out.stdout, `${value}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

cTest("C source that does not compile gives clang's message and exit code 1", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wasmpi-c-"));
  try {
    const program = join(dir, "broken.c");
    writeFileSync(program, "#include <mpi.h>\nint main(void) { return MPI_Nonexistent(); }\n");
    const out = await cli(["run", program]);
    assert.is(out.code, 1);
    assert.match(out.stderr, new RegExp(`^wasmpi: cannot compile ${program}:\\n`));
    assert.match(out.stderr, /MPI_Nonexistent/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
