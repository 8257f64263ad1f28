// The int8 product of exact rejection sampling (DecoderSampler): a proposal for every token
// from a 4× smaller copy of the decoder's weight, whose error bound the caller proves per row.
//
//   y_s[j] = scale[j] · Σ_p Q[j, p]·x_s[p]      Q int8 (N, K), one x_s (K) per stream s
//
// With AVX-512BW each x_s is first rounded to int16 (x_s ≈ xs_s·x16_s, |error| ≤ xs_s/2 per
// element): the products are then exact integer sums, 32 per vpmaddwd (or per vpdpwssd with
// AVX512-VNNI, which also does the addition), and every int8 block of the weight is widened to
// int16 once for up to four streams. Integer sums do not depend on their order, so a stream's
// floats are the same alone, in any group of streams, and with or without VNNI. Without
// AVX-512BW (AVX2, NEON, portable C) the int8 rows are converted to Float32 and multiplied by x
// as it is, one stream at a time.
#include "gemm_internal.h"
#include "hsum.h"

#include <stdatomic.h>
#include <stddef.h>

#ifdef RK_X86
#include <immintrin.h>
#endif

// Below this many multiply-adds one thread does it all (as rk_sgemv_t).
#define RK_QGEMV_PARALLEL_MIN 65536L

// MARK: - Float32 paths, one stream at a time

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

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f")))

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

#endif

// MARK: - Int16 inputs, AVX-512BW (and VNNI)

#ifdef RK_X86

// Two instances of the same kernel: vpmaddwd + vpaddd, and AVX512-VNNI's vpdpwssd (the same
// pair products, summed into the accumulator in one instruction, without saturation).
#define Q16_TARGET "avx512f,avx512bw,avx512vl"
#define Q16_ACC(a, w, x) _mm512_add_epi32((a), _mm512_madd_epi16((w), (x)))
#define Q16_TILE qtile16_bw
#define Q16_ROWS qrows16_bw
#include "qgemv_int16_body.h"
#undef Q16_TARGET
#undef Q16_ACC
#undef Q16_TILE
#undef Q16_ROWS

#define Q16_TARGET "avx512f,avx512bw,avx512vl,avx512vnni"
#define Q16_ACC(a, w, x) _mm512_dpwssd_epi32((a), (w), (x))
#define Q16_TILE qtile16_vnni
#define Q16_ROWS qrows16_vnni
#include "qgemv_int16_body.h"
#undef Q16_TARGET
#undef Q16_ACC
#undef Q16_TILE
#undef Q16_ROWS

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

// MARK: - Driver

typedef void (*qrows_fn)(long, long, long, const float *, const signed char *, long, const float *, float *);
typedef void (*qrows16_fn)(long j0, long j1, long K, long ns, const int *list, const short *x16, long ldx16,
                           const float *xs, const signed char *Q, long ldq, const float *scale, float *y, long ldy);

// Rows per block of the Float32 path's stream loop: 32 int8 rows of a 512-wide weight (16 KB)
// stay in L1 while every stream multiplies them. A multiple of 4, so that each stream's rows
// are grouped as in a single-stream call (every row's sum is its own either way).
#define RK_QGEMV_BLOCK_ROWS 32

typedef struct {
    qrows_fn rows;         // the Float32 path
    qrows16_fn rows16;     // the int16 path (NULL: none)
    long N, K, ldq, tasks, ldx, ldy, ldx16;
    long n16, nfloat;      // streams on each path, listed in list16 and listFloat
    const int *list16, *listFloat;
    const float *x, *scale;
    const short *x16;      // stream s's int16 input at x16 + s·ldx16 (streams in list16)
    const float *xs;       // per stream: its int16 step
    const signed char *Q;
    float *y;
} qgemv_job;

static void qgemv_task(void *context, long index) {
    const qgemv_job *g = context;
    long blocks = (g->N + 3) / 4, base = blocks / g->tasks, extra = blocks % g->tasks;
    long b0 = index * base + (index < extra ? index : extra), b1 = b0 + base + (index < extra);
    long j0 = b0 * 4, j1 = b1 * 4 < g->N ? b1 * 4 : g->N;
    if (j0 >= j1) return;
    if (g->n16 > 0)
        g->rows16(j0, j1, g->K, g->n16, g->list16, g->x16, g->ldx16, g->xs, g->Q, g->ldq, g->scale, g->y, g->ldy);
    if (g->nfloat > 0)
        for (long r0 = j0; r0 < j1; r0 += RK_QGEMV_BLOCK_ROWS) {
            const long r1 = r0 + RK_QGEMV_BLOCK_ROWS < j1 ? r0 + RK_QGEMV_BLOCK_ROWS : j1;
            for (long i = 0; i < g->nfloat; i++) {
                const long s = g->listFloat[i];
                g->rows(r0, r1, g->K, g->x + s * g->ldx, g->Q, g->ldq, g->scale, g->y + s * g->ldy);
            }
        }
}

