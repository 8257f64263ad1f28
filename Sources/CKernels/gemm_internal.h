#ifndef RECURRENT_GEMM_INTERNAL_H
#define RECURRENT_GEMM_INTERNAL_H

// Shared between the GEMM driver and the micro-kernels; not part of the module's API.

#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
#define RK_X86 1
#endif
#if defined(__aarch64__) || defined(__arm64__) || defined(_M_ARM64)
#define RK_ARM64 1
#endif

/// Fully unrolls the loop that follows (over the rows of a micro-tile): the accumulator arrays
/// only become registers when every index is a constant.
#if defined(__clang__)
#define RK_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define RK_UNROLL _Pragma("GCC unroll 32")
#else
#define RK_UNROLL
#endif

/// Computes one tile of C from packed panels:
///   C[0..<m, 0..<n] = alpha · Ã·B̃ + beta · C   (beta == 0: C is not read)
/// where Ã is `a` (kc × MR, k-major: a[p*MR + i]) and B̃ is `b` (kc × NR: b[p*NR + j]).
/// m <= MR, n <= NR; the packed panels are zero-padded, only the C update is clipped.
typedef void (*rk_microkernel)(long m, long n, long kc, const float *a, const float *b,
                               float *c, long ldc, float alpha, float beta);

/// Optional ISA-specific packers (NULL: the driver's portable loops).
/// pack_a_tile: rows 0..<h (h <= MR) of A, each with kc contiguous values at A + i*lda, into
///   dst[p*MR + i]; rows h..<MR of dst may be left unwritten, nothing past the tile.
/// pack_b_row: one row of op(B) when B is stored (K, N): src[0..<cols] into panels of NR
///   columns, dst + q*panelStride for panel q, zero past cols.
/// pack_b_panel_t: one panel when B is stored (N, K): rows 0..<w (w <= NR) of B, each with kc
///   contiguous values at B + j*ldb, into dst[p*NR + j], zero for j >= w.
/// pack_a_t_row: one stored row of A when A is stored (K, M): for tiles t0 ..< t1 of heights
///   base + (t < extra), consecutive runs of `src` into dst + t*tileStride (dst points at this
///   row's place, p*MR, in tile 0). Unless `last` (the tile's final p), floats after a run may
///   be overwritten up to the next p's place.
typedef void (*rk_pack_a_tile)(const float *A, long lda, long h, long kc, float *dst);
typedef void (*rk_pack_a_t_row)(const float *src, long t0, long t1, long base, long extra,
                                float *dst, long tileStride, int last);
typedef void (*rk_pack_b_row)(const float *src, long cols, float *dst, long panelStride);
typedef void (*rk_pack_b_panel_t)(const float *B, long ldb, long w, long kc, float *dst);

typedef struct {
    int mr, nr;        // micro-tile
    // The fallback blocking, used where the machine does not report a cache (the one in force
    // is `rk_blocking_for`, derived from the caches in gemm_blocking.c):
    long kc;           // depth of a K block
    long mc;           // rows of A packed at once (a multiple of mr)
    long nc;           // columns of B swept per packed-A micro-panel (a multiple of nr)
    rk_microkernel kernel;
    rk_pack_a_tile pack_a_tile;
    rk_pack_a_t_row pack_a_t_row;
    rk_pack_b_row pack_b_row;
    rk_pack_b_panel_t pack_b_panel_t;
} rk_kernel_info;

const rk_kernel_info *rk_kernel_portable_info(void);
#ifdef RK_X86
const rk_kernel_info *rk_kernel_avx2_info(void);
const rk_kernel_info *rk_kernel_avx512_info(void);
#endif
#ifdef RK_ARM64
const rk_kernel_info *rk_kernel_neon_info(void);
#endif

/// The blocking a GEMM on this thread uses with `info`: derived from the machine's caches
/// once (rk_gemm_derive_blocking), unless this thread set its own (rk_gemm_set_thread_blocking).
typedef struct { long mc, kc, nc; } rk_blocking;
rk_blocking rk_blocking_for(const rk_kernel_info *info);

/// The descriptor of a supported kernel (kernel < 0: the current one); NULL if unsupported.
const rk_kernel_info *rk_kernel_info_for(int kernel);

/// Scratch memory owned by the calling thread, 64-byte aligned, at least `floats` long: one
/// buffer per `slot` (0: a task's own packing; 1: the operand a caller shares with its tasks).
/// Grows (never shrinks) and is freed when the thread exits. NULL on allocation failure.
#define RK_SCRATCH_SLOTS 2
float *rk_thread_scratch(int slot, size_t floats);

// Records a call while a trace runs (gemm_trace.c).
void rk_gemm_trace_record(int operation, int transA, int transB, long M, long N, long K,
                          float beta);

#endif
