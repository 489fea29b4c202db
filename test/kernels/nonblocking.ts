// Nonblocking checks, one scenario per run: `wasmpi run -n N nonblocking.ts -- <scenario> [mode]`.
// Every rank prints `ok <scenario>` when all its checks held; a failed check aborts with a
// message naming the rank, the scenario and what differed. Scenarios named `fail-*` and
// `leak` go wrong on purpose: the test checks the line the job prints.
//
// Every payload is computed by the sender from (source, tag, message index, element index)
// and recomputed by the receiver; values are odd, so a buffer left untouched never passes.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const scenario = process.argv.length > 1 ? process.argv[1] : "";
const mode = process.argv.length > 2 ? process.argv[2] : "";

function expect(ok: bool, what: string): void {
  if (!ok) abort(`rank ${rank}: ${scenario}${mode.length > 0 ? ` ${mode}` : ""}: ${what}`);
}

/** Element i of message k from `src` with `tag`: a hash, never 0 (odd). */
function val(src: i32, tag: i32, k: i32, i: i32): i32 {
  let h = i * 0x9e3779b1 + k * 0x85ebca77 + src * 0xc2b2ae3d + tag * 0x27d4eb2f;
  h ^= h >>> 15;
  return h | 1;
}

function right(): i32 {
  return (rank + 1) % size;
}

function left(): i32 {
  return (rank + size - 1) % size;
}

function fill<T>(buf: T, src: i32, tag: i32, k: i32): void {
  for (let i = 0; i < buf.length; i++) buf[i] = <valueof<T>>val(src, tag, k, i);
}

/** Index of the first of the first `n` elements that differs from message k, or -1. */
function firstBad<T>(buf: T, n: i32, src: i32, tag: i32, k: i32): i32 {
  for (let i = 0; i < n; i++) if (buf[i] != <valueof<T>>val(src, tag, k, i)) return i;
  return -1;
}

function expectPayload<T>(buf: T, n: i32, src: i32, tag: i32, k: i32, what: string): void {
  const bad = firstBad<T>(buf, n, src, tag, k);
  expect(
    bad < 0,
    `${what}: element ${bad} is ${bad < 0 ? "" : buf[bad].toString()}, expected message ${k} from ${src} tag ${tag}`,
  );
}

function expectStatus(st: MPI.Status, src: i32, tag: i32, bytes: i32, what: string): void {
  expect(
    st.Get_source() == src && st.Get_tag() == tag && st.Get_count() == bytes,
    `${what}: status (source ${st.Get_source()}, tag ${st.Get_tag()}, ${st.Get_count()} bytes), expected (${src}, ${tag}, ${bytes})`,
  );
}

/** Tests `r` until it completes; fails after `ms` milliseconds. Returns the number of Tests. */
function testUntil(r: MPI.Request, st: MPI.Status | null, what: string, ms: i64 = 20000): i32 {
  const limit = Date.now() + ms;
  let tests = 1;
  while (!r.Test(st)) {
    tests++;
    if ((tests & 255) == 0) expect(Date.now() < limit, `${what}: Test never returned true`);
  }
  expect(!r.active, `${what}: request still active after Test returned true`);
  return tests;
}

/** The ranks that send to rank 0 in the gather-like scenarios: the others, or 0 itself alone. */
function senderCount(): i32 {
  return size > 1 ? size - 1 : 1;
}

function senderAt(j: i32): i32 {
  return size > 1 ? j + 1 : 0;
}

// ---- 1. buffers, statuses, wildcards, PROC_NULL ----------------------------------------

/** Ring shift with Irecv + Isend, completed by Wait or by Test loops. */
function shift<T>(dt: MPI.Datatype, name: string, tag: i32, useTest: bool): void {
  const n = 29 + tag * 3;
  const out = instantiate<T>(n);
  const got = instantiate<T>(n + 3); // larger than the message: the status gives the length
  fill<T>(out, rank, tag, 0);
  const st = new MPI.Status();
  const r = comm.Irecv(got, left(), tag);
  const s = comm.Isend(out, right(), tag);
  expect(r.active && s.active, `${name}: fresh requests are active`);
  if (useTest) {
    testUntil(s, null, `${name} Isend`);
    testUntil(r, st, `${name} Irecv`);
  } else {
    s.Wait();
    r.Wait(st);
  }
  expect(!r.active && !s.active, `${name}: completed requests are inactive`);
  expectStatus(st, left(), tag, n * dt.size, name);
  expect(st.Get_count(dt) == n, `${name}: Get_count(datatype) ${st.Get_count(dt)}, sent ${n}`);
  expectPayload<T>(got, n, left(), tag, 0, name);
  for (let i = n; i < n + 3; i++) expect(got[i] == <valueof<T>>0, `${name}: wrote past message`);
}

