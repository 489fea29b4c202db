// Output under pressure, one scenario per run: `wasmpi run -n N output.ts -- <scenario> [n]`.
// Every byte a rank prints is a function of (rank, line, position), so the test can compute
// what must arrive:
//   long N       one line of N MiB (letters), then `after long R`
//   binary N     N lines of bytes 0-255 but the newline (NUL, invalid UTF-8 included)
//   many N       N lines `rank R line I`
//   together N   N lines `R:I:` + I % 200 dots, every 10th on stderr, all ranks at once
//   exit N       N lines, then a last line without a newline; rank 0 then calls exit(0)
//   fail N       N lines, then a last line without a newline; then the last rank aborts and
//                the others wait in a receive until its failure ends the job
//   killed N     rank 0 prints lines `rank 0 line I` without end, outside any wasmpi call;
//                rank 1 aborts after N ms, and rank 0 is terminated
import { MPI } from "wasmpi/assembly";

const rank = MPI.COMM_WORLD.Get_rank();
const scenario = process.argv.length > 1 ? process.argv[1] : "";
const n = process.argv.length > 2 ? I32.parseInt(process.argv[2]) : 0;

/** Byte j of binary line k of rank r: every value but the newline. */
function binaryByte(r: i32, k: i32, j: i32): u8 {
  const b = <u8>((k * 31 + j * 7 + r * 101) & 0xff);
  return b == 10 ? 0 : b;
}

function long(mib: i32): void {
  const bytes = mib << 20;
  const line = new ArrayBuffer(bytes + 1);
  const at = changetype<usize>(line);
  for (let i = 0; i < bytes; i++) store<u8>(at + <usize>i, <u8>(97 + ((i * 7 + rank) % 26)));
  store<u8>(at + <usize>bytes, 10);
  process.stdout.write(line);
  console.log(`after long ${rank}`);
}

function binary(lines: i32): void {
  for (let k = 0; k < lines; k++) {
    const length = 1 + ((k * 37) % 600);
    const line = new ArrayBuffer(length + 1);
    const at = changetype<usize>(line);
    for (let j = 0; j < length; j++) store<u8>(at + <usize>j, binaryByte(rank, k, j));
    store<u8>(at + <usize>length, 10);
    process.stdout.write(line);
  }
}

function many(lines: i32): void {
  for (let i = 0; i < lines; i++) console.log(`rank ${rank} line ${i}`);
}

function together(lines: i32): void {
  MPI.COMM_WORLD.Barrier();
  for (let i = 0; i < lines; i++) {
    const text = `${rank}:${i}:${".".repeat(i % 200)}`;
    // The WASI shim's console.error writes to stdout ("Error: ..."): stderr directly.
    if (i % 10 == 9) process.stderr.write(`${text}\n`);
    else console.log(text);
  }
}

function exit(lines: i32, failing: bool): void {
  for (let i = 0; i < lines; i++) console.log(`rank ${rank} line ${i}`);
  process.stdout.write(`rank ${rank} last line without a newline`);
  if (!failing) {
    if (rank == 0) process.exit(0);
    return;
  }
  if (rank == MPI.COMM_WORLD.Get_size() - 1) abort("the end");
  MPI.COMM_WORLD.Recv(new Int32Array(1), MPI.ANY_SOURCE, 99);
}

function killed(ms: i32): void {
  if (rank == 0) {
    for (let i = 0; ; i++) console.log(`rank 0 line ${i}`);
  }
  const until = MPI.Wtime() + <f64>ms / 1000;
  while (MPI.Wtime() < until) {}
  abort("the end");
}

if (scenario == "long") long(n);
else if (scenario == "binary") binary(n);
else if (scenario == "many") many(n);
else if (scenario == "together") together(n);
else if (scenario == "exit") exit(n, false);
else if (scenario == "fail") exit(n, true);
else if (scenario == "killed") killed(n);
else abort(`unknown scenario '${scenario}'`);
