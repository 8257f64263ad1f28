// Matrix-vector products for a GEMM with a single row (M = 1): batch-1 sampling, where every
// weight is used once per token and the product is bound by the speed the weight streams from
// memory. Packing the weight into GEMM panels (a copy as large as the weight, at every call)
// would double that traffic, so these kernels read the weight where it is:
//
//   y (1, N) = alpha · x (1, K) · Wᵀ + beta · y      W stored (N, K), row j at W + j·ldw
//
// Each output is the dot product of one contiguous weight row with x; four rows at a time share
// each load of x, and the rows are split over the thread pool in contiguous blocks.
#include "gemm_internal.h"

#include <stddef.h>

#ifdef RK_X86
#include <immintrin.h>
#endif

// Below this many multiply-adds one thread does it all: waking a worker costs a few µs, more
// than a character model's 65 × 512 decoder takes on one core.
#define RK_GEMV_PARALLEL_MIN 65536L

// Writes alpha·dot + beta·y (beta == 0: y is not read, so NaN there does not propagate).
static inline void store_result(float *y, float dot, float alpha, float beta) {
    *y = beta == 0.0f ? alpha * dot : alpha * dot + beta * *y;
}

// MARK: - Portable

static void rows_portable(long j0, long j1, long K, const float *x, const float *W, long ldw,
                          float *y, float alpha, float beta) {
    for (long j = j0; j < j1; j++) {
        const float *w = W + j * ldw;
        // Eight partial sums: independent chains the compiler can keep in vector lanes.
        float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        long p = 0;
        for (; p + 8 <= K; p += 8)
            for (int u = 0; u < 8; u++) s[u] += w[p + u] * x[p + u];
        float dot = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
        for (; p < K; p++) dot += w[p] * x[p];
        store_result(y + j, dot, alpha, beta);
    }
}

#ifdef RK_X86

// MARK: - AVX2 + FMA

#define AVX2 __attribute__((target("avx2,fma")))

static inline AVX2 float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static AVX2 void rows_avx2(long j0, long j1, long K, const float *x, const float *W, long ldw,
                           float *y, float alpha, float beta) {
    const long K8 = K & ~7L;
    long j = j0;
    for (; j + 4 <= j1; j += 4) {
        const float *w0 = W + j * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (long p = 0; p < K8; p += 8) {
            const __m256 xv = _mm256_loadu_ps(x + p);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + p), xv, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + p), xv, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + p), xv, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + p), xv, a3);
        }
        float d0 = hsum256(a0), d1 = hsum256(a1), d2 = hsum256(a2), d3 = hsum256(a3);
        for (long p = K8; p < K; p++) {
            d0 += w0[p] * x[p]; d1 += w1[p] * x[p]; d2 += w2[p] * x[p]; d3 += w3[p] * x[p];
        }
        store_result(y + j, d0, alpha, beta);
        store_result(y + j + 1, d1, alpha, beta);
        store_result(y + j + 2, d2, alpha, beta);
        store_result(y + j + 3, d3, alpha, beta);
    }
    for (; j < j1; j++) {
        const float *w = W + j * ldw;
        __m256 a = _mm256_setzero_ps();
        for (long p = 0; p < K8; p += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(w + p), _mm256_loadu_ps(x + p), a);
        float d = hsum256(a);
        for (long p = K8; p < K; p++) d += w[p] * x[p];
        store_result(y + j, d, alpha, beta);
    }
}

