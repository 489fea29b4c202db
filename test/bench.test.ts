/** The benchmark suite runs end to end (tiny sizes); speed itself is never asserted here. */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { root } from "./helpers.js";

const DEADLINE_MS = 120_000;

function suite(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}dist/bench/suite.js`, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
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
      reject(new Error(`the suite did not end within ${DEADLINE_MS} ms:\n${stdout}\n${stderr}`));
    }, DEADLINE_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Sample {
  impl: string;
  test: string;
  bytes?: number;
  value: number;
}

test("npm run bench -- --quick --smoke runs every benchmark and reports its goals", async () => {
  const started = Date.now();
  const out = await suite(["--quick", "--smoke"]);
  assert.is(out.code, 0, `${out.stdout}\n${out.stderr}`);
  assert.match(out.stdout, /== bench 1\/\d+: point-to-point/);
  assert.match(out.stdout, /== bench 2\/\d+: collectives/);
  assert.match(out.stdout, /^goal latency 8 B <= 1\.0x Open MPI: /m);
  assert.match(out.stdout, /^goal 2 ranks: Allreduce 8 B <= 1\.5x Open MPI: /m);
  // Smoke runs write beside a full run's results, never over them, and hold wasmpi's figures.
  for (const name of ["p2p", "collectives"]) {
    const path = `${root}bench/results/raw/${name}.json`;
    assert.ok(statSync(path).mtimeMs >= started - 1000, `${path} was not rewritten`);
    const samples = (JSON.parse(readFileSync(path, "utf8")) as { samples: Sample[] }).samples;
    const mine = samples.filter((s) => s.impl === "wasmpi");
    assert.ok(mine.length > 0, `no wasmpi samples in ${path}`);
    for (const s of mine) assert.ok(Number.isFinite(s.value) && s.value > 0, JSON.stringify(s));
  }
  // The charts of the smoke run, drawn beside its results.
  const chart = `${root}bench/results/raw/p2p-latency.svg`;
  assert.ok(statSync(chart).mtimeMs >= started - 1000, `${chart} was not redrawn`);
  assert.match(readFileSync(chart, "utf8"), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
});

test("a bad option is one clear line and exit 2", async () => {
  const out = await suite(["--fast"]);
  assert.is(out.code, 2);
  assert.match(out.stderr, /^bench: unknown option --fast\n/);
});

test.run();
