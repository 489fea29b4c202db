/**
 * The wasmpi import ABI: the single source of truth for the imports a kernel may use,
 * their signatures, and the codes that cross the boundary. The host builds its import
 * object from `FUNCTIONS`, a test checks assembly/bindings.ts against it, and the ABI
 * document is generated from it.
 */

/** Module name of every wasmpi import. */
export const MODULE = "wasmpi";

/** Where a kernel imports its linear memory: shared, with a maximum, one per rank. */
export const MEMORY_IMPORT = { module: "env", name: "memory" } as const;

/** The WASI version a kernel's stdio, arguments, environment and exit go through. */
export const WASI_MODULE = "wasi_snapshot_preview1";

/** The export the host calls to run a rank's program (a WASI command's entry). */
export const START_EXPORT = "_start";

/** Wasm value types as a kernel declares them: `ptr` is an i32 address in the rank's memory. */
export type ParamType = "i32" | "ptr" | "f64";
export type ResultType = "i32" | "f64" | "void";

export interface Param {
  readonly name: string;
  readonly type: ParamType;
  readonly doc: string;
}

export interface FunctionSpec {
  readonly params: readonly Param[];
  readonly result: ResultType;
  /** Whether the call can wait for another rank. */
  readonly blocks: boolean;
  /** The call ends the job and never returns (but with an error code for invalid arguments). */
  readonly endsJob?: boolean;
  readonly doc: string;
}

/** Error codes returned by imports (MPI's numbering where MPI has the error). */
export const ErrorCode = {
  SUCCESS: 0,
  ERR_BUFFER: 1,
  ERR_COUNT: 2,
  ERR_TYPE: 3,
  ERR_TAG: 4,
  ERR_COMM: 5,
  ERR_RANK: 6,
  ERR_REQUEST: 7,
  ERR_ROOT: 8,
  ERR_OP: 10,
  ERR_ARG: 13,
  ERR_TRUNCATE: 15,
  ERR_OTHER: 16,
  ERR_INTERN: 17,
  /** A peer this call waits for has ended (finished or failed) and can never complete it. */
  ERR_PROC_FAILED: 75,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What each error code reports; every one ends the job (errors are fatal). */
export const ERROR_MEANINGS: Readonly<Record<keyof typeof ErrorCode, string>> = {
  SUCCESS: "The call did what it says.",
  ERR_BUFFER:
    "A pointer range lies outside the calling rank's memory, a root's buffer is missing, or IN_PLACE is passed where it is not allowed.",
  ERR_COUNT: "A count, length or displacement is negative, or larger than a rank's memory.",
  ERR_TYPE:
    "A datatype code is invalid, or the send and receive datatypes of one call differ in size.",
  ERR_TAG: "A tag lies outside 0..TAG_UB (ANY_TAG is allowed only where a receive matches).",
  ERR_COMM: "A communicator handle is invalid, COMM_NULL, freed, or cannot be freed.",
  ERR_RANK: "A destination or source rank lies outside the communicator.",
  ERR_REQUEST:
    "A request handle is invalid (completed, freed or never created), too many requests are pending, or a pending receive is freed.",
  ERR_ROOT: "A root rank lies outside the communicator.",
  ERR_OP: "An op code is invalid, or the op is not defined on the datatype.",
  ERR_ARG:
    "Counts disagree between ranks of a collective, a color is invalid, or another argument is wrong.",
  ERR_TRUNCATE: "A message is longer than the receive buffer.",
  ERR_OTHER: "A limit was reached: too many communicators, or too many large sends pending.",
  ERR_INTERN:
    "A peer broke the protocol (published a range outside its memory, or went on after a failed collective).",
  ERR_PROC_FAILED:
    "A peer the call waits for has ended, so the call can never complete (a receive from a rank that finished without sending, a collective a rank never called).",
};

export const ERROR_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [code, name]),
);

/**
 * Datatype codes; `size` is the element size in bytes. The last four are (value, index)
 * pairs, the elements of MAXLOC and MINLOC in C (MPI_FLOAT_INT, MPI_DOUBLE_INT, MPI_SHORT_INT,
 * MPI_2INT and MPI_LONG_INT); as opaque elements they go anywhere a datatype does.
 */
