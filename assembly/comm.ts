// Communicators: the buffer methods (Uppercase, zero serialization) and the object methods
// (lowercase, any supported value with a type tag), as in mpi4py.
import * as abi from "./bindings";
import { check, fail } from "./errors";
import { decode, encode } from "./serialize";
import { ANY_SOURCE, ANY_TAG, PROC_NULL, Request, Status } from "./types";

const BYTE_CODE: i32 = 1;

/** Address of a buffer's first element. */
function dataOf<B>(buf: B): usize {
  if (buf instanceof ArrayBufferView) {
    return buf.dataStart;
  } else if (buf instanceof StaticArray) {
    return changetype<usize>(buf);
  } else {
    ERROR("wasmpi buffers are typed arrays or StaticArray of numbers");
    return 0;
  }
}

/** The datatype code of a buffer's elements, known at compile time. */
function datatypeOf<B>(): i32 {
  if (isFloat<valueof<B>>()) {
    return sizeof<valueof<B>>() == 4 ? 10 : 11;
  } else if (isInteger<valueof<B>>()) {
    const size = sizeof<valueof<B>>();
    const base = size == 1 ? 2 : size == 2 ? 4 : size == 4 ? 6 : 8;
    return isSigned<valueof<B>>() ? base : base + 1;
  } else {
    ERROR("wasmpi buffers hold numbers");
    return 0;
  }
}

/** The value a receive from PROC_NULL gives: null, or zero. */
function nothing<T>(): T {
  if (isReference<T>()) return changetype<T>(0);
  else return <T>0;
}

/** Reusable receive area of the object path (decode copies out of it). */
let scratch = new ArrayBuffer(256);

function scratchOf(bytes: i32): usize {
  if (scratch.byteLength < bytes) scratch = new ArrayBuffer(max(bytes, scratch.byteLength << 1));
  return changetype<usize>(scratch);
}

/** A group of ranks that talk to each other. */
export class Comm {
  private cachedRank: i32 = -1;
  private cachedSize: i32 = -1;

  constructor(readonly handle: i32) {}

  /** This rank's number in the communicator. */
  Get_rank(): i32 {
    if (this.cachedRank < 0) {
      const out = memory.data(4);
      check("Get_rank", abi.comm_rank(this.handle, out));
      this.cachedRank = load<i32>(out);
    }
    return this.cachedRank;
  }

  /** Number of ranks in the communicator. */
  Get_size(): i32 {
    if (this.cachedSize < 0) {
      const out = memory.data(4);
      check("Get_size", abi.comm_size(this.handle, out));
      this.cachedSize = load<i32>(out);
    }
    return this.cachedSize;
  }

  get rank(): i32 {
    return this.Get_rank();
  }

  get size(): i32 {
    return this.Get_size();
  }

  // ---- buffers -------------------------------------------------------------------------

  /** Sends a buffer; returns when it may be reused. */
  Send<B>(buf: B, dest: i32, tag: i32 = 0): void {
    check("Send", abi.send(dataOf(buf), buf.length, datatypeOf<B>(), dest, tag, this.handle));
  }

  /** Receives into a buffer that holds at least the message. */
  Recv<B>(
    buf: B,
    source: i32 = ANY_SOURCE,
    tag: i32 = ANY_TAG,
    status: Status | null = null,
  ): void {
    check(
      "Recv",
      abi.recv(
        dataOf(buf),
        buf.length,
        datatypeOf<B>(),
        source,
        tag,
        this.handle,
        changetype<usize>(status),
      ),
    );
  }

  /** Sends one buffer and receives another at the same time. */
  Sendrecv<B>(
    sendbuf: B,
    dest: i32,
    sendtag: i32,
    recvbuf: B,
    source: i32 = ANY_SOURCE,
    recvtag: i32 = ANY_TAG,
    status: Status | null = null,
  ): void {
    check(
      "Sendrecv",
      abi.sendrecv(
        dataOf(sendbuf),
        sendbuf.length,
        datatypeOf<B>(),
        dest,
        sendtag,
        dataOf(recvbuf),
        recvbuf.length,
        datatypeOf<B>(),
        source,
        recvtag,
        this.handle,
        changetype<usize>(status),
      ),
    );
  }

  /** Starts sending a buffer; it must stay unchanged until the request completes. */
  Isend<B>(buf: B, dest: i32, tag: i32 = 0): Request {
    const out = memory.data(4);
    check(
      "Isend",
      abi.isend(dataOf(buf), buf.length, datatypeOf<B>(), dest, tag, this.handle, out),
    );
    return new Request(load<i32>(out), changetype<usize>(buf));
  }

  /** Waits for a matching message and describes it without receiving it. */
  Probe(source: i32 = ANY_SOURCE, tag: i32 = ANY_TAG, status: Status | null = null): void {
    check("Probe", abi.probe(source, tag, this.handle, changetype<usize>(status)));
  }

  /** Whether a matching message can be received now. */
  Iprobe(source: i32 = ANY_SOURCE, tag: i32 = ANY_TAG, status: Status | null = null): bool {
    const flag = memory.data(4);
    check("Iprobe", abi.iprobe(source, tag, this.handle, flag, changetype<usize>(status)));
    return load<i32>(flag) != 0;
  }

  // ---- objects -------------------------------------------------------------------------

  /** Sends any supported value. */
  send<T>(obj: T, dest: i32, tag: i32 = 0): void {
    const data = encode<T>(obj);
    check(
      "send",
      abi.send(changetype<usize>(data), data.byteLength, BYTE_CODE, dest, tag, this.handle),
    );
  }

  /** Receives a value of type T; a message of another type is a fatal error naming both. */
  recv<T>(source: i32 = ANY_SOURCE, tag: i32 = ANY_TAG, status: Status | null = null): T {
    return this.receiveObject<T>("recv", source, tag, status);
  }

  /** Sends one value and receives another at the same time. */
  sendrecv<T>(
    obj: T,
    dest: i32,
    sendtag: i32 = 0,
    source: i32 = ANY_SOURCE,
    recvtag: i32 = ANY_TAG,
    status: Status | null = null,
  ): T {
    const request = this.isend<T>(obj, dest, sendtag);
    const result = this.receiveObject<T>("sendrecv", source, recvtag, status);
    request.Wait();
    return result;
  }

  /** Starts sending any supported value. */
  isend<T>(obj: T, dest: i32, tag: i32 = 0): Request {
    const data = encode<T>(obj);
    const out = memory.data(4);
    check(
      "isend",
      abi.isend(changetype<usize>(data), data.byteLength, BYTE_CODE, dest, tag, this.handle, out),
    );
    return new Request(load<i32>(out), changetype<usize>(data));
  }

  private receiveObject<T>(call: string, source: i32, tag: i32, status: Status | null): T {
    const st = status != null ? status : new Status();
    check(call, abi.probe(source, tag, this.handle, changetype<usize>(st)));
    if (st.source == PROC_NULL) return nothing<T>();
    const bytes = st.count;
    const data = scratchOf(bytes);
    check(
      call,
      abi.recv(data, bytes, BYTE_CODE, st.source, st.tag, this.handle, changetype<usize>(st)),
    );
    return decode<T>(call, data, bytes);
  }

  /** Ends every rank of the job; the job exits with `errorcode`. */
  Abort(errorcode: i32 = 1): void {
    abi.abort(this.handle, errorcode);
    fail("Abort", "the job did not end");
  }
}
