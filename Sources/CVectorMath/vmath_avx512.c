// The AVX-512F path (16 lanes, masked tails), compiled for AVX-512F whatever the baseline and
// only called after the CPU has been checked (vmath_dispatch.c). Uses AVX-512F only (no DQ):
// bitwise float operations go through the integer forms.
#include "vmath_internal.h"

#ifdef RK_VM_X86
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)

#define VW 16
typedef __m512 vf;
typedef __mmask16 vm;

static inline vf vset1(float a) { return _mm512_set1_ps(a); }
static inline vf vload(const float *p) { return _mm512_loadu_ps(p); }
static inline void vstore(float *p, vf v) { _mm512_storeu_ps(p, v); }
static inline __mmask16 vlanemask(long m) { return (__mmask16)((1u << m) - 1u); }
static inline vf vloadn(const float *p, long m, float fill) {
    return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), vlanemask(m), p);
}
static inline void vstoren(float *p, vf v, long m) { _mm512_mask_storeu_ps(p, vlanemask(m), v); }
static inline vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf vsub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vdiv(vf a, vf b) { return _mm512_div_ps(a, b); }
static inline vf vfma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf vfnma(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); }
// vmaxps returns its second operand when either is NaN: with x second, NaN in x survives.
static inline vf vmax(vf a, vf b) { return _mm512_max_ps(a, b); }
static inline vf vclamp(vf x, vf lo, vf hi) { return _mm512_min_ps(hi, _mm512_max_ps(lo, x)); }
static inline vf vabs(vf x) {
    return _mm512_castsi512_ps(_mm512_and_epi32(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff)));
}
static inline vf vcopysign(vf magnitude, vf sign) {
    // ternary logic 0xCA: s ? sign : magnitude, bit by bit, with s the sign-bit mask
    return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_set1_epi32((int)0x80000000u),
        _mm512_castps_si512(sign), _mm512_castps_si512(magnitude), 0xCA));
}
static inline vm vlt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline vm vle(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
static inline vf vsel(vm m, vf t, vf f) { return _mm512_mask_blend_ps(m, f, t); }
static inline vf vround(vf v) {
    return _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
// vscalefps computes p·2^floor(n) in one rounding, with IEEE overflow and subnormals.
static inline vf vscale2n(vf p, vf n) { return _mm512_scalef_ps(p, n); }
static inline float vhmax(vf v) { return _mm512_reduce_max_ps(v); }
static inline float vhsum(vf v) { return _mm512_reduce_add_ps(v); }

#define VM_TABLE rk_vm_table_avx512
#include "vmath_body.h"

#pragma clang attribute pop
#endif
