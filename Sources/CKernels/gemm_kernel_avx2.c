// AVX2 + FMA micro-kernel: a 6 × 16 tile of C in 12 ymm accumulators (two vectors per row),
// with two B̃ vectors and one broadcast Ã value: 15 of the 16 ymm registers.
#include "gemm_internal.h"

#ifdef RK_X86
#include <immintrin.h>

#define MR 6
#define NR 16
#define TARGET __attribute__((target("avx2,fma")))

static inline __attribute__((always_inline)) TARGET
void tile(const int rows, long n, long kc, const float *a, const float *b, float *c, long ldc,
          float alpha, float beta) {
    __m256 lo[MR], hi[MR];
    RK_UNROLL
    for (int i = 0; i < rows; i++) { lo[i] = _mm256_setzero_ps(); hi[i] = _mm256_setzero_ps(); }
    for (long p = 0; p < kc; p++) {
        _mm_prefetch((const char *)(b + 8 * NR), _MM_HINT_T0);
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        RK_UNROLL
        for (int i = 0; i < rows; i++) {
            __m256 ai = _mm256_broadcast_ss(a + i);
            lo[i] = _mm256_fmadd_ps(ai, b0, lo[i]);
            hi[i] = _mm256_fmadd_ps(ai, b1, hi[i]);
        }
        a += MR; b += NR;
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    if (n == NR) {
        RK_UNROLL
        for (int i = 0; i < rows; i++) {
            float *ci = c + i * ldc;
            __m256 r0 = _mm256_mul_ps(va, lo[i]), r1 = _mm256_mul_ps(va, hi[i]);
            if (beta != 0.0f) {
                r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci), r0);
                r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8), r1);
            }
            _mm256_storeu_ps(ci, r0);
            _mm256_storeu_ps(ci + 8, r1);
        }
    } else {
        // Lanes j < n have their sign bit set: masked loads/stores skip the columns past n.
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lane);
        const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n - 8), lane);
        RK_UNROLL
        for (int i = 0; i < rows; i++) {
            float *ci = c + i * ldc;
            __m256 r0 = _mm256_mul_ps(va, lo[i]), r1 = _mm256_mul_ps(va, hi[i]);
            if (beta != 0.0f) {
                r0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(ci, m0), r0);
                r1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(ci + 8, m1), r1);
            }
            _mm256_maskstore_ps(ci, m0, r0);
            _mm256_maskstore_ps(ci + 8, m1, r1);
        }
    }
}

#define TILE(R) static TARGET void tile##R(long n, long kc, const float *a, const float *b, \
    float *c, long ldc, float alpha, float beta) { tile(R, n, kc, a, b, c, ldc, alpha, beta); }
TILE(1) TILE(2) TILE(3) TILE(4) TILE(5) TILE(6)

static void kernel(long m, long n, long kc, const float *a, const float *b, float *c, long ldc,
                   float alpha, float beta) {
    typedef void (*fn)(long, long, const float *, const float *, float *, long, float, float);
    static const fn tiles[MR + 1] = {0, tile1, tile2, tile3, tile4, tile5, tile6};
    tiles[m](n, kc, a, b, c, ldc, alpha, beta);
}

static const rk_kernel_info info = {.mr = MR, .nr = NR, .kc = 256, .mc = 1536, .nc = 512,
                                    .kernel = kernel};

const rk_kernel_info *rk_kernel_avx2_info(void) { return &info; }

#endif
