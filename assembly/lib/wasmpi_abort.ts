// Library global that asconfig.json aliases `abort` to (`--use abort=wasmpi_abort`), so that
// `abort()`, failed assertions and runtime errors end the whole job with a clear report
// instead of printing from one rank and exiting with a bare code.
// Library files cannot import by relative path, so the one import this needs is declared here
// too; the ABI test checks it like assembly/bindings.ts.
// @ts-ignore: decorator
@external("wasmpi", "panic")
declare function panic(message: usize, message_len: i32): void;

export function wasmpi_abort(
  message: string | null = null,
  fileName: string | null = null,
  lineNumber: u32 = 0,
  columnNumber: u32 = 0,
): void {
  let text = "abort: " + (message != null ? message : "(no message)");
  if (fileName != null) {
    text += " at " + fileName + ":" + lineNumber.toString() + ":" + columnNumber.toString();
  }
  const bytes = String.UTF8.encode(text);
  panic(changetype<usize>(bytes), bytes.byteLength);
  unreachable();
}
