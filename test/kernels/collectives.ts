// Collective checks, one scenario per run: `wasmpi run -n N collectives.ts -- <scenario>`.
// Every rank computes what each call must give from the rank numbers alone, checks its own
// results, and prints `ok <scenario>`; a failed check aborts with a message naming the rank,
// the scenario, the call and what differed. The `error-*` scenarios fail on purpose.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const scenario = process.argv.length > 1 ? process.argv[1] : "";

function expect(ok: bool, what: string): void {
  if (!ok) abort(`rank ${rank}: ${scenario}: ${what}`);
}

/** The value element i of a block tagged `src` carries, exact in every datatype (0..100). */
function pattern(src: i32, i: i32): i32 {
  return (src * 31 + i * 7) % 101;
}

/** A value no pattern produces: what a receive buffer holds before the call. */
const UNSET: i32 = 127;

function filled<B>(n: i32, value: i32): B {
  const buf = instantiate<B>(n);
  for (let i = 0; i < n; i++) buf[i] = <valueof<B>>value;
  return buf;
}

/** A buffer of n elements, element i = pattern(src, i). */
function patterned<B>(n: i32, src: i32): B {
  const buf = instantiate<B>(n);
  for (let i = 0; i < n; i++) buf[i] = <valueof<B>>pattern(src, i);
  return buf;
}

/** Checks buf[at + i] == pattern(src, i) for i < n. */
function expectBlock<B>(call: string, buf: B, at: i32, n: i32, src: i32): void {
  for (let i = 0; i < n; i++) {
    const want = <valueof<B>>pattern(src, i);
    if (buf[at + i] != want)
      expect(false, `${call}: [${at + i}] is ${buf[at + i]}, expected ${want}`);
  }
}

/** Checks buf[at + i] == UNSET for i < n: elements a call must not write. */
function expectUnset<B>(call: string, buf: B, at: i32, n: i32): void {
  for (let i = 0; i < n; i++) {
    if (buf[at + i] != <valueof<B>>UNSET) expect(false, `${call}: wrote [${at + i}]`);
  }
}

const LENGTHS: i32[] = [0, 1, 5];

// ---- fixed-count collectives, per buffer type --------------------------------------------

function bcastOf<B>(name: string): void {
  for (let root = 0; root < size; root++) {
    for (let k = 0; k < LENGTHS.length; k++) {
      const n = LENGTHS[k] * 7;
      const buf = rank == root ? patterned<B>(n, root) : filled<B>(n, UNSET);
      comm.Bcast(buf, root);
      expectBlock(`Bcast<${name}>(n=${n}, root=${root})`, buf, 0, n, root);
    }
  }
}

function scatterOf<B>(name: string): void {
  for (let root = 0; root < size; root++) {
    for (let k = 0; k < LENGTHS.length; k++) {
      const n = LENGTHS[k];
      const recv = filled<B>(n, UNSET);
      if (rank == root) {
        // Block j of the root's buffer is tagged root * size + j.
        const send = instantiate<B>(size * n);
        for (let j = 0; j < size; j++) {
          for (let i = 0; i < n; i++) send[j * n + i] = <valueof<B>>pattern(root * size + j, i);
        }
        comm.Scatter(send, recv, root);
      } else if (rank % 2 == 0) {
        comm.Scatter<B>(null, recv, root);
      } else {
        // Off the root the send buffer is ignored, whatever its length.
        comm.Scatter(filled<B>(3, UNSET), recv, root);
      }
      expectBlock(`Scatter<${name}>(n=${n}, root=${root})`, recv, 0, n, root * size + rank);
    }
  }
}

function gatherOf<B>(name: string): void {
  for (let root = 0; root < size; root++) {
    for (let k = 0; k < LENGTHS.length; k++) {
      const n = LENGTHS[k];
      const send = patterned<B>(n, root * size + rank);
      const call = `Gather<${name}>(n=${n}, root=${root})`;
      if (rank == root) {
        const recv = filled<B>(size * n, UNSET);
        comm.Gather(send, recv, root);
        for (let j = 0; j < size; j++) expectBlock(call, recv, j * n, n, root * size + j);
      } else if (rank % 2 == 0) {
        comm.Gather(send, null, root);
      } else {
        const ignored = filled<B>(1, UNSET);
        comm.Gather(send, ignored, root);
        expectUnset(call, ignored, 0, 1);
      }
    }
  }
}

function allgatherOf<B>(name: string): void {
  for (let k = 0; k < LENGTHS.length; k++) {
    const n = LENGTHS[k];
    const recv = filled<B>(size * n, UNSET);
    comm.Allgather(patterned<B>(n, rank), recv);
    for (let j = 0; j < size; j++) expectBlock(`Allgather<${name}>(n=${n})`, recv, j * n, n, j);
    // In place: this rank's block is already at its position in the buffer.
    const both = filled<B>(size * n, UNSET);
    for (let i = 0; i < n; i++) both[rank * n + i] = <valueof<B>>pattern(rank + 50, i);
    comm.Allgather(both, both);
    for (let j = 0; j < size; j++) {
      expectBlock(`Allgather<${name}>(n=${n}, in place)`, both, j * n, n, j + 50);
    }
  }
}

