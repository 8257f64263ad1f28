// AVX-512F micro-kernel: a 12 × 32 tile of C in 24 zmm accumulators (two vectors per row),
// B̃ rows loaded as two vectors, Ã values broadcast. 24 accumulators + 2 B vectors + 1
// broadcast fit the 32 zmm registers, and 24 independent FMA chains hide the FMA latency.
#include "gemm_internal.h"

#ifdef RK_X86
#include <immintrin.h>

#define MR 12
#define NR 32
#define TARGET __attribute__((target("avx512f")))

// One instantiation per tile height `rows` (a compile-time constant after inlining), so a
// short tile (a batch of 1 when sampling, the last rows of C) does only its own FMAs.
static inline __attribute__((always_inline)) TARGET
void tile(const int rows, long n, long kc, const float *a, const float *b, float *c, long ldc,
          float alpha, float beta) {
    // A short tile has too few accumulators to hide the FMA latency (4 cycles, one zmm FMA
    // per cycle): then consecutive k alternate between S independent sets, summed at the end.
    const int S = rows == 1 ? 4 : rows == 2 ? 2 : 1;
    const int U = S > 1 ? S : 2;  // k steps per loop iteration
    __m512 lo[4][MR], hi[4][MR];
    RK_UNROLL
    for (int i = 0; i < rows; i++) {
        RK_UNROLL
        for (int s = 0; s < S; s++) { lo[s][i] = _mm512_setzero_ps(); hi[s][i] = _mm512_setzero_ps(); }
        // The tile of C is needed only at the end: start fetching it now.
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + NR - 1), _MM_HINT_T0);
    }
    long p = 0;
    for (; p + U <= kc; p += U) {
        _mm_prefetch((const char *)(b + 16 * NR), _MM_HINT_T0);
        _mm_prefetch((const char *)(b + 16 * NR + 16), _MM_HINT_T0);
        RK_UNROLL
        for (int u = 0; u < U; u++) {
            const int s = u % S;
            const __m512 b0 = _mm512_load_ps(b + u * NR), b1 = _mm512_load_ps(b + u * NR + 16);
            RK_UNROLL
            for (int i = 0; i < rows; i++) {
                const __m512 ai = _mm512_set1_ps(a[u * MR + i]);
                lo[s][i] = _mm512_fmadd_ps(ai, b0, lo[s][i]);
                hi[s][i] = _mm512_fmadd_ps(ai, b1, hi[s][i]);
            }
        }
        a += U * MR; b += U * NR;
    }
    for (; p < kc; p++) {
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        RK_UNROLL
        for (int i = 0; i < rows; i++) {
            const __m512 ai = _mm512_set1_ps(a[i]);
            lo[0][i] = _mm512_fmadd_ps(ai, b0, lo[0][i]);
            hi[0][i] = _mm512_fmadd_ps(ai, b1, hi[0][i]);
        }
        a += MR; b += NR;
    }
    RK_UNROLL
    for (int s = 1; s < S; s++) {
        RK_UNROLL
        for (int i = 0; i < rows; i++) {
            lo[0][i] = _mm512_add_ps(lo[0][i], lo[s][i]);
            hi[0][i] = _mm512_add_ps(hi[0][i], hi[s][i]);
        }
    }
    const __m512 va = _mm512_set1_ps(alpha);
    if (n == NR) {
        if (beta == 0.0f) {
            RK_UNROLL
            for (int i = 0; i < rows; i++) {
                _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, lo[0][i]));
                _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, hi[0][i]));
            }
        } else {
            const __m512 vb = _mm512_set1_ps(beta);
            RK_UNROLL
            for (int i = 0; i < rows; i++) {
                float *ci = c + i * ldc;
                _mm512_storeu_ps(ci, _mm512_fmadd_ps(va, lo[0][i], _mm512_mul_ps(vb, _mm512_loadu_ps(ci))));
                _mm512_storeu_ps(ci + 16, _mm512_fmadd_ps(va, hi[0][i], _mm512_mul_ps(vb, _mm512_loadu_ps(ci + 16))));
            }
        }
    } else {
        // Masked loads/stores never touch the columns beyond n.
        const __mmask16 m0 = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
        const __mmask16 m1 = n <= 16 ? (__mmask16)0 : (__mmask16)((1u << (n - 16)) - 1);
        if (beta == 0.0f) {
            RK_UNROLL
            for (int i = 0; i < rows; i++) {
                _mm512_mask_storeu_ps(c + i * ldc, m0, _mm512_mul_ps(va, lo[0][i]));
                _mm512_mask_storeu_ps(c + i * ldc + 16, m1, _mm512_mul_ps(va, hi[0][i]));
            }
        } else {
            const __m512 vb = _mm512_set1_ps(beta);
            RK_UNROLL
            for (int i = 0; i < rows; i++) {
                float *ci = c + i * ldc;
                __m512 c0 = _mm512_maskz_loadu_ps(m0, ci), c1 = _mm512_maskz_loadu_ps(m1, ci + 16);
                _mm512_mask_storeu_ps(ci, m0, _mm512_fmadd_ps(va, lo[0][i], _mm512_mul_ps(vb, c0)));
                _mm512_mask_storeu_ps(ci + 16, m1, _mm512_fmadd_ps(va, hi[0][i], _mm512_mul_ps(vb, c1)));
            }
        }
    }
}

#define TILE(R) static TARGET void tile##R(long n, long kc, const float *a, const float *b, \
    float *c, long ldc, float alpha, float beta) { tile(R, n, kc, a, b, c, ldc, alpha, beta); }
TILE(1) TILE(2) TILE(3) TILE(4) TILE(5) TILE(6) TILE(7) TILE(8) TILE(9) TILE(10) TILE(11) TILE(12)