function basic(): void {
  for (let t = 0; t < 2; t++) {
    const useTest = t == 1;
    const b = t * 20;
    shift<Int8Array>(MPI.INT8_T, "Int8Array", b + 1, useTest);
    shift<Uint8Array>(MPI.UINT8_T, "Uint8Array", b + 2, useTest);
    shift<Int16Array>(MPI.INT16_T, "Int16Array", b + 3, useTest);
    shift<Uint16Array>(MPI.UINT16_T, "Uint16Array", b + 4, useTest);
    shift<Int32Array>(MPI.INT32_T, "Int32Array", b + 5, useTest);
    shift<Uint32Array>(MPI.UINT32_T, "Uint32Array", b + 6, useTest);
    shift<Int64Array>(MPI.INT64_T, "Int64Array", b + 7, useTest);
    shift<Uint64Array>(MPI.UINT64_T, "Uint64Array", b + 8, useTest);
    shift<Float32Array>(MPI.FLOAT, "Float32Array", b + 9, useTest);
    shift<Float64Array>(MPI.DOUBLE, "Float64Array", b + 10, useTest);
    shift<StaticArray<f64>>(MPI.DOUBLE, "StaticArray<f64>", b + 11, useTest);
    shift<StaticArray<i16>>(MPI.INT16_T, "StaticArray<i16>", b + 12, useTest);
    shift<StaticArray<u8>>(MPI.UINT8_T, "StaticArray<u8>", b + 13, useTest);
  }
  // A subarray view: only the view's elements travel, at its offset.
  {
    const whole = new Int32Array(40);
    const out = new Int32Array(10);
    fill<Int32Array>(out, rank, 60, 0);
    const r = comm.Irecv(whole.subarray(15, 25), left(), 60);
    const s = comm.Isend(out, right(), 60);
    const st = new MPI.Status();
    r.Wait(st);
    s.Wait();
    expectStatus(st, left(), 60, 40, "subarray");
    for (let i = 0; i < 40; i++) {
      const want = i >= 15 && i < 25 ? val(left(), 60, 0, i - 15) : 0;
      expect(whole[i] == want, `subarray: element ${i} is ${whole[i]}, expected ${want}`);
    }
  }
  comm.Barrier();

  // ANY_SOURCE and ANY_TAG: rank 0 takes one message from each sender into its own buffer.
  const ns = senderCount();
  if (rank == 0) {
    const bufs = new Array<Int32Array>(ns);
    const reqs = new Array<MPI.Request>(ns);
    for (let j = 0; j < ns; j++) {
      bufs[j] = new Int32Array(size + 4);
      reqs[j] = comm.Irecv(bufs[j], MPI.ANY_SOURCE, MPI.ANY_TAG);
    }
    let self: MPI.Request | null = null;
    const mine = new Int32Array(1);
    if (size == 1) {
      fill<Int32Array>(mine, 0, 100, 0);
      self = comm.Isend(mine, 0, 100);
    }
    const seen = new StaticArray<bool>(size);
    const st = new MPI.Status();
    for (let j = 0; j < ns; j++) {
      reqs[j].Wait(st);
      const src = st.Get_source();
      expect(src >= 0 && src < size && !seen[src], `ANY_SOURCE: unexpected or repeated ${src}`);
      seen[src] = true;
      expectStatus(st, src, 100 + src, (src + 1) * 4, "ANY_SOURCE/ANY_TAG");
      expectPayload<Int32Array>(bufs[j], src + 1, src, 100 + src, 0, "ANY_SOURCE/ANY_TAG");
    }
    if (self != null) self.Wait();
  } else {
    const out = new Int32Array(rank + 1);
    fill<Int32Array>(out, rank, 100 + rank, 0);
    comm.Send(out, 0, 100 + rank);
  }
  comm.Barrier();

  // Irecv(ANY_SOURCE, tag) posted before Irecv(source, ANY_TAG): each sender sends tag
  // 200 + s, then tag 300 + s; the first goes to the earlier wildcard-source receive.
  if (rank == 0) {
    const a = new Array<Int32Array>(ns);
    const b = new Array<Int32Array>(ns);
    const ra = new Array<MPI.Request>(ns);
    const rb = new Array<MPI.Request>(ns);
    for (let j = ns - 1; j >= 0; j--) {
      a[j] = new Int32Array(8);
      ra[j] = comm.Irecv(a[j], MPI.ANY_SOURCE, 200 + senderAt(j));
    }
    for (let j = 0; j < ns; j++) {
      b[j] = new Int32Array(8);
      rb[j] = comm.Irecv(b[j], senderAt(j), MPI.ANY_TAG);
    }
    const o1 = new Int32Array(3);
    const o2 = new Int32Array(5);
    let s1: MPI.Request | null = null;
    let s2: MPI.Request | null = null;
    if (size == 1) {
      fill<Int32Array>(o1, 0, 200, 0);
      fill<Int32Array>(o2, 0, 300, 1);
      s1 = comm.Isend(o1, 0, 200);
      s2 = comm.Isend(o2, 0, 300);
    }
    const st = new MPI.Status();
    for (let j = 0; j < ns; j++) {
      const s = senderAt(j);
      rb[j].Wait(st);
      expectStatus(st, s, 300 + s, 20, "Irecv(source, ANY_TAG)");
      expectPayload<Int32Array>(b[j], 5, s, 300 + s, 1, "Irecv(source, ANY_TAG)");
      ra[j].Wait(st);
      expectStatus(st, s, 200 + s, 12, "Irecv(ANY_SOURCE, tag)");
      expectPayload<Int32Array>(a[j], 3, s, 200 + s, 0, "Irecv(ANY_SOURCE, tag)");
    }
    if (s1 != null) s1.Wait();
    if (s2 != null) s2.Wait();
  } else {
    const o1 = new Int32Array(3);
    const o2 = new Int32Array(5);
    fill<Int32Array>(o1, rank, 200 + rank, 0);
    fill<Int32Array>(o2, rank, 300 + rank, 1);
    const s1 = comm.Isend(o1, 0, 200 + rank);
    comm.Send(o2, 0, 300 + rank);
    s1.Wait();
  }

  // PROC_NULL: both complete at once; the receive leaves its buffer alone.
  const buf = new Int32Array(4);
  fill<Int32Array>(buf, rank, 7, 7);
  const st = new MPI.Status();
  const rn = comm.Irecv(buf, MPI.PROC_NULL, 7);
  expect(rn.Test(st), "Irecv(PROC_NULL) completes at the first Test");
  expectStatus(st, MPI.PROC_NULL, MPI.ANY_TAG, 0, "Irecv(PROC_NULL)");
  expectPayload<Int32Array>(buf, 4, rank, 7, 7, "Irecv(PROC_NULL) left the buffer alone");
  const sn = comm.Isend(buf, MPI.PROC_NULL, 7);
  expect(sn.Test(), "Isend(PROC_NULL) completes at the first Test");
  const rw = comm.Irecv(buf, MPI.PROC_NULL, MPI.ANY_TAG);
  rw.Wait(st);
  expectStatus(st, MPI.PROC_NULL, MPI.ANY_TAG, 0, "Irecv(PROC_NULL) Wait");
  comm.Isend(buf, MPI.PROC_NULL, 8).Wait();
}

// ---- 2. matching order -------------------------------------------------------------------

const ORDER_K = 12;
const ORDER_CAP = 40000;

/** Elements of message k in the order scenario: every third one rendezvous (> 16 KiB). */
function orderLength(k: i32): i32 {
  return k % 3 == 0 ? 30000 + k : k + 1;
}