export const Datatype = {
  BYTE: 1,
  INT8_T: 2,
  UINT8_T: 3,
  INT16_T: 4,
  UINT16_T: 5,
  INT32_T: 6,
  UINT32_T: 7,
  INT64_T: 8,
  UINT64_T: 9,
  FLOAT: 10,
  DOUBLE: 11,
  FLOAT_INT: 12,
  DOUBLE_INT: 13,
  SHORT_INT: 14,
  INT_INT: 15,
} as const;
export type Datatype = (typeof Datatype)[keyof typeof Datatype];

export const DATATYPE_SIZES: Readonly<Record<number, number>> = {
  [Datatype.BYTE]: 1,
  [Datatype.INT8_T]: 1,
  [Datatype.UINT8_T]: 1,
  [Datatype.INT16_T]: 2,
  [Datatype.UINT16_T]: 2,
  [Datatype.INT32_T]: 4,
  [Datatype.UINT32_T]: 4,
  [Datatype.INT64_T]: 8,
  [Datatype.UINT64_T]: 8,
  [Datatype.FLOAT]: 4,
  [Datatype.DOUBLE]: 8,
  [Datatype.FLOAT_INT]: 8,
  [Datatype.DOUBLE_INT]: 16,
  [Datatype.SHORT_INT]: 8,
  [Datatype.INT_INT]: 8,
};

/** The C type of each datatype's elements (little-endian, two's complement, IEEE 754). */
export const DATATYPE_C_TYPES: Readonly<Record<keyof typeof Datatype, string>> = {
  BYTE: "unsigned char (raw bytes)",
  INT8_T: "int8_t",
  UINT8_T: "uint8_t",
  INT16_T: "int16_t",
  UINT16_T: "uint16_t",
  INT32_T: "int32_t",
  UINT32_T: "uint32_t",
  INT64_T: "int64_t",
  UINT64_T: "uint64_t",
  FLOAT: "float",
  DOUBLE: "double",
  FLOAT_INT: "struct { float value; int32_t index; }",
  DOUBLE_INT: "struct { double value; int32_t index; } (4 bytes of padding at the end)",
  SHORT_INT: "struct { int16_t value; int32_t index; } (2 bytes of padding after value)",
  INT_INT: "struct { int32_t value; int32_t index; }",
};

export const DATATYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Datatype).map(([name, code]) => [code, name]),
);

/** Reduction operation codes. */
export const Op = {
  SUM: 1,
  PROD: 2,
  MIN: 3,
  MAX: 4,
  LAND: 5,
  LOR: 6,
  LXOR: 7,
  BAND: 8,
  BOR: 9,
  BXOR: 10,
  MAXLOC: 11,
  MINLOC: 12,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** What each op computes, element by element. */
export const OP_MEANINGS: Readonly<Record<keyof typeof Op, string>> = {
  SUM: "a + b",
  PROD: "a × b",
  MIN: "the smaller (NaN if either is NaN; -0 below +0)",
  MAX: "the larger (NaN if either is NaN; +0 above -0)",
  LAND: "1 if both are non-zero, else 0",
  LOR: "1 if either is non-zero, else 0",
  LXOR: "1 if exactly one is non-zero, else 0",
  BAND: "bitwise and",
  BOR: "bitwise or",
  BXOR: "bitwise exclusive or",
  MAXLOC:
    "on (value, index) pairs: the pair with the larger value, of equal values the smaller index; the pairs are the *_INT datatypes, or two elements of any number datatype but BYTE (value, then index: the count is even)",
  MINLOC:
    "on (value, index) pairs: the pair with the smaller value, of equal values the smaller index; pairs as for MAXLOC; for both, a NaN value loses to any number",
};

export const OP_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Op).map(([name, code]) => [code, name]),
);

/** Sends nothing of its own: the data is already in place in the receive buffer (MPI_IN_PLACE). */
export const IN_PLACE = -1;

