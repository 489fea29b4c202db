/** include/wasmpi.h is what the ABI table renders: a change to the table needs `npm run docs`. */
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { abi } from "wasmpi";
import { cHeader } from "../host/c-header.js";
import { root } from "./helpers.js";

test("include/wasmpi.h is up to date with host/abi.ts (run `npm run docs` if not)", () => {
  const committed = readFileSync(`${root}include/wasmpi.h`, "utf8");
  const rendered = cHeader();
  if (committed === rendered) return;
  const a = committed.split("\n");
  const b = rendered.split("\n");
  let line = 0;
  while (line < a.length && a[line] === b[line]) line++;
  assert.unreachable(
    `include/wasmpi.h is stale from line ${line + 1}: has ${JSON.stringify(a[line])}, the ABI table gives ${JSON.stringify(b[line])}; run \`npm run docs\``,
  );
});

test("wasmpi.h declares every import of the ABI table once, with its import name", () => {
  const declared = [...cHeader().matchAll(/WASMPI_IMPORT\("(\w+)"\) \w+ wasmpi_(\w+)\(/g)];
  assert.equal(
    declared.map((m) => m[1]),
    declared.map((m) => m[2]),
  );
  assert.equal(declared.map((m) => m[1]).sort(), Object.keys(abi.FUNCTIONS).sort());
});

test("wasmpi.h gives every error, datatype and op code its value in the table", () => {
  const text = cHeader();
  const tables = { ...abi.ErrorCode, ...abi.Datatype, ...abi.Op };
  for (const [name, code] of Object.entries(tables)) {
    assert.ok(text.includes(`#define WASMPI_${name} ${code}\n`), `WASMPI_${name} is not ${code}`);
  }
});

test.run();