function order(): void {
  const src = 0;
  const dst = size > 1 ? 1 : 0;
  const isSend = rank == src;
  const isRecv = rank == dst;
  const st = new MPI.Status();
  const outs = new Array<Int32Array>(ORDER_K);
  const ins = new Array<Int32Array>(ORDER_K);
  for (let k = 0; k < ORDER_K; k++) {
    outs[k] = new Int32Array(orderLength(k));
    ins[k] = new Int32Array(ORDER_CAP);
  }

  // a) Irecvs with one (source, tag) posted before the messages: filled in post order.
  // b) The same with the messages sent before the Irecvs are posted (unexpected).
  for (let phase = 0; phase < 2; phase++) {
    const tag = 3 + phase;
    const recvs = new Array<MPI.Request>(0);
    const sends = new Array<MPI.Request>(0);
    if (isRecv && phase == 0) {
      for (let k = 0; k < ORDER_K; k++) recvs.push(comm.Irecv(ins[k], src, tag));
    }
    if (isSend && phase == 1) {
      for (let k = 0; k < ORDER_K; k++) {
        fill<Int32Array>(outs[k], src, tag, k);
        sends.push(comm.Isend(outs[k], dst, tag));
      }
    }
    comm.Barrier();
    if (isSend && phase == 0) {
      for (let k = 0; k < ORDER_K; k++) {
        fill<Int32Array>(outs[k], src, tag, k);
        // Blocking sends and Isends mixed (a blocking large send to self would wait for
        // a receive that cannot run).
        if (k % 2 == 0 && dst != src) comm.Send(outs[k], dst, tag);
        else sends.push(comm.Isend(outs[k], dst, tag));
      }
    }
    if (isRecv) {
      if (phase == 1) {
        for (let k = 0; k < ORDER_K; k++) recvs.push(comm.Irecv(ins[k], src, tag));
      }
      for (let k = 0; k < ORDER_K; k++) {
        recvs[k].Wait(st);
        const what = `phase ${phase}: Irecv #${k} of ${ORDER_K} with one (source, tag)`;
        expectStatus(st, src, tag, orderLength(k) * 4, what);
        expectPayload<Int32Array>(ins[k], orderLength(k), src, tag, k, what);
      }
    }
    MPI.Request.Waitall(sends);
    comm.Barrier();
  }

  // c) Irecv(ANY_SOURCE) posted before Irecv(src) gets the first message, large or small;
  // Irecv(src) posted before Irecv(ANY_SOURCE) gets the first one.
  {
    const lens: i32[] = [20000, 5, 7, 25000, 9, 11];
    const tags: i32[] = [7, 7, 8, 8, 9, 9];
    const recvs = new Array<MPI.Request>(0);
    if (isRecv) {
      recvs.push(comm.Irecv(ins[0], MPI.ANY_SOURCE, 7));
      recvs.push(comm.Irecv(ins[1], src, 7));
      recvs.push(comm.Irecv(ins[2], MPI.ANY_SOURCE, 8));
      recvs.push(comm.Irecv(ins[3], MPI.ANY_SOURCE, 8));
      recvs.push(comm.Irecv(ins[4], src, 9));
      recvs.push(comm.Irecv(ins[5], MPI.ANY_SOURCE, 9));
    }
    comm.Barrier();
    const sends = new Array<MPI.Request>(0);
    if (isSend) {
      for (let k = 0; k < 6; k++) {
        outs[k] = new Int32Array(lens[k]);
        fill<Int32Array>(outs[k], src, tags[k], k);
        sends.push(comm.Isend(outs[k], dst, tags[k]));
      }
    }
    if (isRecv) {
      for (let k = 0; k < 6; k++) {
        recvs[k].Wait(st);
        const what = `wildcard/specific receive #${k}`;
        expectStatus(st, src, tags[k], lens[k] * 4, what);
        expectPayload<Int32Array>(ins[k], lens[k], src, tags[k], k, what);
      }
    }
    MPI.Request.Waitall(sends);
    comm.Barrier();
  }

  // d) A blocking Recv posted after pending Irecvs takes the next message, not theirs.
  {
    const lens: i32[] = [30000, 6, 20000, 4, 8];
    const tags: i32[] = [5, 5, 5, 6, 5];
    const recvs = new Array<MPI.Request>(0);
    if (isRecv) {
      recvs.push(comm.Irecv(ins[0], src, 5));
      recvs.push(comm.Irecv(ins[1], src, 5));
    }
    comm.Barrier();
    const sends = new Array<MPI.Request>(0);
    if (isSend) {
      for (let k = 0; k < 5; k++) {
        outs[k] = new Int32Array(lens[k]);
        fill<Int32Array>(outs[k], src, tags[k], k);
        sends.push(comm.Isend(outs[k], dst, tags[k]));
      }
    }
    if (isRecv) {
      comm.Recv(ins[2], src, 5, st);
      expectStatus(st, src, 5, lens[2] * 4, "Recv behind two Irecvs");
      expectPayload<Int32Array>(ins[2], lens[2], src, 5, 2, "Recv behind two Irecvs");
      // Another Irecv, then a blocking ANY_TAG Recv: the Irecv was first, it gets tag 6.
      recvs.push(comm.Irecv(ins[3], src, MPI.ANY_TAG));
      comm.Recv(ins[4], src, MPI.ANY_TAG, st);
      expectStatus(st, src, 5, lens[4] * 4, "Recv(ANY_TAG) behind Irecv(ANY_TAG)");
      expectPayload<Int32Array>(ins[4], lens[4], src, 5, 4, "Recv(ANY_TAG) behind an Irecv");
      for (let k = 0; k < 3; k++) {
        const m = k < 2 ? k : 3;
        recvs[k].Wait(st);
        expectStatus(st, src, tags[m], lens[m] * 4, `Irecv #${m} before a blocking Recv`);
        expectPayload<Int32Array>(ins[m], lens[m], src, tags[m], m, `Irecv #${m}`);
      }
    }
    MPI.Request.Waitall(sends);
    comm.Barrier();
  }

  // e) Probe and Iprobe see only messages no pending Irecv takes.
  {
    let p: MPI.Request | null = null;
    let q: MPI.Request | null = null;
    if (isRecv) {
      p = comm.Irecv(ins[0], src, 9);
      q = comm.Irecv(ins[1], MPI.ANY_SOURCE, 11);
    }
    comm.Barrier();
    const lens: i32[] = [5, 7, 3, 6];
    const tags: i32[] = [9, 10, 11, 11];
    const sends = new Array<MPI.Request>(0);
    if (isSend) {
      for (let k = 0; k < 4; k++) {
        outs[k] = new Int32Array(lens[k]);
        fill<Int32Array>(outs[k], src, tags[k], k);
        sends.push(comm.Isend(outs[k], dst, tags[k]));
      }
    }
    if (isRecv) {
      comm.Probe(src, MPI.ANY_TAG, st);
      expectStatus(st, src, 10, 28, "Probe(ANY_TAG) with Irecv(tag 9) pending");
      expect(!comm.Iprobe(src, 9), "Iprobe sees a message a pending Irecv took");
      comm.Probe(src, 11, st);
      expectStatus(st, src, 11, 24, "Probe(tag 11) with Irecv(ANY_SOURCE, 11) pending");
      expect(comm.Iprobe(MPI.ANY_SOURCE, 11, st), "Iprobe of the second tag 11");
      expectStatus(st, src, 11, 24, "Iprobe(ANY_SOURCE, 11) with an Irecv pending");
      expect(comm.Iprobe(src, MPI.ANY_TAG, st), "Iprobe(ANY_TAG)");
      expectStatus(st, src, 10, 28, "Iprobe(ANY_TAG) with Irecvs pending");
      testUntil(p as MPI.Request, st, "Irecv(tag 9) after Probe");
      expectStatus(st, src, 9, 20, "Irecv(tag 9)");
      expectPayload<Int32Array>(ins[0], 5, src, 9, 0, "Irecv(tag 9)");
      (q as MPI.Request).Wait(st);
      expectStatus(st, src, 11, 12, "Irecv(ANY_SOURCE, 11)");
      expectPayload<Int32Array>(ins[1], 3, src, 11, 2, "Irecv(ANY_SOURCE, 11)");
      comm.Recv(ins[2], src, 10, st);
      expectPayload<Int32Array>(ins[2], 7, src, 10, 1, "Recv(tag 10) after Probe");
      comm.Recv(ins[3], src, 11, st);
      expectPayload<Int32Array>(ins[3], 6, src, 11, 3, "Recv(tag 11) after Probe");
      expect(!comm.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG), "nothing left");
    }
    MPI.Request.Waitall(sends);
  }
}

// ---- 3. large messages ---------------------------------------------------------------

/** Elements of a 1 MiB (plus a little) message. */
const BIG = (1 << 18) + 3;