// Four weight rows × two streams: 8 accumulators, each updated in exactly the order of
// rows_avx2's for that (row, stream), so every output has the single-stream floats; the four
// rows are loaded once for both streams.
static AVX2 void tile_avx2(long j, long K, const float *X, long ldx, const float *W, long ldw,
                           float *Y, long ldy, float alpha, float beta) {
    const long K8 = K & ~7L;
    const float *w0 = W + j * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
    const float *x0 = X, *x1 = X + ldx;
    __m256 a00 = _mm256_setzero_ps(), a10 = _mm256_setzero_ps();
    __m256 a20 = _mm256_setzero_ps(), a30 = _mm256_setzero_ps();
    __m256 a01 = _mm256_setzero_ps(), a11 = _mm256_setzero_ps();
    __m256 a21 = _mm256_setzero_ps(), a31 = _mm256_setzero_ps();
    for (long p = 0; p < K8; p += 8) {
        const __m256 v0 = _mm256_loadu_ps(w0 + p), v1 = _mm256_loadu_ps(w1 + p);
        const __m256 v2 = _mm256_loadu_ps(w2 + p), v3 = _mm256_loadu_ps(w3 + p);
        const __m256 xa = _mm256_loadu_ps(x0 + p), xb = _mm256_loadu_ps(x1 + p);
        a00 = _mm256_fmadd_ps(v0, xa, a00); a10 = _mm256_fmadd_ps(v1, xa, a10);
        a20 = _mm256_fmadd_ps(v2, xa, a20); a30 = _mm256_fmadd_ps(v3, xa, a30);
        a01 = _mm256_fmadd_ps(v0, xb, a01); a11 = _mm256_fmadd_ps(v1, xb, a11);
        a21 = _mm256_fmadd_ps(v2, xb, a21); a31 = _mm256_fmadd_ps(v3, xb, a31);
    }
    float d00 = hsum256(a00), d10 = hsum256(a10), d20 = hsum256(a20), d30 = hsum256(a30);
    float d01 = hsum256(a01), d11 = hsum256(a11), d21 = hsum256(a21), d31 = hsum256(a31);
    for (long p = K8; p < K; p++) {
        d00 += w0[p] * x0[p]; d10 += w1[p] * x0[p]; d20 += w2[p] * x0[p]; d30 += w3[p] * x0[p];
        d01 += w0[p] * x1[p]; d11 += w1[p] * x1[p]; d21 += w2[p] * x1[p]; d31 += w3[p] * x1[p];
    }
    float *y0 = Y + j, *y1 = Y + ldy + j;
    store_result(y0, d00, alpha, beta); store_result(y0 + 1, d10, alpha, beta);
    store_result(y0 + 2, d20, alpha, beta); store_result(y0 + 3, d30, alpha, beta);
    store_result(y1, d01, alpha, beta); store_result(y1 + 1, d11, alpha, beta);
    store_result(y1 + 2, d21, alpha, beta); store_result(y1 + 3, d31, alpha, beta);
}

// MARK: - AVX-512

#define AVX512 __attribute__((target("avx512f")))

static AVX512 void rows_avx512(long j0, long j1, long K, const float *x, const float *W, long ldw,
                               float *y, float alpha, float beta) {
    const long K16 = K & ~15L;
    // The last partial block of 16 under a mask: no scalar tail, no read past a row.
    const __mmask16 tail = (__mmask16)((1u << (K - K16)) - 1);
    const __m512 xt = _mm512_maskz_loadu_ps(tail, x + K16);
    long j = j0;
    for (; j + 4 <= j1; j += 4) {
        const float *w0 = W + j * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
        __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
        for (long p = 0; p < K16; p += 16) {
            const __m512 xv = _mm512_loadu_ps(x + p);
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + p), xv, a0);
            a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + p), xv, a1);
            a2 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + p), xv, a2);
            a3 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + p), xv, a3);
        }
        if (tail) {
            a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w0 + K16), xt, a0);
            a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w1 + K16), xt, a1);
            a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w2 + K16), xt, a2);
            a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w3 + K16), xt, a3);
        }
        store_result(y + j, _mm512_reduce_add_ps(a0), alpha, beta);
        store_result(y + j + 1, _mm512_reduce_add_ps(a1), alpha, beta);
        store_result(y + j + 2, _mm512_reduce_add_ps(a2), alpha, beta);
        store_result(y + j + 3, _mm512_reduce_add_ps(a3), alpha, beta);
    }
    for (; j < j1; j++) {
        const float *w = W + j * ldw;
        __m512 a = _mm512_setzero_ps();
        for (long p = 0; p < K16; p += 16) a = _mm512_fmadd_ps(_mm512_loadu_ps(w + p), _mm512_loadu_ps(x + p), a);
        if (tail) a = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w + K16), xt, a);
        store_result(y + j, _mm512_reduce_add_ps(a), alpha, beta);
    }
}

