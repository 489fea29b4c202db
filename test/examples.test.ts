/** The tutorial's programs, ported, print what mpi4py prints (as a set of lines). */
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli, root, sorted } from "./helpers.js";

/** Example file → the tutorial program whose output it must reproduce. */
const programs: Record<string, string> = {
  mpi_hello: "mpi_hello",
  mpi_send_recv: "mpi_send_recv",
  mpi_array_point_to_point: "mpi_numpy_point_to_point",
  mpi_collectives: "mpi_collectives",
  mpi_array_collectives: "mpi_numpy_collectives",
};

const expected = (program: string, np: number): string[] =>
  readFileSync(`${root}test/expected/${program}.n${np}.txt`, "utf8").replace(/\n$/, "").split("\n");

for (const [example, program] of Object.entries(programs)) {
  for (const np of [2, 4]) {
    test(`examples/${example}.ts on ${np} ranks prints what ${program}.py prints`, async () => {
      const out = await cli(["run", "-n", String(np), `examples/${example}.ts`]);
      assert.is(out.code, 0, out.stderr);
      assert.is(out.stderr, "");
      assert.equal(
        sorted(out.stdout.replace(/\n$/, "").split("\n")),
        sorted(expected(program, np)),
      );
    });
  }
}

/** `rank R: sum of totals = S, expected E` → [R, S, E]. */
const ringLine = /^rank (\d+): sum of totals = ([\d.e+-]+), expected ([\d.e+-]+)$/;

for (const np of [1, 3, 5]) {
  test(`examples/ring_overlap.ts on ${np} rank${np > 1 ? "s" : ""}: every rank gets the ring's sum`, async () => {
    const out = await cli(["run", "-n", String(np), "examples/ring_overlap.ts"]);
    assert.is(out.code, 0, out.stderr);
    assert.is(out.stderr, "");
    const lines = out.stdout.replace(/\n$/, "").split("\n");
    assert.is(lines.length, np, out.stdout);
    // The sum of every rank's blocks, computed here from the example's definition.
    const n = 1 << 18;
    let want = 0;
    for (let r = 0; r < np; r++) for (let i = 0; i < n; i++) want += r + i / n;
    const ranks = new Set<number>();
    for (const line of lines) {
      const m = ringLine.exec(line);
      assert.ok(m !== null, `unexpected line: ${line}`);
      ranks.add(Number(m[1]));
      assert.is(Number(m[2]), want, line);
      assert.is(Number(m[3]), want, line);
    }
    assert.is(ranks.size, np);
  });
}

test.run();
