// The AVX2 + FMA path (8 lanes), compiled for those instructions whatever the baseline and
// only called after the CPU has been checked (vmath_dispatch.c).
#include "vmath_internal.h"

#ifdef RK_VM_X86
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

#define VW 8
typedef __m256 vf;
typedef __m256i vi;
typedef __m256 vm;

static inline vf vset1(float a) { return _mm256_set1_ps(a); }
static inline vf vload(const float *p) { return _mm256_loadu_ps(p); }
static inline void vstore(float *p, vf v) { _mm256_storeu_ps(p, v); }
static inline __m256i vlanemask(long m) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)m), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline vf vloadn(const float *p, long m, float fill) {
    __m256i mask = vlanemask(m);
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, mask), _mm256_castsi256_ps(mask));
}
static inline void vstoren(float *p, vf v, long m) { _mm256_maskstore_ps(p, vlanemask(m), v); }
static inline vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf vsub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static inline vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vdiv(vf a, vf b) { return _mm256_div_ps(a, b); }
static inline vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vfnma(vf a, vf b, vf c) { return _mm256_fnmadd_ps(a, b, c); }
// vmaxps returns its second operand when either is NaN: with x second, NaN in x survives.
static inline vf vmax(vf a, vf b) { return _mm256_max_ps(a, b); }
static inline vf vclamp(vf x, vf lo, vf hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, x)); }
static inline vf vabs(vf x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }
static inline vf vcopysign(vf magnitude, vf sign) {
    const vf s = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(s, magnitude), _mm256_and_ps(s, sign));
}
static inline vm vlt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline vm vle(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
static inline vf vsel(vm m, vf t, vf f) { return _mm256_blendv_ps(f, t, m); }
static inline vf vround(vf v) { return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
static inline vf vpow2i(vi k) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23));
}
// p·2ⁿ as p·2^(n>>1)·2^(n−(n>>1)): each factor is a normal float over n ∈ [−150, 129], and the
// product rounds once (subnormal results included) or overflows to inf.
static inline vf vscale2n(vf p, vf nf) {
    vi n = _mm256_cvtps_epi32(nf);  // exact: nf is integral (NaN gives a harmless integer)
    vi n1 = _mm256_srai_epi32(n, 1);
    return _mm256_mul_ps(_mm256_mul_ps(p, vpow2i(n1)), vpow2i(_mm256_sub_epi32(n, n1)));
}
static inline float vhmax(vf v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}
static inline float vhsum(vf v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#define VM_TABLE rk_vm_table_avx2
#include "vmath_body.h"

#pragma clang attribute pop
#endif
