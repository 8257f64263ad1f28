// The GEMM driver: cache blocking, packing and the split over threads, shared by every
// micro-kernel. Loop order (outer to inner), after BLIS with the roles of A and B swapped
// because our micro-tiles are row-major (vectors run along the columns of C):
//
//   ic: M in blocks of mc            Ã block (mc × kc) packed, stays in L2/L3
//    pc: K in blocks of kc           the first block applies beta, later ones accumulate
//     jc: N in blocks of nc          B̃ block (kc × nc) packed (or pre-packed), stays in L2
//      ir: micro-panels of Ã (≤ MR rows), each stays in L1 while ...
//       jr: ... the B̃ micro-panels (kc × NR) stream past it: one micro-kernel call each.
#include "gemm_internal.h"

#include <string.h>

// MARK: - Packing

// Row tiles of a block of `rows` rows: as many tiles as MR-row tiles would need, with heights
// differing by at most one (50 rows with MR = 12 run as 5 tiles of 10, not 4 × 12 + 2).
typedef struct { long count, base, extra; } row_tiling;

static row_tiling tiling(long rows, int mr) {
    row_tiling t;
    t.count = (rows + mr - 1) / mr;
    t.base = rows / t.count;
    t.extra = rows % t.count;  // the first `extra` tiles have one more row
    return t;
}

// Packs tiles [t0, t1) of rows [i0, i0 + rows) and columns [p0, p0 + kc) of op(A) into
// tiles of kc × MR (a[p*MR + i]); tile t starts at dst + t*kc*MR. Rows of a short tile past
// its height are left unwritten: the micro-kernel never reads them.
static void pack_a(const rk_kernel_info *info, int transA, const float *A, long lda, long i0,
                   long rows, long p0, long kc, float *dst, long t0, long t1) {
    const int mr = info->mr;
    row_tiling t = tiling(rows, mr);
    const long first = i0 + t0 * t.base + (t0 < t.extra ? t0 : t.extra);  // first row of tile t0
    if (!transA) {
        long r0 = first;
        for (long tile = t0; tile < t1; tile++) {
            long h = t.base + (tile < t.extra);
            float *d = dst + tile * kc * mr;
            if (info->pack_a_tile) {
                info->pack_a_tile(A + r0 * lda + p0, lda, h, kc, d);
            } else {
                for (long i = 0; i < h; i++) {
                    const float *src = A + (r0 + i) * lda + p0;
                    for (long p = 0; p < kc; p++) d[p * mr + i] = src[p];
                }
            }
            r0 += h;
        }
    } else {
        // A is stored (K, M): walk each stored row once, left to right, dealing its values
        // out to the tiles (reading tile by tile would stride across rows and pages).
        for (long p = 0; p < kc; p++) {
            const float *src = A + (p0 + p) * lda + first;
            if (info->pack_a_t_row) {
                info->pack_a_t_row(src, t0, t1, t.base, t.extra, dst + p * mr, kc * mr, p + 1 == kc);
                continue;
            }
            long r = 0;
            for (long tile = t0; tile < t1; tile++) {
                long h = t.base + (tile < t.extra);
                float *d = dst + tile * kc * mr + p * mr;
                for (long i = 0; i < h; i++) d[i] = src[r + i];
                r += h;
            }
        }
    }
}