// Four weight rows × four streams: 16 accumulators, each updated in exactly the order of
// rows_avx512's for that (row, stream), so every output has the single-stream floats. Per 16
// multiply-adds it loads 4 weight and 4 stream vectors (rows_avx512 called per stream loads
// 4 + 1 for 4): the loop is bound by the FMA units rather than by loads.
static AVX512 void tile_avx512(long j, long K, const float *X, long ldx, const float *W, long ldw,
                               float *Y, long ldy, float alpha, float beta) {
    const long K16 = K & ~15L;
    const __mmask16 tail = (__mmask16)((1u << (K - K16)) - 1);
    const float *w[4] = {W + j * ldw, W + (j + 1) * ldw, W + (j + 2) * ldw, W + (j + 3) * ldw};
    const float *x[4] = {X, X + ldx, X + 2 * ldx, X + 3 * ldx};
    __m512 a[4][4];
    for (int r = 0; r < 4; r++)
        for (int s = 0; s < 4; s++) a[r][s] = _mm512_setzero_ps();
    for (long p = 0; p < K16; p += 16) {
        __m512 v[4], xv[4];
        for (int r = 0; r < 4; r++) v[r] = _mm512_loadu_ps(w[r] + p);
        for (int s = 0; s < 4; s++) xv[s] = _mm512_loadu_ps(x[s] + p);
        for (int r = 0; r < 4; r++)
            for (int s = 0; s < 4; s++) a[r][s] = _mm512_fmadd_ps(v[r], xv[s], a[r][s]);
    }
    if (tail) {
        __m512 v[4], xv[4];
        for (int r = 0; r < 4; r++) v[r] = _mm512_maskz_loadu_ps(tail, w[r] + K16);
        for (int s = 0; s < 4; s++) xv[s] = _mm512_maskz_loadu_ps(tail, x[s] + K16);
        for (int r = 0; r < 4; r++)
            for (int s = 0; s < 4; s++) a[r][s] = _mm512_fmadd_ps(v[r], xv[s], a[r][s]);
    }
    for (int s = 0; s < 4; s++)
        for (int r = 0; r < 4; r++)
            store_result(Y + s * ldy + j + r, _mm512_reduce_add_ps(a[r][s]), alpha, beta);
}

#endif

// MARK: - Int8 rows (sampling proposals)

// y[j] = scale[j] · Σ_p Q[j, p]·x[p] for int8 Q: a 4× smaller copy of a weight, read to
// propose tokens that the exact Float32 logits then accept or reject (see DecoderSampler).

static void qrows_portable(long j0, long j1, long K, const float *x, const signed char *Q, long ldq,
                           const float *scale, float *y) {
    for (long j = j0; j < j1; j++) {
        const signed char *q = Q + j * ldq;
        float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        long p = 0;
        for (; p + 8 <= K; p += 8)
            for (int u = 0; u < 8; u++) s[u] += (float)q[p + u] * x[p + u];
        float dot = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
        for (; p < K; p++) dot += (float)q[p] * x[p];
        y[j] = scale[j] * dot;
    }
}

#ifdef RK_X86

static AVX2 void qrows_avx2(long j0, long j1, long K, const float *x, const signed char *Q, long ldq,
                            const float *scale, float *y) {
    const long K8 = K & ~7L;
    for (long j = j0; j < j1; j++) {
        const signed char *q = Q + j * ldq;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        long p = 0;
        for (; p + 16 <= K8; p += 16) {
            __m256 w0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + p))));
            __m256 w1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + p + 8))));
            a0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + p), a0);
            a1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + p + 8), a1);
        }
        for (; p < K8; p += 8) {
            __m256 w0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + p))));
            a0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + p), a0);
        }
        float dot = hsum256(_mm256_add_ps(a0, a1));
        for (; p < K; p++) dot += (float)q[p] * x[p];
        y[j] = scale[j] * dot;
    }
}

