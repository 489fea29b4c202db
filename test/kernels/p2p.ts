// Point-to-point checks, one scenario per run: `wasmpi run -n N p2p.ts -- <scenario>`.
// Every rank prints `ok <scenario>` when all its checks held; a failed check aborts with a
// message naming the rank, the scenario and what differed.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const scenario = process.argv.length > 1 ? process.argv[1] : "";

function expect(ok: bool, what: string): void {
  if (!ok) abort(`rank ${rank}: ${scenario}: ${what}`);
}

/** The value element i of a message from `src` carries, exact in every datatype. */
function pattern(src: i32, i: i32): i32 {
  return (src * 31 + i * 7) % 101;
}

function right(): i32 {
  return (rank + 1) % size;
}

function left(): i32 {
  return (rank + size - 1) % size;
}

/** Ring shift of a typed array: send to the right, receive from the left, check. */
function shiftTyped<T extends ArrayBufferView>(make: (n: i32) => T, n: i32, name: string): void {
  const out = make(n);
  const got = make(n);
  for (let i = 0; i < n; i++) out[i] = <valueof<T>>pattern(rank, i);
  if (rank % 2 == 0) {
    comm.Send(out, right(), 3);
    comm.Recv(got, left(), 3);
  } else {
    comm.Recv(got, left(), 3);
    comm.Send(out, right(), 3);
  }
  for (let i = 0; i < n; i++) {
    expect(
      got[i] == <valueof<T>>pattern(left(), i),
      `${name}[${i}] is ${got[i]}, sent ${pattern(left(), i)}`,
    );
  }
}

function datatypes(): void {
  const n = 37;
  shiftTyped<Int8Array>((n: i32) => new Int8Array(n), n, "Int8Array");
  shiftTyped<Uint8Array>((n: i32) => new Uint8Array(n), n, "Uint8Array");
  shiftTyped<Uint8ClampedArray>((n: i32) => new Uint8ClampedArray(n), n, "Uint8ClampedArray");
  shiftTyped<Int16Array>((n: i32) => new Int16Array(n), n, "Int16Array");
  shiftTyped<Uint16Array>((n: i32) => new Uint16Array(n), n, "Uint16Array");
  shiftTyped<Int32Array>((n: i32) => new Int32Array(n), n, "Int32Array");
  shiftTyped<Uint32Array>((n: i32) => new Uint32Array(n), n, "Uint32Array");
  shiftTyped<Int64Array>((n: i32) => new Int64Array(n), n, "Int64Array");
  shiftTyped<Uint64Array>((n: i32) => new Uint64Array(n), n, "Uint64Array");
  shiftTyped<Float32Array>((n: i32) => new Float32Array(n), n, "Float32Array");
  shiftTyped<Float64Array>((n: i32) => new Float64Array(n), n, "Float64Array");
  // StaticArray buffers, and the datatype seen by the receiver's status.
  const out = new StaticArray<f64>(n);
  const got = new StaticArray<f64>(n);
  for (let i = 0; i < n; i++) out[i] = <f64>pattern(rank, i) + 0.5;
  const status = new MPI.Status();
  comm.Sendrecv(out, right(), 9, got, left(), 9, status);
  for (let i = 0; i < n; i++)
    expect(got[i] == <f64>pattern(left(), i) + 0.5, `StaticArray<f64>[${i}]`);
  expect(status.Get_count(MPI.DOUBLE) == n, `Get_count(DOUBLE) ${status.Get_count(MPI.DOUBLE)}`);
  expect(status.Get_count() == n * 8, `Get_count() ${status.Get_count()}`);
  expect(status.Get_count(MPI.INT32_T) == n * 2, "Get_count(INT32_T)");
  expect(status.Get_source() == left() && status.Get_tag() == 9, "status source/tag");
  const odd = new StaticArray<u8>(3);
  comm.Sendrecv(odd, right(), 10, odd, left(), 10, status);
  expect(status.Get_count(MPI.INT16_T) == MPI.UNDEFINED, "Get_count of a partial element");
}

