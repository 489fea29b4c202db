// pi by integration, in a host of its own: the integrand and where the result goes are the
// host's `env` imports; the messages between ranks are wasmpi's.
import { MPI } from "wasmpi/assembly";
import { integrand, publish } from "./env";

const comm = MPI.COMM_WORLD;
const rank = comm.Get_rank();
const size = comm.Get_size();
const intervals = process.argv.length > 1 ? <i32>parseInt(process.argv[1], 10) : 1_000_000;

// Midpoint rule over [0, 1], the intervals dealt out round-robin.
const width = 1.0 / <f64>intervals;
let part = 0.0;
for (let i = rank; i < intervals; i += size) part += integrand(width * (<f64>i + 0.5));

const total = new Float64Array(1);
total[0] = part * width;
comm.Allreduce(total, total); // the same buffer twice: in place

publish(rank, total[0]);
if (rank == 0) console.log(`integral over ${intervals} intervals on ${size} ranks: ${total[0]}`);
