/** Ranks in a host of one's own: createJob, joinJob, importObject and run, and the example. */
import { spawn } from "node:child_process";
import { ConsoleStdout, File, OpenFile, WASI } from "@bjorn3/browser_wasi_shim";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createJob, joinJob, memoryImport } from "wasmpi";
import { kernel, root } from "./helpers.js";

const example = `${root}examples/embed/main.mjs`;
const exampleKernel = `${root}examples/embed/kernel.ts`;
const DEADLINE_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Node script from the repository root; killed at the deadline. */
function node(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node ${args.join(" ")} did not end within ${DEADLINE_MS} ms`));
    }, DEADLINE_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test("the example host runs 3 ranks with its own env imports and WASI", async () => {
  const out = await node([example, "3", "20000"]);
  assert.is(out.code, 0, out.stderr);
  const published = [...out.stdout.matchAll(/^rank (\d) published (\S+)$/gm)];
  assert.equal(published.map((m) => m[1]).sort(), ["0", "1", "2"], out.stdout);
  const values = published.map((m) => Number(m[2]));
  // Every rank holds the same Allreduce result, and the midpoint rule's error at 20000
  // intervals is below 1e-9.
  for (const v of values) assert.is(v, values[0], out.stdout);
  assert.ok(Math.abs((values[0] as number) - Math.PI) < 1e-8, `${values[0]} is not pi`);
  assert.match(out.stdout, /^\[0\] integral over 20000 intervals on 3 ranks: 3\.14159/m);
});

interface Host {
  lines: string[];
  published: number[];
}

/** One rank in this thread, with the browser WASI shim and the example's env functions. */
async function instantiateOneRank(integrand: (x: number) => number) {
  const bytes = await kernel(exampleKernel);
  const limits = memoryImport(bytes);
  if (limits === null || limits.maximum === undefined) throw new Error("the kernel has no memory");
  const job = createJob({ np: 1, memory: { initial: limits.initial, maximum: limits.maximum } });
  const rank = joinJob(job.rank(0));
  const host: Host = { lines: [], published: [] };
  const wasi = new WASI(
    ["kernel", "1000"],
    [],
    [
      new OpenFile(new File([])),
      ConsoleStdout.lineBuffered((line) => host.lines.push(line)),
      ConsoleStdout.lineBuffered((line) => host.lines.push(line)),
    ],
    { debug: false },
  );
  const env = { integrand, publish: (_rank: number, value: number) => host.published.push(value) };
  const imports = rank.importObject({ env, wasi_snapshot_preview1: wasi.wasiImport });
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  const instance = new WebAssembly.Instance(module, imports);
  const start = () =>
    wasi.start(instance as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
  return { job, rank, host, start };
}

test("a rank joined in this thread runs the kernel with merged imports", async () => {
  const { job, rank, host, start } = await instantiateOneRank((x) => 4 / (1 + x * x));
  assert.is(job.state(0), "starting");
  const outcome = rank.run(start);
  assert.equal(outcome.ending, { type: "exit", code: 0 });
  assert.equal(outcome.unfinishedRequests, []);
  assert.is(job.state(0), "finished");
  assert.is(job.aborted, false);
  assert.is(host.published.length, 1);
  assert.ok(Math.abs((host.published[0] as number) - Math.PI) < 1e-6, String(host.published));
  assert.is(host.lines.length, 1, host.lines.join("\n"));
  assert.match(host.lines[0] as string, /^integral over 1000 intervals on 1 ranks: 3\.14159/);
});

test("a host import that throws fails the rank and ends the job", async () => {
  const { job, rank, start } = await instantiateOneRank(() => {
    throw new Error("the integrand is out of order");
  });
  const outcome = rank.run(start);
  assert.equal(outcome.ending, {
    type: "failed",
    message: "the integrand is out of order",
    exitCode: 1,
  });
  assert.is(job.state(0), "failed");
  assert.is(job.aborted, true);
  assert.throws(() => rank.run(start), /rank 0 has already run/);
});

test("importObject keeps the caller's env and refuses to overwrite wasmpi's parts", () => {
  const job = createJob({ np: 2, memory: { initial: 1, maximum: 2 } });
  const rank = joinJob(job.rank(1));
  const mine = () => 0;
  const merged = rank.importObject({ env: { mine }, other: { x: mine } });
  assert.is((merged.env as Record<string, unknown>).mine, mine);
  assert.is((merged.env as Record<string, unknown>).memory, job.memories[1]);
  assert.is((merged.wasmpi as Record<string, unknown>).send, rank.imports.send);
  assert.is((merged.other as Record<string, unknown>).x, mine);
  assert.throws(() => rank.importObject({ wasmpi: {} }), /already have a module "wasmpi"/);
  assert.throws(
    () => rank.importObject({ env: { memory: new WebAssembly.Memory({ initial: 1 }) } }),
    /already have env\.memory/,
  );
});

test("createJob says which option is wrong", () => {
  assert.throws(
    () => createJob({ np: 0, memory: { initial: 1, maximum: 1 } }),
    /from 1 to 1024, got 0/,
  );
  assert.throws(
    () => createJob({ np: 2, memory: { initial: 4, maximum: 2 } }),
    /initial 4, maximum 2/,
  );
  const job = createJob({ np: 2, memory: { initial: 1, maximum: 1 } });
  assert.throws(() => job.rank(2), /rank 2 is not in this job of 2 ranks/);
  assert.is(job.memories.length, 2);
  assert.is(job.rank(1).rank, 1);
});

test.run();
