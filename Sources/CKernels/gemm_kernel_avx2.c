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

// MARK: - Packing

// In-register transpose of an 8 × 8 block: on return r[x] holds what was column x.
static inline __attribute__((always_inline)) TARGET void transpose8(__m256 r[8]) {
    __m256 t[8], u[8];
    RK_UNROLL
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    RK_UNROLL
    for (int h = 0; h < 2; h++) {  // rows 0..<4, then 4..<8
        // Within each 128-bit lane L, u[4h + c] holds rows 4h ..< 4h+4 of column 4L + c.
        u[4 * h] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
        u[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0xEE);
        u[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
        u[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
    }
    RK_UNROLL
    for (int c = 0; c < 4; c++) {
        r[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
        r[4 + c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
    }
}

// Lanes j < count have their sign bit set (for maskload).
static inline TARGET __m256i first(long count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count < 8 ? count : 8)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Rows 0..<h of A, 8 values of K at a time, transposed into Ã (p-major, MR = 6 values per p).
// Each p but the tile's last gets a full 8-float store whose last 2 floats the next p
// overwrites: masked stores are slow on some CPUs (AMD).
static TARGET void pack_a_tile(const float *A, long lda, long h, long kc, float *dst) {
    for (long p = 0; p < kc; p += 8) {
        const long span = kc - p < 8 ? kc - p : 8;
        const __m256i cols = first(span);
        __m256 r[8];
        RK_UNROLL
        for (int i = 0; i < 8; i++)
            r[i] = i < h ? (span == 8 ? _mm256_loadu_ps(A + i * lda + p)
                                      : _mm256_maskload_ps(A + i * lda + p, cols))
                         : _mm256_setzero_ps();
        transpose8(r);
        for (long x = 0; x < span; x++) {
            float *d = dst + (p + x) * MR;
            if (p + x + 1 < kc) {
                _mm256_storeu_ps(d, r[x]);
            } else {
                _mm_storeu_ps(d, _mm256_castps256_ps128(r[x]));
                _mm_storel_pi((__m64 *)(d + 4), _mm256_extractf128_ps(r[x], 1));
            }
        }
    }
}

// One stored row of A (A stored (K, M)) dealt out to the tiles: an 8-float store per tile,
// 4 + 2 floats on the tile's last p (no masked stores: slow on AMD).
static TARGET void pack_a_t_row(const float *src, long t0, long t1, long base, long extra,
                                float *dst, long tileStride, int last) {
    long r = 0;
    for (long t = t0; t < t1; t++) {
        long h = base + (t < extra);
        __m256 v = _mm256_maskload_ps(src + r, first(h));
        float *d = dst + t * tileStride;
        if (!last) {
            _mm256_storeu_ps(d, v);
        } else {
            _mm_storeu_ps(d, _mm256_castps256_ps128(v));
            _mm_storel_pi((__m64 *)(d + 4), _mm256_extractf128_ps(v, 1));
        }
        r += h;
    }
}

// One row of op(B) (B stored (K, N)) into the NR-wide panels.
static TARGET void pack_b_row(const float *src, long cols, float *dst, long panelStride) {
    long q = 0;
    for (; (q + 1) * NR <= cols; q++) {
        float *d = dst + q * panelStride;
        _mm256_store_ps(d, _mm256_loadu_ps(src + q * NR));
        _mm256_store_ps(d + 8, _mm256_loadu_ps(src + q * NR + 8));
    }
    long rest = cols - q * NR;
    if (rest > 0) {
        float *d = dst + q * panelStride;
        _mm256_store_ps(d, _mm256_maskload_ps(src + q * NR, first(rest)));
        _mm256_store_ps(d + 8, rest > 8 ? _mm256_maskload_ps(src + q * NR + 8, first(rest - 8))
                                        : _mm256_setzero_ps());
    }
}

// One panel of op(B) when B is stored (N, K): two 8 × 8 transposes per 8 values of K.
static TARGET void pack_b_panel_t(const float *B, long ldb, long w, long kc, float *dst) {
    for (long p = 0; p < kc; p += 8) {
        const long span = kc - p < 8 ? kc - p : 8;
        const __m256i cols = first(span);
        RK_UNROLL
        for (int half = 0; half < 2; half++) {
            __m256 r[8];
            RK_UNROLL
            for (int i = 0; i < 8; i++) {
                long j = half * 8 + i;
                // 16 rows are too many streams for the hardware prefetchers: fetch ahead.
                if (j < w) _mm_prefetch((const char *)(B + j * ldb + p + 32), _MM_HINT_T0);
                r[i] = j < w ? (span == 8 ? _mm256_loadu_ps(B + j * ldb + p)
                                          : _mm256_maskload_ps(B + j * ldb + p, cols))
                             : _mm256_setzero_ps();
            }
            transpose8(r);
            for (long x = 0; x < span; x++) _mm256_store_ps(dst + (p + x) * NR + half * 8, r[x]);
        }
    }
}

static const rk_kernel_info info = {.mr = MR, .nr = NR, .kc = 256, .mc = 1536, .nc = 512,
                                    .kernel = kernel, .pack_a_tile = pack_a_tile,
                                    .pack_a_t_row = pack_a_t_row, .pack_b_row = pack_b_row,
                                    .pack_b_panel_t = pack_b_panel_t};

const rk_kernel_info *rk_kernel_avx2_info(void) { return &info; }

#endif
