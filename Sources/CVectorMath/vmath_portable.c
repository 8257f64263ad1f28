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
static inline vf vsel(vm m, vf t, vf f) { return m ? t : f; }
// Round half away from zero (ties are immaterial to the reduction). NaN would make the cast
// undefined, so it maps to 0; the NaN travels on through r.
static inline vi vroundi(vf v) {
    if (!(v == v)) return 0;
    return (vi)(v + (v >= 0 ? 0.5f : -0.5f));
}
static inline vf vi2f(vi v) { return (vf)v; }
static inline vf vpow2i(vi k) {
    uint32_t u = (uint32_t)(k + 127) << 23; vf f; memcpy(&f, &u, 4); return f;
}
static inline vf vldexp2(vf p, vi n) {
    vi n1 = n >> 1;
    return p * vpow2i(n1) * vpow2i(n - n1);
}
static inline float vhmax(vf v) { return v; }
static inline float vhsum(vf v) { return v; }

#define VM_TABLE rk_vm_table_portable
#include "vmath_body.h"