function alltoallOf<B>(name: string): void {
  for (let k = 0; k < LENGTHS.length; k++) {
    const n = LENGTHS[k];
    // Block j of rank r's send buffer, for rank j, is tagged r * size + j.
    const send = instantiate<B>(size * n);
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < n; i++) send[j * n + i] = <valueof<B>>pattern(rank * size + j, i);
    }
    const recv = filled<B>(size * n, UNSET);
    comm.Alltoall(send, recv);
    for (let j = 0; j < size; j++) {
      expectBlock(`Alltoall<${name}>(n=${n})`, recv, j * n, n, j * size + rank);
    }
  }
}

// ---- reductions, per buffer type and op --------------------------------------------------

const OPS: MPI.Op[] = [
  MPI.SUM,
  MPI.PROD,
  MPI.MIN,
  MPI.MAX,
  MPI.LAND,
  MPI.LOR,
  MPI.LXOR,
  MPI.BAND,
  MPI.BOR,
  MPI.BXOR,
];

/** SUM PROD MIN MAX apply to every number; the logical and bitwise ops to integers only. */
function applies<T>(op: MPI.Op): bool {
  return isInteger<T>() || op.code <= MPI.MAX.code;
}

/** Rank `src`'s operand i for `op`: negative values (wrapping in unsigned types, to test
 *  unsigned comparison), small factors for PROD so that float products stay exact, high bits
 *  for the bitwise ops, zeros among nonzeros for the logical ones. */
function operand<T>(op: MPI.Op, src: i32, i: i32): T {
  const p = pattern(src, i);
  if (op == MPI.PROD) return <T>((p % 5) - 2);
  if (op == MPI.LAND || op == MPI.LOR || op == MPI.LXOR) {
    const truth: i32 = p % 3 == 0 ? 0 : p;
    return <T>truth;
  }
  if (isInteger<T>()) {
    if (op == MPI.BAND || op == MPI.BOR || op == MPI.BXOR) {
      return <T>((<u64>p + 1) * 0x9e3779b97f4a7c15);
    }
  }
  return <T>(p - 50);
}

/** a op b, in T's own arithmetic (integers wrap). */
function combine<T>(op: MPI.Op, a: T, b: T): T {
  if (op == MPI.SUM) return <T>(a + b);
  if (op == MPI.PROD) return <T>(a * b);
  if (op == MPI.MIN) return a < b ? a : b;
  if (op == MPI.MAX) return a > b ? a : b;
  if (op == MPI.LAND) return <T>(a != 0 && b != 0 ? 1 : 0);
  if (op == MPI.LOR) return <T>(a != 0 || b != 0 ? 1 : 0);
  if (op == MPI.LXOR) return <T>((a != 0) != (b != 0) ? 1 : 0);
  if (isInteger<T>()) {
    if (op == MPI.BAND) return a & b;
    if (op == MPI.BOR) return a | b;
    if (op == MPI.BXOR) return a ^ b;
  }
  abort(`no such op ${op.name}`);
  return a;
}

/** Operand i of ranks first..last combined with op, in rank order. */
function folded<T>(op: MPI.Op, first: i32, last: i32, i: i32): T {
  let acc = operand<T>(op, first, i);
  for (let r = first + 1; r <= last; r++) acc = combine<T>(op, acc, operand<T>(op, r, i));
  return acc;
}

function operands<B>(op: MPI.Op, n: i32, src: i32): B {
  const buf = instantiate<B>(n);
  for (let i = 0; i < n; i++) buf[i] = operand<valueof<B>>(op, src, i);
  return buf;
}

/** Checks buf[i] == ranks first..last combined, for i < n. */
function expectFolded<B>(call: string, buf: B, op: MPI.Op, first: i32, last: i32): void {
  for (let i = 0; i < buf.length; i++) {
    const want = folded<valueof<B>>(op, first, last, i);
    if (buf[i] != want) expect(false, `${call}: [${i}] is ${buf[i]}, expected ${want}`);
  }
}

