// Command-line options shared by the benchmark runners.
export interface BenchOptions {
  readonly rounds: number;
  /** Passes --quick to the programs (about 10× fewer iterations). */
  readonly quick: boolean;
  /** Passed to the programs as --sizes; null for each program's full list. */
  readonly sizes: string | null;
  /** Deadline of one job (one implementation, one test, one round). */
  readonly timeoutSeconds: number;
}

export const usage = `options:
  --rounds N      rounds of every job, Open MPI and wasmpi interleaved (default 5; 3 with --quick)
  --quick         about 10x fewer iterations per size
  --sizes a,b,c   only these message sizes, in bytes
  --timeout S     seconds before one job counts as hung and is killed (default 300; 120 with --quick)
  --help`;

export class UsageError extends Error {}

function positiveInteger(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`${flag} needs a positive integer, got ${text ?? "nothing"}`);
  }
  return value;
}

/** Null when --help was asked for. */
export function parseOptions(argv: readonly string[]): BenchOptions | null {
  let rounds: number | null = null;
  let quick = false;
  let sizes: string | null = null;
  let timeoutSeconds: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case "--help":
      case "-h":
        return null;
      case "--quick":
        quick = true;
        break;
      case "--rounds":
        rounds = positiveInteger(arg, argv[++i]);
        break;
      case "--timeout":
        timeoutSeconds = positiveInteger(arg, argv[++i]);
        break;
      case "--sizes": {
        const list = argv[++i];
        if (list === undefined || !/^\d+(,\d+)*$/.test(list)) {
          throw new UsageError(
            `--sizes needs byte counts like 8,1024,1048576, got ${list ?? "nothing"}`,
          );
        }
        sizes = list;
        break;
      }
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return {
    rounds: rounds ?? (quick ? 3 : 5),
    quick,
    sizes,
    timeoutSeconds: timeoutSeconds ?? (quick ? 120 : 300),
  };
}
