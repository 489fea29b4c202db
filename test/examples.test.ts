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

test.run();
