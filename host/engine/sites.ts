import { ANY_SOURCE, ANY_TAG, Comm, PROC_NULL } from "../abi.js";
import { BLOCKING_CALLS, COLLECTIVE_CALLS, RankState, RankWord } from "./layout.js";

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

/** The call a rank is blocked in, as its own block in the control memory says, or null. */
export function blockedSite(ctrl: Int32Array, block: number): WaitSite | null {
  const call = BLOCKING_CALLS[Atomics.load(ctrl, block + RankWord.CALL)];
  if (call === undefined) return null;
  return {
    call,
    sending: (ctrl[block + RankWord.SENDING] as number) !== 0,
    peer: ctrl[block + RankWord.PEER] as number,
    tag: ctrl[block + RankWord.TAG] as number,
    comm: ctrl[block + RankWord.COMM] as number,
  };
}

/** A blocked call as reported per rank: `Call` and what it waits for. */
export interface BlockedCall {
  readonly call: string;
  /** `source=1, tag=0, comm=COMM_WORLD`, or for a collective the rank it waits for. */
  readonly detail: string;
}

/**
 * The report of a blocked call. `commName` names a communicator handle (its origin where the
 * rank knows it: `#3 (Split of COMM_WORLD)`); the launcher, which knows only handles, names
 * the predefined ones.
 */
export function blockedCall(
  site: WaitSite,
  commName: (handle: number) => string = predefinedName,
): BlockedCall {
  return { call: site.call, detail: `${describe(site)}, comm=${commName(site.comm)}` };
}

function predefinedName(handle: number): string {
  return handle === Comm.WORLD ? "COMM_WORLD" : handle === Comm.SELF ? "COMM_SELF" : `#${handle}`;
}

/**
 * Where world rank r is, from its block in the control memory (`block`, its word index): the
 * call it is blocked in, or what it is doing instead.
 */
export function whereRankIs(ctrl: Int32Array, block: number): BlockedCall | string {
  const state = Atomics.load(ctrl, block + RankWord.STATE);
  if (state === RankState.STARTING) return "still starting";
  if (state >= RankState.FINISHED) return "ended";
  const site = blockedSite(ctrl, block);
  return site === null ? "running (not in a wasmpi call)" : blockedCall(site);
}
