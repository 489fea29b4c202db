/**
 * Hostile kernels. A fuzzing rank calls every wasmpi import with random and boundary
 * arguments (test/kernels/fuzz.ts says how, and how a call that could wait forever is
 * avoided), at least 100,000 calls from a fixed seed; every call must return an ABI code and
 * touch nothing but the ranges it names, and the other ranks' memories must keep their
 * canaries. The imports that end the job are called with boundary arguments in jobs of their
 * own. Calls the fuzzer once found mishandled are replayed by test/kernels/holes.ts.
 *
 * Another seed: WASMPI_FUZZ_SEED=<n> (and WASMPI_FUZZ_CALLS=<n>) node dist/test/run.js fuzz.
 * A failure names the seed and the call; `wasmpi run -n 3 test/kernels/fuzz.ts -- <seed>
 * <calls> 16384 <from>` prints every call from <from> on (16384: the CLI's eager limit at 3
 * ranks). The calls repeat exactly unless the peers' timing changes which large sends to them
 * have completed when tested.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { abi } from "wasmpi";
import { describeJob, type Job, job, kernelPath } from "./helpers.js";

const SEED = process.env.WASMPI_FUZZ_SEED ?? "20261124";
const CALLS = Number(process.env.WASMPI_FUZZ_CALLS ?? 100_000);
/** Small rings and eager limit: the fuzzer's messages fill rings and go by rendezvous. */
const RING_BYTES = 16 << 10;
const EAGER_LIMIT = 2048;
const RANKS = 3;

/** Imports the fuzzing loop never calls: each ends the job (tested below). */
const ENDING = ["fatal", "panic"];

interface ImportCount {
  calls: number;
  ok: number;
  errors: number;
}

function counts(lines: readonly string[]): Map<string, ImportCount> {
  const found = new Map<string, ImportCount>();
  for (const line of lines) {
    const m = /^fuzz import (\w+) calls (\d+) ok (\d+) errors (\d+) skipped \d+$/.exec(line);
    if (m)
      found.set(m[1] as string, { calls: +(m[2] ?? 0), ok: +(m[3] ?? 0), errors: +(m[4] ?? 0) });
  }
  return found;
}

test(`${CALLS} calls of every import with random and boundary arguments (seed ${SEED})`, async () => {
  console.log(
    `fuzz: seed ${SEED}, ${CALLS} calls on ${RANKS} ranks (WASMPI_FUZZ_SEED=<n> for another)`,
  );
  const j = await job(kernelPath("fuzz"), RANKS, [SEED, String(CALLS), String(EAGER_LIMIT)], {
    ringBytes: RING_BYTES,
    eagerLimit: EAGER_LIMIT,
    timeoutMs: 120_000,
  });
  assert.is(j.exitCode, 0, `seed ${SEED}: ${describeJob(j)}`);
  const fuzzer = j.stdout[0] ?? [];
  const done = fuzzer.find((line) => line.startsWith("fuzz ok"));
  assert.is(done, `fuzz ok seed ${SEED} calls ${CALLS}`, fuzzer.slice(-5).join("\n"));
  // Every import was called, and every one both succeeded and failed (but those that cannot).
  const found = counts(fuzzer);
  for (const name of Object.keys(abi.FUNCTIONS)) {
    if (ENDING.includes(name)) continue;
    const c = found.get(name);
    assert.ok(c !== undefined && c.calls > 0, `${name} was never called`);
    if (name !== "abort") assert.ok(c.ok > 0, `${name} never succeeded`);
    if (name !== "wtime" && name !== "wtick") assert.ok(c.errors > 0, `${name} never failed`);
  }
  for (let r = 1; r < RANKS; r++) {
    assert.match((j.stdout[r] ?? []).join("\n"), new RegExp(`^fuzz peer ${r} ok messages \\d+$`));
  }
  // Receives from peers that never send stay pending: rank 0 is warned, nobody else.
  for (const warning of j.warnings)
    assert.match(warning, /^rank 0: ended with \d+ requests? never/);
});

/** Ends the job from rank `caller` through `name` with `args`. */
function ending(caller: number, name: string, ...args: (string | number)[]): Promise<Job> {
  return job(kernelPath("ending_calls"), 2, [String(caller), name, ...args.map(String), "0"], {
    timeoutMs: 20_000,
  });
}

/** A small generator for the arguments below, seeded like the fuzzer. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const BAD_POINTERS = ["0xffffffff", "4294967280", "2147483648", "67108864"];
const BAD_LENGTHS = ["-1", "2147483647", "1048577"];

test("panic, fatal and abort end the job with one clear line, whatever their arguments", async () => {
  const random = generator(Number(SEED));
  const pick = <T>(list: readonly T[]): T => list[random() % list.length] as T;
  const cases: [args: (string | number)[], exitCode: number, line: RegExp][] = [
    [["panic", "text", "len"], 1, /^rank 1: Send$/],
    [
      ["panic", pick(BAD_POINTERS), "16"],
      1,
      /^rank 1: the kernel reported a failure with an unreadable message$/,
    ],
    [
      ["panic", "text", pick(BAD_LENGTHS)],
      1,
      /^rank 1: the kernel reported a failure with an unreadable message$/,
    ],
    [["fatal", "text", "len", 4], 1, /^rank 1: Send: error ERR_TAG$/],
    [
      ["fatal", pick(BAD_POINTERS), pick(BAD_LENGTHS), 100 + (random() % 90_000)],
      1,
      /^rank 1: call: error \d+$/,
    ],
  ];
  const code = random() % 1000;
  cases.push([
    ["abort", 1, code],
    code % 256 || 1,
    new RegExp(`^rank 1: Abort: called with error code ${code} on COMM_WORLD$`),
  ]);
  for (const [args, exitCode, line] of cases) {
    const j = await ending(1, ...(args as [string, ...(string | number)[]]));
    const what = `${args.join(" ")}: ${describeJob(j)}`;
    assert.not.ok(j.timedOut, what);
    assert.is(j.exitCode, exitCode, what);
    assert.is(j.failures.length, 1, what);
    assert.match(j.failures[0] as string, line, what);
    assert.equal(j.lines, [], what);
  }
  // abort with an invalid communicator is refused, and the rank goes on.
  const j = await ending(1, "abort", 77, 3);
  assert.equal(j.stdout[1], [`abort returned ${abi.ErrorCode.ERR_COMM}`, "abort returned"]);
});

const holes = kernelPath("holes");

const scenarios: [scenario: string, np: number, what: string][] = [
  ["testall-duplicate", 1, "Testall refuses a request named twice and changes nothing"],
  ["testall-truncated", 1, "Testall frees every request even when one receive was truncated"],
  ["test-any-source-self", 1, "Test of an ANY_SOURCE receive on one rank waits for its own send"],
  ["test-any-source-self", 2, "Test of an ANY_SOURCE receive on COMM_SELF is no error at 2 ranks"],
  ["truncated-rendezvous", 1, "a large send to itself completes when its receive truncates it"],
  ["truncated-rendezvous", 2, "a large Send completes when its receiver truncates it"],
  ["wrapping-displacement", 1, "a v-collective block 4 GiB past its buffer is refused"],
];

for (const [scenario, np, what] of scenarios) {
  test(what, async () => {
    const j = await job(holes, np, [scenario], { timeoutMs: 20_000 });
    assert.is(j.exitCode, 0, describeJob(j));
    assert.equal(
      j.lines,
      Array.from({ length: np }, () => `ok ${scenario}`),
      describeJob(j),
    );
  });
}

test.run();