static AVX512 void qrows_avx512(long j0, long j1, long K, const float *x, const signed char *Q, long ldq,
                                const float *scale, float *y) {
    const long K16 = K & ~15L;
    long j = j0;
    for (; j + 4 <= j1; j += 4) {
        const signed char *q0 = Q + j * ldq, *q1 = q0 + ldq, *q2 = q1 + ldq, *q3 = q2 + ldq;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
        __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
#define RK_Q16(q) _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)((q) + p))))
        for (long p = 0; p < K16; p += 16) {
            const __m512 xv = _mm512_loadu_ps(x + p);
            a0 = _mm512_fmadd_ps(RK_Q16(q0), xv, a0);
            a1 = _mm512_fmadd_ps(RK_Q16(q1), xv, a1);
            a2 = _mm512_fmadd_ps(RK_Q16(q2), xv, a2);
            a3 = _mm512_fmadd_ps(RK_Q16(q3), xv, a3);
        }
        float d0 = _mm512_reduce_add_ps(a0), d1 = _mm512_reduce_add_ps(a1);
        float d2 = _mm512_reduce_add_ps(a2), d3 = _mm512_reduce_add_ps(a3);
        for (long p = K16; p < K; p++) {
            d0 += (float)q0[p] * x[p]; d1 += (float)q1[p] * x[p];
            d2 += (float)q2[p] * x[p]; d3 += (float)q3[p] * x[p];
        }
        y[j] = scale[j] * d0; y[j + 1] = scale[j + 1] * d1;
        y[j + 2] = scale[j + 2] * d2; y[j + 3] = scale[j + 3] * d3;
    }
    for (; j < j1; j++) {
        const signed char *q0 = Q + j * ldq;
        __m512 a0 = _mm512_setzero_ps();
        for (long p = 0; p < K16; p += 16) a0 = _mm512_fmadd_ps(RK_Q16(q0), _mm512_loadu_ps(x + p), a0);
#undef RK_Q16
        float d0 = _mm512_reduce_add_ps(a0);
        for (long p = K16; p < K; p++) d0 += (float)q0[p] * x[p];
        y[j] = scale[j] * d0;
    }
}

// With AVX-512BW, x is first rounded to int16 (x ≈ xs·x16, |error| ≤ xs/2 per element): the
// products are then exact integer sums, 32 per vpmaddwd, twice the rate of converting the
// int8 weights to float. The caller accounts for that rounding (rk_qgemv returns xs/2).
#define AVX512BW __attribute__((target("avx512f,avx512bw,avx512vl")))

static AVX512BW void qrows_avx512bw(long j0, long j1, long K, const short *x16, float xs,
                                    const signed char *Q, long ldq, const float *scale, float *y) {
    const long K32 = (K + 31) & ~31L;
    // int32 lanes hold at most 4096/32 pair sums of |127·32767·2| < 2²³ each: no overflow.
    const long chunk = 4096;
    long j = j0;
    for (; j < j1; j += 4) {
        const long rows = j1 - j < 4 ? j1 - j : 4;
        float d[4] = {0, 0, 0, 0};
        for (long c0 = 0; c0 < K32; c0 += chunk) {
            const long c1 = c0 + chunk < K32 ? c0 + chunk : K32;
            __m512i a[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                            _mm512_setzero_si512()};
            for (long p = c0; p < c1; p += 32) {
                const __m512i xv = _mm512_loadu_si512((const void *)(x16 + p));
                // Bytes of the row up to K only (x16 is zero past K, the weight may end there).
                const __mmask32 m = K - p >= 32 ? (__mmask32)0xFFFFFFFFu : (__mmask32)((1u << (K - p)) - 1);
                for (long r = 0; r < rows; r++) {
                    const __m512i w = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, Q + (j + r) * ldq + p));
                    a[r] = _mm512_add_epi32(a[r], _mm512_madd_epi16(w, xv));
                }
            }
            for (long r = 0; r < rows; r++) d[r] += (float)_mm512_reduce_add_epi32(a[r]);
        }
        for (long r = 0; r < rows; r++) y[j + r] = scale[j + r] * (xs * d[r]);
    }
}

#endif

// MARK: - Driver

typedef void (*rows_fn)(long, long, long, const float *, const float *, long, float *, float, float);

typedef struct {
    rows_fn rows;
    long N, K, ldw, parts;
    const float *x, *W;
    float *y;
    float alpha, beta;
} gemv_job;

static void gemv_task(void *context, long index) {
    const gemv_job *g = context;
    // Contiguous blocks of rows, multiples of 4 except the last.
    long blocks = (g->N + 3) / 4, base = blocks / g->parts, extra = blocks % g->parts;
    long b0 = index * base + (index < extra ? index : extra), b1 = b0 + base + (index < extra);
    long j0 = b0 * 4, j1 = b1 * 4 < g->N ? b1 * 4 : g->N;
    if (j0 < j1) g->rows(j0, j1, g->K, g->x, g->W, g->ldw, g->y, g->alpha, g->beta);
}