/** Sizes across the eager/rendezvous boundary, up to `limit` bytes, between ranks 0 and 1. */
function sizes(limit: i32): void {
  if (size < 2 || rank > 1) return;
  const lengths: i32[] = [
    0,
    1,
    2,
    7,
    8,
    63,
    64,
    65,
    1000,
    4095,
    4096,
    4097,
    16351,
    16352,
    16353,
    16384,
    16385,
    65536 + 3,
  ];
  for (let n = 1 << 17; n <= limit; n <<= 2) lengths.push(n);
  if (lengths[lengths.length - 1] < limit) lengths.push(limit);
  const buf = new Uint8Array(limit);
  for (let k = 0; k < lengths.length; k++) {
    const n = lengths[k];
    if (rank == 0) {
      for (let i = 0; i < n; i++) buf[i] = <u8>((i * 13 + n) & 255);
      comm.Send(buf.subarray(0, n), 1, k);
      // The echo comes back into a larger buffer: the status gives the length.
      const status = new MPI.Status();
      buf.fill(0);
      comm.Recv(buf, 1, k, status);
      expect(status.Get_count() == n, `echo of ${n} bytes has ${status.Get_count()}`);
      for (let i = 0; i < n; i++) {
        if (buf[i] != <u8>((i * 13 + n + 1) & 255))
          expect(false, `echo of ${n} bytes differs at ${i}`);
      }
    } else {
      const status = new MPI.Status();
      comm.Recv(buf, 0, k, status);
      expect(status.Get_count() == n, `message of ${n} bytes arrived with ${status.Get_count()}`);
      for (let i = 0; i < n; i++) {
        if (buf[i] != <u8>((i * 13 + n) & 255))
          expect(false, `message of ${n} bytes differs at ${i}`);
        buf[i] = buf[i] + 1;
      }
      comm.Send(buf.subarray(0, n), 0, k);
    }
  }
}

/** Rank 0 takes one message from every other rank with ANY_SOURCE and ANY_TAG. */
function anySource(): void {
  if (rank == 0) {
    const seen = new StaticArray<bool>(size);
    const buf = new Int32Array(2);
    const status = new MPI.Status();
    for (let k = 1; k < size; k++) {
      comm.Recv(buf, MPI.ANY_SOURCE, MPI.ANY_TAG, status);
      const src = status.Get_source();
      expect(src >= 1 && src < size && !seen[src], `unexpected or repeated source ${src}`);
      seen[src] = true;
      expect(status.Get_tag() == 100 + src, `tag ${status.Get_tag()} from ${src}`);
      expect(buf[0] == src && buf[1] == src * src, `payload from ${src}`);
    }
    // Only now may the senders go on: ANY_SOURCE could otherwise take a second message of
    // one sender before the first of another, which MPI allows.
    for (let k = 1; k < size; k++) comm.Send(buf, k, 1);
    // ANY_TAG from a given source, then a given tag from ANY_SOURCE.
    for (let k = 1; k < size; k++) {
      comm.Recv(buf, k, MPI.ANY_TAG, status);
      expect(status.Get_tag() == 200 + k && buf[0] == -k, `ANY_TAG from ${k}`);
    }
    for (let k = size - 1; k >= 1; k--) {
      comm.Recv(buf, MPI.ANY_SOURCE, 300 + k, status);
      expect(status.Get_source() == k && buf[0] == k * 3, `tag ${300 + k} from ANY_SOURCE`);
    }
  } else {
    const pair = new Int32Array(2);
    pair[0] = rank;
    pair[1] = rank * rank;
    comm.Send(pair, 0, 100 + rank);
    comm.Recv(pair, 0, 1);
    const one = new Int32Array(1);
    one[0] = -rank;
    comm.Send(one, 0, 200 + rank);
    one[0] = rank * 3;
    comm.Send(one, 0, 300 + rank);
  }
}

