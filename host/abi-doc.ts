/**
 * docs/ABI.md, rendered from the ABI table (abi.ts) and the few engine limits a kernel meets,
 * so that the document cannot drift from the imports. `npm run docs` writes it (run as a
 * script); a test fails when the committed file differs from what this renders.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  ANY_SOURCE,
  ANY_TAG,
  COMM_MEANINGS,
  Comm,
  DATATYPE_C_TYPES,
  DATATYPE_SIZES,
  Datatype,
  ERROR_MEANINGS,
  ErrorCode,
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  IN_PLACE,
  MEMORY_IMPORT,
  MODULE,
  OP_MEANINGS,
  Op,
  PROC_NULL,
  SPECIAL_VALUE_MEANINGS,
  START_EXPORT,
  STATUS_MEANINGS,
  Status,
  TAG_UB,
  UNDEFINED,
  WASI_MODULE,
} from "./abi.js";
import { cHeader } from "./c-header.js";
import { MAX_CONTEXTS } from "./engine/layout.js";
import { opApplies } from "./engine/reduce.js";
import { Requests } from "./engine/requests.js";

/** The document's sections of functions, in the order a reader meets them. */
export const FUNCTION_SECTIONS: readonly { title: string; names: readonly FunctionName[] }[] = [
  {
    title: "Communicators",
    names: ["comm_rank", "comm_size", "comm_split", "comm_dup", "comm_free"],
  },
  {
    title: "Point-to-point",
    names: ["send", "recv", "sendrecv", "probe", "iprobe"],
  },
  {
    title: "Nonblocking messages and requests",
    names: ["isend", "irecv", "wait", "test", "waitany", "testall", "request_free"],
  },
  {
    title: "Collectives",
    names: [
      "barrier",
      "bcast",
      "scatter",
      "gather",
      "allgather",
      "alltoall",
      "scatterv",
      "gatherv",
      "allgatherv",
      "alltoallv",
      "reduce",
      "allreduce",
      "scan",
      "exscan",
      "reduce_scatter_block",
    ],
  },
  { title: "Environment", names: ["wtime", "wtick", "get_processor_name"] },
  { title: "Ending the job", names: ["abort", "fatal", "panic"] },
];

const SPECIAL_VALUES: Readonly<Record<keyof typeof SPECIAL_VALUE_MEANINGS, number>> = {
  ANY_SOURCE,
  ANY_TAG,
  PROC_NULL,
  UNDEFINED,
  TAG_UB,
  IN_PLACE,
};

const code = (text: string | number): string => `\`${text}\``;
const hex = (n: number): string => (n > 0xffff ? `${n} (0x${n.toString(16)})` : String(n));

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** `(import "wasmpi" "send" (func (param i32 ...) (result i32)))`, the exact Wasm type. */
function watImport(name: string, spec: FunctionSpec): string {
  const params = spec.params.map((p) => (p.type === "ptr" ? "i32" : p.type));
  const param = params.length > 0 ? ` (param ${params.join(" ")})` : "";
  const result = spec.result === "void" ? "" : ` (result ${spec.result})`;
  return `(import "${MODULE}" "${name}" (func $${name}${param}${result}))`;
}

function renderFunction(name: string, spec: FunctionSpec): string {
  const signature = `${name}(${spec.params.map((p) => `${p.name}: ${p.type}`).join(", ")}) -> ${spec.result}`;
  const out = [
    `### ${code(name)}`,
    "",
    "```wat",
    watImport(name, spec),
    "```",
    "",
    `${code(signature)} · ${spec.blocks ? "**blocks**" : "does not block"}`,
    "",
    spec.doc,
  ];
  if (spec.params.length > 0) {
    out.push(
      "",
      table(
        ["parameter", "type", "meaning"],
        spec.params.map((p) => [code(p.name), p.type, p.doc]),
      ),
    );
  }
  out.push(
    "",
    spec.endsJob
      ? spec.result === "i32"
        ? "Does not return: the host unwinds the kernel. Returns an error code only for an invalid argument."
        : "Does not return: the host unwinds the kernel."
      : spec.result === "i32"
        ? "Returns SUCCESS (0) or an error code."
        : spec.result === "f64"
          ? "Returns the value; cannot fail."
          : "Returns nothing.",
  );
  return out.join("\n");
}

