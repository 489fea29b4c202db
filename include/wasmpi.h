/*
 * wasmpi.h: the wasmpi import ABI for C kernels.
 * Generated from host/abi.ts by `npm run docs`; edit the table there, not this file.
 * mpi.h maps MPI's C API onto these imports.
 */
#ifndef WASMPI_H
#define WASMPI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WASMPI_MODULE "wasmpi"

/* Error codes returned by imports (MPI's numbering where MPI has the error). */
#define WASMPI_SUCCESS 0
#define WASMPI_ERR_BUFFER 1
#define WASMPI_ERR_COUNT 2
#define WASMPI_ERR_TYPE 3
#define WASMPI_ERR_TAG 4
#define WASMPI_ERR_COMM 5
#define WASMPI_ERR_RANK 6
#define WASMPI_ERR_REQUEST 7
#define WASMPI_ERR_ROOT 8
#define WASMPI_ERR_OP 10
#define WASMPI_ERR_ARG 13
#define WASMPI_ERR_TRUNCATE 15
#define WASMPI_ERR_OTHER 16
#define WASMPI_ERR_INTERN 17
#define WASMPI_ERR_PROC_FAILED 75

/* Datatype codes. */
#define WASMPI_BYTE 1
#define WASMPI_INT8_T 2
#define WASMPI_UINT8_T 3
#define WASMPI_INT16_T 4
#define WASMPI_UINT16_T 5
#define WASMPI_INT32_T 6
#define WASMPI_UINT32_T 7
#define WASMPI_INT64_T 8
#define WASMPI_UINT64_T 9
#define WASMPI_FLOAT 10
#define WASMPI_DOUBLE 11
#define WASMPI_FLOAT_INT 12
#define WASMPI_DOUBLE_INT 13
#define WASMPI_SHORT_INT 14
#define WASMPI_INT_INT 15

/** Element size in bytes of a datatype code, or 0 for an unknown code. */
static inline int32_t wasmpi_datatype_size(int32_t datatype) {
  switch (datatype) {
    case WASMPI_BYTE: return 1;
    case WASMPI_INT8_T: return 1;
    case WASMPI_UINT8_T: return 1;
    case WASMPI_INT16_T: return 2;
    case WASMPI_UINT16_T: return 2;
    case WASMPI_INT32_T: return 4;
    case WASMPI_UINT32_T: return 4;
    case WASMPI_INT64_T: return 8;
    case WASMPI_UINT64_T: return 8;
    case WASMPI_FLOAT: return 4;
    case WASMPI_DOUBLE: return 8;
    case WASMPI_FLOAT_INT: return 8;
    case WASMPI_DOUBLE_INT: return 16;
    case WASMPI_SHORT_INT: return 8;
    case WASMPI_INT_INT: return 8;
    default: return 0;
  }
}

/* Reduction operation codes. */
#define WASMPI_SUM 1
#define WASMPI_PROD 2
#define WASMPI_MIN 3
#define WASMPI_MAX 4
#define WASMPI_LAND 5
#define WASMPI_LOR 6
#define WASMPI_LXOR 7
#define WASMPI_BAND 8
#define WASMPI_BOR 9
#define WASMPI_BXOR 10
#define WASMPI_MAXLOC 11
#define WASMPI_MINLOC 12

/* Communicator handles that exist in every job; comm_split and comm_dup make 3 and up. */
#define WASMPI_COMM_NULL 0
#define WASMPI_COMM_WORLD 1
#define WASMPI_COMM_SELF 2
#define WASMPI_COMM_FREED (-1)

/* Special ranks, tags and buffers. */
#define WASMPI_ANY_SOURCE (-1)
#define WASMPI_ANY_TAG (-1)
#define WASMPI_PROC_NULL (-2)
#define WASMPI_UNDEFINED (-32766)
#define WASMPI_TAG_UB 0x3fffffff
#define WASMPI_IN_PLACE ((void *)(intptr_t)(-1))