// Packs rows [p0, p0 + kc) and columns [j0, j0 + cols) of op(B) into panels of kc × NR
// (b[p*NR + j]), panel q at dst + q*panelStride; columns past `cols` are zero.
static void pack_b(const rk_kernel_info *info, int transB, const float *B, long ldb, long p0,
                   long kc, long j0, long cols, float *dst, long panelStride) {
    const int nr = info->nr;
    const long panels = (cols + nr - 1) / nr;
    if (!transB) {
        // Row by row across all panels: B is read in long contiguous runs.
        for (long p = 0; p < kc; p++) {
            const float *src = B + (p0 + p) * ldb + j0;
            // Rows are far apart (a whole row of B): fetch a few rows ahead, line by line,
            // since the hardware prefetchers do not follow short runs at a large stride.
            if (p + 4 < kc)
                for (long j = 0; j < cols; j += 16) __builtin_prefetch(src + 4 * ldb + j, 0, 3);
            if (info->pack_b_row) {
                info->pack_b_row(src, cols, dst + p * nr, panelStride);
                continue;
            }
            for (long q = 0; q < panels; q++) {
                long w = cols - q * nr < nr ? cols - q * nr : nr;
                float *dp = dst + q * panelStride + p * nr;
                const float *sq = src + q * nr;
                if (w == nr) for (long j = 0; j < nr; j++) dp[j] = sq[j];
                else {
                    for (long j = 0; j < w; j++) dp[j] = sq[j];
                    for (long j = w; j < nr; j++) dp[j] = 0;
                }
            }
        }
        return;
    }
    // B is stored (N, K): column j of op(B) is row j of B, read contiguously, in strips of 8
    // rows so that each group of strided writes fills part of one cache line.
    for (long q = 0; q < panels; q++) {
        long jq = j0 + q * nr;
        long w = cols - q * nr < nr ? cols - q * nr : nr;
        float *d = dst + q * panelStride;
        if (info->pack_b_panel_t) {
            info->pack_b_panel_t(B + jq * ldb + p0, ldb, w, kc, d);
            continue;
        }
        long j = 0;
        for (; j + 8 <= w; j += 8) {
            const float *s = B + (jq + j) * ldb + p0;
            for (long p = 0; p < kc; p++) {
                float *dp = d + p * nr + j;
                dp[0] = s[p];           dp[1] = s[ldb + p];     dp[2] = s[2 * ldb + p];
                dp[3] = s[3 * ldb + p]; dp[4] = s[4 * ldb + p]; dp[5] = s[5 * ldb + p];
                dp[6] = s[6 * ldb + p]; dp[7] = s[7 * ldb + p];
            }
        }
        for (; j < w; j++) {
            const float *s = B + (jq + j) * ldb + p0;
            for (long p = 0; p < kc; p++) d[p * nr + j] = s[p];
        }
        if (w < nr)
            for (long p = 0; p < kc; p++)
                for (long jj = w; jj < nr; jj++) d[p * nr + jj] = 0;
    }
}

// MARK: - One thread's share

typedef struct {
    const rk_kernel_info *info;
    int transA, transB;
    long M, N, K;
    float alpha, beta;
    const float *A; long lda;
    const float *B; long ldb;
    const float *packed;  // pre-packed B (full K, panels of K × NR), or NULL
    float *C; long ldc;
    long tm, tn;          // C is cut into tm × tn tasks (rows × columns)
    const float *sharedA; // op(A) packed once for all tasks (see pack_shared_a), or NULL
    rk_blocking blocking; // the caller's (rk_blocking_for), the same for every task
} gemm_job;

// Splits `units` into `parts` contiguous ranges differing by at most one unit.
static void share(long units, long parts, long index, long *begin, long *end) {
    long base = units / parts, extra = units % parts;
    *begin = index * base + (index < extra ? index : extra);
    *end = *begin + base + (index < extra);
}

// Depth of the K blocks: equal blocks (512 = 2 × 256, not 384 + 128), since a thin last
// block would cost a whole extra pass over C for little arithmetic.
static long k_block(long K, long kc) {
    long blocks = (K + kc - 1) / kc;
    return (K + blocks - 1) / blocks;
}

static void run_blocks(const gemm_job *j, long m0, long m1, long n0, long n1, long mc, long kc,
                       long nc, float *abuf, float *bbuf, const float *sharedA);

static void run_part(const gemm_job *j, long m0, long m1, long n0, long n1) {
    const rk_kernel_info *k = j->info;
    const int mr = k->mr, nr = k->nr;
    const rk_blocking b = j->blocking;
    const long kcMax = j->K < b.kc ? j->K : b.kc;
    long mcMax = m1 - m0 < b.mc ? m1 - m0 : b.mc;
    mcMax = (mcMax + mr - 1) / mr * mr;
    long ncMax = n1 - n0 < b.nc ? n1 - n0 : b.nc;
    ncMax = (ncMax + nr - 1) / nr * nr;
    // B̃ starts on a 64-byte boundary after Ã: the SIMD kernels use aligned loads.
    size_t aFloats = j->sharedA ? 0 : ((size_t)mcMax * kcMax + 15) / 16 * 16;
    size_t need = aFloats + (j->packed ? 0 : (size_t)ncMax * kcMax);
    float *abuf = need ? rk_thread_scratch(0, need) : NULL;
    if (abuf || need == 0) {
        run_blocks(j, m0, m1, n0, n1, b.mc, b.kc, b.nc, abuf, abuf ? abuf + aFloats : NULL,
                   j->sharedA);
    } else {
        // No memory for scratch: one micro-tile at a time with buffers on the stack (and Ã
        // packed here even if shared, since the blocks differ).
        enum { kcSmall = 64, mrMax = 32, nrMax = 64 };
        float abufSmall[mrMax * kcSmall] __attribute__((aligned(64)));
        float bbufSmall[nrMax * kcSmall] __attribute__((aligned(64)));
        run_blocks(j, m0, m1, n0, n1, mr, kcSmall, nr, abufSmall, bbufSmall, NULL);
    }
}

