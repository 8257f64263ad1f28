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
#include "hsum.h"

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

// Σ of the 16 lanes in a fixed tree: halves of 8 (v[i] + v[i + 8]), of 4, of 2, then the last
// pair — the order clang's _mm512_reduce_add_ps uses, written out so that reduce16_avx512,
// which sums 16 vectors at once, is bit-equal to it whatever the compiler.
static inline AVX512 float hsum512(__m512 v) {
    const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v),
                                   _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

// The 16 sums hsum512(v[i]) at once, out[4m + l] = hsum512(v[m + 4l]): the same additions of
// the same lanes, with 15 vector additions instead of 16 × 4 (a transposing tree).
static inline AVX512 void reduce16_avx512(const __m512 v[16], float out[16]) {
    __m512 u[8], w[4], x[2];
    for (int i = 0; i < 8; i++)   // [v[2i] lanes j + (j + 8) | v[2i + 1] ...], j < 8
        u[i] = _mm512_add_ps(_mm512_shuffle_f32x4(v[2 * i], v[2 * i + 1], 0x44),
                             _mm512_shuffle_f32x4(v[2 * i], v[2 * i + 1], 0xEE));
    for (int i = 0; i < 4; i++)   // block m: the 4-lane halves-sum of v[4i + m]
        w[i] = _mm512_add_ps(_mm512_shuffle_f32x4(u[2 * i], u[2 * i + 1], 0x88),
                             _mm512_shuffle_f32x4(u[2 * i], u[2 * i + 1], 0xDD));
    for (int i = 0; i < 2; i++)   // block m: pairs of v[8i + m], then of v[8i + 4 + m]
        x[i] = _mm512_add_ps(_mm512_shuffle_ps(w[2 * i], w[2 * i + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_ps(w[2 * i], w[2 * i + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    const __m512 r = _mm512_add_ps(_mm512_shuffle_ps(x[0], x[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_ps(x[0], x[1], _MM_SHUFFLE(3, 1, 3, 1)));
    _mm512_storeu_ps(out, r);
}

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
        store_result(y + j, hsum512(a0), alpha, beta);
        store_result(y + j + 1, hsum512(a1), alpha, beta);
        store_result(y + j + 2, hsum512(a2), alpha, beta);
        store_result(y + j + 3, hsum512(a3), alpha, beta);
    }
    for (; j < j1; j++) {
        const float *w = W + j * ldw;
        __m512 a = _mm512_setzero_ps();
        for (long p = 0; p < K16; p += 16) a = _mm512_fmadd_ps(_mm512_loadu_ps(w + p), _mm512_loadu_ps(x + p), a);
        if (tail) a = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w + K16), xt, a);
        store_result(y + j, hsum512(a), alpha, beta);
    }
}

// Four weight rows × four streams: 16 accumulators, each updated in exactly the order of
// rows_avx512's for that (row, stream) and reduced in hsum512's order (all 16 at once), so
// every output has the single-stream floats. Per 16 multiply-adds it loads 4 weight and 4
// stream vectors (rows_avx512 called per stream loads 4 + 1 for 4): the loop is bound by the
// FMA units rather than by loads.
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
    __m512 v[16];
    float dot[16];
    for (int r = 0; r < 4; r++)
        for (int s = 0; s < 4; s++) v[4 * s + r] = a[r][s];
    reduce16_avx512(v, dot);   // dot[4r + s] = hsum512(a[r][s])
    for (int s = 0; s < 4; s++)
        for (int r = 0; r < 4; r++) store_result(Y + s * ldy + j + r, dot[4 * r + s], alpha, beta);
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

// Y_i = alpha·X1_i·W1ᵀ + beta·Y_i (beta·Y_i when the product is empty) for weight rows
// jb ..< je and every row i of X: whole tiles of `width` rows of X through the register-blocked
// tile, the rest (and a block of fewer than four weight rows) one row at a time; both give
// each output the floats of the single-row product.
static void first_product(const gemv_rows_job *g, long jb, long je) {
    long i = 0;
    if (g->tile && je - jb == 4 && g->K1 > 0 && g->alpha != 0.0f)
        for (; i + g->width <= g->M; i += g->width)
            g->tile(jb, g->K1, g->X1 + i * g->ldx1, g->ldx1, g->W1, g->ld1, g->Y + i * g->ldy, g->ldy, g->alpha,
                    g->beta);
    for (; i < g->M; i++) {
        float *y = g->Y + i * g->ldy;
        if (g->K1 > 0 && g->alpha != 0.0f)
            g->rows(jb, je, g->K1, g->X1 + i * g->ldx1, g->W1, g->ld1, y, g->alpha, g->beta);
        else
            for (long j = jb; j < je; j++) y[j] = g->beta == 0.0f ? 0.0f : g->beta * y[j];
    }
}

// Y_i += X2_i·W2ᵀ for weight rows jb ..< je, as first_product (alpha = beta = 1).
static void second_product(const gemv_rows_job *g, long jb, long je) {
    long i = 0;
    if (g->tile && je - jb == 4)
        for (; i + g->width <= g->M; i += g->width)
            g->tile(jb, g->K2, g->X2 + i * g->ldx2, g->ldx2, g->W2, g->ld2, g->Y + i * g->ldy, g->ldy, 1.0f, 1.0f);
    for (; i < g->M; i++) g->rows(jb, je, g->K2, g->X2 + i * g->ldx2, g->W2, g->ld2, g->Y + i * g->ldy, 1.0f, 1.0f);
}

static void gemv_rows_task(void *context, long index) {
    const gemv_rows_job *g = context;
    long blocks = (g->N + 3) / 4, base = blocks / g->parts, extra = blocks % g->parts;
    long b0 = index * base + (index < extra ? index : extra), b1 = b0 + base + (index < extra);
    long j0 = b0 * 4, j1 = b1 * 4 < g->N ? b1 * 4 : g->N;
    // Four weight rows at a time (4·(K1 + K2) floats, 12–16 KB for a 512-unit LSTM) stay in L1
    // while every row of X passes them: the weights stream from memory once for all M rows.
    // With more rows of X than one tile, the two products go in two passes over the rows: the
    // rows of X1, then of X2 (8 streams × 512 floats = 16 KB), then stay in L1 beside the
    // weights, where X1 and X2 together (24–32 KB) would not. Each output still gets its first
    // product, then its second, as alone. (A 2 × 8 tile, which loads each weight once for eight
    // streams, ran 1.6× slower on Zen 4: eight rows of X per call, 2 KB apart, leave L1.)
    if (g->K2 > 0 && g->M > g->width) {
        for (long jb = j0; jb < j1; jb += 4) first_product(g, jb, jb + 4 < j1 ? jb + 4 : j1);
        for (long jb = j0; jb < j1; jb += 4) second_product(g, jb, jb + 4 < j1 ? jb + 4 : j1);
        return;
    }
    for (long jb = j0; jb < j1; jb += 4) {
        long je = jb + 4 < j1 ? jb + 4 : j1;
        first_product(g, jb, je);
        if (g->K2 > 0) second_product(g, jb, je);
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
    // A few tasks per thread, taken in turn: when another process holds a core, the threads
    // that run take over the tasks of one that does not. Tasks start on 4-row blocks, so every
    // row gets the same code whatever the split.
    const long tasks = 4L * threads;
    job->parts = work < RK_GEMV_PARALLEL_MIN || threads <= 1 ? 1 : (tasks < blocks ? tasks : blocks);
    if (job->parts <= 1) gemv_rows_task(job, 0);
    else rk_parallel_for(threads, job->parts, gemv_rows_task, job);
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
