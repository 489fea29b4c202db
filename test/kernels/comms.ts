// Communicator checks, one scenario per run: `wasmpi run -n N comms.ts -- <scenario>`.
// Every rank works out the members each Split must give from the rank numbers alone, checks
// the communicators it gets (size, rank, members, messages, collectives) and prints
// `ok <scenario>`; a failed check aborts with a message naming the rank, the scenario and what
// differed. The `error-*` scenarios fail on purpose.
import { MPI } from "wasmpi/assembly";

const world = MPI.COMM_WORLD;
const rank = world.Get_rank();
const size = world.Get_size();
const last = size - 1;
const scenario = process.argv.length > 1 ? process.argv[1] : "";

function expect(ok: bool, what: string): void {
  if (!ok) abort(`rank ${rank}: ${scenario}: ${what}`);
}

function one(value: i32): Int32Array {
  const buf = new Int32Array(1);
  buf[0] = value;
  return buf;
}

function show(list: Int32Array): string {
  const parts: string[] = [];
  for (let i = 0; i < list.length; i++) parts.push(list[i].toString());
  return `[${parts.join(", ")}]`;
}

/** World ranks of the members of the communicator, by its rank, as its members report them. */
function membersOf(c: MPI.Comm): Int32Array {
  const all = new Int32Array(c.Get_size());
  c.Allgather(one(rank), all);
  return all;
}

/**
 * The world ranks Split(colors[p], keys[p]) must give the calling parent rank `me`, in rank
 * order: the parent ranks of its color, sorted by key, then by parent rank.
 */
function expectedMembers(parent: Int32Array, colors: i32[], keys: i32[], me: i32): Int32Array {
  const chosen: i32[] = [];
  for (let p = 0; p < parent.length; p++) {
    if (colors[p] == colors[me]) chosen.push(p);
  }
  // Insertion sort by (key, parent rank): a computation independent of the engine's.
  for (let i = 1; i < chosen.length; i++) {
    const p = chosen[i];
    let j = i - 1;
    while (j >= 0 && (keys[chosen[j]] > keys[p] || (keys[chosen[j]] == keys[p] && chosen[j] > p))) {
      chosen[j + 1] = chosen[j];
      j--;
    }
    chosen[j + 1] = p;
  }
  const out = new Int32Array(chosen.length);
  for (let i = 0; i < chosen.length; i++) out[i] = parent[chosen[i]];
  return out;
}