static atomic_int vnniAllowed = 1;

int rk_qgemv_allow_vnni(int allow) {
    atomic_store(&vnniAllowed, allow != 0);
#ifdef RK_X86
    return allow != 0 && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

void rk_qgemv_streams(int kernel, int threads, long streams, long N, long K, const float *x, long ldx,
                      const signed char *Q, long ldq, const float *scale, float *y, long ldy,
                      float *errors) {
    if (N <= 0 || streams <= 0) return;
    if (kernel < 0) kernel = rk_gemm_kernel_current();
    qgemv_job job = {.rows = qrows_portable, .N = N, .K = K, .ldq = ldq, .ldx = ldx, .ldy = ldy,
                     .x = x, .scale = scale, .Q = Q, .y = y};
    for (long s = 0; s < streams; s++) errors[s] = 0.0f;
    // Scratch: the streams' int16 steps, the two stream lists, then the int16 inputs (64-byte
    // aligned rows of K rounded up to 32, plus a spare block).
    const long head = (streams + 15) / 16 * 16;  // floats (and ints) per list
    const long ldx16 = ((K + 31) & ~31L) + 32;
    int use16 = 0;
#ifdef RK_X86
    if (kernel == RK_KERNEL_AVX512) job.rows = qrows_avx512;
    else if (kernel == RK_KERNEL_AVX2) job.rows = qrows_avx2;
    use16 = kernel == RK_KERNEL_AVX512 && __builtin_cpu_supports("avx512bw") && K > 0 && K <= (1L << 16);
#endif
    float *scratch = rk_thread_scratch(1, (size_t)(3 * head) + (use16 ? (size_t)(streams * ldx16 + 1) / 2 : 0));
    int *list16 = scratch ? (int *)(scratch + head) : NULL, *listFloat = scratch ? (int *)(scratch + 2 * head) : NULL;
    if (!scratch) use16 = 0;
#ifdef RK_X86
    if (use16) {
        float *xs = scratch;
        short *x16 = (short *)(scratch + 3 * head);
        for (long s = 0; s < streams; s++) {
            xs[s] = round_to_int16(x + s * ldx, K, x16 + s * ldx16, &errors[s]);
            // All zeros or not finite: the Float32 path (which propagates a NaN).
            if (xs[s] > 0.0f) list16[job.n16++] = (int)s;
            else listFloat[job.nfloat++] = (int)s;
        }
        job.xs = xs;
        job.x16 = x16;
        job.ldx16 = ldx16;
        job.list16 = list16;
        job.rows16 = atomic_load(&vnniAllowed) && __builtin_cpu_supports("avx512vnni") ? qrows16_vnni : qrows16_bw;
    }
#endif
    if (!use16) {
        if (scratch) {
            for (long s = 0; s < streams; s++) listFloat[s] = (int)s;
            job.nfloat = streams;
        }
    }
    job.listFloat = listFloat;
    if (!scratch) {
        // No memory for the lists: one stream at a time on the Float32 path.
        int one = 0;
        job.listFloat = &one;
        job.nfloat = 1;
        job.tasks = 1;
        for (long s = 0; s < streams; s++) {
            job.x = x + s * ldx;
            job.y = y + s * ldy;
            qgemv_task(&job, 0);
        }
        return;
    }
    if (threads <= 0) threads = rk_thread_count();
    // A few tasks per thread, taken in turn: when another process holds a core, the threads
    // that run take over the tasks of one that does not (the rows are independent).
    const long blocks = (N + 3) / 4;
    const long tasks = 4L * threads;
    job.tasks = N * K * streams < RK_QGEMV_PARALLEL_MIN || threads <= 1 ? 1 : (tasks < blocks ? tasks : blocks);
    if (job.tasks <= 1) qgemv_task(&job, 0);
    else rk_parallel_for(threads, job.tasks, qgemv_task, &job);
}

float rk_qgemv(int kernel, int threads, long N, long K, const float *x, const signed char *Q,
               long ldq, const float *scale, float *y) {
    float error = 0.0f;
    rk_qgemv_streams(kernel, threads, 1, N, K, x, K, Q, ldq, scale, y, N, &error);
    return error;
}
