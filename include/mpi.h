/*
 * mpi.h: a subset of MPI's C API for wasmpi kernels, mapped onto the imports of wasmpi.h.
 *
 * Build a kernel with Debian's clang and wasi-libc:
 *   clang --target=wasm32-wasi -O2 -matomics -mbulk-memory -I include \
 *     -Wl,--import-memory,--shared-memory,--max-memory=2147483648,--no-check-features \
 *     prog.c -o prog.wasm
 * or let `wasmpi run prog.c` do it.
 *
 * Errors are fatal (MPI_ERRORS_ARE_FATAL): a call that fails ends the whole job and the
 * launcher prints `wasmpi: rank R: MPI_Call: reason`. Every function that returns returns
 * MPI_SUCCESS. Handles are plain ints; a long is 4 bytes here, so MPI_LONG is a 32-bit type.
 *
 * Not here: MPI_MAXLOC/MPI_MINLOC, derived datatypes, MPI_LONG_DOUBLE, error handlers,
 * one-sided communication, MPI-IO.
 */
#ifndef WASMPI_MPI_H
#define WASMPI_MPI_H

#include <stdio.h>
#include <string.h>

#include "wasmpi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int MPI_Comm;
typedef int MPI_Datatype;
typedef int MPI_Op;
typedef int MPI_Request;

/** What a receive learned; read MPI_SOURCE, MPI_TAG, MPI_ERROR and use MPI_Get_count. */
typedef struct MPI_Status {
  int MPI_SOURCE;
  int MPI_TAG;
  int MPI_ERROR;
  int wasmpi_count_bytes;
} MPI_Status;
/* The host writes a status as wasmpi_status: MPI_Status must have its layout. */
#define WASMPI_SAME_FIELD(mpi, abi) \
  (__builtin_offsetof(MPI_Status, mpi) == __builtin_offsetof(wasmpi_status, abi))
__extension__ _Static_assert(sizeof(MPI_Status) == sizeof(wasmpi_status), "MPI_Status size");
__extension__ _Static_assert(WASMPI_SAME_FIELD(MPI_SOURCE, source), "MPI_SOURCE");
__extension__ _Static_assert(WASMPI_SAME_FIELD(MPI_TAG, tag), "MPI_TAG");
__extension__ _Static_assert(WASMPI_SAME_FIELD(MPI_ERROR, error), "MPI_ERROR");
__extension__ _Static_assert(WASMPI_SAME_FIELD(wasmpi_count_bytes, count_bytes), "count");
#undef WASMPI_SAME_FIELD
__extension__ _Static_assert(sizeof(int) == 4 && sizeof(long) == 4 && sizeof(long long) == 8,
                             "mpi.h maps C's integer types as wasm32 lays them out");

#define MPI_SUCCESS WASMPI_SUCCESS
#define MPI_ERR_BUFFER WASMPI_ERR_BUFFER
#define MPI_ERR_COUNT WASMPI_ERR_COUNT
#define MPI_ERR_TYPE WASMPI_ERR_TYPE
#define MPI_ERR_TAG WASMPI_ERR_TAG
#define MPI_ERR_COMM WASMPI_ERR_COMM
#define MPI_ERR_RANK WASMPI_ERR_RANK
#define MPI_ERR_REQUEST WASMPI_ERR_REQUEST
#define MPI_ERR_ROOT WASMPI_ERR_ROOT
#define MPI_ERR_OP WASMPI_ERR_OP
#define MPI_ERR_ARG WASMPI_ERR_ARG
#define MPI_ERR_TRUNCATE WASMPI_ERR_TRUNCATE
#define MPI_ERR_OTHER WASMPI_ERR_OTHER
#define MPI_ERR_INTERN WASMPI_ERR_INTERN

#define MPI_COMM_NULL WASMPI_COMM_NULL
#define MPI_COMM_WORLD WASMPI_COMM_WORLD
#define MPI_COMM_SELF WASMPI_COMM_SELF
#define MPI_REQUEST_NULL 0
#define MPI_DATATYPE_NULL 0
#define MPI_OP_NULL 0