/** Messages from one sender arrive in the order sent (non-overtaking), also mixed with large ones. */
function order(): void {
  const count = 2000;
  if (size < 2 || rank > 1) return;
  const big = new Float64Array(8192); // 64 KiB: rendezvous
  const small = new Int32Array(1);
  if (rank == 0) {
    for (let i = 0; i < count; i++) {
      if (i % 100 == 50) {
        big[0] = <f64>i;
        comm.Send(big, 1, i % 3);
      } else {
        small[0] = i;
        comm.Send(small, 1, i % 3);
      }
    }
    // Tags received out of order: tag 7 sent first, 8 second, received 8 first.
    small[0] = 7;
    comm.Send(small, 1, 7);
    small[0] = 8;
    comm.Send(small, 1, 8);
  } else {
    const status = new MPI.Status();
    for (let i = 0; i < count; i++) {
      if (i % 100 == 50) {
        comm.Recv(big, 0, MPI.ANY_TAG, status);
        expect(big[0] == <f64>i, `large message ${i} arrived as ${big[0]}`);
      } else {
        comm.Recv(small, 0, MPI.ANY_TAG, status);
        expect(small[0] == i, `message ${i} arrived as ${small[0]}`);
      }
      expect(status.Get_tag() == i % 3, `tag of message ${i}`);
    }
    comm.Recv(small, 0, 8);
    expect(small[0] == 8, "tag 8 first");
    comm.Recv(small, 0, 7);
    expect(small[0] == 7, "then tag 7");
  }
}

function probe(): void {
  if (size < 2 || rank > 1) return;
  if (rank == 0) {
    const data = new Float64Array(1000);
    comm.Send(data, 1, 5);
    comm.Send(data.subarray(0, 3), 1, 6);
  } else {
    const status = new MPI.Status();
    comm.Probe(0, 6, status);
    expect(status.Get_source() == 0 && status.Get_tag() == 6, "Probe status");
    expect(status.Get_count(MPI.DOUBLE) == 3, `Probe count ${status.Get_count(MPI.DOUBLE)}`);
    expect(comm.Iprobe(0, 5, status), "Iprobe sees the earlier message");
    expect(status.Get_count(MPI.DOUBLE) == 1000, "Iprobe count");
    expect(!comm.Iprobe(0, 99), "Iprobe of a tag never sent");
    const big = new Float64Array(1000);
    comm.Recv(big, 0, 5);
    const small = new Float64Array(3);
    comm.Recv(small, 0, 6);
  }
}

/** PROC_NULL, sends to self, COMM_SELF, Wtime, processor name. */
function specials(): void {
  const buf = new Int32Array(4);
  const status = new MPI.Status();
  comm.Send(buf, MPI.PROC_NULL);
  comm.Recv(buf, MPI.PROC_NULL, MPI.ANY_TAG, status);
  expect(status.Get_source() == MPI.PROC_NULL && status.Get_count() == 0, "Recv from PROC_NULL");
  buf[0] = 42;
  comm.Send(buf, rank, 1);
  buf[0] = 0;
  comm.Recv(buf, rank, 1);
  expect(buf[0] == 42, "message to self");
  const self = MPI.COMM_SELF;
  expect(self.Get_rank() == 0 && self.Get_size() == 1, "COMM_SELF rank/size");
  buf[0] = 7;
  self.Send(buf, 0, 2);
  buf[0] = 0;
  self.Recv(buf, 0, 2);
  expect(buf[0] == 7, "message on COMM_SELF");
  const t0 = MPI.Wtime();
  const t1 = MPI.Wtime();
  expect(t1 >= t0 && t0 >= 0.0, "Wtime is monotonic");
  expect(MPI.Wtick() > 0.0 && MPI.Wtick() < 0.01, "Wtick");
  expect(MPI.Get_processor_name().length > 0, "Get_processor_name");
  expect(comm.rank == rank && comm.size == size, "rank/size properties");
}

