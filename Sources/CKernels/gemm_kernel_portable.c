// Portable micro-kernel: plain C the compiler vectorises for the baseline ISA (SSE2 on x86-64,
// Advanced SIMD on arm64). A 6 × 8 tile is 12 SSE registers of accumulators, leaving room for
// the B̃ row and the broadcast Ã value in the 16 an SSE2 build has.
#include "gemm_internal.h"

#define MR 6
#define NR 8

static inline __attribute__((always_inline))
void tile(const int rows, long n, long kc, const float *restrict a, const float *restrict b,
          float *restrict c, long ldc, float alpha, float beta) {
    float acc[MR][NR];
    RK_UNROLL
    for (int i = 0; i < rows; i++)
        RK_UNROLL
        for (int j = 0; j < NR; j++) acc[i][j] = 0;
    for (long p = 0; p < kc; p++) {
        RK_UNROLL
        for (int i = 0; i < rows; i++) {
            const float ai = a[i];
            RK_UNROLL
            for (int j = 0; j < NR; j++) acc[i][j] += ai * b[j];
        }
        a += MR;
        b += NR;
    }
    RK_UNROLL
    for (int i = 0; i < rows; i++) {
        float *ci = c + i * ldc;
        if (n == NR) {
            RK_UNROLL
            for (int j = 0; j < NR; j++) ci[j] = alpha * acc[i][j] + (beta == 0.0f ? 0.0f : beta * ci[j]);
        } else {
            // Copy out with constant indices first: a variable index into `acc` would keep
            // the whole accumulator array in memory instead of registers.
            float t[NR];
            RK_UNROLL
            for (int j = 0; j < NR; j++) t[j] = alpha * acc[i][j];
            if (beta == 0.0f) for (long j = 0; j < n; j++) ci[j] = t[j];
            else for (long j = 0; j < n; j++) ci[j] = t[j] + beta * ci[j];
        }
    }
}

#define TILE(R) static void tile##R(long n, long kc, const float *a, const float *b, float *c, \
    long ldc, float alpha, float beta) { tile(R, n, kc, a, b, c, ldc, alpha, beta); }
TILE(1) TILE(2) TILE(3) TILE(4) TILE(5) TILE(6)

static void kernel(long m, long n, long kc, const float *a, const float *b, float *c, long ldc,
                   float alpha, float beta) {
    typedef void (*fn)(long, long, const float *, const float *, float *, long, float, float);
    static const fn tiles[MR + 1] = {0, tile1, tile2, tile3, tile4, tile5, tile6};
    tiles[m](n, kc, a, b, c, ldc, alpha, beta);
}

static const rk_kernel_info info = {.mr = MR, .nr = NR, .kc = 256, .mc = 1536, .nc = 512,
                                    .kernel = kernel};

const rk_kernel_info *rk_kernel_portable_info(void) { return &info; }