#define MPI_ANY_SOURCE WASMPI_ANY_SOURCE
#define MPI_ANY_TAG WASMPI_ANY_TAG
#define MPI_PROC_NULL WASMPI_PROC_NULL
#define MPI_UNDEFINED WASMPI_UNDEFINED
#define MPI_IN_PLACE WASMPI_IN_PLACE
#define MPI_STATUS_IGNORE ((MPI_Status *)0)
#define MPI_STATUSES_IGNORE ((MPI_Status *)0)
#define MPI_MAX_PROCESSOR_NAME 256

/* Datatypes: C's types as wasm32 lays them out. */
#define MPI_BYTE WASMPI_BYTE
#ifdef __CHAR_UNSIGNED__
#define MPI_CHAR WASMPI_UINT8_T
#else
#define MPI_CHAR WASMPI_INT8_T
#endif
#define MPI_SIGNED_CHAR WASMPI_INT8_T
#define MPI_UNSIGNED_CHAR WASMPI_UINT8_T
#define MPI_SHORT WASMPI_INT16_T
#define MPI_UNSIGNED_SHORT WASMPI_UINT16_T
#define MPI_INT WASMPI_INT32_T
#define MPI_UNSIGNED WASMPI_UINT32_T
#define MPI_LONG WASMPI_INT32_T
#define MPI_UNSIGNED_LONG WASMPI_UINT32_T
#define MPI_LONG_LONG_INT WASMPI_INT64_T
#define MPI_LONG_LONG WASMPI_INT64_T
#define MPI_UNSIGNED_LONG_LONG WASMPI_UINT64_T
#define MPI_FLOAT WASMPI_FLOAT
#define MPI_DOUBLE WASMPI_DOUBLE
#define MPI_C_BOOL WASMPI_UINT8_T
#define MPI_INT8_T WASMPI_INT8_T
#define MPI_UINT8_T WASMPI_UINT8_T
#define MPI_INT16_T WASMPI_INT16_T
#define MPI_UINT16_T WASMPI_UINT16_T
#define MPI_INT32_T WASMPI_INT32_T
#define MPI_UINT32_T WASMPI_UINT32_T
#define MPI_INT64_T WASMPI_INT64_T
#define MPI_UINT64_T WASMPI_UINT64_T
/* (value, index) pairs for MPI_MAXLOC and MPI_MINLOC, laid out as C's structs. */
#define MPI_FLOAT_INT WASMPI_FLOAT_INT
#define MPI_DOUBLE_INT WASMPI_DOUBLE_INT
#define MPI_SHORT_INT WASMPI_SHORT_INT
#define MPI_2INT WASMPI_INT_INT
#define MPI_LONG_INT WASMPI_INT_INT

/* Reduction operations. */
#define MPI_SUM WASMPI_SUM
#define MPI_PROD WASMPI_PROD
#define MPI_MIN WASMPI_MIN
#define MPI_MAX WASMPI_MAX
#define MPI_LAND WASMPI_LAND
#define MPI_LOR WASMPI_LOR
#define MPI_LXOR WASMPI_LXOR
#define MPI_BAND WASMPI_BAND
#define MPI_BOR WASMPI_BOR
#define MPI_BXOR WASMPI_BXOR
#define MPI_MAXLOC WASMPI_MAXLOC
#define MPI_MINLOC WASMPI_MINLOC

/* 0 before MPI_Init, 1 after it, 2 after MPI_Finalize; weak, so every file shares one. */
__attribute__((weak)) int wasmpi_mpi_state;

/*
 * Ends the job because `call` failed. What the rank printed comes out first: stdio's buffers
 * would be lost with the rank.
 */
__attribute__((noinline, cold, noreturn)) static void wasmpi_mpi_fatal(const char *call,
                                                                         int32_t code) {
  fflush(NULL);
  wasmpi_fatal(call, (int32_t)strlen(call), code);
  __builtin_trap();
}

