// arm64 Advanced SIMD micro-kernel: an 8 × 12 tile of C in 24 q-register accumulators
// (three 4-float vectors per row), three B̃ vectors and two vectors of Ã values used by lane:
// 29 of the 32 registers.
#include "gemm_internal.h"

#ifdef RK_ARM64
#include <arm_neon.h>

#define MR 8
#define NR 12

static inline __attribute__((always_inline))
void tile(const int rows, long n, long kc, const float *a, const float *b, float *c, long ldc,
          float alpha, float beta) {
    float32x4_t acc[MR][3];
    RK_UNROLL
    for (int i = 0; i < rows; i++)
        RK_UNROLL
        for (int v = 0; v < 3; v++) acc[i][v] = vdupq_n_f32(0);
    for (long p = 0; p < kc; p++) {
        const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
        const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
        RK_UNROLL
        for (int i = 0; i < rows; i++) {
            // The lane index must be a constant: select it from whole vectors.
            float32x4_t ai;
            switch (i) {
            case 0: ai = vdupq_laneq_f32(a0, 0); break;
            case 1: ai = vdupq_laneq_f32(a0, 1); break;
            case 2: ai = vdupq_laneq_f32(a0, 2); break;
            case 3: ai = vdupq_laneq_f32(a0, 3); break;
            case 4: ai = vdupq_laneq_f32(a1, 0); break;
            case 5: ai = vdupq_laneq_f32(a1, 1); break;
            case 6: ai = vdupq_laneq_f32(a1, 2); break;
            default: ai = vdupq_laneq_f32(a1, 3); break;
            }
            acc[i][0] = vfmaq_f32(acc[i][0], ai, b0);
            acc[i][1] = vfmaq_f32(acc[i][1], ai, b1);
            acc[i][2] = vfmaq_f32(acc[i][2], ai, b2);
        }
        a += MR;
        b += NR;
    }
    RK_UNROLL
    for (int i = 0; i < rows; i++) {
        float *ci = c + i * ldc;
        if (n == NR) {
            RK_UNROLL
            for (int v = 0; v < 3; v++) {
                float32x4_t r = vmulq_n_f32(acc[i][v], alpha);
                if (beta != 0.0f) r = vfmaq_n_f32(r, vld1q_f32(ci + 4 * v), beta);
                vst1q_f32(ci + 4 * v, r);
            }
        } else {
            float t[NR];
            RK_UNROLL
            for (int v = 0; v < 3; v++) vst1q_f32(t + 4 * v, vmulq_n_f32(acc[i][v], alpha));
            if (beta == 0.0f) for (long j = 0; j < n; j++) ci[j] = t[j];
            else for (long j = 0; j < n; j++) ci[j] = t[j] + beta * ci[j];
        }
    }
}

#define TILE(R) static void tile##R(long n, long kc, const float *a, const float *b, float *c, \
    long ldc, float alpha, float beta) { tile(R, n, kc, a, b, c, ldc, alpha, beta); }
TILE(1) TILE(2) TILE(3) TILE(4) TILE(5) TILE(6) TILE(7) TILE(8)

static void kernel(long m, long n, long kc, const float *a, const float *b, float *c, long ldc,
                   float alpha, float beta) {
    typedef void (*fn)(long, long, const float *, const float *, float *, long, float, float);
    static const fn tiles[MR + 1] = {0, tile1, tile2, tile3, tile4, tile5, tile6, tile7, tile8};
    tiles[m](n, kc, a, b, c, ldc, alpha, beta);
}

static const rk_kernel_info info = {.mr = MR, .nr = NR, .kc = 256, .mc = 1536, .nc = 480,
                                    .kernel = kernel};

const rk_kernel_info *rk_kernel_neon_info(void) { return &info; }

#endif