void rk_sgemv_t(int kernel, int threads, long N, long K, float alpha, const float *x,
                const float *W, long ldw, float beta, float *y) {
    if (N <= 0) return;
    if (kernel < 0) kernel = rk_gemm_kernel_current();
    rows_fn rows = rows_portable;
#ifdef RK_X86
    if (kernel == RK_KERNEL_AVX512) rows = rows_avx512;
    else if (kernel == RK_KERNEL_AVX2) rows = rows_avx2;
#endif
    if (K <= 0 || alpha == 0.0f) {
        for (long j = 0; j < N; j++) y[j] = beta == 0.0f ? 0.0f : beta * y[j];
        return;
    }
    if (threads <= 0) threads = rk_thread_count();
    long blocks = (N + 3) / 4;
    long parts = N * K < RK_GEMV_PARALLEL_MIN ? 1 : (threads < blocks ? threads : blocks);
    gemv_job job = {.rows = rows, .N = N, .K = K, .ldw = ldw, .parts = parts, .x = x, .W = W,
                    .y = y, .alpha = alpha, .beta = beta};
    if (parts <= 1) gemv_task(&job, 0);
    else rk_parallel_for((int)parts, parts, gemv_task, &job);
}

typedef void (*qrows_fn)(long, long, long, const float *, const signed char *, long, const float *, float *);

// Rows per block of the stream loop: 32 int8 rows of a 512-wide weight (16 KB) stay in L1
// while every stream multiplies them. A multiple of 4, so that each stream's rows are grouped
// as in a single-stream call (every row's sum is its own either way).
#define RK_QGEMV_BLOCK_ROWS 32

typedef struct {
    qrows_fn rows;
    long N, K, ldq, parts, streams, ldx, ldy, ldx16;
    const float *x, *scale;
    const short *x16;     // stream s's int16 input at x16 + s*ldx16 when xs[s] > 0
    const float *xs;      // per stream: the int16 step, or 0 for the float path (NULL: all float)
    const signed char *Q;
    float *y;
} qgemv_job;

static void qgemv_task(void *context, long index) {
    const qgemv_job *g = context;
    long blocks = (g->N + 3) / 4, base = blocks / g->parts, extra = blocks % g->parts;
    long b0 = index * base + (index < extra ? index : extra), b1 = b0 + base + (index < extra);
    long j0 = b0 * 4, j1 = b1 * 4 < g->N ? b1 * 4 : g->N;
    for (long r0 = j0; r0 < j1; r0 += RK_QGEMV_BLOCK_ROWS) {
        const long r1 = r0 + RK_QGEMV_BLOCK_ROWS < j1 ? r0 + RK_QGEMV_BLOCK_ROWS : j1;
        for (long s = 0; s < g->streams; s++) {
            float *y = g->y + s * g->ldy;
#ifdef RK_X86
            if (g->xs && g->xs[s] > 0.0f) {
                qrows_avx512bw(r0, r1, g->K, g->x16 + s * g->ldx16, g->xs[s], g->Q, g->ldq, g->scale, y);
                continue;
            }
#endif
            g->rows(r0, r1, g->K, g->x + s * g->ldx, g->Q, g->ldq, g->scale, y);
        }
    }
}

#ifdef RK_X86
// Rounds x (K) to int16 steps of max|x|/32767 into x16 (K rounded up to 32, zero past K).
// Returns the step, or 0 when x is all zeros or not finite (then the float path runs); *error:
// the largest |x − step·x16|.
static float round_to_int16(const float *x, long K, short *x16, float *error) {
    float largest = 0.0f;
    for (long p = 0; p < K; p++) {
        float a = x[p] < 0 ? -x[p] : x[p];
        if (!(a <= largest)) largest = a;  // NaN propagates to the float path
    }
    *error = 0.0f;
    if (!(largest > 0.0f && largest < 3e38f)) return 0.0f;
    const long K32 = (K + 31) & ~31L;
    const float xs = largest / 32767.0f, inverse = 32767.0f / largest;
    for (long p = 0; p < K; p++) {
        float v = x[p] * inverse;
        long r = (long)(v < 0 ? v - 0.5f : v + 0.5f);
        if (r > 32767) r = 32767;
        if (r < -32767) r = -32767;
        x16[p] = (short)r;
    }
    for (long p = K; p < K32; p++) x16[p] = 0;
    // |x − xs·x16| ≤ xs/2 from rounding, plus the rounding of v itself.
    *error = xs * 0.5f + largest * 2e-7f;
    return xs;
}
#endif

