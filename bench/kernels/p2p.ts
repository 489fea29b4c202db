// Point-to-point benchmark, wasmpi side. bench/c/p2p.c is the same program for Open MPI:
// same sizes, iteration counts, data check and output, so bench/p2p.ts treats both alike.
//
//   wasmpi run -n 2 bench/kernels/p2p.ts -- latency   [--sizes a,b,c] [--quick]
//   wasmpi run -n 2 bench/kernels/p2p.ts -- bandwidth [--sizes a,b,c] [--quick]
//   wasmpi run -n 2 bench/kernels/p2p.ts -- bandwidth-nb [--window W] [--sizes a,b,c] [--quick]
//
// bandwidth-nb is osu_bw: per window the receiver posts W Irecv, the sender starts W Isend
// (default W=16), both Waitall, then the receiver sends a blocking 1-byte ack. As in osu_bw,
// every slot of a window uses the same buffer (one send buffer, one receive buffer). Its lines
// are printed as test "bandwidth-nb-w<W>".
//
// Rank 0 times with MPI.Wtime and prints one JSON line per size. Collectives are not used:
// ranks line up with a zero-byte Sendrecv exchange instead of a Barrier.
import { MPI } from "wasmpi/assembly";

const MAX_SIZE: i32 = 64 << 20;
const WINDOW: i32 = 16;
const MAX_WINDOW: i32 = 1024;
const TAG: i32 = 1;
const ACK_TAG: i32 = 2;
const ALIGN_TAG: i32 = 3;
const PAGE: i32 = 4096;

// Iteration counts: these two functions are mirrored in bench/c/p2p.c.
function latencyIters(bytes: i32, quick: bool): i32 {
  // 10000 round trips up to 8 KiB, then about 80 MB of round trips per size, at least 20.
  let n: i64 = bytes <= 8192 ? 10000 : (<i64>10000 * 8192) / <i64>bytes;
  if (n < 20) n = 20;
  if (quick) n = max<i64>(n / 10, 2);
  return <i32>n;
}

function bandwidthIters(bytes: i32, window: i32, quick: bool): i32 {
  // About 1 GiB per size (at most 1000 windows, at least 5).
  let n: i64 = ((<i64>1) << 30) / (<i64>window * <i64>(bytes > 0 ? bytes : 1));
  if (n > 1000) n = 1000;
  if (n < 5) n = 5;
  if (quick) n = max<i64>(n / 10, 2);
  return <i32>n;
}

// As many untimed iterations as timed ones before each size. With a tenth, wasmpi showed
// one-off slow stretches of ~50 ms inside timed loops: the first time messages grow past
// 16 B (32 B: 1.3-2.5 µs one-way instead of 0.31 µs over a whole 10,000-round-trip loop), and
// after the launcher forwards the first output line. Mirrored in bench/c/p2p.c.
function warmupIters(iters: i32): i32 {
  return iters;
}

// One-off warm-up before the first size: ping-pong round trips, then windows of small sends
// (the sender running ahead takes other paths than ping-pong). wasmpi's first ~30,000 round
// trips run about 10x slower (8 B: 3.5-5.6 µs one-way, then 0.3 µs) while V8 optimizes the
// host side, so whichever size came first would show that start-up cost instead of
// steady-state messaging. Mirrored in bench/c/p2p.c.
const STARTUP_ROUND_TRIPS = 50000;
const STARTUP_WINDOWS = 3000;
const STARTUP_WINDOW_BYTES = 1024;

