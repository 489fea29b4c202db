/**
 * include/wasmpi.h rendered from the ABI table, so that C kernels declare exactly the imports
 * the host provides. `npm run docs` writes the file; a test fails when the committed copy
 * differs from what this renders.
 */
import {
  ANY_SOURCE,
  ANY_TAG,
  Comm,
  DATATYPE_SIZES,
  Datatype,
  ErrorCode,
  FUNCTIONS,
  type FunctionSpec,
  IN_PLACE,
  MODULE,
  Op,
  type Param,
  PROC_NULL,
  Status,
  TAG_UB,
  UNDEFINED,
} from "./abi.js";

const SCALAR_TYPES = { i32: "int32_t", f64: "double", void: "void" } as const;

/** Pointers to arrays of i32 the call only reads. */
const I32_ARRAYS_IN = new Set(["sendcounts", "recvcounts", "displs", "sdispls", "rdispls"]);

/**
 * The C type of a parameter. The table says only "ptr" for an address; what it points at is
 * told by the parameter's name, so C callers get warnings for a wrong pointer.
 */
function cType(fn: string, param: Param): string {
  if (param.type !== "ptr") return SCALAR_TYPES[param.type];
  const name = param.name;
  if (name === "status_out") return "wasmpi_status *";
  if (name.endsWith("_out") || name === "requests") return "int32_t *";
  if (I32_ARRAYS_IN.has(name)) return "const int32_t *";
  if (name === "call" || name === "message") return "const char *";
  // Send buffers are only read; `buf` of a send is a send buffer.
  if (name === "sendbuf" || (name === "buf" && fn.includes("send"))) return "const void *";
  return "void *";
}

/** A comment block of `lines`, each wrapped at 96 columns. */
function comment(lines: readonly string[], indent = ""): string {
  const out: string[] = [];
  for (const text of lines) {
    let line = "";
    for (const word of text.split(" ")) {
      if (line !== "" && indent.length + 3 + line.length + 1 + word.length > 96) {
        out.push(line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    out.push(line);
  }
  if (out.length === 1) return `${indent}/** ${out[0]} */`;
  return [`${indent}/**`, ...out.map((l) => `${indent} * ${l}`.trimEnd()), `${indent} */`].join(
    "\n",
  );
}

const define = (name: string, value: number | string): string =>
  `#define ${name} ${typeof value === "number" && value < 0 ? `(${value})` : value}`;

function defines(prefix: string, table: Readonly<Record<string, number>>): string[] {
  return Object.entries(table).map(([name, code]) => define(`${prefix}${name}`, code));
}

function declaration(name: string, spec: FunctionSpec): string {
  const params = spec.params.map((p) => {
    const type = cType(name, p);
    return `${type}${type.endsWith("*") ? "" : " "}${p.name}`;
  });
  const docs = [
    spec.doc + (spec.blocks ? " May wait for other ranks." : ""),
    ...spec.params.map((p) => `@param ${p.name} ${p.doc}`),
  ];
  const head = `WASMPI_IMPORT("${name}") ${SCALAR_TYPES[spec.result]} wasmpi_${name}(`;
  const oneLine = `${head}${params.length === 0 ? "void" : params.join(", ")});`;
  const text = oneLine.length <= 100 ? oneLine : `${head}\n    ${params.join(",\n    ")});`;
  return `${comment(docs)}\n${text}`;
}

function statusStruct(): string[] {
  const fields = Object.entries(Status)
    .filter(([name]) => name !== "SIZE")
    .sort(([, a], [, b]) => a - b);
  const lines = [
    "/** The status record a receive writes through `status_out`. */",
    "typedef struct wasmpi_status {",
    ...fields.map(([name]) => `  int32_t ${name.toLowerCase()};`),
    "} wasmpi_status;",
  ];
  for (const [name, offset] of fields) {
    lines.push(
      `__extension__ _Static_assert(__builtin_offsetof(wasmpi_status, ${name.toLowerCase()}) == ${offset}, "status layout");`,
    );
  }
  lines.push(
    `__extension__ _Static_assert(sizeof(wasmpi_status) == ${Status.SIZE}, "status layout");`,
  );
  return lines;
}

function datatypeSize(): string[] {
  return [
    "/** Element size in bytes of a datatype code, or 0 for an unknown code. */",
    "static inline int32_t wasmpi_datatype_size(int32_t datatype) {",
    "  switch (datatype) {",
    ...Object.entries(Datatype).map(
      ([name, code]) => `    case WASMPI_${name}: return ${DATATYPE_SIZES[code]};`,
    ),
    "    default: return 0;",
    "  }",
    "}",
  ];
}

/** The text of include/wasmpi.h. */
export function cHeader(): string {
  const sections = [
    [
      "/*",
      " * wasmpi.h: the wasmpi import ABI for C kernels.",
      " * Generated from host/abi.ts by `npm run docs`; edit the table there, not this file.",
      " * mpi.h maps MPI's C API onto these imports.",
      " */",
      "#ifndef WASMPI_H",
      "#define WASMPI_H",
      "",
      "#include <stdint.h>",
      "",
      "#ifdef __cplusplus",
      'extern "C" {',
      "#endif",
    ],
    [define("WASMPI_MODULE", `"${MODULE}"`)],
    [
      "/* Error codes returned by imports (MPI's numbering where MPI has the error). */",
      ...defines("WASMPI_", ErrorCode),
    ],
    ["/* Datatype codes. */", ...defines("WASMPI_", Datatype)],
    datatypeSize(),
    ["/* Reduction operation codes. */", ...defines("WASMPI_", Op)],
    [
      "/* Communicator handles that exist in every job; comm_split and comm_dup make 3 and up. */",
      ...defines("WASMPI_COMM_", Comm),
    ],
    [
      "/* Special ranks, tags and buffers. */",
      define("WASMPI_ANY_SOURCE", ANY_SOURCE),
      define("WASMPI_ANY_TAG", ANY_TAG),
      define("WASMPI_PROC_NULL", PROC_NULL),
      define("WASMPI_UNDEFINED", UNDEFINED),
      define("WASMPI_TAG_UB", `0x${TAG_UB.toString(16)}`),
      define("WASMPI_IN_PLACE", `((void *)(intptr_t)(${IN_PLACE}))`),
    ],
    statusStruct(),
    [`#define WASMPI_IMPORT(name) __attribute__((import_module("${MODULE}"), import_name(name)))`],
    ...Object.entries(FUNCTIONS).map(([name, spec]) => [declaration(name, spec)]),
    ["#ifdef __cplusplus", "}", "#endif", "", "#endif /* WASMPI_H */"],
  ];
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}
