/**
 * What one rank records while tracing: a row of numbers per wasmpi call, and a row per
 * message end (a send, or a completed receive) so that the two ends of every message can be
 * joined afterwards. Rows go into growing Float64Arrays, handed over whole at the end.
 */

/** Fields of a call's row; NaN where a field does not apply. */
export const EventField = {
  /** Index of the function in FUNCTION_NAMES. */
  CALL: 0,
  /** Microseconds since the job started, on the clock all ranks share (wtime). */
  START: 1,
  END: 2,
  /** The peer's world rank (destination, source or root). */
  PEER: 3,
  TAG: 4,
  BYTES: 5,
  /** Communicator handle. */
  COMM: 6,
  /** What an i32 call returned; 0 for others; NaN if it did not return (the job ended). */
  RESULT: 7,
} as const;
export const EVENT_FIELDS = 8;

/** Fields of a message end's row. */
export const FlowField = {
  /** Row of the call the message left or arrived in. */
  EVENT: 0,
  /** 1 for the sending end, 0 for the receiving end. */
  SENDING: 1,
  /** World rank at the other end. */
  PEER: 2,
  /** Context of the communicator: messages match only within one. */
  CTX: 3,
  TAG: 4,
  /**
   * How many messages with this (peer, context, tag) went before it from this end. Messages
   * of one sender, context and tag are received in the order they were sent, so the n-th
   * send of a key meets the n-th receive of the mirrored key.
   */
  ORDINAL: 5,
} as const;
export const FLOW_FIELDS = 6;

/** One rank's trace, structured-cloneable. */
export interface RankTrace {
  readonly rank: number;
  /** EVENT_FIELDS numbers per call, in call order. */
  readonly events: Float64Array;
  /** FLOW_FIELDS numbers per message end. */
  readonly flows: Float64Array;
}

/** A Float64Array that grows by doubling, filled a row at a time. */
class Rows {
  #data: Float64Array;
  #length = 0;

  constructor(readonly width: number) {
    this.#data = new Float64Array(width * 1024);
  }

  /** Appends a row of NaNs; returns its index. */
  add(): number {
    if (this.#length + this.width > this.#data.length) {
      const grown = new Float64Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data.fill(Number.NaN, this.#length, this.#length + this.width);
    this.#length += this.width;
    return this.#length / this.width - 1;
  }

  set(row: number, field: number, value: number): void {
    this.#data[row * this.width + field] = value;
  }

  take(): Float64Array {
    return this.#data.slice(0, this.#length);
  }
}

export class TraceRecorder {
  readonly #events = new Rows(EVENT_FIELDS);
  readonly #flows = new Rows(FLOW_FIELDS);
  /** Messages so far per (peer, context, tag), one map per direction. */
  readonly #sent = new Map<string, number>();
  readonly #received = new Map<string, number>();

  constructor(readonly rank: number) {}

  /** Starts a call's row. */
  begin(call: number, start: number): number {
    const row = this.#events.add();
    this.#events.set(row, EventField.CALL, call);
    this.#events.set(row, EventField.START, start);
    return row;
  }

  set(row: number, field: number, value: number): void {
    this.#events.set(row, field, value);
  }

  /** Records that the call at `row` sent a message to, or received one from, `peer`. */
  message(row: number, sending: boolean, peer: number, ctx: number, tag: number): void {
    const counts = sending ? this.#sent : this.#received;
    const key = `${peer}/${ctx}/${tag}`;
    const ordinal = counts.get(key) ?? 0;
    counts.set(key, ordinal + 1);
    const flow = this.#flows.add();
    this.#flows.set(flow, FlowField.EVENT, row);
    this.#flows.set(flow, FlowField.SENDING, sending ? 1 : 0);
    this.#flows.set(flow, FlowField.PEER, peer);
    this.#flows.set(flow, FlowField.CTX, ctx);
    this.#flows.set(flow, FlowField.TAG, tag);
    this.#flows.set(flow, FlowField.ORDINAL, ordinal);
  }

  take(): RankTrace {
    return { rank: this.rank, events: this.#events.take(), flows: this.#flows.take() };
  }
}
