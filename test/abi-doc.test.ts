/** docs/ABI.md is generated from the ABI table and must be regenerated when the table changes. */
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { abi } from "wasmpi";
import { ABI_DOCUMENT, FUNCTION_SECTIONS, renderAbiDocument } from "../host/abi-doc.js";

test("docs/ABI.md is what the ABI table renders (run `npm run docs` after changing host/abi.ts)", () => {
  const committed = readFileSync(ABI_DOCUMENT, "utf8");
  const rendered = renderAbiDocument();
  if (committed === rendered) return;
  const a = committed.split("\n");
  const b = rendered.split("\n");
  const at = a.findIndex((line, i) => line !== b[i]);
  assert.unreachable(
    `docs/ABI.md is stale from line ${at + 1}: committed ${JSON.stringify(a[at])}, the table gives ${JSON.stringify(b[at])}; run npm run docs`,
  );
});

test("every function of the table is in exactly one section of the document", () => {
  const placed = FUNCTION_SECTIONS.flatMap((s) => s.names);
  for (const name of Object.keys(abi.FUNCTIONS)) {
    const times = placed.filter((n) => n === name).length;
    assert.is(
      times,
      1,
      `${name} appears in ${times} sections of FUNCTION_SECTIONS (host/abi-doc.ts)`,
    );
  }
  assert.is(placed.length, Object.keys(abi.FUNCTIONS).length);
});

test("the document names every function with its Wasm type, every code and the start-up imports", () => {
  const doc = renderAbiDocument();
  for (const [name, spec] of Object.entries(abi.FUNCTIONS)) {
    const params = spec.params.map((p) => (p.type === "ptr" ? "i32" : p.type)).join(" ");
    assert.ok(doc.includes(`(import "wasmpi" "${name}" (func $${name}`), name);
    if (params !== "") assert.ok(doc.includes(`$${name} (param ${params})`), `${name} params`);
    for (const p of spec.params)
      assert.ok(doc.includes(`| \`${p.name}\` | ${p.type} |`), `${name}.${p.name}`);
  }
  for (const [name, code] of Object.entries(abi.ErrorCode)) {
    assert.ok(doc.includes(`| ${code} | \`${name}\` |`), name);
  }
  for (const [name, code] of Object.entries(abi.Datatype)) {
    assert.ok(doc.includes(`| ${code} | \`${name}\` | ${abi.DATATYPE_SIZES[code]} |`), name);
  }
  for (const [name, code] of Object.entries(abi.Op))
    assert.ok(doc.includes(`| ${code} | \`${name}\` |`), name);
  assert.ok(doc.includes(`\`${abi.MEMORY_IMPORT.module}.${abi.MEMORY_IMPORT.name}\``));
  assert.ok(doc.includes(`\`${abi.START_EXPORT}\``));
  assert.ok(doc.includes(`\`${abi.WASI_MODULE}\``));
});

test.run();