// Where block (ic, pc) of the shared Ã starts: every row block before ic holds its rows in
// whole tiles over all of K (mc is a multiple of MR), and within a row block the K blocks
// follow one another, each `tiles` tiles of kcEven × MR.
static size_t shared_a_offset(long ic, long pc, long K, long tiles, int mr) {
    return (size_t)ic * K + (size_t)tiles * mr * pc;
}

static void run_blocks(const gemm_job *j, long m0, long m1, long n0, long n1, long mc, long kc,
                       long nc, float *abuf, float *bbuf, const float *sharedA) {
    const rk_kernel_info *k = j->info;
    const int mr = k->mr, nr = k->nr;
    const long K = j->K;
    const long kcEven = k_block(K, kc);
    for (long ic = m0; ic < m1; ic += mc) {
        long mcur = m1 - ic < mc ? m1 - ic : mc;
        row_tiling rt = tiling(mcur, mr);
        for (long pc = 0; pc < K; pc += kcEven) {
            long kcur = K - pc < kcEven ? K - pc : kcEven;
            float beta = pc == 0 ? j->beta : 1.0f;
            const float *ablock;
            if (sharedA) {
                ablock = sharedA + shared_a_offset(ic, pc, K, rt.count, mr);
            } else {
                pack_a(k, j->transA, j->A, j->lda, ic, mcur, pc, kcur, abuf, 0, rt.count);
                ablock = abuf;
            }
            for (long jc = n0; jc < n1; jc += nc) {
                long ncur = n1 - jc < nc ? n1 - jc : nc;
                const float *bp;
                long panelStride;
                if (j->packed) {
                    bp = j->packed + (jc / nr) * K * nr + pc * nr;
                    panelStride = K * nr;
                } else {
                    pack_b(k, j->transB, j->B, j->ldb, pc, kcur, jc, ncur, bbuf, kcur * nr);
                    bp = bbuf;
                    panelStride = kcur * nr;
                }
                long r0 = ic;
                for (long t = 0; t < rt.count; t++) {
                    long h = rt.base + (t < rt.extra);
                    const float *ap = ablock + t * kcur * mr;
                    float *crow = j->C + r0 * j->ldc + jc;
                    for (long q = 0; q * nr < ncur; q++) {
                        long w = ncur - q * nr < nr ? ncur - q * nr : nr;
                        k->kernel(h, w, kcur, ap, bp + q * panelStride, crow + q * nr, j->ldc,
                                  j->alpha, beta);
                    }
                    r0 += h;
                }
            }
        }
    }
}

// Packs the whole of op(A) once, in the layout run_blocks reads through shared_a_offset;
// task `index` of `parts` packs its share of the tiles of every block.
typedef struct { const gemm_job *job; float *shared; long parts; } shared_a_job;

static void pack_shared_a(void *context, long index) {
    const shared_a_job *s = context;
    const gemm_job *j = s->job;
    const rk_kernel_info *k = j->info;
    const long K = j->K, kcEven = k_block(K, j->blocking.kc), mc = j->blocking.mc;
    for (long ic = 0; ic < j->M; ic += mc) {
        long mcur = j->M - ic < mc ? j->M - ic : mc;
        long tiles = tiling(mcur, k->mr).count, t0, t1;
        share(tiles, s->parts, index, &t0, &t1);
        for (long pc = 0; pc < K; pc += kcEven) {
            long kcur = K - pc < kcEven ? K - pc : kcEven;
            pack_a(k, j->transA, j->A, j->lda, ic, mcur, pc, kcur,
                   s->shared + shared_a_offset(ic, pc, K, tiles, k->mr), t0, t1);
        }
    }
}

static void run_task(void *context, long index) {
    const gemm_job *j = context;
    const int mr = j->info->mr, nr = j->info->nr;
    long mi = index / j->tn, ni = index % j->tn;
    // Thread boundaries fall on whole micro-tiles (N) and MR-row blocks (M).
    long mt0, mt1, nt0, nt1;
    share((j->M + mr - 1) / mr, j->tm, mi, &mt0, &mt1);
    share((j->N + nr - 1) / nr, j->tn, ni, &nt0, &nt1);
    long m0 = mt0 * mr, m1 = mt1 * mr < j->M ? mt1 * mr : j->M;
    long n0 = nt0 * nr, n1 = nt1 * nr < j->N ? nt1 * nr : j->N;
    if (m0 < m1 && n0 < n1) run_part(j, m0, m1, n0, n1);
}

