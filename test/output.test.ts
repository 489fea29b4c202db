/**
 * Output under pressure (test/kernels/output.ts): a line of megabytes, binary bytes (NUL,
 * invalid UTF-8), 100,000 lines, several ranks printing at once, a last line without its
 * newline at exit or when the job fails. Every line must arrive whole, in order per rank, and
 * nothing may be lost, through run()'s onOutput and through the command's stdout and stderr.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { FromRank } from "../host/protocol.js";
import { LineSink } from "../host/rank-main.js";
import { cliPath, describeJob, job, kernelPath, root } from "./helpers.js";

const output = kernelPath("output");
const DEADLINE_MS = 60_000;

interface RawRun {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** The command, with its output as bytes (helpers.cli decodes it as UTF-8). */
function cliBytes(
  args: string[],
  started: (child: ChildProcessByStdio<null, Readable, Readable>) => void = () => {},
): Promise<RawRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    started(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`wasmpi ${args.join(" ")} did not end within ${DEADLINE_MS} ms`));
    }, DEADLINE_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

const run = (np: number, scenario: string, n: number, tag = true): Promise<RawRun> =>
  cliBytes([
    "run",
    "-n",
    String(np),
    ...(tag ? ["--tag-output"] : []),
    output,
    "--",
    scenario,
    String(n),
  ]);

/** Splits bytes into lines (each must end with a newline: nothing is cut short at exit). */
function lines(bytes: Buffer): Buffer[] {
  assert.ok(
    bytes.length === 0 || bytes[bytes.length - 1] === 10,
    "the output does not end with a newline",
  );
  const found: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = bytes.indexOf(10, at);
    found.push(bytes.subarray(at, end));
    at = end + 1;
  }
  return found;
}

/** Lines of --tag-output by rank, without their "[R] " prefix. */
function byRank(bytes: Buffer, np: number): Buffer[][] {
  const ranks: Buffer[][] = Array.from({ length: np }, () => []);
  for (const line of lines(bytes)) {
    const m = /^\[(\d+)\] /.exec(line.subarray(0, 12).toString("latin1"));
    assert.ok(m, `a line without its rank: ${line.subarray(0, 40).toString("latin1")}`);
    ranks[Number(m[1])]?.push(line.subarray(m[0].length));
  }
  return ranks;
}

const longLine = (rank: number, mib: number): Buffer => {
  const b = Buffer.alloc(mib << 20);
  for (let i = 0; i < b.length; i++) b[i] = 97 + ((i * 7 + rank) % 26);
  return b;
};

test("a line of 8 MiB from each of two ranks at once arrives whole, then the next line", async () => {
  const expected = [longLine(0, 8), longLine(1, 8)];
  const j = await job(output, 2, ["long", "8"]);
  assert.is(j.exitCode, 0, describeJob(j));
  for (let r = 0; r < 2; r++) {
    const got = j.stdout[r] ?? [];
    assert.is(got.length, 2, `rank ${r}: ${got.length} lines`);
    assert.ok(
      got[0] === expected[r]?.toString("latin1"),
      `rank ${r}: the long line differs (onOutput)`,
    );
    assert.is(got[1], `after long ${r}`);
  }
  const cli = await run(2, "long", 8);
  assert.is(cli.code, 0, cli.stderr.toString());
  const ranks = byRank(cli.stdout, 2);
  for (let r = 0; r < 2; r++) {
    assert.is(ranks[r]?.length, 2, `rank ${r} (stdout)`);
    assert.ok(
      ranks[r]?.[0]?.equals(expected[r] as Buffer),
      `rank ${r}: the long line differs (stdout)`,
    );
  }
});

/** Binary line k of rank r, as output.ts writes it. */
function binaryLine(r: number, k: number): Buffer {
  const length = 1 + ((k * 37) % 600);
  const b = Buffer.alloc(length);
  for (let j = 0; j < length; j++) {
    const v = (k * 31 + j * 7 + r * 101) & 0xff;
    b[j] = v === 10 ? 0 : v;
  }
  return b;
}

test("binary lines (NUL, every byte but the newline, invalid UTF-8) arrive byte for byte", async () => {
  const n = 500;
  const utf8 = new TextDecoder();
  const j = await job(output, 2, ["binary", String(n)]);
  assert.is(j.exitCode, 0, describeJob(j));
  const cli = await run(2, "binary", n);
  assert.is(cli.code, 0, cli.stderr.toString());
  const ranks = byRank(cli.stdout, 2);
  for (let r = 0; r < 2; r++) {
    assert.is(j.stdout[r]?.length, n, `rank ${r} (onOutput)`);
    assert.is(ranks[r]?.length, n, `rank ${r} (stdout)`);
    for (let k = 0; k < n; k++) {
      const expected = binaryLine(r, k);
      // onOutput gives text: invalid sequences become U+FFFD, as TextDecoder makes them.
      assert.is(j.stdout[r]?.[k], utf8.decode(expected), `rank ${r} line ${k} (onOutput)`);
      assert.ok(ranks[r]?.[k]?.equals(expected), `rank ${r} line ${k} (stdout) differs`);
    }
  }
});

/** Checks that each rank's lines are `rank R line 0..n-1`, whole and in order. */
function checkMany(perRank: readonly (readonly string[])[], n: number, how: string): void {
  perRank.forEach((got, r) => {
    assert.is(got.length, n, `rank ${r}: ${got.length} lines, expected ${n} (${how})`);
    for (let i = 0; i < n; i++) {
      if (got[i] !== `rank ${r} line ${i}`)
        assert.unreachable(`rank ${r} line ${i} is '${got[i]}' (${how})`);
    }
  });
}

