/** The AssemblyScript bindings and constants match the ABI table. */
import { readdirSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { abi } from "wasmpi";
import { root } from "./helpers.js";

interface Declaration {
  file: string;
  module: string;
  name: string;
  params: string[];
  result: string;
}

const AS_TYPES: Record<string, string> = { usize: "ptr", i32: "i32", f64: "f64", void: "void" };

/** Every `@external("module", "name") declare function f(a: T, ...): R` in a file. */
function declarations(file: string): Declaration[] {
  const text = readFileSync(`${root}${file}`, "utf8");
  const found: Declaration[] = [];
  const pattern =
    /@external\("([^"]+)",\s*"([^"]+)"\)\s*(?:export\s+)?declare\s+function\s+\w+\(([^)]*)\)\s*:\s*(\w+)/g;
  for (const m of text.matchAll(pattern)) {
    const params = (m[3] as string)
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "")
      .map((p) => (p.split(":")[1] ?? "").trim());
    found.push({
      file,
      module: m[1] as string,
      name: m[2] as string,
      params,
      result: m[4] as string,
    });
  }
  return found;
}

const files = [
  "assembly/bindings.ts",
  ...readdirSync(`${root}assembly/lib`).map((f) => `assembly/lib/${f}`),
];
const all = files.flatMap(declarations);

test("every @external declaration matches the ABI table", () => {
  assert.ok(all.length > 0);
  for (const d of all) {
    const where = `${d.file}: ${d.module}.${d.name}`;
    assert.is(d.module, abi.MODULE, where);
    const spec = abi.FUNCTIONS[d.name as keyof typeof abi.FUNCTIONS];
    assert.ok(spec !== undefined, `${where} is not in the ABI table`);
    assert.equal(
      d.params.map((t) => AS_TYPES[t] ?? `unknown type ${t}`),
      spec.params.map((p) => p.type),
      `${where} parameters`,
    );
    assert.is(AS_TYPES[d.result], spec.result, `${where} result`);
  }
});

test("assembly/bindings.ts declares every function of the ABI table once", () => {
  const names = declarations("assembly/bindings.ts").map((d) => d.name);
  assert.equal([...names].sort(), Object.keys(abi.FUNCTIONS).sort());
});

test("assembly/types.ts names every op, and its datatypes, with the ABI table's codes", () => {
  const source = readFileSync(`${root}assembly/types.ts`, "utf8");
  const ops = [...source.matchAll(/new Op\((\d+), "(\w+)"\)/g)].map((m) => [m[2], Number(m[1])]);
  assert.equal(Object.fromEntries(ops), abi.Op);
  const datatypes = [...source.matchAll(/new Datatype\((\d+), (\d+), "(\w+)"\)/g)];
  assert.ok(datatypes.length >= 11);
  for (const [, code, bytes, name] of datatypes) {
    assert.is(abi.Datatype[name as keyof typeof abi.Datatype], Number(code), name);
    assert.is(abi.DATATYPE_SIZES[Number(code)], Number(bytes), name);
  }
});

test("datatype sizes and codes are consistent", () => {
  for (const [name, code] of Object.entries(abi.Datatype)) {
    assert.ok(abi.DATATYPE_SIZES[code] !== undefined, name);
    assert.is(abi.DATATYPE_NAMES[code], name);
  }
});

test.run();