// MARK: - Entry points

// Largest op(A), in floats, packed once and shared by all tasks (32 MB); a larger one is
// packed by each task for its own rows and columns.
#define RK_SHARED_A_MAX (8L << 20)

// Below this many multiply-adds a call runs on one thread: waking a worker would cost more.
#define RK_PARALLEL_MIN_FMAS 100000L

// Chooses the tm × tn grid of `threads` parts that minimises the micro-tiles of the busiest
// thread. Ties go to splitting N, where op(A) is packed once and shared by all threads (see
// `run`) and each thread packs only its own columns of B — unless op(A) is too large to share
// and M > N: then each thread would pack all of the larger operand, so split M instead (the
// word decoder's dLogitsᵀ·X, M = V = 21,388, K = T·B).
static void choose_grid(long M, long N, long K, int mr, int nr, int threads, long *tm, long *tn) {
    long mt = (M + mr - 1) / mr, nt = (N + nr - 1) / nr;
    if (threads > mt * nt) threads = (int)(mt * nt);
    if (threads < 1 || M * N * K < RK_PARALLEL_MIN_FMAS) threads = 1;
    long bestM = 1, bestN = 1, bestCost = -1;
    for (long a = 1; a <= threads; a++) {
        if (threads % a) continue;
        long b = threads / a;  // a parts along M, b along N
        if (a > mt || b > nt) continue;
        long cost = ((mt + a - 1) / a) * ((nt + b - 1) / b);
        int better = M > N && M * K > RK_SHARED_A_MAX ? a > bestM : b > bestN;
        if (bestCost < 0 || cost < bestCost || (cost == bestCost && better)) {
            bestCost = cost; bestM = a; bestN = b;
        }
    }
    *tm = bestM; *tn = bestN;
}

static void scale_c(long M, long N, float beta, float *C, long ldc) {
    for (long i = 0; i < M; i++) {
        float *c = C + i * ldc;
        if (beta == 0.0f) memset(c, 0, (size_t)N * sizeof(float));
        else for (long j = 0; j < N; j++) c[j] *= beta;
    }
}

// Tasks per thread, and the narrowest task (columns, or rows when splitting M): each task
// without a shared Ã packs its own, ~0.8 cycles per float against width/16 cycles of FMAs
// per float of Ã, so 512 columns keep that near 2.5 %.
#ifndef RK_TASKS_PER_THREAD
#define RK_TASKS_PER_THREAD 4
#endif
#ifndef RK_MIN_TASK_SPAN_SHARED
#define RK_MIN_TASK_SPAN_SHARED 64
#endif
#define RK_MIN_TASK_SPAN 512

static long task_cuts(long span, long parts, long minimum) {
    long cuts = span / parts / minimum;
    return cuts < 1 ? 1 : cuts > RK_TASKS_PER_THREAD ? RK_TASKS_PER_THREAD : cuts;
}

static void run(const rk_kernel_info *info, int threads, gemm_job *job) {
    if (threads <= 0) threads = rk_thread_count();
    long tm, tn;
    choose_grid(job->M, job->N, job->K, info->mr, info->nr, threads, &tm, &tn);
    job->sharedA = NULL;
    job->blocking = rk_blocking_for(info);
    if (tm * tn == 1) {
        job->tm = job->tn = 1;
        run_task(job, 0);
        return;
    }
    // Split over N: every task needs all of op(A), so pack it once, together, first.
    const int mr = info->mr;
    if (tm == 1 && job->M * job->K <= RK_SHARED_A_MAX) {
        size_t floats = ((size_t)job->M + (size_t)mr * (size_t)(job->M / job->blocking.mc + 1)) * job->K;
        float *shared = rk_thread_scratch(1, floats);
        if (shared) {
            shared_a_job pack = {.job = job, .shared = shared};
            long tiles = (job->M + mr - 1) / mr;
            // Small operands (a batch of 50 × 512) are packed by the caller alone.
            pack.parts = job->M * job->K < (64L << 10) ? 1 : (threads < tiles ? threads : tiles);
            if (pack.parts == 1) pack_shared_a(&pack, 0);
            else rk_parallel_for(threads, pack.parts, pack_shared_a, &pack);
            job->sharedA = shared;
        }
    }
    // Cut each thread's share into a few tasks that the threads take in turn: when another
    // process holds a core (a shared machine), the threads that do run take over the tasks of
    // the one that does not, instead of waiting for it.
    if (tn > 1) tn *= task_cuts(job->N, tn, job->sharedA ? RK_MIN_TASK_SPAN_SHARED : RK_MIN_TASK_SPAN);
    if (tm > 1) tm *= task_cuts(job->M, tm, RK_MIN_TASK_SPAN);
    job->tm = tm;
    job->tn = tn;
    rk_parallel_for(threads, tm * tn, run_task, job);
}