function reduceOf<B>(name: string): void {
  const n = 9;
  for (let k = 0; k < OPS.length; k++) {
    const op = OPS[k];
    if (!applies<valueof<B>>(op)) continue;
    const last = size - 1;
    for (let root = 0; root < size; root++) {
      const call = `Reduce<${name}>(${op.name}, root=${root})`;
      if (rank == root) {
        const recv = filled<B>(n, UNSET);
        comm.Reduce(operands<B>(op, n, rank), recv, op, root);
        expectFolded(call, recv, op, 0, last);
        // In place at the root: the operand is read from, and the result written to, one buffer.
        const both = operands<B>(op, n, rank);
        comm.Reduce(both, both, op, root);
        expectFolded(`${call} in place`, both, op, 0, last);
      } else {
        comm.Reduce(operands<B>(op, n, rank), null, op, root);
        const mine = operands<B>(op, n, rank);
        comm.Reduce(mine, mine, op, root); // same buffer off the root: not in place, unchanged
        expectFolded(`${call} off the root`, mine, op, rank, rank);
      }
    }
    const recv = filled<B>(n, UNSET);
    comm.Allreduce(operands<B>(op, n, rank), recv, op);
    expectFolded(`Allreduce<${name}>(${op.name})`, recv, op, 0, last);
    const both = operands<B>(op, n, rank);
    comm.Allreduce(both, both, op);
    expectFolded(`Allreduce<${name}>(${op.name}) in place`, both, op, 0, last);
  }
}

function scanOf<B>(name: string): void {
  const n = 6;
  for (let k = 0; k < OPS.length; k++) {
    const op = OPS[k];
    if (!applies<valueof<B>>(op)) continue;
    const recv = filled<B>(n, UNSET);
    comm.Scan(operands<B>(op, n, rank), recv, op);
    expectFolded(`Scan<${name}>(${op.name})`, recv, op, 0, rank);
    const both = operands<B>(op, n, rank);
    comm.Scan(both, both, op);
    expectFolded(`Scan<${name}>(${op.name}) in place`, both, op, 0, rank);
    // Rank 0's Exscan result is undefined in MPI: only the others are checked.
    const ex = filled<B>(n, UNSET);
    comm.Exscan(operands<B>(op, n, rank), ex, op);
    if (rank > 0) expectFolded(`Exscan<${name}>(${op.name})`, ex, op, 0, rank - 1);
    const exBoth = operands<B>(op, n, rank);
    comm.Exscan(exBoth, exBoth, op);
    if (rank > 0) expectFolded(`Exscan<${name}>(${op.name}) in place`, exBoth, op, 0, rank - 1);
    // Reduce_scatter_block: rank j gets block j of the element-wise result. Operand element
    // j * m + i of every rank is operand(op, r, j * m + i).
    for (let m = 0; m <= 3; m += 3) {
      const result = filled<B>(m, UNSET);
      comm.Reduce_scatter_block(operands<B>(op, size * m, rank), result, op);
      for (let i = 0; i < m; i++) {
        const want = folded<valueof<B>>(op, 0, size - 1, rank * m + i);
        if (result[i] != want) {
          expect(
            false,
            `Reduce_scatter_block<${name}>(${op.name}, m=${m}): [${i}] is ${result[i]}, expected ${want}`,
          );
        }
      }
    }
  }
}

// ---- v-collectives: uneven counts, zeros among them ---------------------------------------

/** Elements rank j contributes or gets: 0, 3, 2, 1, 0, ... */
function countOf(j: i32): i32 {
  return (j * 3) % 4;
}

function countsOf(): Int32Array {
  const counts = new Int32Array(size);
  for (let j = 0; j < size; j++) counts[j] = countOf(j);
  return counts;
}

/** Blocks in reverse rank order with one unused element before each: offsets need not follow
 *  rank order, nor leave the buffer without gaps. Returns the offsets; `total` the length. */
function scatteredOffsets(counts: Int32Array): Int32Array {
  const displs = new Int32Array(size);
  let at = 0;
  for (let j = size - 1; j >= 0; j--) {
    at += 1;
    displs[j] = at;
    at += counts[j];
  }
  return displs;
}

function extentOf(counts: Int32Array, displs: Int32Array): i32 {
  let end = 0;
  for (let j = 0; j < size; j++) end = max(end, displs[j] + counts[j]);
  return end + 1;
}

function packedOffsets(counts: Int32Array): Int32Array {
  const displs = new Int32Array(size);
  for (let j = 1; j < size; j++) displs[j] = displs[j - 1] + counts[j - 1];
  return displs;
}

