// Messages whose arrows a trace must draw, on any number of ranks from 2:
//   tag 10+r  Send from r to r+1 (ring), received with ANY_SOURCE and ANY_TAG
//   tag 20    Isend from r to r+1, Irecv from r-1, completed with Waitall
//   tag 30    Sendrecv to r+1, from r-1
//   tag 40    on Split(r % 2): from the sub-communicator's rank 0 to its rank 1
//   tag 50    three messages from 0 to 1 of 8, 16 and 24 bytes, received in order
// then an Allreduce and a Barrier. Every rank prints `ok trace`.
import { MPI } from "wasmpi/assembly";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const right = (rank + 1) % size;
const left = (rank + size - 1) % size;

function expect(ok: bool, what: string): void {
  if (!ok) abort(`rank ${rank}: ${what}`);
}

const ring = new Int32Array(4).fill(rank);
comm.Send(ring, right, 10 + rank);
const status = new MPI.Status();
const got = new Int32Array(4);
comm.Recv(got, MPI.ANY_SOURCE, MPI.ANY_TAG, status);
expect(status.Get_source() == left && status.Get_tag() == 10 + left, "ring message from the left");

const out = new Float64Array(16).fill(<f64>rank);
const into = new Float64Array(16);
const reqs = [comm.Irecv(into, left, 20), comm.Isend(out, right, 20)];
MPI.Request.Waitall(reqs);
expect(into[0] == <f64>left, "Irecv from the left");

const a = new Int16Array(8).fill(<i16>rank);
const b = new Int16Array(8);
comm.Sendrecv(a, right, 30, b, left, 30);
expect(b[0] == <i16>left, "Sendrecv from the left");

const half = comm.Split(rank % 2, rank);
if (half.Get_size() > 1) {
  const word = new Int32Array(1);
  if (half.Get_rank() == 0) half.Send(word, 1, 40);
  else if (half.Get_rank() == 1) half.Recv(word, 0, 40);
}
half.Free();

if (rank == 0) {
  for (let k = 1; k <= 3; k++) comm.Send(new Float64Array(k), 1, 50);
} else if (rank == 1) {
  for (let k = 1; k <= 3; k++) {
    const m = new Float64Array(k);
    comm.Recv(m, 0, 50, status);
    expect(status.Get_count(MPI.DOUBLE) == k, "the tag-50 messages in order");
  }
}

const sum = new Float64Array(1);
sum[0] = 1;
comm.Allreduce(sum, sum);
expect(sum[0] == <f64>size, "Allreduce");
comm.Barrier();
console.log("ok trace");
