// The portable path: one float per "vector", the same algorithms as the SIMD paths (the
// polynomial exp, not libm's), so every path computes the same function. Plain `a * b + c`
// rather than fmaf(): without hardware FMA fmaf() is a slow library call.
#include "vmath_internal.h"

#include <string.h>

#define VW 1
typedef float vf;
typedef int32_t vi;
typedef int vm;

static inline vf vset1(float a) { return a; }
static inline vf vload(const float *p) { return *p; }
static inline void vstore(float *p, vf v) { *p = v; }
// Never called with one lane (0 < m < VW is empty); present so the body compiles.
static inline vf vloadn(const float *p, long m, float fill) { return m > 0 ? *p : fill; }
static inline void vstoren(float *p, vf v, long m) { if (m > 0) *p = v; }
static inline vf vadd(vf a, vf b) { return a + b; }
static inline vf vsub(vf a, vf b) { return a - b; }
static inline vf vmul(vf a, vf b) { return a * b; }
static inline vf vdiv(vf a, vf b) { return a / b; }
static inline vf vfma(vf a, vf b, vf c) { return a * b + c; }
static inline vf vfnma(vf a, vf b, vf c) { return c - a * b; }
// NaN-propagating, like vmaxps with the accumulator first: max(NaN, x) keeps x, max(m, NaN) = NaN.
static inline vf vmax(vf a, vf b) { return a > b ? a : b; }
static inline vf vclamp(vf x, vf lo, vf hi) { return x < lo ? lo : (x > hi ? hi : x); }
static inline vf vabs(vf x) {
    uint32_t u; memcpy(&u, &x, 4); u &= 0x7fffffffu; memcpy(&x, &u, 4); return x;
}
static inline vf vcopysign(vf magnitude, vf sign) {
    uint32_t m, s; memcpy(&m, &magnitude, 4); memcpy(&s, &sign, 4);
    m = (m & 0x7fffffffu) | (s & 0x80000000u);
    memcpy(&magnitude, &m, 4); return magnitude;
}
static inline vm vlt(vf a, vf b) { return a < b; }
static inline vm vle(vf a, vf b) { return a <= b; }
// Selects by bit masks rather than `m ? t : f`: the compiler would otherwise sink the
// unselected computation into a branch, and on random signs those branches mispredict.
static inline vf vsel(vm m, vf t, vf f) {
    uint32_t a, b, k = (uint32_t)0 - (uint32_t)(m != 0);
    memcpy(&a, &t, 4); memcpy(&b, &f, 4);
    a = (a & k) | (b & ~k);
    memcpy(&t, &a, 4); return t;
}
// Round to nearest by adding and removing 1.5·2²³ (|v| ≤ 151 here): branch-free, NaN stays NaN.
static inline vf vround(vf v) { return (v + 12582912.0f) - 12582912.0f; }
static inline vf vpow2i(vi k) {
    uint32_t u = (uint32_t)(k + 127) << 23; vf f; memcpy(&f, &u, 4); return f;
}
// p·2ⁿ as p·2^(n>>1)·2^(n−(n>>1)): each factor is a normal float over n ∈ [−150, 129], and the
// product rounds once (subnormal results included) or overflows to inf. The integer n comes
// from the bits of n + 1.5·2²³ rather than a cast, which would be undefined for NaN.
static inline vf vscale2n(vf p, vf nf) {
    vf t = nf + 12582912.0f;
    int32_t n; memcpy(&n, &t, 4);
    n -= 0x4B400000;
    vi n1 = n >> 1;
    return p * vpow2i(n1) * vpow2i(n - n1);
}
static inline float vhmax(vf v) { return v; }
static inline float vhsum(vf v) { return v; }

#define VM_TABLE rk_vm_table_portable
#include "vmath_body.h"