function vectorOf<B>(name: string): void {
  const counts = countsOf();
  const layouts: Array<Int32Array | null> = [scatteredOffsets(counts), null];
  for (let l = 0; l < layouts.length; l++) {
    const displs = layouts[l];
    const offsets = displs != null ? displs : packedOffsets(counts);
    const extent = displs != null ? extentOf(counts, offsets) : extentOf(counts, offsets) - 1;
    const layout = displs != null ? "scattered" : "packed";
    for (let root = 0; root < size; root++) {
      // Scatterv: block j of the root's buffer is tagged root * size + j.
      const call = `Scatterv<${name}>(${layout}, root=${root})`;
      const recv = filled<B>(countOf(rank), UNSET);
      if (rank == root) {
        const send = filled<B>(extent, UNSET);
        for (let j = 0; j < size; j++) {
          for (let i = 0; i < counts[j]; i++) {
            send[offsets[j] + i] = <valueof<B>>pattern(root * size + j, i);
          }
        }
        comm.Scatterv(send, counts, displs, recv, root);
      } else {
        comm.Scatterv<B>(null, null, null, recv, root);
      }
      expectBlock(call, recv, 0, countOf(rank), root * size + rank);
      // Gatherv: the root puts rank j's block at offsets[j]; the gaps stay unset.
      const gcall = `Gatherv<${name}>(${layout}, root=${root})`;
      const send = patterned<B>(countOf(rank), root * size + rank);
      if (rank == root) {
        const gathered = filled<B>(extent, UNSET);
        comm.Gatherv(send, gathered, counts, displs, root);
        expectLayout(gcall, gathered, counts, offsets, root * size);
      } else {
        comm.Gatherv<B>(send, null, null, null, root);
      }
    }
    if (displs == null) continue;
    const acall = `Allgatherv<${name}>`;
    const all = filled<B>(extent, UNSET);
    comm.Allgatherv(patterned<B>(countOf(rank), rank), all, counts, displs);
    expectLayout(acall, all, counts, displs, 0);
    const both = filled<B>(extent, UNSET);
    for (let i = 0; i < countOf(rank); i++) both[displs[rank] + i] = <valueof<B>>pattern(rank, i);
    comm.Allgatherv(both, both, counts, displs);
    expectLayout(`${acall} in place`, both, counts, displs, 0);
  }
  alltoallvOf<B>(name);
}

/** Checks that block j, tagged base + j, sits at displs[j] and that nothing else was written. */
function expectLayout<B>(
  call: string,
  buf: B,
  counts: Int32Array,
  displs: Int32Array,
  base: i32,
): void {
  const written = new StaticArray<bool>(buf.length);
  for (let j = 0; j < size; j++) {
    expectBlock(call, buf, displs[j], counts[j], base + j);
    for (let i = 0; i < counts[j]; i++) written[displs[j] + i] = true;
  }
  for (let i = 0; i < buf.length; i++) {
    if (!written[i]) expectUnset(call, buf, i, 1);
  }
}

/** Rank i sends (i + 2j) % 3 elements to rank j: zeros, and counts that differ both ways. */
function pairCount(from: i32, to: i32): i32 {
  return (from + 2 * to) % 3;
}

function alltoallvOf<B>(name: string): void {
  const sendcounts = new Int32Array(size);
  const recvcounts = new Int32Array(size);
  for (let j = 0; j < size; j++) {
    sendcounts[j] = pairCount(rank, j);
    recvcounts[j] = pairCount(j, rank);
  }
  const sdispls = scatteredOffsets(sendcounts);
  const rdispls = packedOffsets(recvcounts);
  const send = filled<B>(extentOf(sendcounts, sdispls), UNSET);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < sendcounts[j]; i++) {
      send[sdispls[j] + i] = <valueof<B>>pattern(rank * size + j, i);
    }
  }
  const recv = filled<B>(extentOf(recvcounts, rdispls), UNSET);
  comm.Alltoallv(send, sendcounts, sdispls, recv, recvcounts, rdispls);
  const call = `Alltoallv<${name}>`;
  for (let j = 0; j < size; j++)
    expectBlock(call, recv, rdispls[j], recvcounts[j], j * size + rank);
  expectUnset(call, recv, recv.length - 1, 1);
}

// ---- MAXLOC and MINLOC: (value, index) pairs, two elements each ---------------------------

const PAIRS = 3;

/** The value of pair p at rank r: pair 0 ties the ranks of equal r % 3, pair 1 is larger on
 *  lower ranks, pair 2 is the same everywhere; every rank pairs its values with its rank. */
function locValue(r: i32, p: i32): i32 {
  return p == 0 ? r % 3 : p == 1 ? 50 - r : 7;
}

function locOperand<B>(r: i32): B {
  const buf = instantiate<B>(2 * PAIRS);
  for (let p = 0; p < PAIRS; p++) {
    buf[2 * p] = <valueof<B>>locValue(r, p);
    buf[2 * p + 1] = <valueof<B>>r;
  }
  return buf;
}

/** Checks the pairs of ranks first..last combined with MAXLOC or MINLOC. */
function expectLoc<B>(call: string, buf: B, op: MPI.Op, first: i32, last: i32): void {
  for (let p = 0; p < PAIRS; p++) {
    let best = first;
    for (let r = first + 1; r <= last; r++) {
      const v = locValue(r, p);
      const b = locValue(best, p);
      // Of equal values the smaller index, the earlier rank, stays.
      if (op == MPI.MAXLOC ? v > b : v < b) best = r;
    }
    const value = <valueof<B>>locValue(best, p);
    const index = <valueof<B>>best;
    if (buf[2 * p] != value || buf[2 * p + 1] != index) {
      expect(
        false,
        `${call}: pair ${p} is (${buf[2 * p]}, ${buf[2 * p + 1]}), expected (${value}, ${index})`,
      );
    }
  }
}