function renderCodes(): string {
  const errors = table(
    ["code", "name", "meaning"],
    Object.entries(ErrorCode).map(([name, value]) => [
      String(value),
      code(name),
      ERROR_MEANINGS[name as keyof typeof ErrorCode],
    ]),
  );
  const opNames = Object.keys(Op) as (keyof typeof Op)[];
  const datatypes = table(
    ["code", "name", "bytes", "C type", "ops"],
    Object.entries(Datatype).map(([name, value]) => [
      String(value),
      code(name),
      String(DATATYPE_SIZES[value]),
      DATATYPE_C_TYPES[name as keyof typeof Datatype],
      opNames.filter((op) => opApplies(Op[op], value)).join(" "),
    ]),
  );
  const ops = table(
    ["code", "name", "result for elements a, b"],
    opNames.map((name) => [String(Op[name]), code(name), OP_MEANINGS[name]]),
  );
  const specials = table(
    ["name", "value", "meaning"],
    (Object.keys(SPECIAL_VALUES) as (keyof typeof SPECIAL_VALUES)[]).map((name) => [
      code(name),
      hex(SPECIAL_VALUES[name]),
      SPECIAL_VALUE_MEANINGS[name],
    ]),
  );
  const comms = table(
    ["handle", "name", "meaning"],
    (Object.keys(Comm) as (keyof typeof Comm)[]).map((name) => [
      String(Comm[name]),
      code(`COMM_${name}`),
      COMM_MEANINGS[name],
    ]),
  );
  const status = table(
    ["offset", "field", "meaning"],
    (Object.keys(STATUS_MEANINGS) as (keyof typeof STATUS_MEANINGS)[]).map((name) => [
      String(Status[name]),
      code(name),
      STATUS_MEANINGS[name],
    ]),
  );
  return [
    "## Error codes",
    "",
    "Every function that returns i32 returns one of these. MPI's numbering is kept where MPI has the error.",
    "",
    errors,
    "",
    "## Datatypes",
    "",
    "A datatype code says how many bytes one element takes and which reduction ops apply to it (as in MPI: arithmetic ops on numbers, logical and bitwise ops on integers, bitwise ops on bytes). Counts are in elements: a buffer of `count` elements of a datatype of `bytes` bytes spans `count × bytes` bytes. Elements are little-endian.",
    "",
    datatypes,
    "",
    "## Reduction ops",
    "",
    "Reductions combine the operands of the ranks in rank order, so that every rank gets the same bits, in floating point too. Integer arithmetic wraps.",
    "",
    ops,
    "",
    "## Special values",
    "",
    specials,
    "",
    "## Communicator handles",
    "",
    comms,
    "",
    `## The status record`,
    "",
    `Calls with a ${code("status_out")} parameter write ${Status.SIZE} bytes there, or nothing when it is 0.`,
    "",
    status,
  ].join("\n");
}

