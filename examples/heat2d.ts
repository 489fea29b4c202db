// Heat spreading through a square plate: a 2-D Jacobi solver on a grid of ranks.
//
// The plate is a G x G grid of points; its top edge is held at 100 degrees and its other
// edges at 0. Each step, every point takes the mean of its four neighbours, until no point
// changes by more than TOLERANCE. The ranks form a px x py grid (COMM_WORLD split into rows
// and columns); each owns a block of points, exchanges its edges with its neighbours with
// Isend/Irecv every step, and the largest change is found with Allreduce along its row and
// then along its column.
//
// Every point's update is the same arithmetic whatever the number of ranks, so the results
// (the number of steps, the largest last change, the temperature at the centre, and the
// total heat, rounded) are the same at any -n: compare the lines after the first.
//
//   npx wasmpi run -n 4 examples/heat2d.ts [-- G]
import { MPI } from "wasmpi/assembly";

const TOLERANCE = 1e-4;
const MAX_STEPS = 100_000;
const HOT = 100.0;

const world = MPI.COMM_WORLD;
const rank = world.Get_rank();
const size = world.Get_size();
const G = process.argv.length > 1 ? I32.parseInt(process.argv[1]) : 64;
if (G < 2 || G > 4096) {
  if (rank == 0) console.error(`heat2d: the grid size must be 2..4096 (got ${process.argv[1]})`);
  world.Abort(2);
}

// The process grid: py rows of px ranks, as square as the number of ranks allows.
let px = <i32>Math.sqrt(<f64>size);
while (size % px != 0) px--;
const py = size / px;
const myRow = rank / px;
const myCol = rank % px;
const rowComm = world.Split(myRow, myCol); // the ranks of my row, ordered by column
const colComm = world.Split(myCol, myRow); // the ranks of my column, ordered by row

/** The first global index of block `b` of `n` points cut into `parts` blocks. */
function blockStart(n: i32, parts: i32, b: i32): i32 {
  return (n / parts) * b + min(b, n % parts);
}
const r0 = blockStart(G, py, myRow);
const nr = blockStart(G, py, myRow + 1) - r0;
const c0 = blockStart(G, px, myCol);
const nc = blockStart(G, px, myCol + 1) - c0;

// My block with a one-point halo all round: (nr + 2) x (nc + 2), row-major.
const W = nc + 2;
let u = new Float64Array((nr + 2) * W);
let v = new Float64Array((nr + 2) * W);
if (myRow == 0) {
  for (let j = 0; j < W; j++) {
    u[j] = HOT;
    v[j] = HOT;
  }
}

const up = myRow > 0 ? myRow - 1 : MPI.PROC_NULL;
const down = myRow < py - 1 ? myRow + 1 : MPI.PROC_NULL;
const left = myCol > 0 ? myCol - 1 : MPI.PROC_NULL;
const right = myCol < px - 1 ? myCol + 1 : MPI.PROC_NULL;
const sendLeft = new Float64Array(nr);
const sendRight = new Float64Array(nr);
const recvLeft = new Float64Array(nr);
const recvRight = new Float64Array(nr);
const requests = new Array<MPI.Request>(8);

/** Exchanges the edges of `a` with the neighbours: rows are contiguous, columns are packed. */
function exchangeHalos(a: Float64Array): void {
  for (let i = 0; i < nr; i++) {
    sendLeft[i] = a[(i + 1) * W + 1];
    sendRight[i] = a[(i + 1) * W + nc];
  }
  requests[0] = colComm.Irecv(a.subarray(1, 1 + nc), up, 0);
  requests[1] = colComm.Irecv(a.subarray((nr + 1) * W + 1, (nr + 1) * W + 1 + nc), down, 1);
  requests[2] = rowComm.Irecv(recvLeft, left, 2);
  requests[3] = rowComm.Irecv(recvRight, right, 3);
  requests[4] = colComm.Isend(a.subarray(W + 1, W + 1 + nc), up, 1);
  requests[5] = colComm.Isend(a.subarray(nr * W + 1, nr * W + 1 + nc), down, 0);
  requests[6] = rowComm.Isend(sendLeft, left, 3);
  requests[7] = rowComm.Isend(sendRight, right, 2);
  MPI.Request.Waitall(requests);
  if (left != MPI.PROC_NULL) for (let i = 0; i < nr; i++) a[(i + 1) * W] = recvLeft[i];
  if (right != MPI.PROC_NULL) for (let i = 0; i < nr; i++) a[(i + 1) * W + nc + 1] = recvRight[i];
}

let steps = 0;
let change = Infinity;
while (change > TOLERANCE && steps < MAX_STEPS) {
  exchangeHalos(u);
  let local = 0.0;
  for (let i = 1; i <= nr; i++) {
    for (let j = 1; j <= nc; j++) {
      const k = i * W + j;
      const next = 0.25 * (u[k - W] + u[k + W] + u[k - 1] + u[k + 1]);
      local = max(local, abs(next - u[k]));
      v[k] = next;
    }
  }
  // The largest change of the whole plate: along my row, then along my column.
  change = colComm.allreduce<f64>(rowComm.allreduce<f64>(local, MPI.MAX), MPI.MAX);
  const t = u;
  u = v;
  v = t;
  steps++;
}

let heat = 0.0;
for (let i = 1; i <= nr; i++) for (let j = 1; j <= nc; j++) heat += u[i * W + j];
heat = world.allreduce<f64>(heat, MPI.SUM);
// The centre point's owner contributes its value; the others contribute nothing to the MAX.
const ci = G / 2 - r0;
const cj = G / 2 - c0;
const mine = ci >= 0 && ci < nr && cj >= 0 && cj < nc;
const centre = world.allreduce<f64>(mine ? u[(ci + 1) * W + cj + 1] : -Infinity, MPI.MAX);

rowComm.Free();
colComm.Free();
if (rank == 0) {
  console.log(`heat: ${size} rank${size == 1 ? "" : "s"} as ${py} x ${px}`);
  console.log(`heat: ${G} x ${G} plate, ${steps} steps, largest last change ${change}`);
  console.log(`heat: centre ${centre} degrees, total heat ${Math.round(heat * 1e6) / 1e6}`);
}
