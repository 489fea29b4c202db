import { FUNCTIONS, type FunctionName } from "../../../abi.js";
import { commName } from "../../../embed/ending.js";
import { Communicators } from "../../../engine/comms.js";
import { buildImports } from "../../../engine/imports.js";
import { LinearMemory } from "../../../engine/memory.js";
import { Requests } from "../../../engine/requests.js";
import { type BlockedCall, blockedCall } from "../../../engine/sites.js";
import type { RankTransport } from "../../../engine/transport.js";
import type { CopyingSetup } from "../../../protocol.js";
import { CollectiveMail } from "./collective-mail.js";
import { CopyingCollectives } from "./collectives.js";
import { CopyingCommCreation } from "./comm-create.js";
import type { Jspi } from "./jspi.js";
import { CopyingInbox, CopyingMessenger } from "./messaging.js";
import { Peers } from "./peers.js";
import { CopyingReductions } from "./reductions.js";
import { ImportCall, replaying } from "./replay.js";
import { Whereabouts } from "./whereabouts.js";

/**
 * Imports that do not wait for another rank but must give the event loop a turn: a kernel that
 * polls with them sees only the messages that arrive meanwhile.
 */
const POLLING: ReadonlySet<FunctionName> = new Set(["test", "testall", "iprobe"]);

/**
 * One rank of a job whose ranks share no memory: its own memory, ports to its peers, and the
 * engine's imports over a transport that copies every message.
 */
export class CopyingRank implements RankTransport {
  readonly memory: LinearMemory;
  readonly comms: Communicators;
  readonly requests = new Requests();
  readonly messenger: CopyingMessenger;
  readonly collectives: CopyingCollectives;
  readonly reductions: CopyingReductions;
  readonly commCreation: CopyingCommCreation;
  readonly hostname: string;
  readonly wtick: number;
  readonly peers: Peers;
  readonly #call: ImportCall;
  readonly #whereabouts: Whereabouts;
  readonly #clockOffset: number;
  readonly #maxPages: number;

  constructor(
    setup: CopyingSetup,
    memory: WebAssembly.Memory,
    /** Tells the launcher where this rank has been waiting (null: it went on). */
    report: (call: BlockedCall | null) => void,
  ) {
    this.memory = new LinearMemory(memory);
    this.peers = new Peers(setup.rank, setup.ports);
    this.#call = new ImportCall(() => this.peers.turn());
    this.#whereabouts = new Whereabouts(report, (site) =>
      blockedCall(site, (handle) => commName(this.comms, handle)),
    );
    const inbox = new CopyingInbox(this.memory, this.peers, this.#call);
    this.messenger = new CopyingMessenger(this.memory, this.peers, inbox, this.#call);
    const mail = new CollectiveMail(this.peers, this.#whereabouts);
    this.collectives = new CopyingCollectives(mail, this.memory, this.#call);
    this.reductions = new CopyingReductions(mail, this.memory, this.#call);
    this.comms = new Communicators(setup.rank, setup.size);
    this.commCreation = new CopyingCommCreation(mail, this.comms, this.collectives, this.#call);
    this.hostname = setup.hostname;
    this.wtick = setup.wtick;
    this.#clockOffset = performance.timeOrigin - setup.epoch;
    this.#maxPages = setup.memory.maximum;
  }

  /** The pages the rank's memory may grow to. */
  get maxMemoryPages(): number {
    return this.#maxPages;
  }

  /** Where the rank waits, if it does (for the report of a job ended meanwhile). */
  waiting(): BlockedCall | undefined {
    const site = this.#whereabouts.site;
    return site === null ? undefined : this.#whereabouts.describe(site);
  }

  wtime(): number {
    return (performance.now() + this.#clockOffset) / 1000;
  }

  /**
   * The `wasmpi` import module: the engine's imports, with those that may wait wrapped so that
   * they suspend the kernel (JSPI) while the rank waits for events.
   */
  imports(jspi: Jspi): WebAssembly.ModuleImports {
    const imports: WebAssembly.ModuleImports = {};
    for (const [name, fn] of Object.entries(buildImports(this))) {
      const waits = FUNCTIONS[name as FunctionName].blocks || POLLING.has(name as FunctionName);
      imports[name] = waits
        ? new jspi.Suspending(replaying(fn, this.#call, this.#whereabouts))
        : fn;
    }
    return imports;
  }

  /** Tells every peer that this rank has ended; a failure ends the job. */
  ended(failed: boolean): void {
    this.peers.end(failed);
  }
}