/** Checks a communicator whose members (world ranks, by rank) should be `expected`. */
function checkComm(c: MPI.Comm, expected: Int32Array, what: string): void {
  const n = expected.length;
  expect(c.Get_size() == n, `${what}: size ${c.Get_size()}, expected ${n}`);
  expect(expected[c.Get_rank()] == rank, `${what}: rank ${c.Get_rank()} in ${show(expected)}`);
  const got = membersOf(c);
  expect(show(got) == show(expected), `${what}: members ${show(got)}, expected ${show(expected)}`);
  // A ring of messages in communicator ranks: the status names the sender's rank in c.
  const me = c.Get_rank();
  const next = (me + 1) % n;
  const prev = (me + n - 1) % n;
  const status = new MPI.Status();
  const into = new Int32Array(1);
  const request = c.Isend(one(rank), next, 3);
  c.Recv(into, MPI.ANY_SOURCE, 3, status);
  request.Wait();
  expect(status.Get_source() == prev, `${what}: source ${status.Get_source()}, expected ${prev}`);
  expect(into[0] == expected[prev], `${what}: got ${into[0]} from ${prev}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += expected[i];
  expect(c.allreduce<i32>(rank) == sum, `${what}: allreduce`);
}

/** Split of `parent` (members `parentMembers`) by per-parent-rank colors and keys, checked;
 *  null where the color is UNDEFINED. */
function checkedSplit(
  parent: MPI.Comm,
  parentMembers: Int32Array,
  colors: i32[],
  keys: i32[],
  what: string,
): MPI.Comm | null {
  const me = parent.Get_rank();
  const c = parent.Split(colors[me], keys[me]);
  if (colors[me] == MPI.UNDEFINED) {
    expect(c == MPI.COMM_NULL && c.handle == 0, `${what}: UNDEFINED did not give COMM_NULL`);
    return null;
  }
  checkComm(c, expectedMembers(parentMembers, colors, keys, me), what);
  return c;
}

function identity(n: i32): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

const worldMembers = identity(size);

// ---- Split --------------------------------------------------------------------------------

function split(): void {
  for (let pattern = 0; pattern < 8; pattern++) {
    const colors = new Array<i32>(size);
    const keys = new Array<i32>(size);
    for (let r = 0; r < size; r++) {
      if (pattern == 0) colors[r] = r % 2;
      else if (pattern == 1) colors[r] = r % 3;
      else if (pattern == 2) colors[r] = 0;
      else if (pattern == 3) colors[r] = r < 2 ? MPI.UNDEFINED : 7;
      else if (pattern == 4) colors[r] = r;
      else if (pattern == 5) colors[r] = (r * 7) % 3;
      else if (pattern == 6) colors[r] = r == last ? 1 << 30 : 5;
      else colors[r] = r % 2 == 0 ? MPI.UNDEFINED : 0;
      if (pattern == 0 || pattern == 4) keys[r] = 0;
      else if (pattern == 1) keys[r] = -r;
      else if (pattern == 2) keys[r] = r % 2;
      else if (pattern == 3) keys[r] = 100 - r;
      else if (pattern == 5) keys[r] = (r * 5) % 3;
      else if (pattern == 6) keys[r] = r == 0 ? i32.MAX_VALUE : i32.MIN_VALUE + r;
      else keys[r] = r % 3;
    }
    const c = checkedSplit(world, worldMembers, colors, keys, `pattern ${pattern}`);
    if (c != null) c.Free();
  }
  // The default key keeps the old order.
  const halves = world.Split(rank % 2);
  const expected = new Int32Array((size - (rank % 2) + 1) / 2);
  for (let i = 0; i < expected.length; i++) expected[i] = 2 * i + (rank % 2);
  checkComm(halves, expected, "default key");
  halves.Free();
  // COMM_SELF splits and dups too.
  const self = MPI.COMM_SELF.Split(0, 0);
  checkComm(self, one(rank), "Split of COMM_SELF");
  const selfDup = MPI.COMM_SELF.Dup();
  checkComm(selfDup, one(rank), "Dup of COMM_SELF");
  self.Free();
  selfDup.Free();
}

function undefinedColor(): void {
  const c = world.Split(MPI.UNDEFINED, rank);
  expect(c == MPI.COMM_NULL, "Split(UNDEFINED) is not COMM_NULL");
  expect(c.handle == 0, `COMM_NULL has handle ${c.handle}`);
  // Nothing was allocated: the next communicator works as usual.
  const d = world.Dup();
  checkComm(d, worldMembers, "Dup after UNDEFINED");
  d.Free();
}

// ---- Dup: isolation ----------------------------------------------------------------------

function dup(): void {
  const d = world.Dup();
  checkComm(d, worldMembers, "Dup");
  const next = (rank + 1) % size;
  const prev = (rank + size - 1) % size;
  const into = new Int32Array(1);
  const status = new MPI.Status();

  // Same source and tag on both: each receive gets its own communicator's message.
  d.Send(one(1), next, 7);
  world.Send(one(2), next, 7);
  world.Recv(into, prev, 7);
  expect(into[0] == 2, `world Recv got ${into[0]}, the Dup's message`);
  d.Recv(into, prev, 7);
  expect(into[0] == 1, `Dup Recv got ${into[0]}`);

  // Wildcards never reach across either.
  d.Send(one(3), next, 5);
  world.Send(one(4), next, 6);
  world.Recv(into, MPI.ANY_SOURCE, MPI.ANY_TAG, status);
  expect(into[0] == 4 && status.Get_tag() == 6, `world ANY_SOURCE got ${into[0]}`);
  d.Recv(into, MPI.ANY_SOURCE, MPI.ANY_TAG, status);
  expect(into[0] == 3 && status.Get_tag() == 5 && status.Get_source() == prev, "Dup ANY_SOURCE");

  // A message waiting on the Dup is invisible to probes on the original.
  d.Send(one(5), next, 9);
  world.Barrier();
  d.Probe(prev, 9, status);
  expect(status.Get_source() == prev, "Probe on the Dup");
  expect(!world.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG), "world Iprobe saw the Dup's message");
  expect(!world.Iprobe(prev, 9), "world Iprobe(prev, 9) saw the Dup's message");
  expect(d.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG), "Dup Iprobe missed its message");
  // Nobody sends on the original before every rank has probed it.
  world.Barrier();
  d.Recv(into, prev, 9);
  expect(into[0] == 5, "Dup Recv after probes");

  // Large messages (sent by rendezvous) too.
  const n = 100000;
  const a = new Float64Array(n).fill(1.5);
  const b = new Float64Array(n).fill(2.5);
  const big = new Float64Array(n);
  const onDup = d.Isend(a, next, 3);
  const onWorld = world.Isend(b, next, 3);
  world.Recv(big, prev, 3);
  expect(big[0] == 2.5 && big[n - 1] == 2.5, "world large Recv got the Dup's message");
  d.Recv(big, prev, 3);
  expect(big[0] == 1.5 && big[n - 1] == 1.5, "Dup large Recv");
  onDup.Wait();
  onWorld.Wait();

  // Objects.
  d.send<string>("dup", next, 1);
  world.send<string>("world", next, 1);
  expect(world.recv<string>(prev, 1) == "world", "world recv<string>");
  expect(d.recv<string>(prev, 1) == "dup", "Dup recv<string>");

  // Collectives interleaved on both, and a Dup of the Dup.
  const dd = d.Dup();
  for (let i = 0; i < 20; i++) {
    const sum = new Int32Array(1);
    d.Allreduce(one(rank + i), sum);
    const root = i % size;
    const value = one(rank == root ? 100 + i : -1);
    dd.Bcast(value, root);
    world.Barrier();
    expect(sum[0] == (size * (size - 1)) / 2 + size * i && value[0] == 100 + i, "interleaved");
  }
  checkComm(dd, worldMembers, "Dup of a Dup");
  dd.Free();
  d.Free();
}