function locOf<B>(name: string): void {
  const ops: MPI.Op[] = [MPI.MAXLOC, MPI.MINLOC];
  const last = size - 1;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k];
    for (let root = 0; root < size; root++) {
      if (rank == root) {
        const recv = filled<B>(2 * PAIRS, UNSET);
        comm.Reduce(locOperand<B>(rank), recv, op, root);
        expectLoc(`Reduce<${name}>(${op.name}, root=${root})`, recv, op, 0, last);
      } else {
        comm.Reduce(locOperand<B>(rank), null, op, root);
      }
    }
    const recv = filled<B>(2 * PAIRS, UNSET);
    comm.Allreduce(locOperand<B>(rank), recv, op);
    expectLoc(`Allreduce<${name}>(${op.name})`, recv, op, 0, last);
    const both = locOperand<B>(rank);
    comm.Allreduce(both, both, op);
    expectLoc(`Allreduce<${name}>(${op.name}) in place`, both, op, 0, last);
    const scanned = filled<B>(2 * PAIRS, UNSET);
    comm.Scan(locOperand<B>(rank), scanned, op);
    expectLoc(`Scan<${name}>(${op.name})`, scanned, op, 0, rank);
    const exscanned = filled<B>(2 * PAIRS, UNSET);
    comm.Exscan(locOperand<B>(rank), exscanned, op);
    if (rank > 0) expectLoc(`Exscan<${name}>(${op.name})`, exscanned, op, 0, rank - 1);
  }
}

/** A MAXLOC of 3001 pairs (48 KB): large enough that every rank combines a share, in whole
 *  pairs although the pairs do not split evenly. */
function largeLoc(): void {
  const pairs = 3001;
  const send = new Float64Array(2 * pairs);
  for (let p = 0; p < pairs; p++) {
    send[2 * p] = <f64>((p * 7 + rank * 13) % 101);
    send[2 * p + 1] = <f64>rank;
  }
  const recv = new Float64Array(2 * pairs);
  comm.Allreduce(send, recv, MPI.MAXLOC);
  for (let p = 0; p < pairs; p++) {
    let best = 0;
    for (let r = 1; r < size; r++) {
      if ((p * 7 + r * 13) % 101 > (p * 7 + best * 13) % 101) best = r;
    }
    const value = <f64>((p * 7 + best * 13) % 101);
    if (recv[2 * p] != value || recv[2 * p + 1] != <f64>best) {
      expect(
        false,
        `Allreduce(MAXLOC) of ${pairs} pairs: pair ${p} is (${recv[2 * p]}, ${recv[2 * p + 1]}), expected (${value}, ${best})`,
      );
    }
  }
}

// ---- every buffer type --------------------------------------------------------------------

function onBuffer<B>(name: string): void {
  if (scenario == "bcast") bcastOf<B>(name);
  else if (scenario == "scatter") scatterOf<B>(name);
  else if (scenario == "gather") gatherOf<B>(name);
  else if (scenario == "allgather") allgatherOf<B>(name);
  else if (scenario == "alltoall") alltoallOf<B>(name);
  else if (scenario == "reduce") reduceOf<B>(name);
  else if (scenario == "scan") scanOf<B>(name);
  else if (scenario == "vector") vectorOf<B>(name);
  else if (scenario == "loc") locOf<B>(name);
}

function everyBuffer(): void {
  onBuffer<Int8Array>("Int8Array");
  onBuffer<Uint8Array>("Uint8Array");
  onBuffer<Uint8ClampedArray>("Uint8ClampedArray");
  onBuffer<Int16Array>("Int16Array");
  onBuffer<Uint16Array>("Uint16Array");
  onBuffer<Int32Array>("Int32Array");
  onBuffer<Uint32Array>("Uint32Array");
  onBuffer<Int64Array>("Int64Array");
  onBuffer<Uint64Array>("Uint64Array");
  onBuffer<Float32Array>("Float32Array");
  onBuffer<Float64Array>("Float64Array");
  onBuffer<StaticArray<i16>>("StaticArray<i16>");
  onBuffer<StaticArray<u64>>("StaticArray<u64>");
  onBuffer<StaticArray<f64>>("StaticArray<f64>");
}

// ---- the rest ------------------------------------------------------------------------------

function barriers(): void {
  // A rank that left a barrier early would find the counter short of what rank 0 wrote.
  for (let k = 0; k < 50; k++) {
    comm.Barrier();
    comm.barrier();
  }
  const box = new Int32Array(1);
  if (rank == 0) box[0] = 41;
  comm.Bcast(box, 0);
  comm.Barrier();
  expect(box[0] == 41, "Bcast after Barrier");
}

