// Nonblocking operations: MPI.Request, and the pins that keep their buffers in place.
import * as abi from "./bindings";
import { check, fail } from "./errors";
import { Status, UNDEFINED } from "./types";

/**
 * How many pending requests use each object. A used object is pinned: the collector neither
 * frees nor reuses it while the host may still read or write its bytes (objects never move).
 */
const pins = new Map<usize, i32>();

function pin(ptr: usize): void {
  if (ptr == 0) return;
  if (pins.has(ptr)) {
    pins.set(ptr, pins.get(ptr) + 1);
  } else {
    __pin(ptr);
    pins.set(ptr, 1);
  }
}

function unpin(ptr: usize): void {
  if (ptr == 0) return;
  const uses = pins.get(ptr);
  if (uses > 1) {
    pins.set(ptr, uses - 1);
  } else {
    pins.delete(ptr);
    __unpin(ptr);
  }
}

/** Handle values of a request that is no longer pending. */
const COMPLETED: i32 = 0;
const FREED: i32 = -1;

/** Handles of the active requests of an array, 0 for the others; reused between calls. */
let handles = new StaticArray<i32>(0);

/**
 * A pending nonblocking operation (Isend, Irecv, isend). Its buffer stays alive and unmoved
 * until the request completes. Completing a request (Wait, Test, Waitany, Waitall, Testall)
 * frees it; waiting on it again is an error, and the array forms skip it.
 */
export class Request {
  /** The host's handle while pending; COMPLETED or FREED after. */
  private id: i32;
  /** The object whose bytes the operation uses (a buffer, or an encoded value), pinned. */
  private buffer: usize;

  constructor(handle: i32, buffer: usize = 0) {
    this.id = handle;
    this.buffer = buffer;
    pin(buffer);
  }

  /** The host's handle while pending; 0 once completed, -1 once freed. */
  get handle(): i32 {
    return this.id;
  }

  /** Whether the request is still pending. */
  get active(): bool {
    return this.id > 0;
  }

  private expectActive(call: string): void {
    if (this.id == COMPLETED) fail(call, "the request has already completed");
    if (this.id == FREED) fail(call, "the request was freed");
  }

  private completed(): void {
    this.id = COMPLETED;
    unpin(this.buffer);
    this.buffer = 0;
  }

  /** Waits for completion; a receive fills `status`. */
  Wait(status: Status | null = null): void {
    this.expectActive("Wait");
    check("Wait", abi.wait(this.id, changetype<usize>(status)));
    this.completed();
  }

  /** Completes the request if it can complete now. */
  Test(status: Status | null = null): bool {
    this.expectActive("Test");
    const flag = memory.data(4);
    check("Test", abi.test(this.id, flag, changetype<usize>(status)));
    if (load<i32>(flag) == 0) return false;
    this.completed();
    return true;
  }

  /**
   * Lets the request go without waiting for it. A send still goes on (its buffer stays
   * pinned); a pending receive cannot be freed.
   */
  Free(): void {
    this.expectActive("Free");
    check("Free", abi.request_free(this.id));
    this.id = FREED;
  }

  /** The handles of an array's requests, 0 for inactive ones, in a buffer reused by every call. */
  private static handlesOf(requests: Array<Request>): usize {
    const n = requests.length;
    if (handles.length < n) handles = new StaticArray<i32>(max(n, handles.length << 1));
    const out = changetype<usize>(handles);
    for (let i = 0; i < n; i++) {
      const id = unchecked(requests[i]).id;
      store<i32>(out + ((<usize>i) << 2), id > 0 ? id : 0);
    }
    return out;
  }

  /** Waits for every active request of the array. */
  static Waitall(requests: Array<Request>): void {
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i];
      if (!r.active) continue;
      check("Waitall", abi.wait(r.handle, 0));
      r.completed();
    }
  }

  /**
   * Waits until one active request of the array completes; returns its index, or UNDEFINED if
   * none is active. Successive calls favour no request: none starves.
   */
  static Waitany(requests: Array<Request>, status: Status | null = null): i32 {
    const index = memory.data(4);
    check(
      "Waitany",
      abi.waitany(Request.handlesOf(requests), requests.length, index, changetype<usize>(status)),
    );
    const i = load<i32>(index);
    if (i != UNDEFINED) requests[i].completed();
    return i;
  }

  /** Whether every active request of the array can complete now; if so, completes them all. */
  static Testall(requests: Array<Request>): bool {
    const flag = memory.data(4);
    check("Testall", abi.testall(Request.handlesOf(requests), requests.length, flag));
    if (load<i32>(flag) == 0) return false;
    for (let i = 0; i < requests.length; i++) if (requests[i].active) requests[i].completed();
    return true;
  }
}
