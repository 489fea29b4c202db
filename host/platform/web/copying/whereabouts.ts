import type { WaitSite } from "../../../engine/sites.js";
import type { WaitReports } from "./replay.js";

/**
 * A wait must last this long before the launcher hears of it: a report is a message to the
 * page, and the launcher needs one only when a job times out.
 */
const REPORT_MS = 50;

/**
 * Tells the launcher where this rank waits, for the report of a timeout. Ranks that share
 * memory write it into the control memory; these post it, once a wait has lasted, and say when
 * they go on.
 */
export class Whereabouts implements WaitReports {
  #site: WaitSite | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reported = false;

  constructor(readonly report: (site: WaitSite | null) => void) {}

  /** The rank waits at `site` (the engine reuses site objects: this keeps a copy). */
  at(site: WaitSite): void {
    if (this.#site !== null && same(this.#site, site)) return;
    this.#site = { ...site };
    if (this.#reported) {
      this.report(this.#site);
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#reported = true;
      this.report(this.#site);
    }, REPORT_MS);
  }

  /** The rank goes on. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#site = null;
    if (!this.#reported) return;
    this.#reported = false;
    this.report(null);
  }
}

function same(a: WaitSite, b: WaitSite): boolean {
  return (
    a.call === b.call &&
    a.peer === b.peer &&
    a.sending === b.sending &&
    a.tag === b.tag &&
    a.comm === b.comm
  );
}
