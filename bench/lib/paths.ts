// Where the benchmark suite finds its sources and puts what it makes. Compiled to
// dist/bench/lib/paths.js, three levels below the repository root.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const benchDir = resolve(repoRoot, "bench");
/** C sources of the Open MPI comparators: bench/c/NAME.c. */
export const cSourceDir = resolve(benchDir, "c");
/** Python programs of the mpi4py comparators: bench/python/NAME.py. */
export const pythonSourceDir = resolve(benchDir, "python");
/** AssemblyScript kernels: bench/kernels/NAME.ts. */
export const kernelDir = resolve(benchDir, "kernels");
/** Compiled comparators (gitignored). */
export const buildDir = resolve(benchDir, ".build");
/** Committed results of full runs. */
export const resultsDir = resolve(benchDir, "results");
/** Results of quick or partial runs (gitignored), so they never replace a full run's. */
export const rawResultsDir = resolve(resultsDir, "raw");