/** Ends the job because `call` was given a datatype code that does not exist. */
__attribute__((noinline, cold, noreturn)) static void wasmpi_mpi_invalid_datatype(
    const char *call, MPI_Datatype datatype) {
  char text[96];
  int n = snprintf(text, sizeof text, "%s: invalid datatype %d", call, datatype);
  fflush(NULL);
  wasmpi_panic(text, n < (int)sizeof text ? n : (int)sizeof text - 1);
  __builtin_trap();
}

static inline int wasmpi_mpi_check(const char *call, int32_t code) {
  if (code != WASMPI_SUCCESS) wasmpi_mpi_fatal(call, code);
  return MPI_SUCCESS;
}

static inline void wasmpi_mpi_empty_status(MPI_Status *status) {
  if (status == MPI_STATUS_IGNORE) return;
  status->MPI_SOURCE = MPI_ANY_SOURCE;
  status->MPI_TAG = MPI_ANY_TAG;
  status->MPI_ERROR = MPI_SUCCESS;
  status->wasmpi_count_bytes = 0;
}

/* ---- environment ---- */

static inline int MPI_Init(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  /*
   * Lines come out as they are printed, as under mpirun (which gives ranks a terminal), so
   * that output is not held back until the rank ends or lost when another rank fails.
   */
  setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
  wasmpi_mpi_state = 1;
  return MPI_SUCCESS;
}

static inline int MPI_Finalize(void) {
  fflush(NULL);
  wasmpi_mpi_state = 2;
  return MPI_SUCCESS;
}

static inline int MPI_Initialized(int *flag) {
  *flag = wasmpi_mpi_state >= 1;
  return MPI_SUCCESS;
}

static inline int MPI_Finalized(int *flag) {
  *flag = wasmpi_mpi_state == 2;
  return MPI_SUCCESS;
}

/** Ends every rank of the job; the job exits with `errorcode`. */
static inline int MPI_Abort(MPI_Comm comm, int errorcode) {
  fflush(NULL);
  wasmpi_mpi_check("MPI_Abort", wasmpi_abort(comm, errorcode));
  __builtin_trap();
}

static inline double MPI_Wtime(void) { return wasmpi_wtime(); }

static inline double MPI_Wtick(void) { return wasmpi_wtick(); }

/** The host's name, NUL-terminated, at most MPI_MAX_PROCESSOR_NAME - 1 characters. */
static inline int MPI_Get_processor_name(char *name, int *resultlen) {
  int32_t length = 0;
  wasmpi_mpi_check("MPI_Get_processor_name",
                   wasmpi_get_processor_name(name, MPI_MAX_PROCESSOR_NAME - 1, &length));
  if (length > MPI_MAX_PROCESSOR_NAME - 1) length = MPI_MAX_PROCESSOR_NAME - 1;
  name[length] = '\0';
  *resultlen = length;
  return MPI_SUCCESS;
}

static inline int MPI_Type_size(MPI_Datatype datatype, int *size) {
  int32_t bytes = wasmpi_datatype_size(datatype);
  if (bytes == 0) wasmpi_mpi_invalid_datatype("MPI_Type_size", datatype);
  *size = bytes;
  return MPI_SUCCESS;
}

/* ---- communicators ---- */

static inline int MPI_Comm_rank(MPI_Comm comm, int *rank) {
  return wasmpi_mpi_check("MPI_Comm_rank", wasmpi_comm_rank(comm, rank));
}

static inline int MPI_Comm_size(MPI_Comm comm, int *size) {
  return wasmpi_mpi_check("MPI_Comm_size", wasmpi_comm_size(comm, size));
}

static inline int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm) {
  return wasmpi_mpi_check("MPI_Comm_split", wasmpi_comm_split(comm, color, key, newcomm));
}

static inline int MPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm) {
  return wasmpi_mpi_check("MPI_Comm_dup", wasmpi_comm_dup(comm, newcomm));
}