/** Views made with subarray(): only the view's elements are read or written. */
function views(): void {
  const buf = filled<Float64Array>(20, UNSET);
  if (rank == 1 % size) for (let i = 0; i < 7; i++) buf[5 + i] = <f64>pattern(9, i);
  comm.Bcast(buf.subarray(5, 12), 1 % size);
  expectUnset("Bcast of a view", buf, 0, 5);
  expectBlock("Bcast of a view", buf, 5, 7, 9);
  expectUnset("Bcast of a view", buf, 12, 8);
  const all = filled<Int16Array>(size * 2 + 4, UNSET);
  comm.Allgather(patterned<Int16Array>(2, rank), all.subarray(2, 2 + size * 2));
  expectUnset("Allgather into a view", all, 0, 2);
  for (let j = 0; j < size; j++) expectBlock("Allgather into a view", all, 2 + j * 2, 2, j);
  expectUnset("Allgather into a view", all, 2 + size * 2, 2);
  // In place through a view of the same elements.
  const sum = new Int32Array(6);
  sum.fill(rank + 1);
  const view = sum.subarray(1, 5);
  comm.Allreduce(view, view);
  const total = (size * (size + 1)) / 2;
  expect(sum[0] == rank + 1 && sum[5] == rank + 1, "Allreduce in place on a view: outside");
  for (let i = 1; i < 5; i++) expect(sum[i] == total, `Allreduce in place on a view: [${i}]`);
}

/** Every collective with zero-length buffers and all-zero counts. */
function empty(): void {
  const none = new Float64Array(0);
  const zeros = new Int32Array(size);
  comm.Bcast(none, 0);
  comm.Scatter(rank == 0 ? none : null, none, 0);
  comm.Gather(none, rank == 0 ? none : null, 0);
  comm.Allgather(none, none);
  comm.Alltoall(none, none);
  comm.Scatterv(none, zeros, zeros, none, 0);
  comm.Gatherv(none, none, zeros, zeros, 0);
  comm.Allgatherv(none, none, zeros, zeros);
  comm.Alltoallv(none, zeros, zeros, none, zeros, zeros);
  comm.Reduce(none, none, MPI.SUM, 0);
  comm.Allreduce(none, new Float64Array(0), MPI.MAX);
  comm.Scan(none, new Float64Array(0));
  comm.Exscan(none, new Float64Array(0));
  comm.Reduce_scatter_block(none, new Float64Array(0));
  const stat = new StaticArray<i32>(0);
  comm.Bcast(stat, size - 1);
  comm.Allreduce(stat, stat, MPI.BXOR);
  const s = comm.allgather<string>("");
  expect(s.length == size && s[size - 1] == "", "allgather of empty strings");
  const arrays = comm.gather<f64[]>([], 0);
  if (rank == 0) {
    const got = arrays as f64[][];
    expect(got.length == size && got[0].length == 0, "gather of empty arrays");
  }
}

// ---- objects -------------------------------------------------------------------------------

/** Runs the object collectives on values of T made by `make(src, salt)`, for every root. */
function objectsOf<T>(
  name: string,
  make: (src: i32, salt: i32) => T,
  same: (a: T, b: T) => bool,
): void {
  for (let root = 0; root < size; root++) {
    const b = comm.bcast<T>(make(rank == root ? root : -1, 1), root);
    expect(same(b, make(root, 1)), `bcast<${name}>(root=${root})`);
    let objs: Array<T> | null = null;
    if (rank == root) {
      const values = new Array<T>(size);
      for (let j = 0; j < size; j++) values[j] = make(j, 2 + root);
      objs = values;
    }
    const s = comm.scatter<T>(objs, root);
    expect(same(s, make(rank, 2 + root)), `scatter<${name}>(root=${root})`);
    const g = comm.gather<T>(make(rank, 3 + root), root);
    if (rank == root) {
      const got = g as Array<T>;
      expect(got.length == size, `gather<${name}>(root=${root}) gave ${got.length} values`);
      for (let j = 0; j < size; j++) {
        expect(same(got[j], make(j, 3 + root)), `gather<${name}>(root=${root})[${j}]`);
      }
    } else {
      expect(g == null, `gather<${name}>(root=${root}) off the root is not null`);
    }
  }
  const all = comm.allgather<T>(make(rank, 4));
  expect(all.length == size, `allgather<${name}> gave ${all.length} values`);
  for (let j = 0; j < size; j++) expect(same(all[j], make(j, 4)), `allgather<${name}>[${j}]`);
  // objs[j] for rank j is made from (rank * size + j).
  const out = new Array<T>(size);
  for (let j = 0; j < size; j++) out[j] = make(rank * size + j, 5);
  const back = comm.alltoall<T>(out);
  expect(back.length == size, `alltoall<${name}> gave ${back.length} values`);
  for (let j = 0; j < size; j++) {
    expect(same(back[j], make(j * size + rank, 5)), `alltoall<${name}>[${j}]`);
  }
}

