// Calls the fuzzer (fuzz.ts) once found mishandled, one scenario per run:
// `wasmpi run -n N holes.ts -- <scenario>`. Each calls the raw imports as a hostile kernel
// would and checks the codes and side effects; every rank prints `ok <scenario>`.
import { MPI } from "wasmpi/assembly";
import * as abi from "../../assembly/bindings";

const WORLD = MPI.COMM_WORLD.handle;
const BYTE = MPI.BYTE.code;
const ERR_REQUEST = 7;
const ERR_TRUNCATE = 15;
const rank = MPI.COMM_WORLD.Get_rank();
const scenario = process.argv.length > 1 ? process.argv[1] : "";
const out = memory.data(64);

function expect(ok: bool, what: string): void {
  if (!ok) abort(`rank ${rank}: ${scenario}: ${what}`);
}

function expectCode(code: i32, wanted: i32, call: string): void {
  expect(code == wanted, `${call} returned ${code}, expected ${wanted}`);
}

/** A request that is complete at once: a send to PROC_NULL. */
function doneRequest(): i32 {
  expectCode(abi.isend(0, 0, BYTE, MPI.PROC_NULL, 0, WORLD, out), 0, "isend");
  return load<i32>(out);
}

/** Testall with one request named twice refuses it and changes nothing. */
function testallDuplicate(): void {
  const r = doneRequest();
  const handles = memory.data(8);
  store<i32>(handles, r);
  store<i32>(handles + 4, r);
  store<i32>(out + 8, -7);
  expectCode(abi.testall(handles, 2, out + 8), ERR_REQUEST, "testall([r, r])");
  expect(load<i32>(out + 8) == -7, `the flag was written (${load<i32>(out + 8)})`);
  expectCode(abi.wait(r, 0), 0, "wait(r) after the refused testall");
}

/** Testall that completes a truncated receive frees every request and reports the failure. */
function testallTruncated(): void {
  const small = memory.data(8);
  const big = memory.data(32);
  expectCode(abi.irecv(small, 8, BYTE, 0, 5, MPI.COMM_SELF.handle, out), 0, "irecv");
  const receive = load<i32>(out);
  expectCode(abi.send(big, 32, BYTE, 0, 5, MPI.COMM_SELF.handle), 0, "send");
  const other = doneRequest();
  const handles = memory.data(8);
  store<i32>(handles, receive);
  store<i32>(handles + 4, other);
  expectCode(abi.testall(handles, 2, out + 8), ERR_TRUNCATE, "testall");
  expect(load<i32>(out + 8) == 1, "the flag does not say complete");
  expectCode(abi.wait(receive, 0), ERR_REQUEST, "wait(truncated receive) after testall");
  expectCode(abi.wait(other, 0), ERR_REQUEST, "wait(other request) after testall");
}

/**
 * Test of a pending ANY_SOURCE receive on a one-rank communicator: not complete, and not an
 * error either, as the rank may still send itself the message.
 */
function testAnySourceSelf(): void {
  const buf = memory.data(8);
  const self = MPI.COMM_SELF.handle;
  expectCode(abi.irecv(buf, 8, BYTE, MPI.ANY_SOURCE, 3, self, out), 0, "irecv");
  const r = load<i32>(out);
  expectCode(abi.test(r, out + 4, 0), 0, "test before the send");
  expect(load<i32>(out + 4) == 0, "complete before anything was sent");
  expectCode(abi.send(buf, 8, BYTE, 0, 3, self), 0, "send to itself");
  expectCode(abi.test(r, out + 4, 0), 0, "test after the send");
  expect(load<i32>(out + 4) == 1, "not complete after the send");
}

/**
 * A large message truncated at its receiver: the receive fails, and the send completes (as in
 * MPI), instead of waiting forever for a copy that will never be made.
 */
function truncatedRendezvous(): void {
  const self = MPI.COMM_SELF.handle;
  const big = heap.alloc(1 << 20);
  const small = memory.data(8);
  expectCode(abi.isend(big, 1 << 20, BYTE, 0, 9, self, out), 0, "isend of 1 MiB");
  const send = load<i32>(out);
  expectCode(abi.recv(small, 8, BYTE, 0, 9, self, 0), ERR_TRUNCATE, "recv into 8 bytes");
  expectCode(abi.test(send, out + 4, 0), 0, "test(send)");
  expect(load<i32>(out + 4) == 1, "the truncated send is not complete");
  if (MPI.COMM_WORLD.Get_size() < 2) return;
  // Between ranks, with a blocking send.
  if (rank == 0) expectCode(abi.send(big, 1 << 20, BYTE, 1, 9, WORLD), 0, "send of 1 MiB");
  if (rank == 1) expectCode(abi.recv(small, 8, BYTE, 0, 9, WORLD, 0), ERR_TRUNCATE, "recv");
}

/**
 * A displacement whose block starts a multiple of 4 GiB past the buffer: refused, as the block
 * lies outside the memory (it passed the check once its address was cut to 32 bits).
 */
function wrappingDisplacement(): void {
  const self = MPI.COMM_SELF.handle;
  const DOUBLE = MPI.DOUBLE.code;
  const buf = memory.data(64);
  const counts = memory.data(4);
  const displs = memory.data(4);
  const far = memory.data(4);
  store<i32>(counts, 1);
  store<i32>(displs, 0);
  store<i32>(far, 0x20000000); // 0x20000000 doubles: 4 GiB
  const ERR_BUFFER = 1;
  expectCode(
    abi.alltoallv(buf, counts, displs, DOUBLE, buf + 8, counts, far, DOUBLE, self),
    ERR_BUFFER,
    "alltoallv (receive)",
  );
  expectCode(
    abi.alltoallv(buf, counts, far, DOUBLE, buf + 8, counts, displs, DOUBLE, self),
    ERR_BUFFER,
    "alltoallv (send)",
  );
  expectCode(
    abi.gatherv(buf, 1, DOUBLE, buf + 8, counts, far, DOUBLE, 0, self),
    ERR_BUFFER,
    "gatherv",
  );
  expectCode(
    abi.allgatherv(buf, 1, DOUBLE, buf + 8, counts, far, DOUBLE, self),
    ERR_BUFFER,
    "allgatherv",
  );
  expectCode(
    abi.scatterv(buf, counts, far, DOUBLE, buf + 8, 1, DOUBLE, 0, self),
    ERR_BUFFER,
    "scatterv",
  );
}

if (scenario == "testall-duplicate") testallDuplicate();
else if (scenario == "testall-truncated") testallTruncated();
else if (scenario == "test-any-source-self") testAnySourceSelf();
else if (scenario == "truncated-rendezvous") truncatedRendezvous();
else if (scenario == "wrapping-displacement") wrappingDisplacement();
else abort(`unknown scenario '${scenario}'`);
console.log(`ok ${scenario}`);