static inline int MPI_Comm_free(MPI_Comm *comm) {
  wasmpi_mpi_check("MPI_Comm_free", wasmpi_comm_free(*comm));
  *comm = MPI_COMM_NULL;
  return MPI_SUCCESS;
}

/* ---- point to point ---- */

static inline int MPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                           MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Send", wasmpi_send(buf, count, datatype, dest, tag, comm));
}

static inline int MPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag,
                           MPI_Comm comm, MPI_Status *status) {
  return wasmpi_mpi_check(
      "MPI_Recv",
      wasmpi_recv(buf, count, datatype, source, tag, comm, (wasmpi_status *)status));
}

static inline int MPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest,
                               int sendtag, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                               int source, int recvtag, MPI_Comm comm, MPI_Status *status) {
  return wasmpi_mpi_check(
      "MPI_Sendrecv",
      wasmpi_sendrecv(sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount, recvtype,
                      source, recvtag, comm, (wasmpi_status *)status));
}

static inline int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status) {
  return wasmpi_mpi_check("MPI_Probe",
                          wasmpi_probe(source, tag, comm, (wasmpi_status *)status));
}

static inline int MPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status) {
  return wasmpi_mpi_check("MPI_Iprobe",
                          wasmpi_iprobe(source, tag, comm, flag, (wasmpi_status *)status));
}

/** The number of `datatype` elements a receive got, or MPI_UNDEFINED if not a whole number. */
static inline int MPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count) {
  int32_t size = wasmpi_datatype_size(datatype);
  if (size == 0) wasmpi_mpi_invalid_datatype("MPI_Get_count", datatype);
  int bytes = status->wasmpi_count_bytes;
  *count = bytes % size == 0 ? bytes / size : MPI_UNDEFINED;
  return MPI_SUCCESS;
}

/* ---- nonblocking ---- */

static inline int MPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                            MPI_Comm comm, MPI_Request *request) {
  return wasmpi_mpi_check("MPI_Isend",
                          wasmpi_isend(buf, count, datatype, dest, tag, comm, request));
}

static inline int MPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source, int tag,
                            MPI_Comm comm, MPI_Request *request) {
  return wasmpi_mpi_check("MPI_Irecv",
                          wasmpi_irecv(buf, count, datatype, source, tag, comm, request));
}

static inline int MPI_Wait(MPI_Request *request, MPI_Status *status) {
  if (*request == MPI_REQUEST_NULL) {
    wasmpi_mpi_empty_status(status);
    return MPI_SUCCESS;
  }
  wasmpi_mpi_check("MPI_Wait", wasmpi_wait(*request, (wasmpi_status *)status));
  *request = MPI_REQUEST_NULL;
  return MPI_SUCCESS;
}

/** Waits for every request in turn; `statuses` is an array of `count`, or MPI_STATUSES_IGNORE. */
static inline int MPI_Waitall(int count, MPI_Request requests[], MPI_Status statuses[]) {
  for (int i = 0; i < count; i++) {
    MPI_Status *status = statuses == MPI_STATUSES_IGNORE ? MPI_STATUS_IGNORE : &statuses[i];
    if (requests[i] == MPI_REQUEST_NULL) {
      wasmpi_mpi_empty_status(status);
      continue;
    }
    wasmpi_mpi_check("MPI_Waitall", wasmpi_wait(requests[i], (wasmpi_status *)status));
    requests[i] = MPI_REQUEST_NULL;
  }
  return MPI_SUCCESS;
}

static inline int MPI_Waitany(int count, MPI_Request requests[], int *index, MPI_Status *status) {
  wasmpi_mpi_check("MPI_Waitany",
                   wasmpi_waitany(requests, count, index, (wasmpi_status *)status));
  if (*index != MPI_UNDEFINED) requests[*index] = MPI_REQUEST_NULL;
  return MPI_SUCCESS;
}