/**
 * Pairs (0→1, 2→3, ...): M messages of 1 MiB with 64 in flight on both sides, the slots
 * refilled as Waitany frees them. Tags cycle through 0..2 and the receives name them.
 */
function largeWindow(): void {
  const W = 64;
  const M = 160;
  const partner = rank ^ 1;
  if (partner >= size) return;
  const sending = rank % 2 == 0;
  const whole = new Int32Array(W * BIG);
  const views = new Array<Int32Array>(W);
  const reqs = new Array<MPI.Request>(W);
  const msg = new StaticArray<i32>(W);
  for (let j = 0; j < W; j++) {
    views[j] = whole.subarray(j * BIG, (j + 1) * BIG);
    msg[j] = j;
    if (sending) {
      fill<Int32Array>(views[j], rank, j % 3, j);
      reqs[j] = comm.Isend(views[j], partner, j % 3);
    } else {
      reqs[j] = comm.Irecv(views[j], partner, j % 3);
    }
  }
  let next = W;
  let done = 0;
  const st = new MPI.Status();
  for (;;) {
    const j = MPI.Request.Waitany(reqs, st);
    if (j == MPI.UNDEFINED) break;
    expect(j >= 0 && j < W && !reqs[j].active, `Waitany returned ${j}`);
    const k = msg[j];
    done++;
    if (!sending) {
      const what = `large message ${k} in slot ${j}`;
      expectStatus(st, partner, k % 3, BIG * 4, what);
      expectPayload<Int32Array>(views[j], BIG, partner, k % 3, k, what);
      views[j].fill(0);
    }
    if (next < M) {
      msg[j] = next;
      if (sending) {
        fill<Int32Array>(views[j], rank, next % 3, next);
        reqs[j] = comm.Isend(views[j], partner, next % 3);
      } else {
        reqs[j] = comm.Irecv(views[j], partner, next % 3);
      }
      next++;
    }
  }
  expect(done == M, `${done} of ${M} large messages completed`);
}

/**
 * Rank 0 receives 4 large messages from every other rank (or from itself), posted before
 * they come: specific sources and ANY_SOURCE with per-sender tags.
 */
function largeSources(): void {
  const per = 4;
  const ns = senderCount();
  const len = (s: i32, j: i32): i32 => (1 << 18) + s * 5 + j;
  const sends = new Array<MPI.Request>(0);
  const outs = new Array<Int32Array>(0);
  if (rank == 0) {
    const ins = new Array<Int32Array>(ns * per);
    const recvs = new Array<MPI.Request>(ns * per);
    for (let j = 0; j < per; j++) {
      for (let x = 0; x < ns; x++) {
        const s = senderAt(x);
        const i = j * ns + x;
        ins[i] = new Int32Array(len(s, j) + 1);
        recvs[i] = comm.Irecv(ins[i], j % 2 == 0 ? s : MPI.ANY_SOURCE, 40 + s * per + j);
      }
    }
    if (size == 1) {
      for (let j = 0; j < per; j++) {
        const out = new Int32Array(len(0, j));
        fill<Int32Array>(out, 0, 40 + j, j);
        outs.push(out);
        sends.push(comm.Isend(out, 0, 40 + j));
      }
    }
    comm.Barrier();
    const st = new MPI.Status();
    const served = new StaticArray<bool>(ns * per);
    for (let c = 0; c < ns * per; c++) {
      const i = MPI.Request.Waitany(recvs, st);
      expect(i >= 0 && i < ns * per && !served[i], `Waitany returned ${i}`);
      served[i] = true;
      const j = i / ns;
      const s = senderAt(i % ns);
      const what = `large message ${j} from ${s}`;
      expectStatus(st, s, 40 + s * per + j, len(s, j) * 4, what);
      expectPayload<Int32Array>(ins[i], len(s, j), s, 40 + s * per + j, j, what);
      expect(ins[i][len(s, j)] == 0, `${what}: wrote past the message`);
    }
    expect(MPI.Request.Waitany(recvs) == MPI.UNDEFINED, "Waitany after all completed");
  } else {
    comm.Barrier();
    for (let j = 0; j < per; j++) {
      const out = new Int32Array(len(rank, j));
      fill<Int32Array>(out, rank, 40 + rank * per + j, j);
      outs.push(out);
      if (j == 1) comm.Send(out, 0, 40 + rank * per + j);
      else sends.push(comm.Isend(out, 0, 40 + rank * per + j));
    }
  }
  MPI.Request.Waitall(sends);
}

// ---- 4. overlap --------------------------------------------------------------------------

let sink: u64 = 0;

/**
 * Rank 0 posts one large Irecv per sender, then computes without any MPI call, watching the
 * last word of each buffer. Senders go one after another: rank r sends its message once rank
 * r - 1's Send (or Isend + Wait) has returned. So every buffer fills while rank 0 computes
 * only if each sender's copy completes without rank 0's help.
 */
function overlap(): void {
  const len = (s: i32): i32 => (1 << 18) + s;
  for (let round = 0; round < 2; round++) {
    const tag = 21 + round * 2;
    const token = new Int32Array(1);
    if (rank == 0) {
      const ns = size - 1;
      const bufs = new Array<Int32Array>(size);
      const reqs = new Array<MPI.Request>(size);
      for (let s = 1; s < size; s++) {
        bufs[s] = new Int32Array(len(s));
        reqs[s] = comm.Irecv(bufs[s], s, tag);
      }
      comm.Send(token, 1, tag + 1);
      // Compute, with no MPI call, until every buffer's last word is there.
      const arrived = new StaticArray<bool>(size);
      let remaining = ns;
      let acc: u64 = <u64>round;
      const limit = Date.now() + 10000;
      for (let iter = 1; remaining > 0; iter++) {
        for (let w = 0; w < 2048; w++) acc = acc * 6364136223846793005 + <u64>w;
        for (let s = 1; s < size; s++) {
          if (arrived[s]) continue;
          const last = bufs[s].dataStart + ((<usize>len(s) - 1) << 2);
          if (atomic.load<i32>(last) == val(s, tag, 0, len(s) - 1)) {
            arrived[s] = true;
            remaining--;
          }
        }
        if ((iter & 63) == 0 && Date.now() > limit) break;
      }
      sink += acc;
      for (let s = 1; s < size; s++) {
        expect(
          arrived[s],
          `round ${round}: the 1 MiB message from rank ${s} did not arrive in 10 s while rank 0 computed without MPI calls`,
        );
        // The whole buffer is there before Wait (the copier may write the last word first:
        // look again a while; each atomic load orders the plain loads after it).
        let bad = firstBad<Int32Array>(bufs[s], len(s), s, tag, 0);
        for (let tries = 0; bad >= 0 && tries < 100000; tries++) {
          sink += <u64>atomic.load<i32>(bufs[s].dataStart + ((<usize>bad) << 2));
          bad = firstBad<Int32Array>(bufs[s], len(s), s, tag, 0);
        }
        expect(bad < 0, `round ${round}: message from ${s} incomplete before Wait at ${bad}`);
      }
      // The sender marks the receive filled just after its copy: Test may need a few tries.
      const st = new MPI.Status();
      for (let s = 1; s < size; s++) {
        testUntil(reqs[s], st, `round ${round}: filled Irecv from ${s}`, 10000);
        expectStatus(st, s, tag, len(s) * 4, `round ${round}: Irecv from ${s}`);
      }
    } else {
      comm.Recv(token, rank - 1, tag + 1);
      const out = new Int32Array(len(rank));
      fill<Int32Array>(out, rank, tag, 0);
      if ((rank + round) % 2 == 1) comm.Send(out, 0, tag);
      else comm.Isend(out, 0, tag).Wait();
      if (rank + 1 < size) comm.Send(token, rank + 1, tag + 1);
    }
    comm.Barrier();
  }
}

