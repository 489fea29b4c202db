// The imports that end the job (panic, fatal, abort), called by one rank with the arguments
// given: `wasmpi run -n N ending_calls.ts -- <rank> <import> <a> <b> <c>`. Pointer arguments
// may be the word `text`: the address of a UTF-8 text in the rank's memory (then the length
// argument `len` is its length). The other ranks wait in a receive that only the end of the
// job ends. The test checks the job's report and exit code.
import { MPI } from "wasmpi/assembly";
import * as abi from "../../assembly/bindings";

const rank = MPI.COMM_WORLD.Get_rank();
const argv = process.argv;
if (argv.length < 6) abort("usage: ending_calls.ts -- <rank> <import> <a> <b> <c>");
const caller = I32.parseInt(argv[1]);
const name = argv[2];
const text = String.UTF8.encode("Send");

function pointer(arg: string): usize {
  return arg == "text" ? changetype<usize>(text) : <usize>U32.parseInt(arg);
}

function length(arg: string): i32 {
  return arg == "len" ? text.byteLength : I32.parseInt(arg);
}

if (rank == caller) {
  if (name == "panic") abi.panic(pointer(argv[3]), length(argv[4]));
  else if (name == "fatal") abi.fatal(pointer(argv[3]), length(argv[4]), I32.parseInt(argv[5]));
  else if (name == "abort") {
    const code = abi.abort(I32.parseInt(argv[3]), I32.parseInt(argv[4]));
    console.log(`abort returned ${code}`);
  } else abort(`unknown import '${name}'`);
  console.log(`${name} returned`);
} else {
  MPI.COMM_WORLD.Recv(new Int32Array(1), MPI.ANY_SOURCE, 777);
}
