#ifndef RECURRENT_CKERNELS_H
#define RECURRENT_CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// All matrices are row-major Float32 with row strides (lda/ldb/ldc) in elements.
// op(A) is (M, K), op(B) is (K, N), C is (M, N). transA != 0 means A is stored (K, M);
// transB != 0 means B is stored (N, K). beta == 0 overwrites C without reading it
// (NaN in C does not propagate); alpha == 0 does not read A or B.

/// The naive triple loop every fast path is tested against (double accumulation, one thread).
void rk_sgemm_reference(int transA, int transB, long M, long N, long K, float alpha,
                        const float *A, long lda, const float *B, long ldb,
                        float beta, float *C, long ldc);

// MARK: - Kernel paths

/// GEMM micro-kernel families. Values are stable (the Swift side mirrors them).
enum {
    RK_KERNEL_PORTABLE = 0, ///< plain C (auto-vectorised for the baseline ISA)
    RK_KERNEL_AVX2 = 1,     ///< x86-64 AVX2 + FMA
    RK_KERNEL_AVX512 = 2,   ///< x86-64 AVX-512F
    RK_KERNEL_NEON = 3,     ///< arm64 Advanced SIMD
    RK_KERNEL_COUNT = 4
};

/// 1 when `kernel` is compiled in and this CPU can run it.
int rk_gemm_kernel_supported(int kernel);
/// The fastest supported kernel, ignoring RECURRENT_GEMM_KERNEL.
int rk_gemm_kernel_best(void);
/// The kernel `rk_sgemm` uses: RECURRENT_GEMM_KERNEL (portable|avx2|avx512|neon) when set and
/// supported, else the best one, unless changed by `rk_gemm_set_kernel`.
int rk_gemm_kernel_current(void);
/// Selects the default kernel; returns 0, or -1 (and changes nothing) when unsupported.
int rk_gemm_set_kernel(int kernel);
/// The kernel named by RECURRENT_GEMM_KERNEL, or -1 when unset or not a kernel name.
int rk_gemm_kernel_from_environment(void);
/// Micro-tile width (columns of C per micro-kernel call); packed panels are this wide.
int rk_gemm_kernel_nr(int kernel);
/// Micro-tile height (rows of C per micro-kernel call).
int rk_gemm_kernel_mr(int kernel);

/// The cache blocking of a kernel (< 0: the current one) in force on this thread: rows of A
/// packed at once (mc), the depth of a K block (kc) and the columns of B per packed block
/// (nc): the kernel's fixed blocking, or this thread's override. -1 if unsupported.
int rk_gemm_kernel_blocking(int kernel, long *mc, long *kc, long *nc);
/// The blocking rk_gemm_derive_blocking gives for a kernel from this machine's caches (the
/// fixed one for levels not reported). Reported, not in force (see gemm_blocking.c). -1 if
/// unsupported.
int rk_gemm_kernel_derived_blocking(int kernel, long *mc, long *kc, long *nc);

/// One cache level: size in bytes, associativity (ways) and the logical CPUs sharing it;
/// 0 where unknown.
typedef struct { long size, ways, sharing; } rk_cache_level;
typedef struct { rk_cache_level l1d, l2, l3; } rk_cache_hierarchy;

/// The data caches of CPU 0: sysfs on Linux, sysctl on macOS (no associativity there); zeros
/// where the system does not say.
void rk_gemm_machine_caches(rk_cache_hierarchy *caches);

/// The GEMM blocking for a micro-tile of mr × nr from the cache sizes, by the analytical model
/// of Low et al. 2016 (gemm_blocking.c): kc from L1, nc from L2, mc from this core's share of
/// L3; a level that is unknown keeps its fallback. mc is a multiple of mr, nc of nr.
void rk_gemm_derive_blocking(const rk_cache_hierarchy *caches, int mr, int nr, long fallbackMC,
                             long fallbackKC, long fallbackNC, long *mc, long *kc, long *nc);

/// Makes GEMMs called from this thread use this blocking (mc and nc rounded up to whole
/// tiles), or the fixed one again when any value is <= 0: for tests and `bench gemm`.
void rk_gemm_set_thread_blocking(long mc, long kc, long nc);

// MARK: - GEMM

/// C = alpha·op(A)·op(B) + beta·C with `kernel` (< 0: the current one) on up to `threads`
/// threads of the shared pool (<= 0: the pool's thread count).
void rk_sgemm(int kernel, int threads, int transA, int transB, long M, long N, long K,
              float alpha, const float *A, long lda, const float *B, long ldb,
              float beta, float *C, long ldc);

/// y (N) = alpha·W·x + beta·y for W stored (N, K) with row stride `ldw`: the single-row GEMM
/// C (1, N) = alpha·A (1, K)·Bᵀ + beta·C that rk_sgemm hands over to it (batch-1 sampling).
/// Reads W in place (no packing); rows are split over up to `threads` threads. beta == 0
/// does not read y.
void rk_sgemv_t(int kernel, int threads, long N, long K, float alpha, const float *x,
                const float *W, long ldw, float beta, float *y);

/// Y (M, N) = alpha·X (M, K)·Wᵀ + beta·Y, row by row: row i gets exactly the floats
/// rk_sgemv_t gives for it alone (independent streams stepped together, each as if alone).
/// Each block of weight rows is read once for all M rows. beta == 0 does not read Y.
void rk_sgemv_t_rows(int kernel, int threads, long M, long N, long K, float alpha,
                     const float *X, long ldx, const float *W, long ldw, float beta, float *Y,
                     long ldy);

