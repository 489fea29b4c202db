import { JobAborted } from "../../../engine/errors.js";
import type { CollectiveWire, MessageWire, Wire } from "./wire.js";

/**
 * One rank's ports to its peers, and what it knows of them: which have ended, whether the job
 * is ending. Everything arrives as an event while the rank's kernel is suspended; every event
 * settles the promise of `next()`, which a waiting call awaits before it looks again.
 */
export class Peers {
  readonly #ports: readonly (MessagePort | null)[];
  readonly #ended: Uint8Array;
  #aborted = false;
  #event: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;
  /** A port of this rank's own, to give the event loop a turn (see `turn`). */
  readonly #turns = new MessageChannel();
  readonly #turnsDone: (() => void)[] = [];

  /** Where point-to-point messages go. */
  onMessage: (src: number, wire: MessageWire) => void = () => {};
  /** Where collective messages go. */
  onCollective: (src: number, wire: CollectiveWire) => void = () => {};

  constructor(
    readonly rank: number,
    ports: readonly (MessagePort | null)[],
  ) {
    this.#ports = ports;
    this.#ended = new Uint8Array(ports.length);
    ports.forEach((port, src) => {
      if (port !== null)
        port.onmessage = (event: MessageEvent<Wire>) => this.#arrive(src, event.data);
    });
    this.#turns.port2.onmessage = () => this.#turnsDone.shift()?.();
  }

  get size(): number {
    return this.#ports.length;
  }

  #arrive(src: number, wire: Wire): void {
    switch (wire.kind) {
      case "message":
        this.onMessage(src, wire);
        break;
      case "collective":
        this.onCollective(src, wire);
        break;
      case "ended":
        this.#ended[src] = 1;
        if (wire.failed) this.#aborted = true;
        break;
    }
    this.#wake();
  }

  /** Sends `wire` to world rank `dst` (not this rank), moving `transfer` with it. */
  post(dst: number, wire: Wire, transfer: Transferable[] = []): void {
    (this.#ports[dst] as MessagePort).postMessage(wire, transfer);
  }

  /** Unwinds the rank if the job is ending. */
  checkJob(): void {
    if (this.#aborted) throw new JobAborted();
  }

  /** Whether world rank r has ended; also checks the job. */
  ended(r: number): boolean {
    this.checkJob();
    return this.#ended[r] === 1;
  }

  /** Whether every member but this rank has ended; also checks the job. */
  allEnded(members: Int32Array): boolean {
    this.checkJob();
    for (const r of members) if (r !== this.rank && this.#ended[r] === 0) return false;
    return true;
  }

  /** The job is ending: every wait unwinds. */
  abort(): void {
    this.#aborted = true;
    this.#wake();
  }

  /** Settles at the next event: a message, the end of a peer, the end of the job. */
  next(): Promise<void> {
    if (this.#event === null) {
      let resolve = (): void => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.#event = { promise, resolve };
    }
    return this.#event.promise;
  }

  #wake(): void {
    const event = this.#event;
    this.#event = null;
    event?.resolve();
  }

  /**
   * Settles once the event loop has had a turn: messages that were already queued for this
   * rank have arrived by then (a message to its own port queues behind them).
   */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.#turnsDone.push(resolve);
      this.#turns.port1.postMessage(null);
    });
  }

  /** Tells every peer that this rank has ended (after all it sent, on the same ports). */
  end(failed: boolean): void {
    for (const port of this.#ports) port?.postMessage({ kind: "ended", failed } satisfies Wire);
  }
}
