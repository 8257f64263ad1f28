// The few MPI calls Recurrent makes, as functions Swift can call: MPI's handles
// (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE) are C macros Swift cannot import.
#ifndef RECURRENT_COPENMPI_SHIM_H
#define RECURRENT_COPENMPI_SHIM_H

#include <mpi.h>

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI; the GEMM
/// workers never do); errors on MPI_COMM_WORLD are returned, not fatal, so a failed
/// collective becomes a readable message.
static inline int recurrent_mpi_init(void) {
    int provided = 0;
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    if (rc != MPI_SUCCESS) return rc;
    return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

static inline int recurrent_mpi_rank(void) {
    int rank = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

static inline int recurrent_mpi_size(void) {
    int size = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

/// Starts an in-place sum of `count` floats over all ranks; `recurrent_mpi_testall` polls it.
static inline int recurrent_mpi_iallreduce_sum(float *buffer, int count, MPI_Request *request) {
    return MPI_Iallreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, request);
}

/// 1 in *done when all `count` requests have completed (completed ones become MPI_REQUEST_NULL).
static inline int recurrent_mpi_testall(int count, MPI_Request *requests, int *done) {
    return MPI_Testall(count, requests, done, MPI_STATUSES_IGNORE);
}

/// The library's words for an error code (at most MPI_MAX_ERROR_STRING bytes).
static inline int recurrent_mpi_error_string(int code, char *text, int capacity) {
    if (capacity < MPI_MAX_ERROR_STRING) return -1;
    int length = 0;
    MPI_Error_string(code, text, &length);
    text[length] = 0;
    return length;
}

static inline int recurrent_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING + 1; }

static inline int recurrent_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

static inline int recurrent_mpi_finalize(void) { return MPI_Finalize(); }

/// Ends every process of the job (after a failed collective MPI_Finalize could wait forever).
static inline void recurrent_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

static inline const char *recurrent_mpi_library_version(char *text, int capacity) {
    if (capacity < MPI_MAX_LIBRARY_VERSION_STRING) return "";
    int length = 0;
    MPI_Get_library_version(text, &length);
    text[length] = 0;
    return text;
}

static inline int recurrent_mpi_max_library_version(void) { return MPI_MAX_LIBRARY_VERSION_STRING + 1; }

#endif
