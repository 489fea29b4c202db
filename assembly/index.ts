// wasmpi's kernel library: `import { MPI } from "wasmpi/assembly"`.
import * as MPI from "./mpi";

export { MPI };