function warmUpStartup(sbuf: Uint8Array, rbuf: Uint8Array): void {
  const one = sbuf.subarray(0, 1);
  const oneBack = rbuf.subarray(0, 1);
  for (let i = 0; i < STARTUP_ROUND_TRIPS; i++) {
    if (rank === 0) {
      comm.Send(one, peer, TAG);
      comm.Recv(oneBack, peer, TAG);
    } else {
      comm.Recv(oneBack, peer, TAG);
      comm.Send(one, peer, TAG);
    }
  }
  const windowBytes = min<i32>(sbuf.length, STARTUP_WINDOW_BYTES);
  const out = sbuf.subarray(0, windowBytes);
  const into = rbuf.subarray(0, windowBytes);
  const ack = new Uint8Array(1);
  for (let i = 0; i < STARTUP_WINDOWS; i++) {
    if (rank === 0) {
      for (let w = 0; w < WINDOW; w++) comm.Send(out, peer, TAG);
      comm.Recv(ack, peer, ACK_TAG);
    } else {
      for (let w = 0; w < WINDOW; w++) comm.Recv(into, peer, TAG);
      comm.Send(ack, peer, ACK_TAG);
    }
  }
}

// Before the nonblocking test, also as many windows of nonblocking small sends, so that its
// first size does not pay for warming up the Isend/Irecv/Waitall paths either. Mirrored in
// bench/c/p2p.c.
function warmUpNonblocking(sbuf: Uint8Array, rbuf: Uint8Array, window: i32): void {
  const windowBytes = min<i32>(sbuf.length, STARTUP_WINDOW_BYTES);
  const out = sbuf.subarray(0, windowBytes);
  const into = rbuf.subarray(0, windowBytes);
  const ack = new Uint8Array(1);
  const reqs = new Array<MPI.Request>(0);
  for (let i = 0; i < STARTUP_WINDOWS; i++) {
    reqs.length = 0;
    if (rank === 0) {
      for (let w = 0; w < window; w++) reqs.push(comm.Isend(out, peer, TAG));
      MPI.Request.Waitall(reqs);
      comm.Recv(ack, peer, ACK_TAG);
    } else {
      for (let w = 0; w < window; w++) reqs.push(comm.Irecv(into, peer, TAG));
      MPI.Request.Waitall(reqs);
      comm.Send(ack, peer, ACK_TAG);
    }
  }
}

function pattern(i: i32): u8 {
  return <u8>((i * 7 + 13) & 0xff);
}

// A page-aligned view of `bytes` bytes, like posix_memalign in the C program.
function pageAligned(bytes: i32): Uint8Array {
  const backing = new Uint8Array(bytes + PAGE);
  const offset = (PAGE - <i32>(backing.dataStart & <usize>(PAGE - 1))) & (PAGE - 1);
  return backing.subarray(offset, offset + bytes);
}

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const peer = 1 - rank;
const empty = new Uint8Array(0);

function alignRanks(): void {
  comm.Sendrecv(empty, peer, ALIGN_TAG, empty, peer, ALIGN_TAG);
}

// The last byte of a message was never written by a smaller earlier one: a cheap check that
// whole messages arrived.
function checkReceived(buf: Uint8Array, bytes: i32): void {
  if (bytes > 0 && buf[bytes - 1] !== pattern(bytes - 1)) {
    console.error(
      "p2p: rank " +
        rank.toString() +
        ": wrong data at byte " +
        (bytes - 1).toString() +
        " of a " +
        bytes.toString() +
        "-byte message",
    );
    comm.Abort(3);
  }
}

// Rounded to `digits` decimals, as the C program's printf("%.3f") / ("%.1f") are.
function fixed(x: f64, digits: i32): string {
  const scale = 10 ** digits;
  return (Math.round(x * scale) / scale).toString();
}

