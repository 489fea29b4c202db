// The kernel API, named after mpi4py's so that a tutorial script ports line by line:
// `import { MPI } from "wasmpi/assembly"` then `MPI.COMM_WORLD.Get_rank()`.
import * as abi from "./bindings";
import { check } from "./errors";

export { COMM_NULL, COMM_SELF, COMM_WORLD, Comm } from "./comm";
export { Request } from "./request";
export * from "./types";

/** Seconds on a clock shared by every rank of the job. */
export function Wtime(): f64 {
  return abi.wtime();
}

/** Resolution of Wtime in seconds. */
export function Wtick(): f64 {
  return abi.wtick();
}

/** The name of the host the rank runs on. */
export function Get_processor_name(): string {
  const buf = new Uint8Array(256);
  const len = memory.data(4);
  check("Get_processor_name", abi.get_processor_name(buf.dataStart, buf.length, len));
  return String.UTF8.decodeUnsafe(buf.dataStart, min(load<i32>(len), buf.length));
}
