// The GEMM trace: which shapes a piece of work multiplies (`recurrent bench train` replays a
// training step's calls one by one to find the time a step would take at the GEMM rate).
// Off, a call costs one acquire load of a flag.

#include <stdatomic.h>

#include "gemm_internal.h"

static rk_gemm_call *traceCalls;
static long traceCapacity;
static atomic_long traceCount;
static atomic_int traceOn;

void rk_gemm_trace_start(rk_gemm_call *calls, long capacity) {
    traceCalls = calls;
    traceCapacity = capacity;
    atomic_store(&traceCount, 0);
    atomic_store(&traceOn, 1);
}

long rk_gemm_trace_stop(void) {
    atomic_store(&traceOn, 0);
    return atomic_load(&traceCount);
}

void rk_gemm_trace_record(int operation, int transA, int transB, long M, long N, long K,
                          float beta) {
    // Acquire: pairs with the start's store, so the buffer and capacity it set are seen.
    if (!atomic_load_explicit(&traceOn, memory_order_acquire)) return;
    long i = atomic_fetch_add_explicit(&traceCount, 1, memory_order_relaxed);
    if (i < traceCapacity)
        traceCalls[i] = (rk_gemm_call){.operation = operation, .transA = transA, .transB = transB,
                                       .accumulates = beta != 0.0f, .M = M, .N = N, .K = K};
}