function latency(sizes: Array<i32>, quick: bool, sbuf: Uint8Array, rbuf: Uint8Array): void {
  for (let s = 0; s < sizes.length; s++) {
    const bytes = sizes[s];
    const iters = latencyIters(bytes, quick);
    const warmup = warmupIters(iters);
    // Views made once per size, so the timed loop allocates nothing.
    const out = sbuf.subarray(0, bytes);
    const into = rbuf.subarray(0, bytes);
    let start: f64 = 0;
    for (let i = -warmup; i < iters; i++) {
      if (i === 0) {
        alignRanks();
        start = MPI.Wtime();
      }
      if (rank === 0) {
        comm.Send(out, peer, TAG);
        comm.Recv(into, peer, TAG);
      } else {
        comm.Recv(into, peer, TAG);
        comm.Send(out, peer, TAG);
      }
    }
    const elapsed = MPI.Wtime() - start;
    checkReceived(rbuf, bytes);
    if (rank === 0) {
      const usec = (elapsed * 1e6) / (2.0 * <f64>iters);
      console.log(
        '{"impl":"wasmpi","test":"latency","bytes":' +
          bytes.toString() +
          ',"usec":' +
          fixed(usec, 3) +
          ',"iters":' +
          iters.toString() +
          "}",
      );
    }
  }
}

function bandwidth(sizes: Array<i32>, quick: bool, sbuf: Uint8Array, rbuf: Uint8Array): void {
  const ack = new Uint8Array(1);
  for (let s = 0; s < sizes.length; s++) {
    const bytes = sizes[s];
    const iters = bandwidthIters(bytes, WINDOW, quick);
    const warmup = warmupIters(iters);
    const out = sbuf.subarray(0, bytes);
    const into = rbuf.subarray(0, bytes);
    let start: f64 = 0;
    for (let i = -warmup; i < iters; i++) {
      if (i === 0) {
        alignRanks();
        start = MPI.Wtime();
      }
      if (rank === 0) {
        for (let w = 0; w < WINDOW; w++) comm.Send(out, peer, TAG);
        comm.Recv(ack, peer, ACK_TAG);
      } else {
        for (let w = 0; w < WINDOW; w++) comm.Recv(into, peer, TAG);
        comm.Send(ack, peer, ACK_TAG);
      }
    }
    const elapsed = MPI.Wtime() - start;
    if (rank === 1) checkReceived(rbuf, bytes);
    if (rank === 0) {
      const mbps = (<f64>bytes * <f64>WINDOW * <f64>iters) / elapsed / 1e6;
      console.log(
        '{"impl":"wasmpi","test":"bandwidth","bytes":' +
          bytes.toString() +
          ',"MBps":' +
          fixed(mbps, 1) +
          ',"iters":' +
          iters.toString() +
          "}",
      );
    }
  }
}

// osu_bw: W nonblocking sends against W pre-posted nonblocking receives per window, all slots
// on the same buffer, then a blocking 1-byte ack from the receiver.
function bandwidthNonblocking(
  sizes: Array<i32>,
  quick: bool,
  window: i32,
  sbuf: Uint8Array,
  rbuf: Uint8Array,
): void {
  const ack = new Uint8Array(1);
  // One array for the whole run, emptied each window: the timed loop allocates only the
  // requests themselves.
  const reqs = new Array<MPI.Request>(0);
  for (let s = 0; s < sizes.length; s++) {
    const bytes = sizes[s];
    const iters = bandwidthIters(bytes, window, quick);
    const warmup = warmupIters(iters);
    const out = sbuf.subarray(0, bytes);
    const into = rbuf.subarray(0, bytes);
    let start: f64 = 0;
    for (let i = -warmup; i < iters; i++) {
      if (i === 0) {
        alignRanks();
        start = MPI.Wtime();
      }
      reqs.length = 0;
      if (rank === 0) {
        for (let w = 0; w < window; w++) reqs.push(comm.Isend(out, peer, TAG));
        MPI.Request.Waitall(reqs);
        comm.Recv(ack, peer, ACK_TAG);
      } else {
        for (let w = 0; w < window; w++) reqs.push(comm.Irecv(into, peer, TAG));
        MPI.Request.Waitall(reqs);
        comm.Send(ack, peer, ACK_TAG);
      }
    }
    const elapsed = MPI.Wtime() - start;
    if (rank === 1) checkReceived(rbuf, bytes);
    if (rank === 0) {
      const mbps = (<f64>bytes * <f64>window * <f64>iters) / elapsed / 1e6;
      console.log(
        '{"impl":"wasmpi","test":"bandwidth-nb-w' +
          window.toString() +
          '","window":' +
          window.toString() +
          ',"bytes":' +
          bytes.toString() +
          ',"MBps":' +
          fixed(mbps, 1) +
          ',"iters":' +
          iters.toString() +
          "}",
      );
    }
  }
}

