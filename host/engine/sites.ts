import { ANY_SOURCE, ANY_TAG, PROC_NULL } from "../abi.js";
import { type BLOCKING_CALLS, COLLECTIVE_CALLS } from "./layout.js";

export type BlockingCall = (typeof BLOCKING_CALLS)[number];

/** Where a blocking call waits: named in reports of failures, timeouts and deadlocks. */
export interface WaitSite {
  call: BlockingCall;
  /** The peer rank in the communicator (dest when sending, source when receiving). */
  peer: number;
  /** Whether the call waits on its sending side. */
  sending: boolean;
  tag: number;
  comm: number;
}

const COLLECTIVE: ReadonlySet<string> = new Set(COLLECTIVE_CALLS);

export function describe(site: WaitSite): string {
  if (COLLECTIVE.has(site.call)) return `waiting for rank ${site.peer}, collective #${site.tag}`;
  const peer =
    site.peer === PROC_NULL
      ? "PROC_NULL"
      : site.peer === ANY_SOURCE && !site.sending
        ? "ANY_SOURCE"
        : String(site.peer);
  const tag = site.tag === ANY_TAG && !site.sending ? "ANY_TAG" : String(site.tag);
  return `${site.sending ? "dest" : "source"}=${peer}, tag=${tag}`;
}
