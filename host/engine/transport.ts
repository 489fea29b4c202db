import type { Collectives } from "./collectives.js";
import type { CommCreation } from "./comm-create.js";
import type { Communicators } from "./comms.js";
import type { Inbox } from "./inbox.js";
import type { Liveness } from "./liveness.js";
import type { LinearMemory } from "./memory.js";
import type { Messenger } from "./p2p.js";
import type { Reductions } from "./reductions.js";
import type { Requests } from "./requests.js";

/**
 * What the imports need of a rank. RankRuntime provides it over shared memory; a runtime whose
 * ranks cannot share memory provides it by copying messages, and gets the imports' argument
 * checks, error codes, status records and request bookkeeping unchanged.
 */
export interface RankTransport {
  readonly memory: LinearMemory;
  readonly comms: Communicators;
  readonly requests: Requests;
  readonly messenger: Sending;
  readonly collectives: Pick<Collectives, keyof Collectives>;
  readonly reductions: Pick<Reductions, keyof Reductions>;
  readonly commCreation: Pick<CommCreation, keyof CommCreation>;
  readonly hostname: string;
  readonly wtick: number;
  wtime(): number;
}

/** Point-to-point messaging as the imports use it. */
export interface Sending
  extends Pick<Messenger, "send" | "postSend" | "completeSend" | "sendDone"> {
  readonly inbox: Receiving;
  readonly live: Pick<Liveness, "ended" | "noSender" | "unblocked">;
}

export type Receiving = Pick<
  Inbox,
  "recv" | "probe" | "iprobe" | "post" | "await" | "waitUntil" | "progress" | "senderGone"
>;
