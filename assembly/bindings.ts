// The raw wasmpi imports, declared once. host/abi.ts is the source of truth; a test checks
// that every declaration here matches it (name, parameter types, result type).

// @ts-ignore: decorator
@external("wasmpi", "comm_rank")
export declare function comm_rank(comm: i32, rank_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "comm_size")
export declare function comm_size(comm: i32, size_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "comm_split")
export declare function comm_split(comm: i32, color: i32, key: i32, newcomm_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "comm_dup")
export declare function comm_dup(comm: i32, newcomm_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "comm_free")
export declare function comm_free(comm: i32): i32;

// @ts-ignore: decorator
@external("wasmpi", "send")
export declare function send(buf: usize, count: i32, datatype: i32, dest: i32, tag: i32, comm: i32): i32;

// @ts-ignore: decorator
@external("wasmpi", "recv")
export declare function recv(
  buf: usize,
  count: i32,
  datatype: i32,
  source: i32,
  tag: i32,
  comm: i32,
  status_out: usize,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "sendrecv")
export declare function sendrecv(
  sendbuf: usize,
  sendcount: i32,
  sendtype: i32,
  dest: i32,
  sendtag: i32,
  recvbuf: usize,
  recvcount: i32,
  recvtype: i32,
  source: i32,
  recvtag: i32,
  comm: i32,
  status_out: usize,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "isend")
export declare function isend(
  buf: usize,
  count: i32,
  datatype: i32,
  dest: i32,
  tag: i32,
  comm: i32,
  request_out: usize,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "irecv")
export declare function irecv(
  buf: usize,
  count: i32,
  datatype: i32,
  source: i32,
  tag: i32,
  comm: i32,
  request_out: usize,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "wait")
export declare function wait(request: i32, status_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "test")
export declare function test(request: i32, flag_out: usize, status_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "waitany")
export declare function waitany(requests: usize, count: i32, index_out: usize, status_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "testall")
export declare function testall(requests: usize, count: i32, flag_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "request_free")
export declare function request_free(request: i32): i32;

// @ts-ignore: decorator
@external("wasmpi", "probe")
export declare function probe(source: i32, tag: i32, comm: i32, status_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "iprobe")
export declare function iprobe(source: i32, tag: i32, comm: i32, flag_out: usize, status_out: usize): i32;

// ---- collectives ----

// @ts-ignore: decorator
@external("wasmpi", "barrier")
export declare function barrier(comm: i32): i32;

// @ts-ignore: decorator
@external("wasmpi", "bcast")
export declare function bcast(buf: usize, count: i32, datatype: i32, root: i32, comm: i32): i32;

// @ts-ignore: decorator
@external("wasmpi", "scatter")
export declare function scatter(
  sendbuf: usize,
  sendcount: i32,
  sendtype: i32,
  recvbuf: usize,
  recvcount: i32,
  recvtype: i32,
  root: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "gather")
export declare function gather(
  sendbuf: usize,
  sendcount: i32,
  sendtype: i32,
  recvbuf: usize,
  recvcount: i32,
  recvtype: i32,
  root: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "allgather")
export declare function allgather(
  sendbuf: usize,
  sendcount: i32,
  sendtype: i32,
  recvbuf: usize,
  recvcount: i32,
  recvtype: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "alltoall")
export declare function alltoall(
  sendbuf: usize,
  sendcount: i32,
  sendtype: i32,
  recvbuf: usize,
  recvcount: i32,
  recvtype: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "scatterv")
export declare function scatterv(
  sendbuf: usize,
  sendcounts: usize,
  displs: usize,
  sendtype: i32,
  recvbuf: usize,
  recvcount: i32,
  recvtype: i32,
  root: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "gatherv")
export declare function gatherv(
  sendbuf: usize,
  sendcount: i32,
  sendtype: i32,
  recvbuf: usize,
  recvcounts: usize,
  displs: usize,
  recvtype: i32,
  root: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "allgatherv")
export declare function allgatherv(
  sendbuf: usize,
  sendcount: i32,
  sendtype: i32,
  recvbuf: usize,
  recvcounts: usize,
  displs: usize,
  recvtype: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "alltoallv")
export declare function alltoallv(
  sendbuf: usize,
  sendcounts: usize,
  sdispls: usize,
  sendtype: i32,
  recvbuf: usize,
  recvcounts: usize,
  rdispls: usize,
  recvtype: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "reduce")
export declare function reduce(
  sendbuf: usize,
  recvbuf: usize,
  count: i32,
  datatype: i32,
  op: i32,
  root: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "allreduce")
export declare function allreduce(
  sendbuf: usize,
  recvbuf: usize,
  count: i32,
  datatype: i32,
  op: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "scan")
export declare function scan(
  sendbuf: usize,
  recvbuf: usize,
  count: i32,
  datatype: i32,
  op: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "exscan")
export declare function exscan(
  sendbuf: usize,
  recvbuf: usize,
  count: i32,
  datatype: i32,
  op: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "reduce_scatter_block")
export declare function reduce_scatter_block(
  sendbuf: usize,
  recvbuf: usize,
  recvcount: i32,
  datatype: i32,
  op: i32,
  comm: i32,
): i32;

// @ts-ignore: decorator
@external("wasmpi", "abort")
export declare function abort(comm: i32, errorcode: i32): i32;

// @ts-ignore: decorator
@external("wasmpi", "wtime")
export declare function wtime(): f64;

// @ts-ignore: decorator
@external("wasmpi", "wtick")
export declare function wtick(): f64;

// @ts-ignore: decorator
@external("wasmpi", "get_processor_name")
export declare function get_processor_name(buf: usize, buflen: i32, len_out: usize): i32;

// @ts-ignore: decorator
@external("wasmpi", "fatal")
export declare function fatal(call: usize, call_len: i32, code: i32): void;

// @ts-ignore: decorator
@external("wasmpi", "panic")
export declare function panic(message: usize, message_len: i32): void;