function defaultSizes(isLatency: bool): Array<i32> {
  const sizes: i32[] = [];
  if (isLatency) sizes.push(0);
  for (let b: i32 = isLatency ? 1 : 1024; b <= MAX_SIZE; b *= 2) sizes.push(b);
  return sizes;
}

// Null when the list is not a comma-separated list of byte counts in 0..MAX_SIZE.
function parseSizes(list: string): Array<i32> | null {
  const sizes: i32[] = [];
  const parts = list.split(",");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.length === 0) return null;
    for (let c = 0; c < part.length; c++) {
      const code = part.charCodeAt(c);
      if (code < 48 || code > 57) return null;
    }
    const b = parseInt(part, 10);
    if (b > <f64>MAX_SIZE) return null;
    sizes.push(<i32>b);
  }
  return sizes;
}

function usage(message: string): void {
  if (rank === 0) console.error(message);
  comm.Abort(2);
}

// Whether argv[0] is the program name depends on the host (WASI passes it), so the mode is
// found by name rather than by position.
const argv = process.argv;
let mode = "";
let sizeList = "";
let windowArg = "";
let quick = false;
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === "--quick") quick = true;
  else if (arg === "--sizes" && i + 1 < argv.length) sizeList = argv[++i];
  else if (arg === "--window" && i + 1 < argv.length) windowArg = argv[++i];
  else if (mode === "" && (arg === "latency" || arg === "bandwidth" || arg === "bandwidth-nb")) {
    mode = arg;
  }
}

// WINDOW unless --window gives a whole number in 1..MAX_WINDOW; 0 for anything else.
function parseWindow(text: string): i32 {
  if (text === "") return WINDOW;
  for (let c = 0; c < text.length; c++) {
    const code = text.charCodeAt(c);
    if (code < 48 || code > 57) return 0;
  }
  const w = parseInt(text, 10);
  return w >= 1 && w <= <f64>MAX_WINDOW ? <i32>w : 0;
}
const window = parseWindow(windowArg);

if (mode === "") {
  usage("usage: p2p latency|bandwidth|bandwidth-nb [--window W] [--sizes a,b,c] [--quick]");
} else if (window === 0) {
  usage(`p2p: bad --window '${windowArg}' (1..${MAX_WINDOW.toString()})`);
} else if (comm.Get_size() !== 2) {
  usage(`p2p: needs exactly 2 ranks, got ${comm.Get_size().toString()}`);
} else {
  const isLatency = mode === "latency";
  let sizes = defaultSizes(isLatency);
  if (sizeList !== "") {
    const parsed = parseSizes(sizeList);
    if (parsed == null) usage(`p2p: bad --sizes '${sizeList}' (bytes, 0..${MAX_SIZE.toString()})`);
    else sizes = parsed;
  }
  let largest: i32 = 1;
  for (let s = 0; s < sizes.length; s++) if (sizes[s] > largest) largest = sizes[s];

  // Touch every page before timing so no first-touch fault lands inside a timed loop.
  const sbuf = pageAligned(largest);
  const rbuf = pageAligned(largest);
  for (let i = 0; i < largest; i++) sbuf[i] = pattern(i);
  warmUpStartup(sbuf, rbuf);
  if (mode === "bandwidth-nb") warmUpNonblocking(sbuf, rbuf, window);
  rbuf.fill(0);

  if (isLatency) latency(sizes, quick, sbuf, rbuf);
  else if (mode === "bandwidth") bandwidth(sizes, quick, sbuf, rbuf);
  else bandwidthNonblocking(sizes, quick, window, sbuf, rbuf);
}