/** The status record a receive writes through `status_out`. */
typedef struct wasmpi_status {
  int32_t source;
  int32_t tag;
  int32_t error;
  int32_t count_bytes;
} wasmpi_status;
__extension__ _Static_assert(__builtin_offsetof(wasmpi_status, source) == 0, "status layout");
__extension__ _Static_assert(__builtin_offsetof(wasmpi_status, tag) == 4, "status layout");
__extension__ _Static_assert(__builtin_offsetof(wasmpi_status, error) == 8, "status layout");
__extension__ _Static_assert(__builtin_offsetof(wasmpi_status, count_bytes) == 12, "status layout");
__extension__ _Static_assert(sizeof(wasmpi_status) == 16, "status layout");

#define WASMPI_IMPORT(name) __attribute__((import_module("wasmpi"), import_name(name)))

/**
 * Writes the calling rank's number in `comm`.
 * @param comm communicator handle
 * @param rank_out where to write the rank (i32)
 */
WASMPI_IMPORT("comm_rank") int32_t wasmpi_comm_rank(int32_t comm, int32_t *rank_out);

/**
 * Writes the number of ranks in `comm`.
 * @param comm communicator handle
 * @param size_out where to write the size (i32)
 */
WASMPI_IMPORT("comm_size") int32_t wasmpi_comm_size(int32_t comm, int32_t *size_out);

/**
 * Collective over `comm`: the ranks that pass the same color form a new communicator, ranked by
 * key, then by rank in `comm`; color UNDEFINED gives COMM_NULL. The new communicator has a
 * context of its own: its messages and collectives never mix with another's. At most 62
 * communicators besides COMM_WORLD and COMM_SELF can exist at once in a rank. May wait for
 * other ranks.
 * @param comm communicator handle
 * @param color the group to join (>= 0), or UNDEFINED to join none
 * @param key orders the ranks of the new communicator (ties by rank in `comm`)
 * @param newcomm_out where to write the new communicator's handle (i32)
 */
WASMPI_IMPORT("comm_split") int32_t wasmpi_comm_split(
    int32_t comm,
    int32_t color,
    int32_t key,
    int32_t *newcomm_out);

/**
 * Collective over `comm`: a new communicator with the same ranks in the same order and a
 * context of its own. May wait for other ranks.
 * @param comm communicator handle
 * @param newcomm_out where to write the new communicator's handle (i32)
 */
WASMPI_IMPORT("comm_dup") int32_t wasmpi_comm_dup(int32_t comm, int32_t *newcomm_out);

/**
 * Collective over `comm`: frees it; its handle and context are reused by later communicators.
 * COMM_WORLD, COMM_SELF and COMM_NULL cannot be freed. May wait for other ranks.
 * @param comm handle of a communicator made by comm_split or comm_dup
 */
WASMPI_IMPORT("comm_free") int32_t wasmpi_comm_free(int32_t comm);

/**
 * Sends a message; returns when `buf` may be reused (eager messages are buffered, large ones
 * wait for the receiver to copy them). May wait for other ranks.
 * @param buf first byte of the message
 * @param count number of elements
 * @param datatype datatype code of the elements
 * @param dest destination rank in `comm`, or PROC_NULL
 * @param tag message tag, 0..TAG_UB
 * @param comm communicator handle
 */
WASMPI_IMPORT("send") int32_t wasmpi_send(
    const void *buf,
    int32_t count,
    int32_t datatype,
    int32_t dest,
    int32_t tag,
    int32_t comm);

/**
 * Receives the first message matching (source, tag, comm); a longer message than `buf` holds is
 * an error. May wait for other ranks.
 * @param buf where the message is written
 * @param count capacity of `buf` in elements
 * @param datatype datatype code of the elements
 * @param source source rank in `comm`, ANY_SOURCE or PROC_NULL
 * @param tag tag to match, or ANY_TAG
 * @param comm communicator handle
 * @param status_out where to write the 16-byte status record, or 0 to ignore it
 */
WASMPI_IMPORT("recv") int32_t wasmpi_recv(
    void *buf,
    int32_t count,
    int32_t datatype,
    int32_t source,
    int32_t tag,
    int32_t comm,
    wasmpi_status *status_out);

