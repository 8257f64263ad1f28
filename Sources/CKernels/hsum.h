#ifndef RECURRENT_HSUM_H
#define RECURRENT_HSUM_H

// The horizontal sum the AVX2 matrix-vector kernels share (gemv.c, qgemv.c); not module API.

#include "gemm_internal.h"

#ifdef RK_X86
#include <immintrin.h>

/// The sum of v's 8 lanes, always added as ((0+4)+(2+6)) + ((1+5)+(3+7)), so every kernel that
/// reduces with it gets the same float for the same lanes.
static inline __attribute__((target("avx2,fma"))) float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#endif

#endif