void rk_qgemv_streams(int kernel, int threads, long streams, long N, long K, const float *x, long ldx,
                      const signed char *Q, long ldq, const float *scale, float *y, long ldy,
                      float *errors) {
    if (N <= 0 || streams <= 0) return;
    if (kernel < 0) kernel = rk_gemm_kernel_current();
    qrows_fn rows = qrows_portable;
    qgemv_job job = {.N = N, .K = K, .ldq = ldq, .streams = streams, .ldx = ldx, .ldy = ldy,
                     .x = x, .scale = scale, .Q = Q, .y = y};
    for (long s = 0; s < streams; s++) errors[s] = 0.0f;
#ifdef RK_X86
    if (kernel == RK_KERNEL_AVX512) rows = qrows_avx512;
    else if (kernel == RK_KERNEL_AVX2) rows = qrows_avx2;
    if (kernel == RK_KERNEL_AVX512 && __builtin_cpu_supports("avx512bw") && K > 0 && K <= (1L << 16)) {
        // Scratch: the streams' steps, then their int16 inputs (64-byte aligned rows).
        const long ldx16 = ((K + 31) & ~31L) + 32;
        const long head = (streams + 15) / 16 * 16;  // floats
        float *scratch = rk_thread_scratch(1, (size_t)head + (size_t)(streams * ldx16 + 1) / 2);
        if (scratch) {
            float *xs = scratch;
            short *x16 = (short *)(scratch + head);
            for (long s = 0; s < streams; s++)
                xs[s] = round_to_int16(x + s * ldx, K, x16 + s * ldx16, &errors[s]);
            job.xs = xs;
            job.x16 = x16;
            job.ldx16 = ldx16;
        }
    }
#endif
    job.rows = rows;
    if (threads <= 0) threads = rk_thread_count();
    long blocks = (N + 3) / 4;
    job.parts = N * K < RK_GEMV_PARALLEL_MIN ? 1 : (threads < blocks ? threads : blocks);
    if (job.parts <= 1) qgemv_task(&job, 0);
    else rk_parallel_for((int)job.parts, job.parts, qgemv_task, &job);
}

float rk_qgemv(int kernel, int threads, long N, long K, const float *x, const signed char *Q,
               long ldq, const float *scale, float *y) {
    float error = 0.0f;
    rk_qgemv_streams(kernel, threads, 1, N, K, x, K, Q, ldq, scale, y, N, &error);
    return error;
}

// MARK: - Several rows, each with the single-row arithmetic

// Y_i = alpha·X1_i·W1ᵀ + beta·Y_i (+ X2_i·W2ᵀ when K2 > 0) for every row i < M, each output
// computed by exactly the code rk_sgemv_t runs for that row alone: a recurrent cell stepping
// several independent streams at once gives each stream the floats it gets on its own.
// A tile: four weight rows (from row j) × `width` rows of X at once; see tile_avx512.
typedef void (*tile_fn)(long j, long K, const float *X, long ldx, const float *W, long ldw,
                        float *Y, long ldy, float alpha, float beta);

typedef struct {
    rows_fn rows;
    tile_fn tile;
    long width;
    long M, N, K1, K2, ldx1, ld1, ldx2, ld2, ldy, parts;
    const float *X1, *W1, *X2, *W2;
    float *Y;
    float alpha, beta;
} gemv_rows_job;