function objects(): void {
  objectsOf<i32>(
    "i32",
    (src: i32, salt: i32): i32 => src * 1000 + salt,
    (a: i32, b: i32): bool => a == b,
  );
  objectsOf<u64>(
    "u64",
    (src: i32, salt: i32): u64 => u64.MAX_VALUE - <u64>(src * 10 + salt),
    (a: u64, b: u64): bool => a == b,
  );
  objectsOf<f64>(
    "f64",
    (src: i32, salt: i32): f64 => <f64>src + <f64>salt / 8,
    (a: f64, b: f64): bool => a == b,
  );
  objectsOf<bool>(
    "bool",
    (src: i32, salt: i32): bool => (src + salt) % 2 == 0,
    (a: bool, b: bool): bool => a == b,
  );
  // Strings of a different length on every rank, the empty string among them.
  objectsOf<string>(
    "string",
    (src: i32, salt: i32): string =>
      "ü".repeat(max(src, 0) * 3) + `${salt}`.repeat(src % 3 == 0 ? 0 : 2),
    (a: string, b: string): bool => a == b,
  );
  objectsOf<string | null>(
    "string | null",
    (src: i32, salt: i32): string | null => (src % 2 == 0 ? null : `odd ${src} ${salt}`),
    (a: string | null, b: string | null): bool => a == b,
  );
  objectsOf<f64[]>(
    "Array<f64>",
    (src: i32, salt: i32): f64[] => {
      const values = new Array<f64>(max(src, 0) % 4);
      for (let i = 0; i < values.length; i++) values[i] = <f64>(src * salt) + <f64>i / 4;
      return values;
    },
    (a: f64[], b: f64[]): bool => {
      if (a.length != b.length) return false;
      for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
      return true;
    },
  );
  objectsOf<string[]>(
    "Array<string>",
    (src: i32, salt: i32): string[] => [`${src}`, "", "x".repeat(max(src, 0) + salt)],
    (a: string[], b: string[]): bool =>
      a.length == b.length && a[0] == b[0] && a[1] == b[1] && a[2] == b[2],
  );
  objectsOf<Float64Array>(
    "Float64Array",
    (src: i32, salt: i32): Float64Array => {
      const values = new Float64Array((max(src, 0) % 3) + 1);
      values[0] = <f64>(src + salt);
      return values;
    },
    (a: Float64Array, b: Float64Array): bool => a.length == b.length && a[0] == b[0],
  );
}

/** reduce, allreduce, scan, exscan of one number of type T, for every op that applies. */
function numbersOf<T>(name: string): void {
  for (let k = 0; k < OPS.length; k++) {
    const op = OPS[k];
    if (!applies<T>(op)) continue;
    const mine = operand<T>(op, rank, 1);
    for (let root = 0; root < size; root++) {
      const r = comm.reduce<T>(mine, op, root);
      const want = rank == root ? folded<T>(op, 0, size - 1, 1) : <T>0;
      expect(r == want, `reduce<${name}>(${op.name}, root=${root}) is ${r}, expected ${want}`);
    }
    const a = comm.allreduce<T>(mine, op);
    const all = folded<T>(op, 0, size - 1, 1);
    expect(a == all, `allreduce<${name}>(${op.name}) is ${a}, expected ${all}`);
    const s = comm.scan<T>(mine, op);
    const upTo = folded<T>(op, 0, rank, 1);
    expect(s == upTo, `scan<${name}>(${op.name}) is ${s}, expected ${upTo}`);
    const e = comm.exscan<T>(mine, op);
    const before = rank == 0 ? <T>0 : folded<T>(op, 0, rank - 1, 1);
    expect(e == before, `exscan<${name}>(${op.name}) is ${e}, expected ${before}`);
  }
}

function numbers(): void {
  numbersOf<i8>("i8");
  numbersOf<u8>("u8");
  numbersOf<i16>("i16");
  numbersOf<u32>("u32");
  numbersOf<i32>("i32");
  numbersOf<i64>("i64");
  numbersOf<u64>("u64");
  numbersOf<f32>("f32");
  numbersOf<f64>("f64");
  // bool: SUM, MAX and LOR say whether any is true; PROD, MIN and LAND whether all are.
  const mine = rank % 2 == 1;
  const any = size > 1;
  expect(comm.allreduce<bool>(mine, MPI.LOR) == any, "allreduce<bool>(LOR)");
  expect(comm.allreduce<bool>(mine, MPI.SUM) == any, "allreduce<bool>(SUM)");
  expect(comm.allreduce<bool>(mine, MPI.MAX) == any, "allreduce<bool>(MAX)");
  expect(!comm.allreduce<bool>(mine, MPI.LAND), "allreduce<bool>(LAND)");
  expect(!comm.allreduce<bool>(mine, MPI.MIN), "allreduce<bool>(MIN)");
  expect(comm.allreduce<bool>(true, MPI.PROD), "allreduce<bool>(PROD) of all true");
  const odd = (size / 2) % 2 == 1;
  expect(comm.allreduce<bool>(mine, MPI.LXOR) == odd, "allreduce<bool>(LXOR)");
  expect(comm.scan<bool>(mine, MPI.LOR) == rank >= 1, "scan<bool>(LOR)");
  expect(comm.exscan<bool>(true, MPI.LAND) == rank >= 1, "exscan<bool>(LAND)");
  const r = comm.reduce<bool>(true, MPI.LAND, size - 1);
  expect(r == (rank == size - 1), "reduce<bool>(LAND) at the root only");
}

