// The Adam update for the common case (no weight decay, no amsgrad), eight or sixteen
// parameters at a time. Each lane does exactly the operations of the scalar Swift loop in
// Adam.swift, in the same order, with no fused multiply-adds (explicit multiply, then add),
// so results are identical on every path:
//
//   m ← m + w1·(g − m)          (torch.lerp(m, g, w1) for w1 < 0.5)
//   v ← v·b2 + w2·g·g
//   θ ← θ + (−stepSize)·m / (√v / bc2 + eps)
//
// The path is the vector-math path (rk_vm_path_current unless given), like every other
// elementwise kernel; the GEMM kernel setting does not choose it.
#include "vmath_internal.h"

#ifdef RK_VM_X86
#include <immintrin.h>
#endif

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

static long adam_portable(long n, float *theta, const float *grad, float *m, float *v, float w1,
                          float b2, float w2, float bc2, float eps, float negStep) {
    for (long i = 0; i < n; i++) {
        float g = grad[i];
        float mi = m[i] + w1 * (g - m[i]);
        float vi = v[i] * b2 + (w2 * g) * g;
        m[i] = mi;
        v[i] = vi;
        theta[i] = theta[i] + (negStep * mi) / (__builtin_sqrtf(vi) / bc2 + eps);
    }
    return n;
}

#ifdef RK_VM_X86
__attribute__((target("avx512f")))
static long adam_avx512(long n, float *theta, const float *grad, float *m, float *v, float w1,
                        float b2, float w2, float bc2, float eps, float negStep) {
    const __m512 W1 = _mm512_set1_ps(w1), B2 = _mm512_set1_ps(b2), W2 = _mm512_set1_ps(w2);
    const __m512 BC2 = _mm512_set1_ps(bc2), EPS = _mm512_set1_ps(eps), NS = _mm512_set1_ps(negStep);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 g = _mm512_loadu_ps(grad + i), mo = _mm512_loadu_ps(m + i), vo = _mm512_loadu_ps(v + i);
        __m512 mi = _mm512_add_ps(mo, _mm512_mul_ps(W1, _mm512_sub_ps(g, mo)));
        __m512 vi = _mm512_add_ps(_mm512_mul_ps(vo, B2), _mm512_mul_ps(_mm512_mul_ps(W2, g), g));
        __m512 d = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), BC2), EPS);
        _mm512_storeu_ps(m + i, mi);
        _mm512_storeu_ps(v + i, vi);
        _mm512_storeu_ps(theta + i, _mm512_add_ps(_mm512_loadu_ps(theta + i), _mm512_div_ps(_mm512_mul_ps(NS, mi), d)));
    }
    return i;
}

__attribute__((target("avx2")))
static long adam_avx2(long n, float *theta, const float *grad, float *m, float *v, float w1,
                      float b2, float w2, float bc2, float eps, float negStep) {
    const __m256 W1 = _mm256_set1_ps(w1), B2 = _mm256_set1_ps(b2), W2 = _mm256_set1_ps(w2);
    const __m256 BC2 = _mm256_set1_ps(bc2), EPS = _mm256_set1_ps(eps), NS = _mm256_set1_ps(negStep);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 g = _mm256_loadu_ps(grad + i), mo = _mm256_loadu_ps(m + i), vo = _mm256_loadu_ps(v + i);
        __m256 mi = _mm256_add_ps(mo, _mm256_mul_ps(W1, _mm256_sub_ps(g, mo)));
        __m256 vi = _mm256_add_ps(_mm256_mul_ps(vo, B2), _mm256_mul_ps(_mm256_mul_ps(W2, g), g));
        __m256 d = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), BC2), EPS);
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        _mm256_storeu_ps(theta + i, _mm256_add_ps(_mm256_loadu_ps(theta + i), _mm256_div_ps(_mm256_mul_ps(NS, mi), d)));
    }
    return i;
}
#endif

void rk_vm_adam_update(int path, long n, float *theta, const float *grad, float *m, float *v, float w1,
                       float b2, float w2, float bc2, float eps, float negStep) {
    if (path < 0 || !rk_vm_path_supported(path)) path = rk_vm_path_current();
    long done = 0;
#ifdef RK_VM_X86
    if (path == RK_VM_PATH_AVX512) done = adam_avx512(n, theta, grad, m, v, w1, b2, w2, bc2, eps, negStep);
    else if (path == RK_VM_PATH_AVX2) done = adam_avx2(n, theta, grad, m, v, w1, b2, w2, bc2, eps, negStep);
#endif
    adam_portable(n - done, theta + done, grad + done, m + done, v + done, w1, b2, w2, bc2, eps, negStep);
}
