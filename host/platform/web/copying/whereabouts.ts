import type { BlockedCall, WaitSite } from "../../../engine/sites.js";
import type { WaitReports } from "./replay.js";

/**
 * A wait must last this long before the launcher hears of it: a report is a message to the
 * page, needed only for a deadlock (which the launcher declares after a grace much longer than
 * this) or a timeout.
 */
const REPORT_MS = 50;

/**
 * Where this rank waits. Ranks that share memory write it into the control memory; these post
 * it to the launcher once a wait has lasted, and say when they go on. The rank's last wait is
 * also what it reports when the job ends while it waits.
 */
export class Whereabouts implements WaitReports {
  #site: WaitSite | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reported = false;

  constructor(
    readonly report: (call: BlockedCall | null) => void,
    /** `Call` and what it waits for, with communicators named as the rank knows them. */
    readonly describe: (site: WaitSite) => BlockedCall,
  ) {}

  /** The wait in progress, if any. */
  get site(): WaitSite | null {
    return this.#site;
  }

  /** The rank waits at `site` (the engine reuses site objects: this keeps a copy). */
  at(site: WaitSite): void {
    if (this.#site !== null && same(this.#site, site)) return;
    this.#site = { ...site };
    if (this.#reported) {
      this.report(this.describe(this.#site));
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      if (this.#site === null) return;
      this.#reported = true;
      this.report(this.describe(this.#site));
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