/** The object path for every supported type, around the ring. */
function objects(): void {
  const r = right();
  const l = left();
  expect(comm.sendrecv<bool>(rank % 2 == 0, r, 1, l, 1) == (l % 2 == 0), "bool");
  expect(comm.sendrecv<i8>(<i8>-rank, r, 1, l, 1) == <i8>-l, "i8");
  expect(comm.sendrecv<u16>(<u16>(60000 + rank), r, 1, l, 1) == <u16>(60000 + l), "u16");
  expect(comm.sendrecv<i32>(rank * 1000, r, 1, l, 1) == l * 1000, "i32");
  expect(
    comm.sendrecv<u64>(u64.MAX_VALUE - <u64>rank, r, 1, l, 1) == u64.MAX_VALUE - <u64>l,
    "u64",
  );
  expect(comm.sendrecv<i64>(i64.MIN_VALUE + rank, r, 1, l, 1) == i64.MIN_VALUE + l, "i64");
  expect(comm.sendrecv<f32>(<f32>rank / 4, r, 1, l, 1) == <f32>l / 4, "f32");
  expect(comm.sendrecv<f64>(<f64>rank + 0.25, r, 1, l, 1) == <f64>l + 0.25, "f64");
  expect(comm.sendrecv<string>(`rank ${rank} ✓ 𝄞`, r, 1, l, 1) == `rank ${l} ✓ 𝄞`, "string");
  const long = "x".repeat(100000 + rank);
  expect(comm.sendrecv<string>(long, r, 1, l, 1).length == 100000 + l, "long string (rendezvous)");
  const arr: f64[] = [<f64>rank, 1.5, -2.0];
  const gotArr = comm.sendrecv<f64[]>(arr, r, 1, l, 1);
  expect(gotArr.length == 3 && gotArr[0] == <f64>l && gotArr[2] == -2.0, "Array<f64>");
  const strs: string[] = ["a", `r${rank}`, ""];
  const gotStrs = comm.sendrecv<string[]>(strs, r, 1, l, 1);
  expect(gotStrs.length == 3 && gotStrs[1] == `r${l}` && gotStrs[2] == "", "Array<string>");
  const nested: i32[][] = [[rank], [1, 2, 3], []];
  const gotNested = comm.sendrecv<i32[][]>(nested, r, 1, l, 1);
  expect(
    gotNested.length == 3 && gotNested[0][0] == l && gotNested[1].length == 3,
    "Array<Array<i32>>",
  );
  const ta = new Float64Array(5);
  ta[4] = <f64>rank;
  const gotTa = comm.sendrecv<Float64Array>(ta, r, 1, l, 1);
  expect(gotTa.length == 5 && gotTa[4] == <f64>l, "Float64Array");
  const sa = new StaticArray<i16>(2);
  sa[1] = <i16>-rank;
  expect(comm.sendrecv<StaticArray<i16>>(sa, r, 1, l, 1)[1] == <i16>-l, "StaticArray<i16>");
  const maybe: string | null = rank % 2 == 0 ? null : "odd";
  const gotMaybe = comm.sendrecv<string | null>(maybe, r, 1, l, 1);
  expect(l % 2 == 0 ? gotMaybe == null : gotMaybe == "odd", "string | null");
  // Plain send/recv with a status.
  if (size >= 2) {
    if (rank == 0) {
      comm.send<string>("to one", 1, 77);
    } else if (rank == 1) {
      const status = new MPI.Status();
      const s = comm.recv<string>(0, 77, status);
      expect(
        s == "to one" && status.Get_source() == 0 && status.Get_tag() == 77,
        "recv with status",
      );
    }
  }
}

/** Many small messages in both directions before any receive: senders must not stall. */
function flood(): void {
  if (size < 2 || rank > 1) return;
  const other = 1 - rank;
  const n = 20000;
  const msg = new Int32Array(64); // 256 B each, 5 MB in all: far more than a ring holds
  for (let i = 0; i < n; i++) {
    msg[0] = i;
    comm.Send(msg, other, 4);
  }
  for (let i = 0; i < n; i++) {
    comm.Recv(msg, other, 4);
    expect(msg[0] == i, `flood message ${i} arrived as ${msg[0]}`);
  }
}

/** Large messages both ways at once with Sendrecv (rendezvous on both sides). */
function exchange(): void {
  const n = 1 << 20;
  const out = new Float64Array(n);
  const got = new Float64Array(n);
  out[0] = <f64>rank;
  out[n - 1] = <f64>(rank * 2);
  comm.Sendrecv(out, right(), 0, got, left(), 0);
  expect(got[0] == <f64>left() && got[n - 1] == <f64>(left() * 2), "Sendrecv of 8 MiB");
  const req = comm.isend<string>(`hello ${rank}`, right(), 5);
  const s = comm.recv<string>(left(), 5);
  req.Wait();
  expect(s == `hello ${left()}`, "isend + recv");
}

if (scenario == "datatypes") datatypes();
else if (scenario == "sizes") sizes(1 << 20);
else if (scenario == "sizes-large") sizes(64 << 20);
else if (scenario == "anysource") anySource();
else if (scenario == "order") order();
else if (scenario == "probe") probe();
else if (scenario == "specials") specials();
else if (scenario == "objects") objects();
else if (scenario == "flood") flood();
else if (scenario == "exchange") exchange();
else abort(`unknown scenario '${scenario}'`);

console.log(`ok ${scenario}`);
