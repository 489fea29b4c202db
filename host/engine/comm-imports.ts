import { Comm } from "../abi.js";
import type { Checks } from "./checks.js";
import type { Implementation } from "./imports.js";
import type { RankTransport } from "./transport.js";

export type CommImport = "comm_split" | "comm_dup" | "comm_free";

/** The imports that make and free communicators (see comm-create.ts for the agreement). */
export function commImports(rt: RankTransport, c: Checks): Record<CommImport, Implementation> {
  const make = rt.commCreation;
  return {
    comm_split: (handle, color, key, newcommOut) =>
      c.guard(() => {
        const parent = rt.comms.get(handle);
        c.range("newcomm_out", newcommOut, 4);
        const comm = make.split(parent, color, key, "Split");
        c.writeI32("newcomm_out", newcommOut, comm === null ? Comm.NULL : comm.handle);
      }),

    comm_dup: (handle, newcommOut) =>
      c.guard(() => {
        const parent = rt.comms.get(handle);
        c.range("newcomm_out", newcommOut, 4);
        c.writeI32("newcomm_out", newcommOut, make.dup(parent).handle);
      }),

    comm_free: (handle) => c.guard(() => make.free(rt.comms.get(handle))),
  };
}