static void kernel(long m, long n, long kc, const float *a, const float *b, float *c, long ldc,
                   float alpha, float beta) {
    typedef void (*fn)(long, long, const float *, const float *, float *, long, float, float);
    static const fn tiles[MR + 1] = {0, tile1, tile2, tile3, tile4, tile5, tile6, tile7, tile8,
                                     tile9, tile10, tile11, tile12};
    tiles[m](n, kc, a, b, c, ldc, alpha, beta);
}

// MARK: - Packing

// In-register transpose of a 16 × 16 block: on return r[x] holds what was column x.
// Four rounds of shuffles (unpack ps, unpack pd, two of shuffle_f32x4), 64 in all.
static inline __attribute__((always_inline)) TARGET void transpose16(__m512 r[16]) {
    __m512 t[16];
    RK_UNROLL
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    __m512 u[16];
    RK_UNROLL
    for (int i = 0; i < 4; i++) {
        __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
        // Within each 128-bit lane L, u[4i + c] holds rows 4i ..< 4i+4 of column 4L + c.
        u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    RK_UNROLL
    for (int c = 0; c < 4; c++) {
        __m512 v0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44);
        __m512 v1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xEE);
        __m512 w0 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44);
        __m512 w1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xEE);
        r[c] = _mm512_shuffle_f32x4(v0, w0, 0x88);
        r[4 + c] = _mm512_shuffle_f32x4(v0, w0, 0xDD);
        r[8 + c] = _mm512_shuffle_f32x4(v1, w1, 0x88);
        r[12 + c] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
    }
}

static inline __mmask16 first(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
}

// Rows 0..<h of A, 16 values of K at a time, transposed into Ã (p-major, MR values per p).
// Each p but the tile's last gets a full 16-float store, whose last 16 − MR floats the next
// p overwrites: masked stores are slow on some CPUs (AMD Zen 4).
static TARGET void pack_a_tile(const float *A, long lda, long h, long kc, float *dst) {
    for (long p = 0; p < kc; p += 16) {
        const long span = kc - p < 16 ? kc - p : 16;
        const __mmask16 cols = first(span);
        __m512 r[16];
        RK_UNROLL
        for (int i = 0; i < 16; i++)
            r[i] = i < h ? _mm512_maskz_loadu_ps(cols, A + i * lda + p) : _mm512_setzero_ps();
        transpose16(r);
        for (long x = 0; x < span; x++) {
            if (p + x + 1 < kc) _mm512_storeu_ps(dst + (p + x) * MR, r[x]);
            else _mm512_mask_storeu_ps(dst + (p + x) * MR, first(MR), r[x]);
        }
    }
}

// One stored row of A (A stored (K, M)) dealt out to the tiles: a 16-float store per tile,
// masked only on the tile's last p (masked stores are slow on AMD Zen 4).
static TARGET void pack_a_t_row(const float *src, long t0, long t1, long base, long extra,
                                float *dst, long tileStride, int last) {
    long r = 0;
    for (long t = t0; t < t1; t++) {
        long h = base + (t < extra);
        __m512 v = _mm512_maskz_loadu_ps(first(h), src + r);
        if (!last) _mm512_storeu_ps(dst + t * tileStride, v);
        else _mm512_mask_storeu_ps(dst + t * tileStride, first(MR), v);
        r += h;
    }
}

// One row of op(B) (B stored (K, N)) into the NR-wide panels.
static TARGET void pack_b_row(const float *src, long cols, float *dst, long panelStride) {
    long q = 0;
    for (; (q + 1) * NR <= cols; q++) {
        float *d = dst + q * panelStride;
        _mm512_store_ps(d, _mm512_loadu_ps(src + q * NR));
        _mm512_store_ps(d + 16, _mm512_loadu_ps(src + q * NR + 16));
    }
    long rest = cols - q * NR;
    if (rest > 0) {
        float *d = dst + q * panelStride;
        _mm512_store_ps(d, _mm512_maskz_loadu_ps(first(rest), src + q * NR));
        _mm512_store_ps(d + 16, _mm512_maskz_loadu_ps(rest > 16 ? first(rest - 16) : 0,
                                                      src + q * NR + 16));
    }
}

// One panel of op(B) when B is stored (N, K): two 16 × 16 transposes per 16 values of K.
static TARGET void pack_b_panel_t(const float *B, long ldb, long w, long kc, float *dst) {
    for (long p = 0; p < kc; p += 16) {
        const long span = kc - p < 16 ? kc - p : 16;
        const __mmask16 cols = first(span);
        RK_UNROLL
        for (int half = 0; half < 2; half++) {
            __m512 r[16];
            RK_UNROLL
            for (int i = 0; i < 16; i++) {
                long j = half * 16 + i;
                // 32 rows are too many streams for the hardware prefetchers: fetch ahead.
                if (j < w) _mm_prefetch((const char *)(B + j * ldb + p + 64), _MM_HINT_T0);
                r[i] = j < w ? _mm512_maskz_loadu_ps(cols, B + j * ldb + p) : _mm512_setzero_ps();
            }
            transpose16(r);
            for (long x = 0; x < span; x++) _mm512_store_ps(dst + (p + x) * NR + half * 16, r[x]);
        }
    }
}

static const rk_kernel_info info = {.mr = MR, .nr = NR, .kc = 384, .mc = 1536, .nc = 480,
                                    .kernel = kernel, .pack_a_tile = pack_a_tile,
                                    .pack_a_t_row = pack_a_t_row, .pack_b_row = pack_b_row,
                                    .pack_b_panel_t = pack_b_panel_t};

const rk_kernel_info *rk_kernel_avx512_info(void) { return &info; }

#endif