function renderConventions(): string {
  const requests = new Requests().limit - 1;
  return `## Start-up contract

A kernel is a WebAssembly module that is a WASI command:

- It imports its linear memory as ${code(`${MEMORY_IMPORT.module}.${MEMORY_IMPORT.name}`)}, **shared** and with a **maximum** (threads proposal). The host creates one such memory per rank before any rank starts, with the kernel's initial size and its maximum (or a lower cap), and every rank's host side can reach every rank's memory: that is how messages move with one copy.
- It exports ${code(START_EXPORT)}, which runs the rank's program once. The rank's exit code is the one given to ${code("proc_exit")}, or 0 when ${code(START_EXPORT)} returns.
- It may import any of the functions below from ${code(MODULE)}, and ${code(WASI_MODULE)} (WASI preview 1) for standard output and error (${code("fd_write")} on descriptors 1 and 2), arguments, environment, clocks, random bytes and ${code("proc_exit")}. \`wasmpi run\` provides nothing else; a host that embeds ranks may add imports of its own (see README.md, "Embedding").
- Every rank runs the same module in its own thread (a worker), one instance per rank, and only that thread ever runs code in that rank's memory. The rank's number and the job's size come from ${code("comm_rank")} and ${code("comm_size")} on ${code("COMM_WORLD")}.
- Standard output and error are collected per rank and delivered a whole line at a time; lines of different ranks never splice into each other. Arguments are the job's (argv[0] is ${code('"kernel"')}); the environment is the job's, nothing is inherited.

Building such a module:

- AssemblyScript: the package's \`asconfig.json\` (\`--importMemory --sharedMemory --maximumMemory N --enable threads\`, the WASI shim, \`--exportStart _start\`).
- C with clang and wasi-libc: \`clang --target=wasm32-wasi -matomics -mbulk-memory -Wl,--import-memory,--shared-memory,--max-memory=N\` (add \`-Wl,--no-check-features\` when the wasi-libc was built without atomics; that is safe because only one thread runs in a rank's memory), and declare each import with \`__attribute__((import_module("${MODULE}"), import_name("send")))\`, as the package's \`include/wasmpi.h\` does for every function (with \`include/mpi.h\`, MPI's C calls over them). Such a module does not export its memory: a host whose WASI looks for the memory among the exports must put it there.

## Calling conventions

**Values.** Every parameter is an i32 or an f64. A \`ptr\` is an i32 byte address in the calling rank's own memory, read as unsigned; an argument never names another rank's memory. Integers in memory (out-parameters, count and displacement arrays, request arrays, the status record) are i32, little-endian, with no alignment required.

**Who owns which memory.** The kernel owns all of its memory: it allocates every buffer, out-parameter, array and status record it passes, and the host never allocates in it. The host writes only into the ranges a call names as outputs (receive buffers, \`*_out\` parameters, \`status_out\`) and only while that call runs, with one exception: the buffer of a pending \`isend\` may be read, and the buffer of a pending \`irecv\` written, by other ranks' threads at any moment until the request completes, so the kernel must keep both allocated, in place and untouched until then. During a blocking call a peer's thread may likewise copy straight out of the send buffer or into the receive buffer. The memory may grow between calls (\`memory.grow\`); addresses stay valid.

**Checks.** Every call checks its own arguments before it touches memory: ranks against the communicator, tags against 0..TAG_UB, counts, datatype and op codes, handles, and that every range [ptr, ptr + length) lies inside the calling rank's memory. What can only be checked against other ranks (counts that must agree in a collective, a message longer than the receive buffer) is found later; a call that returns an error code may then have written part of its outputs, which never matters since errors are fatal.

**Blocking.** A call marked **blocks** may wait for other ranks (a matching message, a receiver, every rank of a collective). It returns once it has completed; with ERR_PROC_FAILED when a rank it waits for has ended and can never complete it; or not at all when the job is ending (another rank failed, the job timed out): the host then unwinds the kernel from inside the call. A call that does not block never waits for another rank. Collectives must be called by every rank of the communicator in the same order; messages between one pair of ranks on one communicator never overtake each other.

**Errors are fatal.** After a call returns an error code, the kernel must call ${code("fatal")} with the call's name as the kernel's own API spells it and the code; ${code("fatal")} never returns. The host reports \`wasmpi: rank R: <call>: <reason>\`, with the reason it recorded when it returned the code, and ends the job. A kernel that goes on instead may leave its peers waiting for it. ${code("panic")} ends the job with a message of the kernel's own (abort(), a type mismatch), and ${code("abort")} ends it with an exit code.

**Handles.** Communicator handles are i32 (see below); request handles are positive i32, unique while pending, freed by the call that completes them and reused afterwards. At most ${requests.toLocaleString("en")} requests can be pending in a rank at once, and at most ${MAX_CONTEXTS - 2} communicators besides COMM_WORLD and COMM_SELF can exist at once.

**What a host implementing this ABI must do.** Provide every function of the table under module ${code(MODULE)} with exactly these Wasm types; check arguments as above and return the codes below; keep the reason of the last error for ${code("fatal")}; make every blocking call return or unwind when the job ends, so that no rank is left waiting; and when a rank fails (an error reported through ${code("fatal")}, ${code("panic")}, ${code("abort")}, a trap, a non-zero exit code) end every rank of the job and exit with the failing rank's code.`;
}

/** The whole of docs/ABI.md. */
export function renderAbiDocument(): string {
  const sections = FUNCTION_SECTIONS.map(({ title, names }) =>
    [`## ${title}`, "", ...names.map((name) => `${renderFunction(name, FUNCTIONS[name])}\n`)].join(
      "\n",
    ),
  );
  const index = FUNCTION_SECTIONS.map(
    ({ title, names }) => `- ${title}: ${names.map((n) => `[${code(n)}](#${n})`).join(", ")}`,
  );
  return `${[
    "# The wasmpi import ABI",
    "",
    "<!-- Generated from host/abi.ts by `npm run docs`; edit the table, not this file. -->",
    "",
    `This is everything a WebAssembly module needs to run as an MPI rank under wasmpi, and everything a host needs to run such modules: the imports of module ${code(MODULE)}, their codes, and the contract around them. The AssemblyScript library (\`wasmpi/assembly\`) is one client of it; C kernels and other hosts can be others.`,
    "",
    `Functions (${Object.keys(FUNCTIONS).length}):`,
    "",
    ...index,
    "",
    renderConventions(),
    "",
    renderCodes(),
    "",
    ...sections,
  ]
    .join("\n")
    .trimEnd()}\n`;
}

/** Where the documents rendered from the ABI table live in the repository. */
export const ABI_DOCUMENT = fileURLToPath(new URL("../../docs/ABI.md", import.meta.url));
export const C_HEADER = fileURLToPath(new URL("../../include/wasmpi.h", import.meta.url));

// `node dist/host/abi-doc.js` (npm run docs) writes docs/ABI.md and include/wasmpi.h from the
// table; with --check it only says which of them is stale.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rendered: ReadonlyArray<readonly [string, string]> = [
    [ABI_DOCUMENT, renderAbiDocument()],
    [C_HEADER, cHeader()],
  ];
  for (const [path, text] of rendered) {
    if (process.argv.includes("--check")) {
      let committed = "";
      try {
        committed = readFileSync(path, "utf8");
      } catch {}
      if (committed !== text) {
        process.stderr.write(`${path} is stale: run npm run docs\n`);
        process.exitCode = 1;
      }
    } else {
      writeFileSync(path, text);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
}
