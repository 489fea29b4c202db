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

/**
 * The heat solver's result computed here, point by point with the example's arithmetic:
 * [steps, last change, centre, total heat rounded to 1e-6].
 */
function jacobi(g: number): [number, number, number, number] {
  const w = g + 2;
  let u = new Float64Array(w * w);
  let v = new Float64Array(w * w);
  for (let j = 0; j < w; j++) {
    u[j] = 100;
    v[j] = 100;
  }
  let steps = 0;
  let change = Number.POSITIVE_INFINITY;
  while (change > 1e-4 && steps < 100_000) {
    let local = 0;
    for (let i = 1; i <= g; i++) {
      for (let j = 1; j <= g; j++) {
        const k = i * w + j;
        const next =
          0.25 *
          ((u[k - w] as number) +
            (u[k + w] as number) +
            (u[k - 1] as number) +
            (u[k + 1] as number));
        local = Math.max(local, Math.abs(next - (u[k] as number)));
        v[k] = next;
      }
    }
    change = local;
    [u, v] = [v, u];
    steps++;
  }
  let heat = 0;
  for (let i = 1; i <= g; i++) for (let j = 1; j <= g; j++) heat += u[i * w + j] as number;
  const centre = u[(g / 2 + 1) * w + g / 2 + 1] as number;
  return [steps, change, centre, Math.round(heat * 1e6) / 1e6];
}

test("examples/heat2d.ts gives the same plate at 1, 2, 4 and 5 ranks, as computed here", async () => {
  const g = 24;
  const [steps, change, centre, heat] = jacobi(g);
  for (const np of [1, 2, 4, 5]) {
    const out = await cli(["run", "-n", String(np), "examples/heat2d.ts", "--", String(g)]);
    assert.is(out.code, 0, out.stderr);
    const lines = out.stdout.replace(/\n$/, "").split("\n");
    assert.is(lines.length, 3, out.stdout);
    assert.match(lines[0] as string, new RegExp(`^heat: ${np} ranks? as \\d+ x \\d+$`));
    const m = /^heat: (\d+) x \1 plate, (\d+) steps, largest last change (\S+)$/.exec(
      lines[1] as string,
    );
    assert.ok(m !== null, lines[1]);
    assert.is(Number(m[1]), g);
    assert.is(Number(m[2]), steps, `steps at ${np} ranks`);
    assert.is(Number(m[3]), change, `last change at ${np} ranks`);
    const c = /^heat: centre (\S+) degrees, total heat (\S+)$/.exec(lines[2] as string);
    assert.ok(c !== null, lines[2]);
    assert.is(Number(c[1]), centre, `centre at ${np} ranks`);
    assert.ok(
      Math.abs(Number(c[2]) - heat) <= 2e-6,
      `total heat ${c[2]} at ${np} ranks, want ${heat}`,
    );
  }
});

test.run();
