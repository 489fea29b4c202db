/** The wasmpi command as a user types it. */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileKernel } from "wasmpi";
import { cli, examplePath, kernelPath, root } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "wasmpi-cli-"));
const lines = (text: string): string[] => text.replace(/\n$/, "").split("\n");
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as {
  version: string;
  bin: { wasmpi: string };
};

test("--help and --version", async () => {
  const help = await cli(["--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^Usage: wasmpi run \[options\]/);
  const version = await cli(["--version"]);
  assert.is(version.stdout, `wasmpi ${pkg.version}\n`);
  assert.is(version.code, 0);
});

test("the command runs as npx runs it: the package's bin is executable, with its #! line", async () => {
  const bin = join(root, pkg.bin.wasmpi);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(bin, ["--version"], { timeout: 20_000 }, (error, out) =>
      error ? reject(new Error(`${bin} --version: ${error.message}`)) : resolve(out),
    );
  });
  assert.is(stdout, `wasmpi ${pkg.version}\n`);
});

const usageErrors: [string[], RegExp][] = [
  [[], /^wasmpi: no command given/],
  [["launch", "x.wasm"], /^wasmpi: unknown command 'launch'/],
  [["run", "--bogus", "x.wasm"], /^wasmpi: unknown option '--bogus'$/],
  [["run", "-n", "0", "x.wasm"], /^wasmpi: -n takes a number of ranks from 1 to 1024, got '0'$/],
  [
    ["run", "-n", "two", "x.wasm"],
    /^wasmpi: -n takes a number of ranks from 1 to 1024, got 'two'$/,
  ],
  [["run", "-n"], /^wasmpi: -n needs a value$/],
  [["run", "--timeout", "-3", "x.wasm"], /^wasmpi: --timeout takes a positive number of seconds/],
  [["run", "-n", "2"], /^wasmpi: no kernel given/],
  [["run", "a.wasm", "b.wasm"], /^wasmpi: more than one kernel given/],
  [["run", "missing.wasm"], /^wasmpi: cannot read missing\.wasm: ENOENT$/],
  [["run", "missing.ts"], /^wasmpi: cannot read missing\.ts: ENOENT$/],
];

for (const [args, message] of usageErrors) {
  test(`wasmpi ${args.join(" ")} says why in one line`, async () => {
    const out = await cli(args);
    assert.is(out.code, 2);
    assert.is(lines(out.stderr).length, 1, out.stderr);
    assert.match(out.stderr.trimEnd(), message);
    assert.is(out.stdout, "");
  });
}

test("a file that is not a kernel is refused with a reason", async () => {
  const notWasm = join(scratch, "not.wasm");
  writeFileSync(notWasm, "hello");
  const out = await cli(["run", notWasm]);
  assert.is(out.code, 1);
  assert.match(out.stderr, /^wasmpi: not a WebAssembly module: missing the \\0asm header\n$/);
});

test("a kernel that does not compile shows the compiler's diagnostics", async () => {
  const broken = join(scratch, "broken.ts");
  writeFileSync(broken, 'import { MPI } from "wasmpi/assembly";\nconst x: i32 = "no";\n');
  const out = await cli(["run", broken]);
  assert.is(out.code, 1);
  assert.match(out.stderr, /^wasmpi: cannot compile .*broken\.ts:\n/);
  assert.match(out.stderr, /TS2322/);
});

test("a compiled .wasm kernel runs, with arguments after --", async () => {
  const wasm = join(scratch, "p2p.wasm");
  writeFileSync(wasm, await compileKernel(kernelPath("p2p")));
  const out = await cli(["run", "-np", "3", wasm, "--", "anysource"]);
  assert.is(out.code, 0, out.stderr);
  assert.equal(lines(out.stdout), ["ok anysource", "ok anysource", "ok anysource"]);
});

test("--tag-output prefixes every line with its rank", async () => {
  const out = await cli(["run", "--np=4", "--tag-output", examplePath("mpi_hello")]);
  assert.is(out.code, 0, out.stderr);
  const got = lines(out.stdout);
  assert.is(got.length, 4);
  for (const line of got) {
    const m = /^\[(\d)\] Hello from process (\d) out of 4$/.exec(line);
    assert.ok(m !== null && m[1] === m[2], line);
  }
});

test("the job's exit code is the failing rank's Abort code", async () => {
  const out = await cli(["run", "-n", "2", kernelPath("failures"), "--", "Abort"]);
  assert.is(out.code, 3);
  assert.is(out.stderr, "wasmpi: rank 1: Abort: called with error code 3 on COMM_WORLD\n");
});

test("--timeout stops a job, says where each rank is, exits 124", async () => {
  const out = await cli(["run", "-n", "2", "--timeout", "1", kernelPath("failures"), "--", "hang"]);
  assert.is(out.code, 124);
  assert.equal(lines(out.stderr), [
    "wasmpi: the job timed out after 1 s",
    "wasmpi: rank 0: running (not in a wasmpi call)",
    "wasmpi: rank 1: Recv: blocked (source=0, tag=0, comm=COMM_WORLD)",
  ]);
});

test("a deadlock stops the job with one line per rank, exit 1", async () => {
  const out = await cli(["run", "-n", "2", kernelPath("failures"), "--", "deadlock"]);
  assert.is(out.code, 1);
  assert.equal(lines(out.stderr), [
    "wasmpi: deadlock: every running rank is blocked in a call that no pending message or peer can complete",
    "wasmpi: rank 0: Recv: deadlock (source=1, tag=0, comm=COMM_WORLD)",
    "wasmpi: rank 1: Recv: deadlock (source=0, tag=0, comm=COMM_WORLD)",
  ]);
});

test.run();
