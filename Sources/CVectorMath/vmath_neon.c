// The arm64 Advanced SIMD path (4 lanes). NEON is part of every arm64 CPU, so no check is
// needed; tails go through a small stack buffer.
#include "vmath_internal.h"

#ifdef RK_VM_ARM64
#include <arm_neon.h>
#include <string.h>

#define VW 4
typedef float32x4_t vf;
typedef int32x4_t vi;
typedef uint32x4_t vm;

static inline vf vset1(float a) { return vdupq_n_f32(a); }
static inline vf vload(const float *p) { return vld1q_f32(p); }
static inline void vstore(float *p, vf v) { vst1q_f32(p, v); }
static inline vf vloadn(const float *p, long m, float fill) {
    float buffer[4] = {fill, fill, fill, fill};
    memcpy(buffer, p, (size_t)m * sizeof(float));
    return vld1q_f32(buffer);
}
static inline void vstoren(float *p, vf v, long m) {
    float buffer[4];
    vst1q_f32(buffer, v);
    memcpy(p, buffer, (size_t)m * sizeof(float));
}
static inline vf vadd(vf a, vf b) { return vaddq_f32(a, b); }
static inline vf vsub(vf a, vf b) { return vsubq_f32(a, b); }
static inline vf vmul(vf a, vf b) { return vmulq_f32(a, b); }
static inline vf vdiv(vf a, vf b) { return vdivq_f32(a, b); }
static inline vf vfma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
static inline vf vfnma(vf a, vf b, vf c) { return vfmsq_f32(c, a, b); }
// FMAX/FMIN return NaN when either operand is NaN.
static inline vf vmax(vf a, vf b) { return vmaxq_f32(a, b); }
static inline vf vclamp(vf x, vf lo, vf hi) { return vminq_f32(hi, vmaxq_f32(lo, x)); }
static inline vf vabs(vf x) { return vabsq_f32(x); }
static inline vf vcopysign(vf magnitude, vf sign) {
    return vbslq_f32(vdupq_n_u32(0x80000000u), sign, magnitude);
}
static inline vm vlt(vf a, vf b) { return vcltq_f32(a, b); }
static inline vm vle(vf a, vf b) { return vcleq_f32(a, b); }
static inline vf vsel(vm m, vf t, vf f) { return vbslq_f32(m, t, f); }
static inline vf vround(vf v) { return vrndnq_f32(v); }  // to nearest, ties to even
static inline vf vpow2i(vi k) {
    return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k, vdupq_n_s32(127)), 23));
}
// p·2ⁿ as p·2^(n>>1)·2^(n−(n>>1)): each factor is a normal float over n ∈ [−150, 129], and the
// product rounds once (subnormal results included) or overflows to inf.
static inline vf vscale2n(vf p, vf nf) {
    vi n = vcvtq_s32_f32(nf);  // exact: nf is integral (NaN gives 0)
    vi n1 = vshrq_n_s32(n, 1);
    return vmulq_f32(vmulq_f32(p, vpow2i(n1)), vpow2i(vsubq_s32(n, n1)));
}
static inline float vhmax(vf v) { return vmaxvq_f32(v); }
static inline float vhsum(vf v) { return vaddvq_f32(v); }

#define VM_TABLE rk_vm_table_neon
#include "vmath_body.h"
#endif