/**
 * Like overlap, but rank 0 first has an Irecv(ANY_SOURCE) pending ahead of the large ones:
 * once it completes, the large receives must be published too, so that they fill while rank 0
 * computes.
 */
function overlapAfterAny(): void {
  const len = (s: i32): i32 => (1 << 18) + s;
  const tag = 31;
  const token = new Int32Array(1);
  if (rank == 0) {
    const seconds = 5;
    const first = new Int32Array(1);
    const a = comm.Irecv(first, MPI.ANY_SOURCE, 30);
    const bufs = new Array<Int32Array>(size);
    const reqs = new Array<MPI.Request>(size);
    for (let s = 1; s < size; s++) {
      bufs[s] = new Int32Array(len(s));
      reqs[s] = comm.Irecv(bufs[s], s, tag);
    }
    const st = new MPI.Status();
    a.Wait(st);
    expectStatus(st, size - 1, 30, 4, "Irecv(ANY_SOURCE) ahead of the large ones");
    comm.Send(token, 1, tag + 1);
    const arrived = new StaticArray<bool>(size);
    let remaining = size - 1;
    let acc: u64 = 1;
    const limit = Date.now() + seconds * 1000;
    for (let iter = 1; remaining > 0; iter++) {
      for (let w = 0; w < 2048; w++) acc = acc * 6364136223846793005 + <u64>w;
      for (let s = 1; s < size; s++) {
        if (arrived[s]) continue;
        const last = bufs[s].dataStart + ((<usize>len(s) - 1) << 2);
        if (atomic.load<i32>(last) == val(s, tag, 0, len(s) - 1)) {
          arrived[s] = true;
          remaining--;
        }
      }
      if ((iter & 63) == 0 && Date.now() > limit) break;
    }
    sink += acc;
    for (let s = 1; s < size; s++) {
      expect(
        arrived[s],
        `the 1 MiB message from rank ${s} did not arrive in ${seconds} s while rank 0 computed (its Irecv came after an Irecv(ANY_SOURCE) that had completed)`,
      );
    }
    for (let s = 1; s < size; s++) {
      reqs[s].Wait(st);
      expectStatus(st, s, tag, len(s) * 4, `Irecv from ${s}`);
      expectPayload<Int32Array>(bufs[s], len(s), s, tag, 0, `Irecv from ${s}`);
    }
  } else {
    if (rank == size - 1) comm.Send(token, 0, 30);
    comm.Recv(token, rank - 1, tag + 1);
    const out = new Int32Array(len(rank));
    fill<Int32Array>(out, rank, tag, 0);
    comm.Send(out, 0, tag);
    if (rank + 1 < size) comm.Send(token, rank + 1, tag + 1);
  }
  comm.Barrier();
}

/** Ring exchanges with Isend/Irecv, computation in between, completed by Waitall. */
function ring(): void {
  const len = (r: i32): i32 => (1 << 17) + r * 3; // doubles: 1 MiB and a little
  const st = new MPI.Status();
  for (let round = 0; round < 3; round++) {
    const got = new Float64Array(len(left()));
    const out = new Float64Array(len(rank));
    fill<Float64Array>(out, rank, round, round);
    const reqs = new Array<MPI.Request>(2);
    // Receive first in one round, send first in another, Waitall in both orders.
    if (round % 2 == 0) {
      reqs[0] = comm.Irecv(got, left(), round);
      reqs[1] = comm.Isend(out, right(), round);
    } else {
      reqs[1] = comm.Isend(out, right(), round);
      reqs[0] = comm.Irecv(got, left(), round);
    }
    let acc: f64 = 0;
    for (let i = 0; i < 200000; i++) acc += Math.sqrt(<f64>(i + rank));
    sink += <u64>acc;
    MPI.Request.Waitall(reqs);
    expect(!reqs[0].active && !reqs[1].active, "Waitall leaves requests active");
    expectPayload<Float64Array>(got, len(left()), left(), round, round, `ring round ${round}`);
  }
  // Both directions at once, small and large: four requests per rank.
  const toRight = new Int16Array(1000 + rank);
  const toLeft = new Float32Array(300000 + rank);
  const fromLeft = new Int16Array(1000 + left());
  const fromRight = new Float32Array(300000 + right());
  fill<Int16Array>(toRight, rank, 51, 0);
  fill<Float32Array>(toLeft, rank, 52, 1);
  const reqs: MPI.Request[] = [
    comm.Isend(toLeft, left(), 52),
    comm.Irecv(fromLeft, left(), 51),
    comm.Isend(toRight, right(), 51),
    comm.Irecv(fromRight, right(), 52),
  ];
  let acc: f64 = 0;
  for (let i = 0; i < 100000; i++) acc += Math.sqrt(<f64>i);
  sink += <u64>acc;
  reqs[1].Wait(st);
  expectStatus(st, left(), 51, fromLeft.length * 2, "from the left");
  MPI.Request.Waitall(reqs);
  expectPayload<Int16Array>(fromLeft, fromLeft.length, left(), 51, 0, "Int16 from the left");
  expectPayload<Float32Array>(fromRight, fromRight.length, right(), 52, 1, "Float32 from right");
}

// ---- 5. thousands of requests ----------------------------------------------------------