// ---- COMM_SELF: a communicator of its own --------------------------------------------------

function self(): void {
  const me = MPI.COMM_SELF;
  expect(me.Get_rank() == 0 && me.Get_size() == 1, "COMM_SELF is this rank alone");
  const into = new Int32Array(1);
  const status = new MPI.Status();
  // To itself on both, same tag: each receive gets its own communicator's message.
  world.Send(one(1), rank, 4);
  me.Send(one(2), 0, 4);
  expect(me.Iprobe(0, 4), "COMM_SELF Iprobe missed its message");
  me.Recv(into, 0, 4);
  expect(into[0] == 2, `COMM_SELF Recv got ${into[0]}, the world's message`);
  expect(!me.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG), "COMM_SELF Iprobe saw the world's message");
  world.Recv(into, MPI.ANY_SOURCE, 4, status);
  expect(into[0] == 1 && status.Get_source() == rank, `world Recv got ${into[0]}`);
  // Collectives on COMM_SELF beside the world's.
  const sum = new Int32Array(1);
  me.Allreduce(one(rank + 10), sum);
  world.Barrier();
  expect(sum[0] == rank + 10, `COMM_SELF Allreduce gave ${sum[0]}`);
}

// ---- 2-D grid: rows and columns at once ---------------------------------------------------

const COLS = 2;
const LARGE = 5000;

function gridValue(r: i32, it: i32): i32 {
  return r * 10 + it;
}

function grid(): void {
  const row = rank / COLS;
  const col = rank % COLS;
  const rows = world.Split(row, col);
  // Columns are ranked bottom row first.
  const cols = world.Split(col, -row);
  const rowMembers: i32[] = [];
  for (let r = row * COLS; r < min(size, row * COLS + COLS); r++) rowMembers.push(r);
  const colMembers: i32[] = [];
  for (let r = size - 1; r >= 0; r--) if (r % COLS == col) colMembers.push(r);
  checkComm(rows, toInt32(rowMembers), "row");
  checkComm(cols, toInt32(colMembers), "column");

  for (let it = 0; it < 40; it++) {
    // Ranks of even rows work on their row first, the others on their column first, so that
    // row and column collectives are in progress at the same time.
    if (row % 2 == 0) {
      rowStep(rows, rowMembers, it);
      colStep(cols, colMembers, it);
    } else {
      colStep(cols, colMembers, it);
      rowStep(rows, rowMembers, it);
    }
  }
  rows.Free();
  cols.Free();
}

function toInt32(list: i32[]): Int32Array {
  const out = new Int32Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[i];
  return out;
}

function rowStep(rows: MPI.Comm, members: i32[], it: i32): void {
  let sum = 0;
  for (let i = 0; i < members.length; i++) sum += gridValue(members[i], it);
  const got = new Int32Array(1);
  rows.Allreduce(one(gridValue(rank, it)), got);
  expect(got[0] == sum, `row Allreduce ${it}: ${got[0]}, expected ${sum}`);
  const root = it % members.length;
  const value = one(rows.Get_rank() == root ? gridValue(rank, it) : -1);
  rows.Bcast(value, root);
  expect(value[0] == gridValue(members[root], it), `row Bcast ${it}`);
  expect(
    rows.allreduce<i32>(gridValue(rank, it), MPI.MAX) == gridValue(members[members.length - 1], it),
    `row allreduce ${it}`,
  );
  if (it % 8 == 0) {
    const big = new Float64Array(LARGE).fill(<f64>(rank + it));
    const total = new Float64Array(LARGE);
    rows.Allreduce(big, total);
    let want = 0.0;
    for (let i = 0; i < members.length; i++) want += <f64>(members[i] + it);
    expect(total[0] == want && total[LARGE - 1] == want, `row large Allreduce ${it}`);
  }
}

