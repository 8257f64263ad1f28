// The portable path: four-lane generic vectors (the GCC/Clang `vector_size` extension, which
// every compiler SwiftPM uses accepts), lowered to whatever SIMD the baseline target has —
// SSE2 on x86-64, Advanced SIMD on arm64, scalar code elsewhere. The same algorithms as the
// other paths (the polynomial exp, not libm's), so every path computes the same function.
// Plain `a * b + c`: no fused multiply-add is assumed.
#include "vmath_internal.h"

#include <string.h>

#define VW 4
typedef float vf __attribute__((vector_size(16)));
typedef int32_t vi __attribute__((vector_size(16)));
typedef vi vm;  // comparison results: all ones or all zeros per lane

static inline vf vset1(float a) { return (vf){a, a, a, a}; }
static inline vf vload(const float *p) { vf r; memcpy(&r, p, sizeof r); return r; }
static inline void vstore(float *p, vf v) { memcpy(p, &v, sizeof v); }
static inline vf vloadn(const float *p, long m, float fill) {
    vf r = vset1(fill);
    memcpy(&r, p, (size_t)m * sizeof(float));
    return r;
}
static inline void vstoren(float *p, vf v, long m) { memcpy(p, &v, (size_t)m * sizeof(float)); }
static inline vf vadd(vf a, vf b) { return a + b; }
static inline vf vsub(vf a, vf b) { return a - b; }
static inline vf vmul(vf a, vf b) { return a * b; }
static inline vf vdiv(vf a, vf b) { return a / b; }
static inline vf vfma(vf a, vf b, vf c) { return a * b + c; }
static inline vf vfnma(vf a, vf b, vf c) { return c - a * b; }
static inline vf vsel(vm m, vf t, vf f) { return (vf)(((vi)t & m) | ((vi)f & ~m)); }
static inline vm vlt(vf a, vf b) { return a < b; }   // ordered: false for NaN
static inline vm vle(vf a, vf b) { return a <= b; }
// As vmaxps with the accumulator first: max(NaN, x) gives x, max(m, NaN) gives NaN.
static inline vf vmax(vf a, vf b) { return vsel(b < a, a, b); }
static inline vf vclamp(vf x, vf lo, vf hi) {   // NaN fails both tests and stays
    x = vsel(x < lo, lo, x);
    return vsel(x > hi, hi, x);
}
static inline vf vabs(vf x) { return (vf)((vi)x & 0x7fffffff); }
static inline vf vcopysign(vf magnitude, vf sign) {
    return (vf)(((vi)magnitude & 0x7fffffff) | ((vi)sign & (vi){INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN}));
}
// Round to nearest by adding and removing 1.5·2²³ (|v| ≤ 151 here): branch-free, NaN stays NaN.
static inline vf vround(vf v) { return (v + 12582912.0f) - 12582912.0f; }
// p·2ⁿ as p·2^(n>>1)·2^(n−(n>>1)): each factor is a normal float over n ∈ [−150, 129], and the
// product rounds once (subnormal results included) or overflows to inf. The integer n comes
// from the bits of n + 1.5·2²³ rather than a conversion (NaN gives a harmless integer).
static inline vf vscale2n(vf p, vf nf) {
    vi n = (vi)(nf + 12582912.0f) - 0x4B400000;
    vi n1 = n >> 1, n2 = n - n1;
    return p * (vf)((n1 + 127) << 23) * (vf)((n2 + 127) << 23);
}
static inline float vhmax(vf v) {
    float a = v[0] > v[1] ? v[0] : v[1], b = v[2] > v[3] ? v[2] : v[3];
    return a > b ? a : b;
}
static inline float vhsum(vf v) { return (v[0] + v[1]) + (v[2] + v[3]); }

#define VM_TABLE rk_vm_table_portable
#include "vmath_body.h"