test("a rank posts its lines as copies: no buffer of its thread is ever detached", () => {
  // The first detached ArrayBuffer would make V8 drop the rank's optimized messaging code.
  const posted: { message: FromRank; transfer: Transferable[] | undefined }[] = [];
  const sink = new LineSink(1, (message, transfer) => posted.push({ message, transfer }));
  const chunk = new TextEncoder().encode("one\ntwo\nthree");
  sink.write(chunk);
  sink.flush();
  assert.equal(
    posted.map((p) => p.transfer),
    [undefined, undefined],
  );
  const text = posted.map((p) =>
    p.message.type === "output" ? new TextDecoder().decode(p.message.bytes) : "",
  );
  assert.equal(text, ["one\ntwo\n", "three\n"]);
});

test("a reader that goes away (wasmpi run ... | head) ends the job quietly, exit 141 as on SIGPIPE", async () => {
  const args = ["run", "-n", "2", output, "--", "many", "1000000"];
  // Read the first chunk, then close the pipe as `head` does.
  const r = await cliBytes(args, (child) =>
    child.stdout.once("data", () => child.stdout.destroy()),
  );
  assert.is(r.stderr.toString(), "");
  assert.is(r.code, 141);
});

test("100,000 lines from each of two ranks, no line lost, spliced or out of order", async () => {
  const n = 100_000;
  const j = await job(output, 2, ["many", String(n)]);
  assert.is(j.exitCode, 0, describeJob(j));
  checkMany(j.stdout, n, "onOutput");
  // Without --tag-output: lines of both ranks interleave, but each arrives whole.
  const cli = await run(2, "many", n, false);
  assert.is(cli.code, 0, cli.stderr.toString());
  const perRank: string[][] = [[], []];
  for (const line of lines(cli.stdout)) {
    const text = line.toString("latin1");
    const m = /^rank (\d) line \d+$/.exec(text);
    if (m === null) assert.unreachable(`a spliced line: '${text.slice(0, 80)}'`);
    else perRank[Number(m[1])]?.push(text);
  }
  checkMany(perRank, n, "stdout");
});

/** Checks `R:I:` lines of one stream: whole, in order, none missing. */
function checkTogether(
  got: readonly string[],
  r: number,
  n: number,
  stderr: boolean,
  how: string,
): void {
  const wanted: string[] = [];
  for (let i = 0; i < n; i++)
    if ((i % 10 === 9) === stderr) wanted.push(`${r}:${i}:${".".repeat(i % 200)}`);
  assert.is(got.length, wanted.length, `rank ${r} ${stderr ? "stderr" : "stdout"} (${how})`);
  for (let i = 0; i < wanted.length; i++) {
    if (got[i] !== wanted[i])
      assert.unreachable(`rank ${r}: '${got[i]}' where '${wanted[i]}' was due (${how})`);
  }
}

test("three ranks printing at once to stdout and stderr: every line whole, in order per rank and stream", async () => {
  const n = 20_000;
  const j = await job(output, 3, ["together", String(n)]);
  assert.is(j.exitCode, 0, describeJob(j));
  const cli = await run(3, "together", n);
  assert.is(cli.code, 0, cli.stderr.toString().slice(0, 200));
  const out = byRank(cli.stdout, 3);
  const err = byRank(cli.stderr, 3);
  for (let r = 0; r < 3; r++) {
    checkTogether(j.stdout[r] ?? [], r, n, false, "onOutput");
    checkTogether(j.stderr[r] ?? [], r, n, true, "onOutput");
    checkTogether(
      (out[r] ?? []).map((b) => b.toString("latin1")),
      r,
      n,
      false,
      "stdout",
    );
    checkTogether(
      (err[r] ?? []).map((b) => b.toString("latin1")),
      r,
      n,
      true,
      "stderr",
    );
  }
});

const ending = (r: number, n: number): string[] => [
  ...Array.from({ length: n }, (_, i) => `rank ${r} line ${i}`),
  `rank ${r} last line without a newline`,
];

for (const [scenario, np, code] of [
  ["exit", 2, 0],
  ["fail", 3, 1],
] as const) {
  test(`${scenario === "exit" ? "exit(0) at once" : "a failure that ends the job"}: a last line without its newline arrives as a line of its own`, async () => {
    const n = 1000;
    const j = await job(output, np, [scenario, String(n)]);
    assert.is(j.exitCode, code, describeJob(j));
    const cli = await run(np, scenario, n);
    assert.is(cli.code, code, cli.stderr.toString());
    const ranks = byRank(cli.stdout, np);
    for (let r = 0; r < np; r++) {
      assert.equal(j.stdout[r], ending(r, n), `rank ${r} (onOutput)`);
      assert.equal(
        ranks[r]?.map((b) => b.toString("latin1")),
        ending(r, n),
        `rank ${r} (stdout)`,
      );
    }
  });
}

test("a rank terminated while it prints: every line it printed arrives whole, none missing", async () => {
  const j = await job(output, 2, ["killed", "300"]);
  assert.is(j.exitCode, 1, describeJob(j));
  const cli = await run(2, "killed", 300);
  assert.is(cli.code, 1, cli.stderr.toString());
  const fromCli = (byRank(cli.stdout, 2)[0] ?? []).map((b) => b.toString("latin1"));
  for (const [got, how] of [
    [j.stdout[0] ?? [], "onOutput"],
    [fromCli, "stdout"],
  ] as const) {
    assert.ok(got.length > 0, `nothing arrived (${how})`);
    checkMany([got], got.length, how);
  }
});

test.run();
