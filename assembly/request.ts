// Nonblocking operations: MPI.Request, and what keeps their buffers in place.
import * as abi from "./bindings";
import { check, fail } from "./errors";
import { Status, UNDEFINED } from "./types";

/**
 * Every pending request, by its host handle (small integers, reused once freed): a root of
 * the collector, so that a pending request and the object whose bytes it uses stay alive even
 * if the kernel drops them, and objects never move. An array slot per handle costs no hashing
 * and lets one buffer serve any number of requests at once.
 */
const pending: (Request | null)[] = [];
/** Sends freed before they completed: kept alive for good, as nothing says when they end. */
const detached: Request[] = [];

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
  /** The object whose bytes the operation uses (a buffer, or an encoded value). */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: holding it keeps it alive
  private buffer: Object | null;

  constructor(handle: i32, buffer: usize = 0) {
    this.id = handle;
    this.buffer = changetype<Object | null>(buffer);
    if (handle > 0) {
      while (pending.length <= handle) pending.push(null);
      pending[handle] = this;
    }
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
    pending[this.id] = null;
    this.id = COMPLETED;
    this.buffer = null;
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
    pending[this.id] = null;
    detached.push(this);
    this.id = FREED;
  }

  /** The handles of an array's requests, 0 for inactive ones, in a buffer reused by every call. */
  private static handlesOf(requests: Array<Request>): usize {
    const n = requests.length;
    if (handles.length < n) handles = new StaticArray<i32>(max(n, handles.length << 1));
    const out = changetype<usize>(handles);
    for (let i = 0; i < n; i++) {
      const id = unchecked(requests[i]).id;
      store<i32>(out + ((<usize>i) << 2), max(id, 0));
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