function colStep(cols: MPI.Comm, members: i32[], it: i32): void {
  const all = new Int32Array(members.length);
  cols.Allgather(one(gridValue(rank, it)), all);
  for (let i = 0; i < members.length; i++) {
    expect(all[i] == gridValue(members[i], it), `column Allgather ${it}: [${i}] is ${all[i]}`);
  }
  const prod = new Float64Array(2);
  const mine = new Float64Array(2);
  mine[0] = <f64>(rank + 1);
  mine[1] = <f64>it;
  cols.Allreduce(mine, prod, MPI.PROD);
  let want = 1.0;
  for (let i = 0; i < members.length; i++) want *= <f64>(members[i] + 1);
  expect(prod[0] == want, `column Allreduce PROD ${it}: ${prod[0]}, expected ${want}`);
  const root = (it * 3) % members.length;
  const text = cols.bcast<string>(cols.Get_rank() == root ? `from ${rank} at ${it}` : "", root);
  expect(text == `from ${members[root]} at ${it}`, `column bcast ${it}: ${text}`);
  if (it % 8 == 4) {
    const big = new Float64Array(LARGE);
    if (cols.Get_rank() == root) big.fill(<f64>(rank * 1000 + it));
    cols.Bcast(big, root);
    const v = <f64>(members[root] * 1000 + it);
    expect(big[0] == v && big[LARGE - 1] == v, `column large Bcast ${it}`);
  }
}

// ---- Split of a Split ---------------------------------------------------------------------

function nested(): void {
  // Halves by parity, ranked in reverse.
  const colors = new Array<i32>(size);
  const keys = new Array<i32>(size);
  for (let r = 0; r < size; r++) {
    colors[r] = r % 2;
    keys[r] = -r;
  }
  const half = checkedSplit(world, worldMembers, colors, keys, "half") as MPI.Comm;
  const halfMembers = expectedMembers(worldMembers, colors, keys, rank);
  // Pairs within the half, the second of each pair first.
  const n = halfMembers.length;
  const pairColors = new Array<i32>(n);
  const pairKeys = new Array<i32>(n);
  for (let p = 0; p < n; p++) {
    pairColors[p] = p / 2;
    pairKeys[p] = -(p % 2);
  }
  const pair = checkedSplit(half, halfMembers, pairColors, pairKeys, "pair") as MPI.Comm;
  const pairMembers = expectedMembers(halfMembers, pairColors, pairKeys, half.Get_rank());
  const pairDup = pair.Dup();
  checkComm(pairDup, pairMembers, "Dup of pair");
  // Reversed again: a Split of the Dup.
  const back = pairDup.Split(3, -pairDup.Get_rank());
  const reversed = new Int32Array(pairMembers.length);
  for (let i = 0; i < reversed.length; i++) reversed[i] = pairMembers[reversed.length - 1 - i];
  checkComm(back, reversed, "Split of Dup");
  // Freed out of order of creation; the survivors keep working.
  pair.Free();
  checkComm(back, reversed, "Split of Dup after its parent's parent is freed");
  half.Free();
  checkComm(pairDup, pairMembers, "Dup of pair after half is freed");
  back.Free();
  pairDup.Free();
}

// ---- Reuse of contexts --------------------------------------------------------------------

function reuse(): void {
  const kept: MPI.Comm[] = [];
  const keptMembers: Int32Array[] = [];
  const colors = new Array<i32>(size);
  const keys = new Array<i32>(size);
  for (let it = 0; it < 150; it++) {
    // Groups change every round, so that each context is reused by other groups whose members
    // have run different numbers of collectives on it.
    const k = 1 + (it % 3);
    for (let r = 0; r < size; r++) {
      colors[r] = (r + it) % k;
      keys[r] = (r * (it + 1)) % 5;
    }
    const c = checkedSplit(world, worldMembers, colors, keys, `round ${it}`) as MPI.Comm;
    const members = expectedMembers(worldMembers, colors, keys, rank);
    for (let q = 0; q < colors[rank] * 2 + (it % 4); q++) c.Barrier();
    if (it % 10 == 0) {
      const big = new Float64Array(LARGE).fill(1.0);
      c.Allreduce(big, big);
      expect(big[LARGE - 1] == <f64>members.length, `round ${it}: large Allreduce`);
    }
    if (it % 5 == 0 && kept.length < 6) {
      kept.push(c.Dup());
      keptMembers.push(members);
    }
    if (it % 7 == 0 && kept.length > 0) {
      const old = kept.shift();
      checkComm(old, keptMembers.shift(), `round ${it}: kept communicator`);
      old.Free();
    }
    c.Free();
  }
  while (kept.length > 0) {
    const old = kept.pop();
    checkComm(old, keptMembers.pop(), "kept communicator at the end");
    old.Free();
  }
}