/**
 * Sends one message and receives another at the same time; cannot deadlock against a matching
 * sendrecv. May wait for other ranks.
 * @param sendbuf first byte of the outgoing message
 * @param sendcount outgoing elements
 * @param sendtype outgoing datatype code
 * @param dest destination rank, or PROC_NULL
 * @param sendtag outgoing tag
 * @param recvbuf where the incoming message is written
 * @param recvcount capacity of `recvbuf` in elements
 * @param recvtype incoming datatype code
 * @param source source rank, ANY_SOURCE or PROC_NULL
 * @param recvtag tag to match, or ANY_TAG
 * @param comm communicator handle
 * @param status_out where to write the 16-byte status record, or 0 to ignore it
 */
WASMPI_IMPORT("sendrecv") int32_t wasmpi_sendrecv(
    const void *sendbuf,
    int32_t sendcount,
    int32_t sendtype,
    int32_t dest,
    int32_t sendtag,
    void *recvbuf,
    int32_t recvcount,
    int32_t recvtype,
    int32_t source,
    int32_t recvtag,
    int32_t comm,
    wasmpi_status *status_out);

/**
 * Starts a send and returns at once; `wait` or `test` completes it.
 * @param buf first byte of the message; must stay unchanged until the request completes
 * @param count number of elements
 * @param datatype datatype code of the elements
 * @param dest destination rank in `comm`, or PROC_NULL
 * @param tag message tag, 0..TAG_UB
 * @param comm communicator handle
 * @param request_out where to write the request handle (i32)
 */
WASMPI_IMPORT("isend") int32_t wasmpi_isend(
    const void *buf,
    int32_t count,
    int32_t datatype,
    int32_t dest,
    int32_t tag,
    int32_t comm,
    int32_t *request_out);

/**
 * Starts a receive and returns at once; `wait`, `test`, `waitany` or `testall` completes it.
 * Messages match pending receives in the order they were started. A sender may copy straight
 * into `buf` while the kernel computes.
 * @param buf where the message goes; must stay allocated and unused until the request completes
 * @param count capacity in elements
 * @param datatype datatype code of the elements
 * @param source source rank in `comm`, ANY_SOURCE or PROC_NULL
 * @param tag tag to match, or ANY_TAG
 * @param comm communicator handle
 * @param request_out where to write the request handle (i32)
 */
WASMPI_IMPORT("irecv") int32_t wasmpi_irecv(
    void *buf,
    int32_t count,
    int32_t datatype,
    int32_t source,
    int32_t tag,
    int32_t comm,
    int32_t *request_out);

/**
 * Waits until the request completes and frees it. May wait for other ranks.
 * @param request request handle; freed by completion
 * @param status_out where to write the 16-byte status record, or 0 to ignore it
 */
WASMPI_IMPORT("wait") int32_t wasmpi_wait(int32_t request, wasmpi_status *status_out);

/**
 * Completes and frees the request if it can complete now.
 * @param request request handle; freed if it has completed
 * @param flag_out where to write 1 if the request completed, else 0 (i32)
 * @param status_out where to write the 16-byte status record, or 0 to ignore it
 */
WASMPI_IMPORT("test") int32_t wasmpi_test(
    int32_t request,
    int32_t *flag_out,
    wasmpi_status *status_out);

/**
 * Waits until one of the requests completes, completes and frees it. Successive calls look
 * first at the entries after the last one returned, so no request starves. May wait for other
 * ranks.
 * @param requests array of `count` request handles (i32); 0 marks an inactive entry
 * @param count number of entries
 * @param index_out where to write the index of the completed request, or UNDEFINED if none is
 * active (i32)
 * @param status_out where to write the 16-byte status record, or 0 to ignore it
 */
WASMPI_IMPORT("waitany") int32_t wasmpi_waitany(
    int32_t *requests,
    int32_t count,
    int32_t *index_out,
    wasmpi_status *status_out);

/**
 * Completes and frees every request if all can complete now; otherwise changes none. A handle
 * named twice is an error (ERR_REQUEST) that changes nothing. If a completed receive failed
 * (truncation), every request is still freed and the first failure's code is returned.
 * @param requests array of `count` request handles (i32); 0 marks an inactive entry
 * @param count number of entries
 * @param flag_out where to write 1 if every request completed (all are then freed), else 0
 * (none is freed) (i32)
 */
WASMPI_IMPORT("testall") int32_t wasmpi_testall(
    int32_t *requests,
    int32_t count,
    int32_t *flag_out);