void rk_sgemm(int kernel, int threads, int transA, int transB, long M, long N, long K,
              float alpha, const float *A, long lda, const float *B, long ldb,
              float beta, float *C, long ldc) {
    rk_gemm_trace_record(RK_GEMM_CALL_MULTIPLY, transA, transB, M, N, K, beta);
    if (M <= 0 || N <= 0) return;
    if (K <= 0 || alpha == 0.0f) { scale_c(M, N, beta, C, ldc); return; }
    if (M == 1 && transB && !transA) {
        // One row times a weight stored (N, K): dot products straight from the weight, which
        // packing would copy in full for a single use (batch-1 sampling).
        int k = kernel >= 0 && rk_gemm_kernel_supported(kernel) ? kernel : rk_gemm_kernel_current();
        rk_sgemv_t(k, threads, N, K, alpha, A, B, ldb, beta, C);
        return;
    }
    const rk_kernel_info *info = rk_kernel_info_for(kernel);
    if (!info) info = rk_kernel_info_for(-1);
    gemm_job job = {.info = info, .transA = transA, .transB = transB, .M = M, .N = N, .K = K,
                    .alpha = alpha, .beta = beta, .A = A, .lda = lda, .B = B, .ldb = ldb,
                    .packed = NULL, .C = C, .ldc = ldc};
    run(info, threads, &job);
}

size_t rk_packed_b_size(int kernel, long K, long N) {
    const rk_kernel_info *info = rk_kernel_info_for(kernel);
    if (!info || K <= 0 || N <= 0) return 0;
    return (size_t)((N + info->nr - 1) / info->nr) * (size_t)info->nr * (size_t)K;
}

typedef struct {
    const rk_kernel_info *info;
    int transB;
    long K, N, ldb, parts;
    const float *B;
    float *packed;
} pack_job;

static void pack_task(void *context, long index) {
    const pack_job *j = context;
    const int nr = j->info->nr;
    long q0, q1;
    share((j->N + nr - 1) / nr, j->parts, index, &q0, &q1);
    long j0 = q0 * nr, j1 = q1 * nr < j->N ? q1 * nr : j->N;
    if (j0 < j1)
        pack_b(j->info, j->transB, j->B, j->ldb, 0, j->K, j0, j1 - j0, j->packed + q0 * j->K * nr,
               j->K * nr);
}

void rk_pack_b(int kernel, int threads, int transB, long K, long N, const float *B, long ldb,
               float *packed) {
    rk_gemm_trace_record(RK_GEMM_CALL_PACK, 0, transB, 0, N, K, 0.0f);
    const rk_kernel_info *info = rk_kernel_info_for(kernel);
    if (!info || K <= 0 || N <= 0) return;
    if (threads <= 0) threads = rk_thread_count();
    long panels = (N + info->nr - 1) / info->nr;
    long parts = K * N < RK_PARALLEL_MIN_FMAS ? 1 : (threads < panels ? threads : panels);
    pack_job job = {.info = info, .transB = transB, .K = K, .N = N, .ldb = ldb, .parts = parts,
                    .B = B, .packed = packed};
    if (parts <= 1) pack_task(&job, 0);
    else rk_parallel_for((int)parts, parts, pack_task, &job);
}

void rk_sgemm_packed(int kernel, int threads, int transA, long M, long N, long K, float alpha,
                     const float *A, long lda, const float *packed, float beta, float *C,
                     long ldc) {
    rk_gemm_trace_record(RK_GEMM_CALL_PACKED, transA, 0, M, N, K, beta);
    if (M <= 0 || N <= 0) return;
    if (K <= 0 || alpha == 0.0f) { scale_c(M, N, beta, C, ldc); return; }
    const rk_kernel_info *info = rk_kernel_info_for(kernel);
    if (!info) return;  // the Swift side checks the kernel a matrix was packed for
    gemm_job job = {.info = info, .transA = transA, .transB = 0, .M = M, .N = N, .K = K,
                    .alpha = alpha, .beta = beta, .A = A, .lda = lda, .B = NULL, .ldb = 0,
                    .packed = packed, .C = C, .ldc = ldc};
    run(info, threads, &job);
}