// ---- large buffers: 10M doubles (80 MB) ---------------------------------------------------

const LARGE = 10_000_000;

function largeBcast(): void {
  const buf = new Float64Array(LARGE);
  if (rank == 0) for (let i = 0; i < LARGE; i++) buf[i] = <f64>i;
  comm.Bcast(buf, 0);
  for (let i = 0; i < LARGE; i++)
    if (buf[i] != <f64>i) expect(false, `Bcast of 80 MB: [${i}] is ${buf[i]}`);
}

function largeScatter(): void {
  const n = LARGE / size;
  let big: Float64Array | null = null;
  if (rank == 0) {
    const all = new Float64Array(n * size);
    for (let i = 0; i < all.length; i++) all[i] = <f64>i;
    big = all;
  }
  const local = new Float64Array(n);
  comm.Scatter(big, local, 0);
  const base = rank * n;
  for (let i = 0; i < n; i++) {
    if (local[i] != <f64>(base + i)) expect(false, `Scatter of 80 MB: [${i}] is ${local[i]}`);
  }
}

function largeAllreduce(): void {
  const send = new Float64Array(LARGE);
  for (let i = 0; i < LARGE; i++) send[i] = <f64>(i + rank);
  const recv = new Float64Array(LARGE);
  comm.Allreduce(send, recv, MPI.SUM);
  const ranks = <f64>((size * (size - 1)) / 2);
  for (let i = 0; i < LARGE; i++) {
    const want = <f64>i * <f64>size + ranks;
    if (recv[i] != want)
      expect(false, `Allreduce of 80 MB: [${i}] is ${recv[i]}, expected ${want}`);
  }
}

// ---- failures on purpose --------------------------------------------------------------------

function errors(): void {
  const buf = new Float64Array(4);
  if (scenario == "error-root") {
    comm.Bcast(buf, size);
  } else if (scenario == "error-counts") {
    // Every rank but the last broadcasts 4 elements; the last expects 5.
    comm.Bcast(rank == size - 1 ? new Float64Array(5) : buf, 0);
  } else if (scenario == "error-null-root") {
    comm.Gather(buf, null, 0);
  } else if (scenario == "error-null-reduce") {
    comm.Reduce(buf, null, MPI.SUM, 0);
  } else if (scenario == "error-scatter-length") {
    comm.Scatter(rank == 0 ? new Float64Array(size * 4 + 1) : null, buf, 0);
  } else if (scenario == "error-op") {
    comm.Allreduce(buf, new Float64Array(4), MPI.BAND);
  } else if (scenario == "error-loc-count") {
    comm.Allreduce(new Float64Array(3), new Float64Array(3), MPI.MAXLOC);
  } else if (scenario == "error-loc-number") {
    comm.allreduce<f64>(1.5, MPI.MINLOC);
  } else if (scenario == "error-object-type") {
    // The root broadcasts a string; the others ask for an i32.
    if (rank == 0) comm.bcast<string>("text", 0);
    else comm.bcast<i32>(7, 0);
  } else {
    abort(`unknown scenario '${scenario}'`);
  }
  // The failing rank never gets here; a rank whose part of the call could complete may, and
  // the job still fails.
  console.log(`returned from ${scenario}`);
}

if (
  scenario == "bcast" ||
  scenario == "scatter" ||
  scenario == "gather" ||
  scenario == "allgather" ||
  scenario == "alltoall" ||
  scenario == "reduce" ||
  scenario == "scan" ||
  scenario == "vector" ||
  scenario == "loc"
) {
  everyBuffer();
  if (scenario == "loc") largeLoc();
} else if (scenario == "barrier") barriers();
else if (scenario == "views") views();
else if (scenario == "empty") empty();
else if (scenario == "objects") objects();
else if (scenario == "numbers") numbers();
else if (scenario == "large-bcast") largeBcast();
else if (scenario == "large-scatter") largeScatter();
else if (scenario == "large-allreduce") largeAllreduce();
else if (scenario.startsWith("error-")) errors();
else abort(`unknown scenario '${scenario}'`);

console.log(`ok ${scenario}`);