/**
 * Frees a request without waiting: a send goes on and its resources come back when it
 * completes; a pending receive cannot be freed (ERR_REQUEST).
 * @param request request handle
 */
WASMPI_IMPORT("request_free") int32_t wasmpi_request_free(int32_t request);

/**
 * Waits until a matching message can be received and describes it without receiving it. May
 * wait for other ranks.
 * @param source source rank, ANY_SOURCE or PROC_NULL
 * @param tag tag to match, or ANY_TAG
 * @param comm communicator handle
 * @param status_out where to write the 16-byte status record, or 0 to ignore it
 */
WASMPI_IMPORT("probe") int32_t wasmpi_probe(
    int32_t source,
    int32_t tag,
    int32_t comm,
    wasmpi_status *status_out);

/**
 * Tells whether a matching message can be received now, and describes it.
 * @param source source rank, ANY_SOURCE or PROC_NULL
 * @param tag tag to match, or ANY_TAG
 * @param comm communicator handle
 * @param flag_out where to write 1 if a message matches, else 0 (i32)
 * @param status_out where to write the 16-byte status record, or 0 to ignore it
 */
WASMPI_IMPORT("iprobe") int32_t wasmpi_iprobe(
    int32_t source,
    int32_t tag,
    int32_t comm,
    int32_t *flag_out,
    wasmpi_status *status_out);

/**
 * Returns once every rank of `comm` has called it. May wait for other ranks.
 * @param comm communicator handle
 */
WASMPI_IMPORT("barrier") int32_t wasmpi_barrier(int32_t comm);

/**
 * Copies the root's buffer into every rank's buffer. May wait for other ranks.
 * @param buf the data at the root; where it is written elsewhere
 * @param count number of elements
 * @param datatype datatype code
 * @param root rank whose data is the source or destination
 * @param comm communicator handle
 */
WASMPI_IMPORT("bcast") int32_t wasmpi_bcast(
    void *buf,
    int32_t count,
    int32_t datatype,
    int32_t root,
    int32_t comm);

/**
 * Rank i receives the i-th block of the root's send buffer. May wait for other ranks.
 * @param sendbuf size × sendcount elements, read at the root only
 * @param sendcount elements for each rank (root only)
 * @param sendtype datatype code (root only)
 * @param recvbuf this rank's block, or IN_PLACE at the root
 * @param recvcount elements of the block
 * @param recvtype datatype code
 * @param root rank whose data is the source or destination
 * @param comm communicator handle
 */
WASMPI_IMPORT("scatter") int32_t wasmpi_scatter(
    const void *sendbuf,
    int32_t sendcount,
    int32_t sendtype,
    void *recvbuf,
    int32_t recvcount,
    int32_t recvtype,
    int32_t root,
    int32_t comm);

/**
 * The root receives every rank's block, in rank order. May wait for other ranks.
 * @param sendbuf this rank's block, or IN_PLACE at the root
 * @param sendcount elements of the block
 * @param sendtype datatype code
 * @param recvbuf size × recvcount elements at the root; ignored elsewhere
 * @param recvcount elements from each rank (root only)
 * @param recvtype datatype code (root only)
 * @param root rank whose data is the source or destination
 * @param comm communicator handle
 */
WASMPI_IMPORT("gather") int32_t wasmpi_gather(
    const void *sendbuf,
    int32_t sendcount,
    int32_t sendtype,
    void *recvbuf,
    int32_t recvcount,
    int32_t recvtype,
    int32_t root,
    int32_t comm);

/**
 * Every rank receives every rank's block, in rank order. May wait for other ranks.
 * @param sendbuf this rank's block, or IN_PLACE
 * @param sendcount elements of the block
 * @param sendtype datatype code
 * @param recvbuf size × recvcount elements
 * @param recvcount elements from each rank
 * @param recvtype datatype code
 * @param comm communicator handle
 */
WASMPI_IMPORT("allgather") int32_t wasmpi_allgather(
    const void *sendbuf,
    int32_t sendcount,
    int32_t sendtype,
    void *recvbuf,
    int32_t recvcount,
    int32_t recvtype,
    int32_t comm);

