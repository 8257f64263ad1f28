// The int16-input kernel of the int8 proposal product (qgemv.c), written once and included
// twice: the includer defines Q16_TARGET (the function target), Q16_ACC(acc, w, x) (acc +
// the pair products of w and x, int32 lanes), Q16_TILE and Q16_ROWS (the functions' names).
//
// Sums: each (row, stream) in 16 int32 lanes, reduced and converted to float once per chunk of
// 4096 columns, so every stream gets the same integers and the same floats whichever rows and
// streams share its tile: y_s[j] = scale[j] · (xs_s · Σ_chunks float(Σ_p Q[j, p]·x16_s[p])).
// An int32 lane adds at most 4096/32 pair sums of |2·127·32767| < 2²³: no overflow.
#ifndef Q16_TARGET
#error "define Q16_TARGET, Q16_ACC, Q16_TILE and Q16_ROWS before including qgemv_int16_body.h"
#endif

#define Q16_CHUNK 4096

// Four rows from j (rows past j1 − 1 repeat the last one: computed, not stored) × `ns` ≤ 4
// streams list[0 ..< ns]: per block of 32 columns, each row's int8 block is widened to int16
// once and multiplied by every stream's int16 block. Inlined with a constant `ns`, so the
// 4 × ns accumulators are registers.
static inline __attribute__((always_inline, target(Q16_TARGET)))
void Q16_TILE(const int ns, long j, long j1, long K, const int *list, const short *x16, long ldx16,
              const float *xs, const signed char *Q, long ldq, const float *scale, float *y, long ldy) {
    const signed char *q[4];
    RK_UNROLL
    for (int r = 0; r < 4; r++) q[r] = Q + (j + r < j1 ? j + r : j1 - 1) * ldq;
    const short *x[4];
    RK_UNROLL
    for (int s = 0; s < ns; s++) x[s] = x16 + list[s] * ldx16;
    const long K32 = (K + 31) & ~31L, whole = K & ~31L;
    // The last block of a row that ends inside it reads bytes up to K only (x16 is zero past K).
    const __mmask32 tail = (__mmask32)((1u << (K % 32)) - 1);
    float d[4][4] = {{0}};
    for (long c0 = 0; c0 < K32; c0 += Q16_CHUNK) {
        const long c1 = c0 + Q16_CHUNK < K32 ? c0 + Q16_CHUNK : K32;
        __m512i a[4][4];
        RK_UNROLL
        for (int r = 0; r < 4; r++) {
            RK_UNROLL
            for (int s = 0; s < 4; s++) a[r][s] = _mm512_setzero_si512();
        }
        // One block of 32 columns at p: the rows' int8 blocks (LOAD) widened once, then every
        // stream's products. (Masked loads cost a third more on Zen 4: only the tail's.)
#define Q16_BLOCK(LOAD)                                                                    \
        do {                                                                               \
            __m512i w[4];                                                                  \
            RK_UNROLL                                                                      \
            for (int r = 0; r < 4; r++) w[r] = _mm512_cvtepi8_epi16(LOAD(q[r] + p));        \
            RK_UNROLL                                                                      \
            for (int s = 0; s < ns; s++) {                                                 \
                const __m512i xv = _mm512_loadu_si512((const void *)(x[s] + p));           \
                RK_UNROLL                                                                  \
                for (int r = 0; r < 4; r++) a[r][s] = Q16_ACC(a[r][s], w[r], xv);          \
            }                                                                              \
        } while (0)
#define Q16_WHOLE(at) _mm256_loadu_si256((const __m256i *)(at))
#define Q16_TAIL(at) _mm256_maskz_loadu_epi8(tail, (at))
        const long end = c1 < whole ? c1 : whole;
        long p = c0;
        for (; p < end; p += 32) Q16_BLOCK(Q16_WHOLE);
        if (p < c1) Q16_BLOCK(Q16_TAIL);
#undef Q16_BLOCK
#undef Q16_WHOLE
#undef Q16_TAIL
        RK_UNROLL
        for (int r = 0; r < 4; r++) {
            RK_UNROLL
            for (int s = 0; s < ns; s++) d[r][s] += (float)_mm512_reduce_add_epi32(a[r][s]);
        }
    }
    const long rows = j1 - j < 4 ? j1 - j : 4;
    for (int s = 0; s < ns; s++) {
        float *ys = y + list[s] * ldy;
        const float step = xs[list[s]];
        for (long r = 0; r < rows; r++) ys[j + r] = scale[j + r] * (step * d[r][s]);
    }
}

// Rows j0 ..< j1 for the `ns` streams list[0 ..< ns]: each group of four rows, read from memory
// once, goes through the tiles of every four streams while it is in L1.
static __attribute__((target(Q16_TARGET)))
void Q16_ROWS(long j0, long j1, long K, long ns, const int *list, const short *x16, long ldx16,
              const float *xs, const signed char *Q, long ldq, const float *scale, float *y, long ldy) {
    for (long j = j0; j < j1; j += 4)
        for (long s = 0; s < ns; s += 4) {
            const int *l = list + s;
            switch (ns - s) {
            case 1: Q16_TILE(1, j, j1, K, l, x16, ldx16, xs, Q, ldq, scale, y, ldy); break;
            case 2: Q16_TILE(2, j, j1, K, l, x16, ldx16, xs, Q, ldq, scale, y, ldy); break;
            case 3: Q16_TILE(3, j, j1, K, l, x16, ldx16, xs, Q, ldq, scale, y, ldy); break;
            default: Q16_TILE(4, j, j1, K, l, x16, ldx16, xs, Q, ldq, scale, y, ldy); break;
            }
        }
}

#undef Q16_CHUNK
