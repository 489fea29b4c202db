// Turning failures into job-ending reports. Errors are fatal (MPI_ERRORS_ARE_FATAL): the host
// ends every rank and prints `wasmpi: rank R: <call>: <reason>`.
import * as abi from "./bindings";

/** Ends the job because `call` returned the error `code`; the host knows the reason. */
export function failed(call: string, code: i32): void {
  const name = String.UTF8.encode(call);
  abi.fatal(changetype<usize>(name), name.byteLength, code);
  unreachable();
}

/** Ends the job with a reason the kernel describes: `<call>: <reason>`. */
export function fail(call: string, reason: string): void {
  const text = String.UTF8.encode(`${call}: ${reason}`);
  abi.panic(changetype<usize>(text), text.byteLength);
  unreachable();
}

/** Checks the code an import returned; any error ends the job. */
export function check(call: string, code: i32): void {
  if (code != 0) failed(call, code);
}