/**
 * Communicator handles that exist in every job. Handles of communicators made by `comm_split`
 * and `comm_dup` are 3 and up, reused once freed; a kernel that frees one sets its copy of the
 * handle to FREED, which every call rejects with "the communicator was freed".
 */
export const Comm = { NULL: 0, WORLD: 1, SELF: 2, FREED: -1 } as const;

/** Special rank and tag values. */
export const ANY_SOURCE = -1;
export const ANY_TAG = -1;
export const PROC_NULL = -2;
export const UNDEFINED = -32766;
/** Largest tag a message may carry (MPI_TAG_UB). */
export const TAG_UB = 0x3fffffff;

/** Layout of the status record a receive writes through `status_out` (16 bytes). */
export const Status = {
  SOURCE: 0,
  TAG: 4,
  ERROR: 8,
  COUNT_BYTES: 12,
  SIZE: 16,
} as const;

/** What the special values mean where a call takes them. */
export const SPECIAL_VALUE_MEANINGS = {
  ANY_SOURCE: "as a receive's source: match a message from any rank",
  ANY_TAG: "as a receive's tag: match a message with any tag",
  PROC_NULL:
    "as a destination or source: do nothing and succeed at once (a receive reports source PROC_NULL, tag ANY_TAG, 0 bytes)",
  UNDEFINED:
    "as `comm_split`'s color: join no group (COMM_NULL comes back); from `waitany`: no request was active",
  TAG_UB: "the largest tag a message may carry",
  IN_PLACE:
    "as a collective's send buffer (the address 0xffffffff): this rank's contribution is already in the receive buffer (MPI_IN_PLACE)",
} as const;

/** What each predefined communicator handle stands for. */
export const COMM_MEANINGS: Readonly<Record<keyof typeof Comm, string>> = {
  NULL: "no communicator (`comm_split` with color UNDEFINED); every call rejects it",
  WORLD: "every rank of the job, numbered 0..size-1",
  SELF: "the calling rank alone",
  FREED:
    "what a kernel may set a freed handle to; every call rejects it with a clear reason (handles 3 and up are those of `comm_split` and `comm_dup`, reused once freed)",
};

/** What each field of the status record holds (i32, little-endian). */
export const STATUS_MEANINGS: Readonly<Record<Exclude<keyof typeof Status, "SIZE">, string>> = {
  SOURCE: "rank of the sender in the receive's communicator (PROC_NULL for a PROC_NULL source)",
  TAG: "tag of the message",
  ERROR: "always SUCCESS (a failed call returns its error code instead)",
  COUNT_BYTES: "length of the message in bytes (divide by the datatype's size for a count)",
};

const comm: Param = { name: "comm", type: "i32", doc: "communicator handle" };
const root: Param = {
  name: "root",
  type: "i32",
  doc: "rank whose data is the source or destination",
};
const newcommOut: Param = {
  name: "newcomm_out",
  type: "ptr",
  doc: "where to write the new communicator's handle (i32)",
};
const statusOut: Param = {
  name: "status_out",
  type: "ptr",
  doc: "where to write the 16-byte status record, or 0 to ignore it",
};