function many(): void {
  const N = 2000;
  const ins = new Array<Int32Array>(N);
  const outs = new Array<Int32Array>(N);
  const reqs = new Array<MPI.Request>(2 * N);
  // Each rank hears only from its left neighbour, so wildcard receives match in post order
  // as well: receive i gets message i whatever its kind.
  for (let i = 0; i < N; i++) {
    ins[i] = new Int32Array(4);
    const tag = i % 7;
    const kind = i % 4;
    const source = kind < 2 ? left() : MPI.ANY_SOURCE;
    reqs[i] = comm.Irecv(ins[i].subarray(0, 3), source, kind % 2 == 0 ? tag : MPI.ANY_TAG);
  }
  for (let i = 0; i < N; i++) {
    outs[i] = new Int32Array(3);
    fill<Int32Array>(outs[i], rank, i % 7, i);
    reqs[N + i] = comm.Isend(outs[i], right(), i % 7);
  }
  const st = new MPI.Status();
  if (mode == "waitall") {
    MPI.Request.Waitall(reqs);
  } else if (mode == "waitany") {
    const seen = new StaticArray<bool>(2 * N);
    for (let c = 0; c < 2 * N; c++) {
      const j = MPI.Request.Waitany(reqs, st);
      expect(j >= 0 && j < 2 * N && !seen[j], `Waitany returned ${j} at call ${c}`);
      seen[j] = true;
      if (j < N) expectStatus(st, left(), j % 7, 12, `Irecv #${j}`);
    }
    expect(MPI.Request.Waitany(reqs, st) == MPI.UNDEFINED, "Waitany after all completed");
  } else if (mode == "testall") {
    const limit = Date.now() + 20000;
    let calls = 0;
    while (!MPI.Request.Testall(reqs)) {
      calls++;
      if ((calls & 15) == 0) expect(Date.now() < limit, "Testall never returned true");
    }
    expect(MPI.Request.Testall(reqs), "Testall of completed requests");
  } else {
    abort(`unknown mode '${mode}'`);
  }
  for (let i = 0; i < 2 * N; i++) expect(!reqs[i].active, `request ${i} still active`);
  for (let i = 0; i < N; i++) {
    expectPayload<Int32Array>(ins[i], 3, left(), i % 7, i, `Irecv #${i}`);
    expect(ins[i][3] == 0, `Irecv #${i} wrote past its view`);
  }
}

// ---- 6. Waitany fairness -------------------------------------------------------------

function fairness(): void {
  const N = 16;
  const R = 12;
  const ns = senderCount();
  // Slot k receives from senderAt(k % ns) with tag k; message j of slot k is its round j.
  if (rank != 0 || size == 1) {
    const out = new Int32Array(3);
    for (let j = 0; j < R; j++) {
      for (let k = 0; k < N; k++) {
        if (senderAt(k % ns) != rank) continue;
        fill<Int32Array>(out, rank, k, j);
        comm.Send(out, 0, k);
      }
    }
  }
  if (rank == 0) {
    const bufs = new Array<Int32Array>(N);
    const reqs = new Array<MPI.Request>(N);
    for (let k = 0; k < N; k++) {
      bufs[k] = new Int32Array(3);
      reqs[k] = comm.Irecv(bufs[k], senderAt(k % ns), k);
    }
    comm.Barrier(); // every message has been sent: all slots are ready from now on
    const served = new StaticArray<i32>(N);
    const postedAt = new StaticArray<i32>(N);
    let longest = 0;
    let worst = -1;
    const st = new MPI.Status();
    for (let c = 0; c < N * R; c++) {
      const k = MPI.Request.Waitany(reqs, st);
      expect(k >= 0 && k < N, `Waitany returned ${k} at call ${c}`);
      const s = senderAt(k % ns);
      const what = `slot ${k} round ${served[k]}`;
      expectStatus(st, s, k, 12, what);
      expectPayload<Int32Array>(bufs[k], 3, s, k, served[k], what);
      if (c - postedAt[k] > longest) {
        longest = c - postedAt[k];
        worst = k;
      }
      served[k]++;
      if (served[k] < R) {
        reqs[k] = comm.Irecv(bufs[k], s, k);
        postedAt[k] = c + 1;
      }
    }
    expect(
      longest < 2 * N,
      `Waitany is unfair: slot ${worst} was ready but waited ${longest} calls (${N} slots)`,
    );
    for (let k = 0; k < N; k++) expect(served[k] == R, `slot ${k} served ${served[k]} times`);
    expect(MPI.Request.Waitany(reqs, st) == MPI.UNDEFINED, "Waitany of completed requests");
    expect(
      MPI.Request.Waitany(new Array<MPI.Request>(0)) == MPI.UNDEFINED,
      "Waitany of an empty array",
    );
  } else {
    comm.Barrier();
  }
}

// ---- 7. Testall, and completed requests in arrays --------------------------------------

function testall(): void {
  const peer = size > 1 ? 1 : 0;
  const st = new MPI.Status();
  const go = new Int32Array(1);
  if (rank == 0) {
    const done = comm.Irecv(new Int32Array(1), MPI.PROC_NULL, 1);
    done.Wait();
    const freed = comm.Isend(new Int32Array(1), MPI.PROC_NULL, 1);
    freed.Free();
    expect(!freed.active, "a freed request is inactive");
    const buf = new Int32Array(6);
    const pend = comm.Irecv(buf, peer, 31);
    const ready = comm.Isend(new Int32Array(2), MPI.PROC_NULL, 2);
    const arr: MPI.Request[] = [done, pend, freed, ready];
    // The peer sends only once told to: until then Testall must say false, completing none.
    for (let i = 0; i < 20; i++) {
      expect(!MPI.Request.Testall(arr), "Testall true while a receive has no message");
    }
    expect(pend.active && ready.active, "a false Testall completed a request");
    let self: MPI.Request | null = null;
    const mine = new Int32Array(5);
    if (peer == 0) {
      fill<Int32Array>(mine, 0, 31, 0);
      self = comm.Isend(mine, 0, 31);
    } else {
      comm.Send(go, peer, 30);
    }
    const limit = Date.now() + 20000;
    let calls = 0;
    while (!MPI.Request.Testall(arr)) {
      calls++;
      if ((calls & 15) == 0) expect(Date.now() < limit, "Testall never became true");
    }
    expect(!pend.active && !ready.active, "Testall true left requests active");
    expectPayload<Int32Array>(buf, 5, peer, 31, 0, "Testall's receive");
    // Arrays of completed requests: skipped by all three.
    MPI.Request.Waitall(arr);
    expect(MPI.Request.Waitany(arr, st) == MPI.UNDEFINED, "Waitany of completed requests");
    expect(MPI.Request.Testall(arr), "Testall of completed requests");
    if (self != null) self.Wait();

    // Waitany skips completed requests around a pending one.
    const c1 = comm.Isend(new Int32Array(1), MPI.PROC_NULL, 3);
    c1.Wait();
    const buf2 = new Int32Array(4);
    const p2 = comm.Irecv(buf2, peer, 32);
    const c2 = comm.Irecv(new Int32Array(1), MPI.PROC_NULL, 3);
    expect(c2.Test(), "Irecv(PROC_NULL) Test");
    const out2 = new Int32Array(4);
    if (peer == 0) {
      fill<Int32Array>(out2, 0, 32, 1);
      self = comm.Isend(out2, 0, 32);
    } else {
      comm.Send(go, peer, 30);
    }
    const arr2: MPI.Request[] = [c1, p2, c2];
    expect(MPI.Request.Waitany(arr2, st) == 1, "Waitany must return the pending one");
    expectStatus(st, peer, 32, 16, "Waitany among completed requests");
    expectPayload<Int32Array>(buf2, 4, peer, 32, 1, "Waitany among completed requests");
    expect(MPI.Request.Waitany(arr2, st) == MPI.UNDEFINED, "Waitany after the last");
    if (self != null) self.Wait();

    // Waitall over completed, pending receive, pending send, completed.
    const buf3 = new Int32Array(7);
    const out3 = new Int32Array(9);
    fill<Int32Array>(out3, 0, 34, 2);
    const arr3: MPI.Request[] = [c1, comm.Irecv(buf3, peer, 33), comm.Isend(out3, peer, 34), c2];
    let reply: MPI.Request | null = null;
    const in3 = new Int32Array(9);
    const back = new Int32Array(7);
    if (peer == 0) {
      reply = comm.Irecv(in3, 0, 34);
      fill<Int32Array>(back, 0, 33, 3);
      self = comm.Isend(back, 0, 33);
    }
    MPI.Request.Waitall(arr3);
    for (let i = 0; i < 4; i++) expect(!arr3[i].active, `Waitall left #${i} active`);
    expectPayload<Int32Array>(buf3, 7, peer, 33, 3, "Waitall's receive");
    if (reply != null) {
      reply.Wait();
      expectPayload<Int32Array>(in3, 9, 0, 34, 2, "self reply");
    }
    if (self != null) self.Wait();
  } else if (rank == 1) {
    comm.Recv(go, 0, 30);
    const out = new Int32Array(5);
    fill<Int32Array>(out, 1, 31, 0);
    comm.Send(out, 0, 31);
    comm.Recv(go, 0, 30);
    const out2 = new Int32Array(4);
    fill<Int32Array>(out2, 1, 32, 1);
    comm.Send(out2, 0, 32);
    const in3 = new Int32Array(9);
    comm.Recv(in3, 0, 34);
    expectPayload<Int32Array>(in3, 9, 0, 34, 2, "Waitall's send");
    const back = new Int32Array(7);
    fill<Int32Array>(back, 1, 33, 3);
    comm.Send(back, 0, 33);
  }
}

