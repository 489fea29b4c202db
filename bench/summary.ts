// The goals of every benchmark in one table, from the results the benchmarks wrote:
// bench/results/summary.md, and the block between the summary markers in README.md.
//
//   node dist/bench/summary.js [results-dir]    (README.md only for the committed results)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot, resultsDir } from "./lib/paths.js";

/** The benchmarks whose goals are summed up, in the suite's order. */
const BENCHMARKS = [
  ["p2p", "point-to-point, 2 ranks"],
  ["collectives", "collectives, 2 and 4 ranks"],
  ["compute", "compute kernels, 1 rank"],
  ["jobs", "whole jobs"],
] as const;

const START = "<!-- summary:start -->";
const END = "<!-- summary:end -->";

interface Goal {
  readonly line: string;
  readonly holds: boolean | null;
}

interface Stored {
  readonly date: string;
  readonly options: { readonly rounds: number };
  readonly goals: readonly Goal[];
}

/** "goal latency 8 B <= 1.0x Open MPI: 1.62x  misses" → ["latency 8 B <= 1.0x Open MPI", "1.62x"]. */
function split(line: string): [string, string] {
  const text = line.replace(/^goal /, "");
  const at = text.lastIndexOf(": ");
  if (at < 0) return [text, ""];
  const measured = text
    .slice(at + 2)
    .replace(/\s+(holds|misses)$/, "")
    .trim();
  return [text.slice(0, at), measured];
}

const cell = (text: string): string => text.replaceAll("|", "\\|");

/** The Markdown table of every goal in `dir`'s results; null if there are none. */
export function summary(dir: string): string | null {
  const rows: string[] = [];
  const sources: string[] = [];
  for (const [name, what] of BENCHMARKS) {
    const path = join(dir, `${name}.json`);
    if (!existsSync(path)) continue;
    const stored = JSON.parse(readFileSync(path, "utf8")) as Stored;
    sources.push(
      `${what}: ${stored.date.slice(0, 10)}, ${stored.options.rounds} round${stored.options.rounds === 1 ? "" : "s"} (\`${name}.md\`)`,
    );
    for (const goal of stored.goals) {
      const [text, measured] = split(goal.line);
      const verdict = goal.holds === true ? "holds" : goal.holds === false ? "misses" : "no figure";
      rows.push(`| ${cell(what)} | ${cell(text)} | ${cell(measured)} | ${verdict} |`);
    }
  }
  if (rows.length === 0) return null;
  return [
    "| benchmark | goal (wasmpi ÷ the comparator) | measured | |",
    "|:---|:---|:---|:---|",
    ...rows,
    "",
    `Medians, side by side in one run with the comparator; from ${sources.join("; ")}.`,
  ].join("\n");
}

/** Writes summary.md in `dir` and, for the committed results, the README's block. */
export function writeSummary(dir: string = resultsDir): string[] {
  const table = summary(dir);
  if (table === null) return [];
  const written = [join(dir, "summary.md")];
  writeFileSync(written[0] as string, `# Goals of the benchmark suite\n\n${table}\n`);
  const readme = join(repoRoot, "README.md");
  if (resolve(dir) === resolve(resultsDir) && existsSync(readme)) {
    const text = readFileSync(readme, "utf8");
    const from = text.indexOf(START);
    const to = text.indexOf(END);
    if (from >= 0 && to > from) {
      writeFileSync(readme, `${text.slice(0, from + START.length)}\n${table}\n${text.slice(to)}`);
      written.push(readme);
    }
  }
  return written;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? resultsDir);
  const written = writeSummary(dir);
  if (written.length === 0) {
    process.stderr.write(`summary: no benchmark results in ${relative(repoRoot, dir) || "."}\n`);
    process.exitCode = 1;
  }
  for (const path of written) process.stdout.write(`wrote ${relative(repoRoot, path)}\n`);
}