export const FUNCTIONS = {
  comm_rank: {
    params: [comm, { name: "rank_out", type: "ptr", doc: "where to write the rank (i32)" }],
    result: "i32",
    blocks: false,
    doc: "Writes the calling rank's number in `comm`.",
  },
  comm_size: {
    params: [comm, { name: "size_out", type: "ptr", doc: "where to write the size (i32)" }],
    result: "i32",
    blocks: false,
    doc: "Writes the number of ranks in `comm`.",
  },
  comm_split: {
    params: [
      comm,
      { name: "color", type: "i32", doc: "the group to join (>= 0), or UNDEFINED to join none" },
      {
        name: "key",
        type: "i32",
        doc: "orders the ranks of the new communicator (ties by rank in `comm`)",
      },
      newcommOut,
    ],
    result: "i32",
    blocks: true,
    doc: "Collective over `comm`: the ranks that pass the same color form a new communicator, ranked by key, then by rank in `comm`; color UNDEFINED gives COMM_NULL. The new communicator has a context of its own: its messages and collectives never mix with another's. At most 62 communicators besides COMM_WORLD and COMM_SELF can exist at once in a rank.",
  },
  comm_dup: {
    params: [comm, newcommOut],
    result: "i32",
    blocks: true,
    doc: "Collective over `comm`: a new communicator with the same ranks in the same order and a context of its own.",
  },
  comm_free: {
    params: [
      { name: "comm", type: "i32", doc: "handle of a communicator made by comm_split or comm_dup" },
    ],
    result: "i32",
    blocks: true,
    doc: "Collective over `comm`: frees it; its handle and context are reused by later communicators. COMM_WORLD, COMM_SELF and COMM_NULL cannot be freed.",
  },
  send: {
    params: [
      { name: "buf", type: "ptr", doc: "first byte of the message" },
      { name: "count", type: "i32", doc: "number of elements" },
      { name: "datatype", type: "i32", doc: "datatype code of the elements" },
      { name: "dest", type: "i32", doc: "destination rank in `comm`, or PROC_NULL" },
      { name: "tag", type: "i32", doc: "message tag, 0..TAG_UB" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Sends a message; returns when `buf` may be reused (eager messages are buffered, large ones wait for the receiver to copy them).",
  },
  recv: {
    params: [
      { name: "buf", type: "ptr", doc: "where the message is written" },
      { name: "count", type: "i32", doc: "capacity of `buf` in elements" },
      { name: "datatype", type: "i32", doc: "datatype code of the elements" },
      { name: "source", type: "i32", doc: "source rank in `comm`, ANY_SOURCE or PROC_NULL" },
      { name: "tag", type: "i32", doc: "tag to match, or ANY_TAG" },
      comm,
      statusOut,
    ],
    result: "i32",
    blocks: true,
    doc: "Receives the first message matching (source, tag, comm); a longer message than `buf` holds is an error.",
  },
  sendrecv: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "first byte of the outgoing message" },
      { name: "sendcount", type: "i32", doc: "outgoing elements" },
      { name: "sendtype", type: "i32", doc: "outgoing datatype code" },
      { name: "dest", type: "i32", doc: "destination rank, or PROC_NULL" },
      { name: "sendtag", type: "i32", doc: "outgoing tag" },
      { name: "recvbuf", type: "ptr", doc: "where the incoming message is written" },
      { name: "recvcount", type: "i32", doc: "capacity of `recvbuf` in elements" },
      { name: "recvtype", type: "i32", doc: "incoming datatype code" },
      { name: "source", type: "i32", doc: "source rank, ANY_SOURCE or PROC_NULL" },
      { name: "recvtag", type: "i32", doc: "tag to match, or ANY_TAG" },
      comm,
      statusOut,
    ],
    result: "i32",
    blocks: true,
    doc: "Sends one message and receives another at the same time; cannot deadlock against a matching sendrecv.",
  },
  isend: {
    params: [
      {
        name: "buf",
        type: "ptr",
        doc: "first byte of the message; must stay unchanged until the request completes",
      },
      { name: "count", type: "i32", doc: "number of elements" },
      { name: "datatype", type: "i32", doc: "datatype code of the elements" },
      { name: "dest", type: "i32", doc: "destination rank in `comm`, or PROC_NULL" },
      { name: "tag", type: "i32", doc: "message tag, 0..TAG_UB" },
      comm,
      { name: "request_out", type: "ptr", doc: "where to write the request handle (i32)" },
    ],
    result: "i32",
    blocks: false,
    doc: "Starts a send and returns at once; `wait` or `test` completes it.",
  },
  irecv: {
    params: [
      {
        name: "buf",
        type: "ptr",
        doc: "where the message goes; must stay allocated and unused until the request completes",
      },
      { name: "count", type: "i32", doc: "capacity in elements" },
      { name: "datatype", type: "i32", doc: "datatype code of the elements" },
      { name: "source", type: "i32", doc: "source rank in `comm`, ANY_SOURCE or PROC_NULL" },
      { name: "tag", type: "i32", doc: "tag to match, or ANY_TAG" },
      comm,
      { name: "request_out", type: "ptr", doc: "where to write the request handle (i32)" },
    ],
    result: "i32",
    blocks: false,
    doc: "Starts a receive and returns at once; `wait`, `test`, `waitany` or `testall` completes it. Messages match pending receives in the order they were started. A sender may copy straight into `buf` while the kernel computes.",
  },
  wait: {
    params: [
      { name: "request", type: "i32", doc: "request handle; freed by completion" },
      statusOut,
    ],
    result: "i32",
    blocks: true,
    doc: "Waits until the request completes and frees it.",
  },
  test: {
    params: [
      { name: "request", type: "i32", doc: "request handle; freed if it has completed" },
      {
        name: "flag_out",
        type: "ptr",
        doc: "where to write 1 if the request completed, else 0 (i32)",
      },
      statusOut,
    ],
    result: "i32",
    blocks: false,
    doc: "Completes and frees the request if it can complete now.",
  },
  waitany: {
    params: [
      {
        name: "requests",
        type: "ptr",
        doc: "array of `count` request handles (i32); 0 marks an inactive entry",
      },
      { name: "count", type: "i32", doc: "number of entries" },
      {
        name: "index_out",
        type: "ptr",
        doc: "where to write the index of the completed request, or UNDEFINED if none is active (i32)",
      },
      statusOut,
    ],
    result: "i32",
    blocks: true,
    doc: "Waits until one of the requests completes, completes and frees it. Successive calls look first at the entries after the last one returned, so no request starves.",
  },
  testall: {
    params: [
      {
        name: "requests",
        type: "ptr",
        doc: "array of `count` request handles (i32); 0 marks an inactive entry",
      },
      { name: "count", type: "i32", doc: "number of entries" },
      {
        name: "flag_out",
        type: "ptr",
        doc: "where to write 1 if every request completed (all are then freed), else 0 (none is freed) (i32)",
      },
    ],
    result: "i32",
    blocks: false,
    doc: "Completes and frees every request if all can complete now; otherwise changes none. A handle named twice is an error (ERR_REQUEST) that changes nothing. If a completed receive failed (truncation), every request is still freed and the first failure's code is returned.",
  },
  request_free: {
    params: [{ name: "request", type: "i32", doc: "request handle" }],
    result: "i32",
    blocks: false,
    doc: "Frees a request without waiting: a send goes on and its resources come back when it completes; a pending receive cannot be freed (ERR_REQUEST).",
  },
  probe: {
    params: [
      { name: "source", type: "i32", doc: "source rank, ANY_SOURCE or PROC_NULL" },
      { name: "tag", type: "i32", doc: "tag to match, or ANY_TAG" },
      comm,
      statusOut,
    ],
    result: "i32",
    blocks: true,
    doc: "Waits until a matching message can be received and describes it without receiving it.",
  },
  iprobe: {
    params: [
      { name: "source", type: "i32", doc: "source rank, ANY_SOURCE or PROC_NULL" },
      { name: "tag", type: "i32", doc: "tag to match, or ANY_TAG" },
      comm,
      { name: "flag_out", type: "ptr", doc: "where to write 1 if a message matches, else 0 (i32)" },
      statusOut,
    ],
    result: "i32",
    blocks: false,
    doc: "Tells whether a matching message can be received now, and describes it.",
  },
  barrier: {
    params: [comm],
    result: "i32",
    blocks: true,
    doc: "Returns once every rank of `comm` has called it.",
  },
  bcast: {
    params: [
      { name: "buf", type: "ptr", doc: "the data at the root; where it is written elsewhere" },
      { name: "count", type: "i32", doc: "number of elements" },
      { name: "datatype", type: "i32", doc: "datatype code" },
      root,
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Copies the root's buffer into every rank's buffer.",
  },
  scatter: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "size × sendcount elements, read at the root only" },
      { name: "sendcount", type: "i32", doc: "elements for each rank (root only)" },
      { name: "sendtype", type: "i32", doc: "datatype code (root only)" },
      { name: "recvbuf", type: "ptr", doc: "this rank's block, or IN_PLACE at the root" },
      { name: "recvcount", type: "i32", doc: "elements of the block" },
      { name: "recvtype", type: "i32", doc: "datatype code" },
      root,
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Rank i receives the i-th block of the root's send buffer.",
  },
  gather: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "this rank's block, or IN_PLACE at the root" },
      { name: "sendcount", type: "i32", doc: "elements of the block" },
      { name: "sendtype", type: "i32", doc: "datatype code" },
      {
        name: "recvbuf",
        type: "ptr",
        doc: "size × recvcount elements at the root; ignored elsewhere",
      },
      { name: "recvcount", type: "i32", doc: "elements from each rank (root only)" },
      { name: "recvtype", type: "i32", doc: "datatype code (root only)" },
      root,
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "The root receives every rank's block, in rank order.",
  },
  allgather: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "this rank's block, or IN_PLACE" },
      { name: "sendcount", type: "i32", doc: "elements of the block" },
      { name: "sendtype", type: "i32", doc: "datatype code" },
      { name: "recvbuf", type: "ptr", doc: "size × recvcount elements" },
      { name: "recvcount", type: "i32", doc: "elements from each rank" },
      { name: "recvtype", type: "i32", doc: "datatype code" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Every rank receives every rank's block, in rank order.",
  },
  alltoall: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "size blocks, the j-th for rank j" },
      { name: "sendcount", type: "i32", doc: "elements of each block" },
      { name: "sendtype", type: "i32", doc: "datatype code" },
      { name: "recvbuf", type: "ptr", doc: "size blocks, the j-th from rank j" },
      { name: "recvcount", type: "i32", doc: "elements of each block" },
      { name: "recvtype", type: "i32", doc: "datatype code" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Rank j's i-th block goes to rank i's j-th block.",
  },
  scatterv: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "the blocks, read at the root only" },
      { name: "sendcounts", type: "ptr", doc: "size i32 element counts (root only)" },
      { name: "displs", type: "ptr", doc: "size i32 element offsets into sendbuf (root only)" },
      { name: "sendtype", type: "i32", doc: "datatype code (root only)" },
      { name: "recvbuf", type: "ptr", doc: "this rank's block, or IN_PLACE at the root" },
      { name: "recvcount", type: "i32", doc: "elements of the block" },
      { name: "recvtype", type: "i32", doc: "datatype code" },
      root,
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Scatter with a count and an offset per rank.",
  },
  gatherv: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "this rank's block, or IN_PLACE at the root" },
      { name: "sendcount", type: "i32", doc: "elements of the block" },
      { name: "sendtype", type: "i32", doc: "datatype code" },
      { name: "recvbuf", type: "ptr", doc: "where the blocks go at the root; ignored elsewhere" },
      { name: "recvcounts", type: "ptr", doc: "size i32 element counts (root only)" },
      { name: "displs", type: "ptr", doc: "size i32 element offsets into recvbuf (root only)" },
      { name: "recvtype", type: "i32", doc: "datatype code (root only)" },
      root,
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Gather with a count and an offset per rank.",
  },
  allgatherv: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "this rank's block, or IN_PLACE" },
      { name: "sendcount", type: "i32", doc: "elements of the block" },
      { name: "sendtype", type: "i32", doc: "datatype code" },
      { name: "recvbuf", type: "ptr", doc: "where the blocks go" },
      { name: "recvcounts", type: "ptr", doc: "size i32 element counts" },
      { name: "displs", type: "ptr", doc: "size i32 element offsets into recvbuf" },
      { name: "recvtype", type: "i32", doc: "datatype code" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Allgather with a count and an offset per rank.",
  },
  alltoallv: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "the outgoing blocks" },
      { name: "sendcounts", type: "ptr", doc: "size i32 element counts, the j-th for rank j" },
      { name: "sdispls", type: "ptr", doc: "size i32 element offsets into sendbuf" },
      { name: "sendtype", type: "i32", doc: "datatype code" },
      { name: "recvbuf", type: "ptr", doc: "the incoming blocks" },
      { name: "recvcounts", type: "ptr", doc: "size i32 element counts, the j-th from rank j" },
      { name: "rdispls", type: "ptr", doc: "size i32 element offsets into recvbuf" },
      { name: "recvtype", type: "i32", doc: "datatype code" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Alltoall with a count and an offset per block.",
  },
  reduce: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "this rank's operand, or IN_PLACE at the root" },
      { name: "recvbuf", type: "ptr", doc: "the result at the root; ignored elsewhere" },
      { name: "count", type: "i32", doc: "number of elements" },
      { name: "datatype", type: "i32", doc: "datatype code" },
      { name: "op", type: "i32", doc: "op code" },
      root,
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Combines every rank's operand element-wise with `op`; the root gets the result.",
  },
  allreduce: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "this rank's operand, or IN_PLACE" },
      { name: "recvbuf", type: "ptr", doc: "the result" },
      { name: "count", type: "i32", doc: "number of elements" },
      { name: "datatype", type: "i32", doc: "datatype code" },
      { name: "op", type: "i32", doc: "op code" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Combines every rank's operand element-wise with `op`; every rank gets the result.",
  },
  scan: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "this rank's operand, or IN_PLACE" },
      { name: "recvbuf", type: "ptr", doc: "the combination of ranks 0..this one" },
      { name: "count", type: "i32", doc: "number of elements" },
      { name: "datatype", type: "i32", doc: "datatype code" },
      { name: "op", type: "i32", doc: "op code" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Inclusive prefix reduction.",
  },
  exscan: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "this rank's operand, or IN_PLACE" },
      {
        name: "recvbuf",
        type: "ptr",
        doc: "the combination of ranks 0..this one - 1 (rank 0's is left unchanged)",
      },
      { name: "count", type: "i32", doc: "number of elements" },
      { name: "datatype", type: "i32", doc: "datatype code" },
      { name: "op", type: "i32", doc: "op code" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Exclusive prefix reduction.",
  },
  reduce_scatter_block: {
    params: [
      { name: "sendbuf", type: "ptr", doc: "size × recvcount elements, or IN_PLACE" },
      { name: "recvbuf", type: "ptr", doc: "this rank's block of the result" },
      { name: "recvcount", type: "i32", doc: "elements of each block" },
      { name: "datatype", type: "i32", doc: "datatype code" },
      { name: "op", type: "i32", doc: "op code" },
      comm,
    ],
    result: "i32",
    blocks: true,
    doc: "Reduces size blocks element-wise; rank i gets block i of the result.",
  },
  abort: {
    params: [comm, { name: "errorcode", type: "i32", doc: "exit code of the job" }],
    result: "i32",
    blocks: false,
    endsJob: true,
    doc: "Ends every rank of the job; the job exits with `errorcode`. Does not return.",
  },
  wtime: {
    params: [],
    result: "f64",
    blocks: false,
    doc: "Seconds since the job started, on a clock shared by all ranks.",
  },
  wtick: {
    params: [],
    result: "f64",
    blocks: false,
    doc: "Resolution of `wtime` in seconds.",
  },
  get_processor_name: {
    params: [
      { name: "buf", type: "ptr", doc: "where the UTF-8 name is written" },
      { name: "buflen", type: "i32", doc: "capacity of `buf` in bytes" },
      { name: "len_out", type: "ptr", doc: "where to write the name's full length in bytes (i32)" },
    ],
    result: "i32",
    blocks: false,
    doc: "Writes the host's name, truncated to `buflen` bytes.",
  },
  fatal: {
    params: [
      {
        name: "call",
        type: "ptr",
        doc: "UTF-8 name of the failing call, as the kernel API spells it",
      },
      { name: "call_len", type: "i32", doc: "length of `call` in bytes" },
      { name: "code", type: "i32", doc: "the error code the call returned" },
    ],
    result: "void",
    blocks: false,
    endsJob: true,
    doc: "Ends the job because `call` returned `code`; the report names the call and the reason recorded when the error was returned. Does not return.",
  },
  panic: {
    params: [
      { name: "message", type: "ptr", doc: "UTF-8 text of the failure" },
      { name: "message_len", type: "i32", doc: "length of `message` in bytes" },
    ],
    result: "void",
    blocks: false,
    endsJob: true,
    doc: "Ends the job with a failure the kernel describes itself (abort(), a type mismatch). Does not return.",
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