/** Every context in use at once, freed, then all used again. */
function fill(): void {
  for (let round = 0; round < 2; round++) {
    const all: MPI.Comm[] = [];
    for (let i = 0; i < 62; i++) all.push(round == 0 ? world.Dup() : world.Split(0, -rank));
    for (let i = 0; i < all.length; i++) {
      const sum = new Int32Array(1);
      all[i].Allreduce(one(i), sum);
      expect(sum[0] == i * size, `round ${round}: communicator ${i}: Allreduce`);
    }
    const expected = new Int32Array(size);
    for (let i = 0; i < size; i++) expected[i] = round == 0 ? i : size - 1 - i;
    checkComm(all[61], expected, `round ${round}: the 62nd communicator`);
    for (let i = 0; i < all.length; i++) all[i].Free();
  }
}

/** A message nobody received on a freed communicator never reaches its context's next user. */
function stale(): void {
  const next = (rank + 1) % size;
  const prev = (rank + size - 1) % size;
  const d = world.Dup();
  d.Send(one(-1), next, 1);
  world.Barrier();
  d.Free();
  const e = world.Dup();
  expect(!e.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG), "a message of a freed communicator is visible");
  // Nobody sends on the new communicator before every rank has probed it.
  world.Barrier();
  e.Send(one(rank), next, 1);
  const into = new Int32Array(1);
  e.Recv(into, MPI.ANY_SOURCE, 1);
  expect(into[0] == prev, `Recv got ${into[0]}, expected ${prev}`);
  e.Free();
}

// ---- errors -------------------------------------------------------------------------------

/** Keeps the other ranks in a blocking call that only the failure can end. */
function waitForever(): void {
  world.Recv(new Int32Array(1), MPI.ANY_SOURCE, 12345);
}

if (scenario == "split") split();
else if (scenario == "undefined") undefinedColor();
else if (scenario == "dup") dup();
else if (scenario == "self") self();
else if (scenario == "grid") grid();
else if (scenario == "nested") nested();
else if (scenario == "reuse") reuse();
else if (scenario == "fill") fill();
else if (scenario == "stale") stale();
else if (scenario == "error-freed-send") {
  const d = world.Dup();
  d.Free();
  if (rank == last) d.Send(one(1), 0, 0);
  waitForever();
} else if (scenario == "error-freed-barrier") {
  const d = world.Split(0);
  d.Free();
  if (rank == last) d.Barrier();
  waitForever();
} else if (scenario == "error-double-free") {
  const d = world.Dup();
  d.Free();
  if (rank == last) d.Free();
  waitForever();
} else if (scenario == "error-null-send") {
  if (rank == last) MPI.COMM_NULL.Send(one(1), 0, 0);
  waitForever();
} else if (scenario == "error-null-barrier") {
  const c = world.Split(rank == last ? MPI.UNDEFINED : 0);
  if (rank == last) c.Barrier();
  waitForever();
} else if (scenario == "error-null-rank") {
  if (rank == last) MPI.COMM_NULL.Get_rank();
  waitForever();
} else if (scenario == "error-null-split") {
  if (rank == last) MPI.COMM_NULL.Split(0);
  waitForever();
} else if (scenario == "error-free-world") {
  if (rank == last) world.Free();
  waitForever();
} else if (scenario == "error-free-self") {
  if (rank == last) MPI.COMM_SELF.Free();
  waitForever();
} else if (scenario == "error-free-null") {
  if (rank == last) MPI.COMM_NULL.Free();
  waitForever();
} else if (scenario == "error-too-many") {
  for (let i = 0; i < 100; i++) world.Dup();
} else if (scenario == "error-too-many-split") {
  for (let i = 0; i < 100; i++) world.Split(rank % 2);
} else if (scenario == "error-bad-color") {
  world.Split(rank == last ? -5 : 0);
} else {
  abort(`unknown scenario '${scenario}'`);
}
console.log(`ok ${scenario}`);