// ---- pinned buffers ------------------------------------------------------------------

/**
 * An Irecv into a buffer that only its request references: the collector must not reuse it
 * while the request is pending, or the message lands in whatever is allocated there next.
 */
function pinned(): void {
  const peer = size > 1 ? 1 : 0;
  if (rank == 0) {
    const n = 4096;
    const r = comm.Irecv(new Int32Array(n), peer, 70);
    const r2 = comm.Irecv(new Int32Array(n), peer, 71);
    __collect();
    const fresh = new Array<Int32Array>(0);
    for (let i = 0; i < 64; i++) {
      const a = new Int32Array(n);
      fresh.push(a);
    }
    let self: MPI.Request | null = null;
    const out = new Int32Array(n);
    fill<Int32Array>(out, peer, 70, 0);
    if (peer == 0) self = comm.Isend(out, 0, 70);
    else comm.Send(out, peer, 69);
    const st = new MPI.Status();
    r.Wait(st);
    expectStatus(st, peer, 70, n * 4, "Irecv into an unreferenced buffer");
    for (let i = 0; i < fresh.length; i++) {
      for (let e = 0; e < n; e++) {
        if (fresh[i][e] != 0) expect(false, `the message landed in array #${i} allocated later`);
      }
    }
    if (self != null) self.Wait();
    // The other one is still pending: its buffer is kept until it completes.
    __collect();
    const out2 = new Int32Array(n);
    fill<Int32Array>(out2, peer, 71, 1);
    if (peer == 0) self = comm.Isend(out2, 0, 71);
    else comm.Send(out2, peer, 69);
    for (let i = 0; i < 64; i++) fresh.push(new Int32Array(n));
    r2.Wait(st);
    expectStatus(st, peer, 71, n * 4, "second Irecv into an unreferenced buffer");
    for (let i = 0; i < fresh.length; i++) {
      for (let e = 0; e < n; e++) {
        if (fresh[i][e] != 0) expect(false, `the second message landed in array #${i}`);
      }
    }
    if (self != null) self.Wait();
  } else if (rank == 1) {
    const n = 4096;
    const buf = new Int32Array(n);
    for (let m = 0; m < 2; m++) {
      comm.Recv(buf, 0, 69);
      expectPayload<Int32Array>(buf, n, 1, 70 + m, m, "relay");
      comm.Send(buf, 0, 70 + m);
    }
  }
}

// ---- 8. objects ----------------------------------------------------------------------

function objects(): void {
  const st = new MPI.Status();
  const r1 = comm.isend<string>(`hello ${rank} ✓`, right(), 1);
  const long = "ab".repeat(60000 + rank); // 120 KB encoded: rendezvous
  const r2 = comm.isend<string>(long, right(), 2);
  const arr: f64[] = [<f64>rank, 0.5, <f64>val(rank, 3, 0, 0)];
  const r3 = comm.isend<f64[]>(arr, right(), 3);
  const ta = new Int32Array(300000 + rank);
  fill<Int32Array>(ta, rank, 4, 0);
  const r4 = comm.isend<Int32Array>(ta, right(), 4);
  const r5 = comm.isend<i64>(<i64>val(rank, 5, 0, 0) * 1000003, right(), 5);
  const r6 = comm.isend<string | null>(rank % 2 == 0 ? null : "odd", right(), 6);
  const rn = comm.isend<string>("nobody", MPI.PROC_NULL, 7);
  // Received out of order of sending: by tag.
  const l = left();
  const got5 = comm.recv<i64>(l, 5, st);
  expect(got5 == <i64>val(l, 5, 0, 0) * 1000003, "i64 from isend");
  expect(st.Get_source() == l && st.Get_tag() == 5, "recv status after isend");
  expect(comm.recv<string>(l, 1) == `hello ${l} ✓`, "string from isend");
  const gotArr = comm.recv<f64[]>(l, 3);
  expect(
    gotArr.length == 3 && gotArr[0] == <f64>l && gotArr[2] == <f64>val(l, 3, 0, 0),
    "Array<f64>",
  );
  const gotTa = comm.recv<Int32Array>(l, 4);
  expect(gotTa.length == 300000 + l, `Int32Array length ${gotTa.length}`);
  expectPayload<Int32Array>(gotTa, gotTa.length, l, 4, 0, "Int32Array from isend");
  const gotMaybe = comm.recv<string | null>(l, 6);
  expect(l % 2 == 0 ? gotMaybe == null : gotMaybe == "odd", "string | null");
  const gotLong = comm.recv<string>(l, 2);
  expect(gotLong == "ab".repeat(60000 + l), "long string from isend");
  r1.Wait();
  MPI.Request.Waitall([r2, r3, r4]);
  if (!r5.Test()) r5.Wait();
  testUntil(r6, null, "isend<string | null>");
  expect(rn.Test(), "isend to PROC_NULL completes at once");
  // A freed isend still delivers.
  const rf = comm.isend<string>(`freed ${rank}`, right(), 8);
  rf.Free();
  expect(comm.recv<string>(l, 8) == `freed ${l}`, "freed isend delivers");
  comm.Barrier();
}

// ---- communicators made by Split and Dup -------------------------------------------------

/**
 * Isend/Irecv on a Split communicator ordered against world order, and on its Dup: statuses
 * give ranks of the communicator, and a message on one never matches a receive on the other
 * (the Dup's wildcard receive is posted first, the Split's message sent first).
 */