/**
 * Rank j's i-th block goes to rank i's j-th block. May wait for other ranks.
 * @param sendbuf size blocks, the j-th for rank j
 * @param sendcount elements of each block
 * @param sendtype datatype code
 * @param recvbuf size blocks, the j-th from rank j
 * @param recvcount elements of each block
 * @param recvtype datatype code
 * @param comm communicator handle
 */
WASMPI_IMPORT("alltoall") int32_t wasmpi_alltoall(
    const void *sendbuf,
    int32_t sendcount,
    int32_t sendtype,
    void *recvbuf,
    int32_t recvcount,
    int32_t recvtype,
    int32_t comm);

/**
 * Scatter with a count and an offset per rank. May wait for other ranks.
 * @param sendbuf the blocks, read at the root only
 * @param sendcounts size i32 element counts (root only)
 * @param displs size i32 element offsets into sendbuf (root only)
 * @param sendtype datatype code (root only)
 * @param recvbuf this rank's block, or IN_PLACE at the root
 * @param recvcount elements of the block
 * @param recvtype datatype code
 * @param root rank whose data is the source or destination
 * @param comm communicator handle
 */
WASMPI_IMPORT("scatterv") int32_t wasmpi_scatterv(
    const void *sendbuf,
    const int32_t *sendcounts,
    const int32_t *displs,
    int32_t sendtype,
    void *recvbuf,
    int32_t recvcount,
    int32_t recvtype,
    int32_t root,
    int32_t comm);

/**
 * Gather with a count and an offset per rank. May wait for other ranks.
 * @param sendbuf this rank's block, or IN_PLACE at the root
 * @param sendcount elements of the block
 * @param sendtype datatype code
 * @param recvbuf where the blocks go at the root; ignored elsewhere
 * @param recvcounts size i32 element counts (root only)
 * @param displs size i32 element offsets into recvbuf (root only)
 * @param recvtype datatype code (root only)
 * @param root rank whose data is the source or destination
 * @param comm communicator handle
 */
WASMPI_IMPORT("gatherv") int32_t wasmpi_gatherv(
    const void *sendbuf,
    int32_t sendcount,
    int32_t sendtype,
    void *recvbuf,
    const int32_t *recvcounts,
    const int32_t *displs,
    int32_t recvtype,
    int32_t root,
    int32_t comm);

/**
 * Allgather with a count and an offset per rank. May wait for other ranks.
 * @param sendbuf this rank's block, or IN_PLACE
 * @param sendcount elements of the block
 * @param sendtype datatype code
 * @param recvbuf where the blocks go
 * @param recvcounts size i32 element counts
 * @param displs size i32 element offsets into recvbuf
 * @param recvtype datatype code
 * @param comm communicator handle
 */
WASMPI_IMPORT("allgatherv") int32_t wasmpi_allgatherv(
    const void *sendbuf,
    int32_t sendcount,
    int32_t sendtype,
    void *recvbuf,
    const int32_t *recvcounts,
    const int32_t *displs,
    int32_t recvtype,
    int32_t comm);

/**
 * Alltoall with a count and an offset per block. May wait for other ranks.
 * @param sendbuf the outgoing blocks
 * @param sendcounts size i32 element counts, the j-th for rank j
 * @param sdispls size i32 element offsets into sendbuf
 * @param sendtype datatype code
 * @param recvbuf the incoming blocks
 * @param recvcounts size i32 element counts, the j-th from rank j
 * @param rdispls size i32 element offsets into recvbuf
 * @param recvtype datatype code
 * @param comm communicator handle
 */
WASMPI_IMPORT("alltoallv") int32_t wasmpi_alltoallv(
    const void *sendbuf,
    const int32_t *sendcounts,
    const int32_t *sdispls,
    int32_t sendtype,
    void *recvbuf,
    const int32_t *recvcounts,
    const int32_t *rdispls,
    int32_t recvtype,
    int32_t comm);

/**
 * Combines every rank's operand element-wise with `op`; the root gets the result. May wait for
 * other ranks.
 * @param sendbuf this rank's operand, or IN_PLACE at the root
 * @param recvbuf the result at the root; ignored elsewhere
 * @param count number of elements
 * @param datatype datatype code
 * @param op op code
 * @param root rank whose data is the source or destination
 * @param comm communicator handle
 */