static inline int MPI_Test(MPI_Request *request, int *flag, MPI_Status *status) {
  if (*request == MPI_REQUEST_NULL) {
    *flag = 1;
    wasmpi_mpi_empty_status(status);
    return MPI_SUCCESS;
  }
  wasmpi_mpi_check("MPI_Test", wasmpi_test(*request, flag, (wasmpi_status *)status));
  if (*flag) *request = MPI_REQUEST_NULL;
  return MPI_SUCCESS;
}

static inline int MPI_Request_free(MPI_Request *request) {
  wasmpi_mpi_check("MPI_Request_free", wasmpi_request_free(*request));
  *request = MPI_REQUEST_NULL;
  return MPI_SUCCESS;
}

/* ---- collectives ---- */

static inline int MPI_Barrier(MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Barrier", wasmpi_barrier(comm));
}

static inline int MPI_Bcast(void *buf, int count, MPI_Datatype datatype, int root, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Bcast", wasmpi_bcast(buf, count, datatype, root, comm));
}

static inline int MPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                              void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
                              MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Scatter", wasmpi_scatter(sendbuf, sendcount, sendtype, recvbuf,
                                                        recvcount, recvtype, root, comm));
}

static inline int MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                             void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
                             MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Gather", wasmpi_gather(sendbuf, sendcount, sendtype, recvbuf,
                                                      recvcount, recvtype, root, comm));
}

static inline int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                void *recvbuf, int recvcount, MPI_Datatype recvtype,
                                MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Allgather", wasmpi_allgather(sendbuf, sendcount, sendtype, recvbuf,
                                                            recvcount, recvtype, comm));
}

static inline int MPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                               void *recvbuf, int recvcount, MPI_Datatype recvtype,
                               MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Alltoall", wasmpi_alltoall(sendbuf, sendcount, sendtype, recvbuf,
                                                          recvcount, recvtype, comm));
}

static inline int MPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[],
                               MPI_Datatype sendtype, void *recvbuf, int recvcount,
                               MPI_Datatype recvtype, int root, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Scatterv",
                          wasmpi_scatterv(sendbuf, sendcounts, displs, sendtype, recvbuf,
                                          recvcount, recvtype, root, comm));
}

static inline int MPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                              void *recvbuf, const int recvcounts[], const int displs[],
                              MPI_Datatype recvtype, int root, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Gatherv",
                          wasmpi_gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts,
                                         displs, recvtype, root, comm));
}

static inline int MPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                 void *recvbuf, const int recvcounts[], const int displs[],
                                 MPI_Datatype recvtype, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Allgatherv",
                          wasmpi_allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts,
                                            displs, recvtype, comm));
}

static inline int MPI_Alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                                MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                                const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Alltoallv",
                          wasmpi_alltoallv(sendbuf, sendcounts, sdispls, sendtype, recvbuf,
                                           recvcounts, rdispls, recvtype, comm));
}

static inline int MPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                             MPI_Op op, int root, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Reduce",
                          wasmpi_reduce(sendbuf, recvbuf, count, datatype, op, root, comm));
}

static inline int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count,
                                MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Allreduce",
                          wasmpi_allreduce(sendbuf, recvbuf, count, datatype, op, comm));
}

static inline int MPI_Scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                           MPI_Op op, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Scan", wasmpi_scan(sendbuf, recvbuf, count, datatype, op, comm));
}

static inline int MPI_Exscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                             MPI_Op op, MPI_Comm comm) {
  return wasmpi_mpi_check("MPI_Exscan",
                          wasmpi_exscan(sendbuf, recvbuf, count, datatype, op, comm));
}

static inline int MPI_Reduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
                                           MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  return wasmpi_mpi_check(
      "MPI_Reduce_scatter_block",
      wasmpi_reduce_scatter_block(sendbuf, recvbuf, recvcount, datatype, op, comm));
}

#ifdef __cplusplus
}
#endif

#endif /* WASMPI_MPI_H */