function subcomm(): void {
  const color = rank % 2;
  const sub = comm.Split(color, size - rank); // members in decreasing world rank
  const dup = sub.Dup();
  let above = 0;
  let members = 0;
  for (let w = 0; w < size; w++) {
    if (w % 2 != color) continue;
    members++;
    if (w > rank) above++;
  }
  const me = sub.Get_rank();
  const n = sub.Get_size();
  expect(me == above && n == members, `Split gave rank ${me} of ${n}`);
  const l = (me + n - 1) % n;
  const r = (me + 1) % n;
  const fromSub = new Int32Array(6);
  const fromDup = new Int32Array(6);
  const toSub = new Int32Array(5);
  const toDup = new Int32Array(4);
  fill<Int32Array>(toSub, me, 1, 100 + color);
  fill<Int32Array>(toDup, me, 1, 200 + color);
  const rd = dup.Irecv(fromDup, MPI.ANY_SOURCE, MPI.ANY_TAG);
  const rs = sub.Irecv(fromSub, MPI.ANY_SOURCE, 1);
  const ss = sub.Isend(toSub, r, 1);
  const sd = dup.Isend(toDup, r, 1);
  const st = new MPI.Status();
  rs.Wait(st);
  expectStatus(st, l, 1, 20, "Irecv on the Split communicator");
  expectPayload<Int32Array>(fromSub, 5, l, 1, 100 + color, "Irecv on the Split communicator");
  rd.Wait(st);
  expectStatus(st, l, 1, 16, "Irecv on its Dup");
  expectPayload<Int32Array>(fromDup, 4, l, 1, 200 + color, "Irecv on its Dup");
  MPI.Request.Waitall([ss, sd]);
  // Thousands at once on the Dup, drained by Waitany.
  const N = 500;
  const ins = new Array<Int32Array>(N);
  const outs = new Array<Int32Array>(N);
  const reqs = new Array<MPI.Request>(2 * N);
  for (let i = 0; i < N; i++) {
    ins[i] = new Int32Array(2);
    reqs[i] = dup.Irecv(ins[i], i % 2 == 0 ? l : MPI.ANY_SOURCE, i % 5);
  }
  for (let i = 0; i < N; i++) {
    outs[i] = new Int32Array(2);
    fill<Int32Array>(outs[i], me, i % 5, i);
    reqs[N + i] = dup.Isend(outs[i], r, i % 5);
  }
  for (let c = 0; c < 2 * N; c++) {
    const j = MPI.Request.Waitany(reqs, st);
    expect(j >= 0 && j < 2 * N, `Waitany on the Dup returned ${j}`);
    if (j < N) expectStatus(st, l, j % 5, 8, `Irecv #${j} on the Dup`);
  }
  for (let i = 0; i < N; i++) expectPayload<Int32Array>(ins[i], 2, l, i % 5, i, `Dup #${i}`);
  dup.Free();
  sub.Free();
}

// ---- 9. errors, on purpose -------------------------------------------------------------

/** Keeps the other ranks in a blocking call that only the failure ends. */
function waitForever(): void {
  comm.Recv(new Int32Array(1), MPI.ANY_SOURCE, 12345);
}

const last = size - 1;

function failing(): void {
  const buf = new Int32Array(10);
  if (scenario == "fail-wait-completed") {
    if (rank == last) {
      const r = comm.Irecv(buf, MPI.PROC_NULL, 1);
      r.Wait();
      r.Wait();
    }
  } else if (scenario == "fail-test-completed") {
    if (rank == last) {
      const r = comm.Isend(buf, MPI.PROC_NULL, 1);
      testUntil(r, null, "first Test");
      r.Test();
    }
  } else if (scenario == "fail-wait-freed") {
    if (rank == last) {
      const r = comm.Isend(buf, MPI.PROC_NULL, 1);
      r.Free();
      r.Wait();
    }
  } else if (scenario == "fail-too-many-requests") {
    // Requests that complete at once but are never waited for: the table fills up.
    if (rank == last) {
      const kept: MPI.Request[] = [];
      for (let i = 0; i < 70000; i++) kept.push(comm.Isend(buf, MPI.PROC_NULL, 1));
    }
  } else if (scenario == "fail-free-pending") {
    if (rank == last) comm.Irecv(buf, 0, 1).Free();
  } else if (scenario == "fail-truncate") {
    if (rank == 0) comm.Send(new Float64Array(100), last, 1);
    if (rank == last) comm.Irecv(new Float64Array(10), 0, 1).Wait();
  } else if (scenario == "fail-truncate-large") {
    if (rank == last) {
      const r = comm.Irecv(new Float64Array(10), 0, 1);
      comm.Send(buf, 0, 2);
      r.Wait();
    }
    if (rank == 0) {
      comm.Recv(buf, last, 2);
      comm.Send(new Float64Array(100000), last, 1);
    }
  } else if (scenario == "fail-truncate-waitany") {
    if (rank == last) {
      const reqs: MPI.Request[] = [
        comm.Irecv(new Float64Array(10), 0, 2),
        comm.Irecv(new Float64Array(10), 0, 1),
      ];
      MPI.Request.Waitany(reqs);
    }
    if (rank == 0) comm.Send(new Float64Array(300), last, 1);
  } else if (scenario == "fail-no-sender") {
    if (rank == last) comm.Irecv(buf, 0, 4).Wait();
    return;
  } else if (scenario == "fail-no-sender-test") {
    if (rank == last) testUntil(comm.Irecv(buf, 0, 4), null, "Irecv of a message never sent");
    return;
  } else if (scenario == "fail-no-sender-waitany") {
    if (rank == last) {
      const reqs: MPI.Request[] = [comm.Irecv(buf, MPI.ANY_SOURCE, 4)];
      MPI.Request.Waitany(reqs);
    }
    return;
  } else if (scenario == "fail-no-receiver") {
    if (rank == last) comm.Isend(new Float64Array(100000), 0, 4).Wait();
    return;
  } else {
    abort(`unknown scenario '${scenario}'`);
  }
  waitForever();
}

/** Ends with requests never completed: a warning per rank, not a failure. */
function leak(): void {
  const buf = new Int32Array(4);
  if (rank == 0) {
    comm.Isend(buf, 0, 97); // complete (eager, to itself) but never waited for
  } else if (rank == 1) {
    comm.Irecv(buf, 1, 99);
    comm.Isend(buf, 1, 98);
    comm.Isend(buf, MPI.PROC_NULL, 96).Wait();
  } else if (rank == 2) {
    for (let i = 0; i < 6; i++) comm.Irecv(new Int32Array(1), 2, 100 + i);
  }
}

if (scenario == "basic") basic();
else if (scenario == "order") order();
else if (scenario == "large-window") largeWindow();
else if (scenario == "large-sources") largeSources();
else if (scenario == "overlap") overlap();
else if (scenario == "overlap-after-any") overlapAfterAny();
else if (scenario == "ring") ring();
else if (scenario == "many") many();
else if (scenario == "fairness") fairness();
else if (scenario == "testall") testall();
else if (scenario == "pinned") pinned();
else if (scenario == "objects") objects();
else if (scenario == "subcomm") subcomm();
else if (scenario == "leak") leak();
else failing();

console.log(`ok ${scenario}`);