WASMPI_IMPORT("reduce") int32_t wasmpi_reduce(
    const void *sendbuf,
    void *recvbuf,
    int32_t count,
    int32_t datatype,
    int32_t op,
    int32_t root,
    int32_t comm);

/**
 * Combines every rank's operand element-wise with `op`; every rank gets the result. May wait
 * for other ranks.
 * @param sendbuf this rank's operand, or IN_PLACE
 * @param recvbuf the result
 * @param count number of elements
 * @param datatype datatype code
 * @param op op code
 * @param comm communicator handle
 */
WASMPI_IMPORT("allreduce") int32_t wasmpi_allreduce(
    const void *sendbuf,
    void *recvbuf,
    int32_t count,
    int32_t datatype,
    int32_t op,
    int32_t comm);

/**
 * Inclusive prefix reduction. May wait for other ranks.
 * @param sendbuf this rank's operand, or IN_PLACE
 * @param recvbuf the combination of ranks 0..this one
 * @param count number of elements
 * @param datatype datatype code
 * @param op op code
 * @param comm communicator handle
 */
WASMPI_IMPORT("scan") int32_t wasmpi_scan(
    const void *sendbuf,
    void *recvbuf,
    int32_t count,
    int32_t datatype,
    int32_t op,
    int32_t comm);

/**
 * Exclusive prefix reduction. May wait for other ranks.
 * @param sendbuf this rank's operand, or IN_PLACE
 * @param recvbuf the combination of ranks 0..this one - 1 (rank 0's is left unchanged)
 * @param count number of elements
 * @param datatype datatype code
 * @param op op code
 * @param comm communicator handle
 */
WASMPI_IMPORT("exscan") int32_t wasmpi_exscan(
    const void *sendbuf,
    void *recvbuf,
    int32_t count,
    int32_t datatype,
    int32_t op,
    int32_t comm);

/**
 * Reduces size blocks element-wise; rank i gets block i of the result. May wait for other
 * ranks.
 * @param sendbuf size × recvcount elements, or IN_PLACE
 * @param recvbuf this rank's block of the result
 * @param recvcount elements of each block
 * @param datatype datatype code
 * @param op op code
 * @param comm communicator handle
 */
WASMPI_IMPORT("reduce_scatter_block") int32_t wasmpi_reduce_scatter_block(
    const void *sendbuf,
    void *recvbuf,
    int32_t recvcount,
    int32_t datatype,
    int32_t op,
    int32_t comm);

/**
 * Ends every rank of the job; the job exits with `errorcode`. Does not return.
 * @param comm communicator handle
 * @param errorcode exit code of the job
 */
WASMPI_IMPORT("abort") int32_t wasmpi_abort(int32_t comm, int32_t errorcode);

/** Seconds since the job started, on a clock shared by all ranks. */
WASMPI_IMPORT("wtime") double wasmpi_wtime(void);

/** Resolution of `wtime` in seconds. */
WASMPI_IMPORT("wtick") double wasmpi_wtick(void);

/**
 * Writes the host's name, truncated to `buflen` bytes.
 * @param buf where the UTF-8 name is written
 * @param buflen capacity of `buf` in bytes
 * @param len_out where to write the name's full length in bytes (i32)
 */
WASMPI_IMPORT("get_processor_name") int32_t wasmpi_get_processor_name(
    void *buf,
    int32_t buflen,
    int32_t *len_out);

/**
 * Ends the job because `call` returned `code`; the report names the call and the reason
 * recorded when the error was returned. Does not return.
 * @param call UTF-8 name of the failing call, as the kernel API spells it
 * @param call_len length of `call` in bytes
 * @param code the error code the call returned
 */
WASMPI_IMPORT("fatal") void wasmpi_fatal(const char *call, int32_t call_len, int32_t code);

/**
 * Ends the job with a failure the kernel describes itself (abort(), a type mismatch). Does not
 * return.
 * @param message UTF-8 text of the failure
 * @param message_len length of `message` in bytes
 */
WASMPI_IMPORT("panic") void wasmpi_panic(const char *message, int32_t message_len);

#ifdef __cplusplus
}
#endif

#endif /* WASMPI_H */
