// empty: a job that starts, asks its rank and ends; bench/jobs.ts times its start-up.
import { MPI } from "wasmpi/assembly";

MPI.COMM_WORLD.Get_rank();