static void gemv_rows_task(void *context, long index) {
    const gemv_rows_job *g = context;
    long blocks = (g->N + 3) / 4, base = blocks / g->parts, extra = blocks % g->parts;
    long b0 = index * base + (index < extra ? index : extra), b1 = b0 + base + (index < extra);
    long j0 = b0 * 4, j1 = b1 * 4 < g->N ? b1 * 4 : g->N;
    // Four weight rows at a time (4·(K1 + K2) floats, 16 KB for a 512-unit LSTM) stay in L1
    // while every row of X passes them: the weights stream from memory once for all M rows.
    // Whole tiles of `width` rows of X go through the register-blocked tile, the rest (and the
    // last block of fewer than four weight rows) one row at a time; both give each output the
    // floats of the single-row product.
    for (long jb = j0; jb < j1; jb += 4) {
        long je = jb + 4 < j1 ? jb + 4 : j1;
        long i = 0;
        if (g->tile && je - jb == 4 && g->K1 > 0 && g->alpha != 0.0f)
            for (; i + g->width <= g->M; i += g->width) {
                float *y = g->Y + i * g->ldy;
                g->tile(jb, g->K1, g->X1 + i * g->ldx1, g->ldx1, g->W1, g->ld1, y, g->ldy, g->alpha, g->beta);
                if (g->K2 > 0) g->tile(jb, g->K2, g->X2 + i * g->ldx2, g->ldx2, g->W2, g->ld2, y, g->ldy, 1.0f, 1.0f);
            }
        for (; i < g->M; i++) {
            float *y = g->Y + i * g->ldy;
            if (g->K1 > 0 && g->alpha != 0.0f)
                g->rows(jb, je, g->K1, g->X1 + i * g->ldx1, g->W1, g->ld1, y, g->alpha, g->beta);
            else
                for (long j = jb; j < je; j++) y[j] = g->beta == 0.0f ? 0.0f : g->beta * y[j];
            if (g->K2 > 0) g->rows(jb, je, g->K2, g->X2 + i * g->ldx2, g->W2, g->ld2, y, 1.0f, 1.0f);
        }
    }
}

static rows_fn rows_for(int kernel) {
#ifdef RK_X86
    if (kernel == RK_KERNEL_AVX512) return rows_avx512;
    if (kernel == RK_KERNEL_AVX2) return rows_avx2;
#endif
    (void)kernel;
    return rows_portable;
}

static void gemv_rows_run(int kernel, int threads, gemv_rows_job *job) {
    if (job->M <= 0 || job->N <= 0) return;
    if (kernel < 0) kernel = rk_gemm_kernel_current();
    job->rows = rows_for(kernel);
#ifdef RK_X86
    if (kernel == RK_KERNEL_AVX512) { job->tile = tile_avx512; job->width = 4; }
    if (kernel == RK_KERNEL_AVX2) { job->tile = tile_avx2; job->width = 2; }
#endif
    if (threads <= 0) threads = rk_thread_count();
    long blocks = (job->N + 3) / 4;
    long work = job->M * job->N * (job->K1 + job->K2);
    job->parts = work < RK_GEMV_PARALLEL_MIN ? 1 : (threads < blocks ? threads : blocks);
    if (job->parts <= 1) gemv_rows_task(job, 0);
    else rk_parallel_for((int)job->parts, job->parts, gemv_rows_task, job);
}

void rk_sgemv_t_rows(int kernel, int threads, long M, long N, long K, float alpha,
                     const float *X, long ldx, const float *W, long ldw, float beta, float *Y,
                     long ldy) {
    gemv_rows_job job = {.M = M, .N = N, .K1 = K, .ldx1 = ldx, .ld1 = ldw, .ldy = ldy,
                         .X1 = X, .W1 = W, .Y = Y, .alpha = alpha, .beta = beta};
    gemv_rows_run(kernel, threads, &job);
}

void rk_sgemv2_t(int kernel, int threads, long M, long N, long K1, const float *X1, long ldx1,
                 const float *W1, long ld1, long K2, const float *X2, long ldx2, const float *W2,
                 long ld2, float *Y, long ldy) {
    gemv_rows_job job = {.M = M, .N = N, .K1 = K1, .K2 = K2, .ldx1 = ldx1, .ld1 = ld1,
                         .ldx2 = ldx2, .ld2 = ld2, .ldy = ldy, .X1 = X1, .W1 = W1, .X2 = X2,
                         .W2 = W2, .Y = Y, .alpha = 1.0f, .beta = 0.0f};
    gemv_rows_run(kernel, threads, &job);
}