/// Y = X1·W1ᵀ + X2·W2ᵀ for X1 (M, K1), X2 (M, K2), W1 (N, K1), W2 (N, K2), Y (M, N), all
/// row-major with the given row strides: the two products of a recurrent cell's step
/// (W_ih·x + W_hh·h) in one dispatch to the threads, each row with the same floats as two
/// rk_sgemv_t calls (the second with beta = 1).
void rk_sgemv2_t(int kernel, int threads, long M, long N, long K1, const float *X1, long ldx1,
                 const float *W1, long ld1, long K2, const float *X2, long ldx2, const float *W2,
                 long ld2, float *Y, long ldy);

/// y[j] ≈ scale[j] · Σ_p Q[j, p]·x[p] for j < N: int8 rows Q (N, K) with row stride `ldq`,
/// Float32 x and scales, rows split over up to `threads` threads. The proposal step of exact
/// rejection sampling from a large decoder (DecoderSampler). Returns e ≥ 0 such that the
/// products used x' with |x'_p − x_p| ≤ e (0 when x is used as is; the AVX-512BW path rounds
/// x to int16 steps of max|x|/32767 first, then sums exact integer products), to be added to
/// the caller's error bound.
float rk_qgemv(int kernel, int threads, long N, long K, const float *x, const signed char *Q,
               long ldq, const float *scale, float *y);

/// rk_qgemv for `streams` inputs at once: y + s·ldy (N) from x + s·ldx (K) for each stream s,
/// each int8 row read from memory once for all streams; errors[s] is what rk_qgemv returns for
/// stream s, and every stream's y is, float for float, rk_qgemv's for that stream alone.
void rk_qgemv_streams(int kernel, int threads, long streams, long N, long K, const float *x, long ldx,
                      const signed char *Q, long ldq, const float *scale, float *y, long ldy,
                      float *errors);
/// Whether the AVX-512BW int16 path of rk_qgemv may use AVX512-VNNI (vpdpwssd) where the CPU
/// has it (the default); returns whether it will. Both forms compute the same integers, so
/// the results are the same bit for bit; for tests and benchmarks.
int rk_qgemv_allow_vnni(int allow);

/// Floats needed to pack a (K, N) right-hand operand for `kernel`:
/// ceil(N / NR) panels of K × NR floats, the last one zero-padded.
size_t rk_packed_b_size(int kernel, long K, long N);
/// Packs op(B) (K, N) into `packed` (rk_packed_b_size floats, 64-byte aligned) for `kernel`,
/// on up to `threads` threads. Re-packing into the same buffer allocates nothing.
void rk_pack_b(int kernel, int threads, int transB, long K, long N, const float *B, long ldb,
               float *packed);
/// C = alpha·op(A)·B + beta·C where B was packed by rk_pack_b with the same kernel, K and N.
void rk_sgemm_packed(int kernel, int threads, int transA, long M, long N, long K, float alpha,
                     const float *A, long lda, const float *packed, float beta, float *C,
                     long ldc);

// MARK: - Trace

/// What a traced call did: a multiplication (`RK_GEMM_CALL_MULTIPLY`, rk_sgemm), one by a
/// packed right operand (`RK_GEMM_CALL_PACKED`, rk_sgemm_packed, transB 0) or the packing
/// itself (`RK_GEMM_CALL_PACK`, rk_pack_b: M 0, op(B) K × N).
enum { RK_GEMM_CALL_MULTIPLY = 0, RK_GEMM_CALL_PACKED = 1, RK_GEMM_CALL_PACK = 2 };

/// One traced call: its operation, transposes, shape and whether it accumulated (beta ≠ 0).
typedef struct {
    int operation, transA, transB, accumulates;
    long M, N, K;
} rk_gemm_call;

/// Starts recording every rk_sgemm, rk_sgemm_packed and rk_pack_b call, from any thread, into
/// `calls` (up to `capacity`; later ones are counted, not stored). Benchmarks only.
void rk_gemm_trace_start(rk_gemm_call *calls, long capacity);
/// Stops recording; returns the number of calls made since the start (may exceed capacity).
long rk_gemm_trace_stop(void);

// MARK: - Thread pool

/// One unit of parallel work: called once for each index in 0 ..< count.
typedef void (*rk_task_fn)(void *context, long index);

/// Runs task(context, i) for every i in 0 ..< count on up to `threads` threads (<= 0: the pool's
/// thread count), the caller included, and returns when all have finished. Worker threads are
/// created once and persist. When the pool is already running a job (a nested or concurrent
/// call) the tasks run serially on the calling thread instead, so calls never deadlock.
void rk_parallel_for(int threads, long count, rk_task_fn task, void *context);
/// Threads the pool uses by default (the caller included): RECURRENT_THREADS when set to a
/// positive integer, else the CPUs available to this process, unless changed.
int rk_thread_count(void);
/// Sets the default thread count (clamped to 1 ... RK_MAX_THREADS).
void rk_set_thread_count(int threads);
/// CPUs available to this process.
int rk_available_cores(void);
/// RECURRENT_THREADS as a positive integer, or 0 when unset or invalid.
int rk_thread_count_from_environment(void);

#define RK_MAX_THREADS 64

#ifdef __cplusplus
}
#endif

#endif
