// Every vmath kernel, written once against a small set of vector primitives. Not a header to
// include anywhere else: each instruction-set file defines the primitives below, then includes
// this file once, which emits `VM_TABLE` (that path's rk_vm_table).
//
// Primitives the includer defines (vf: float vector of VW lanes; vi: int32 vector; vm: mask):
//   vset1(a)  vload(p)  vstore(p, v)  vloadn(p, m, fill)  vstoren(p, v, m)   (0 < m < VW lanes;
//             vloadn fills lanes m..VW−1 with `fill`)
//   vadd vsub vmul vdiv  vfma(a, b, c) = a·b + c  vfnma(a, b, c) = c − a·b
//   vmax  vclamp(x, lo, hi) (NaN stays NaN)  vabs  vcopysign(magnitude, sign)
//   vlt(a, b) vle(a, b) (ordered: false when either is NaN)  vsel(mask, ifTrue, ifFalse)
//   vround(v) (to the nearest integer, as a float)  vscale2n(p, n) = p·2ⁿ for an integral n in
//             [−150, 129], rounded once, overflowing to inf
//   vhmax(v)  vhsum(v)
#ifndef VM_TABLE
#error "define the primitives and VM_TABLE before including vmath_body.h"
#endif

#include <math.h>
#include <string.h>

#define VM_INF __builtin_inff()

// MARK: - exp, sigmoid, tanh on one vector

// exp(x): Cody-Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, with ln2 split in a part exact in
// float (0.693359375) and a remainder, then Cephes' degree-7 polynomial for e^r, then 2^n.
// x is clamped to [−104, 89] first: beyond those e^x is 0 or +inf in float anyway, and the
// clamp keeps n in [−150, 129], the range vscale2n handles (subnormal results included).
static inline vf vexp(vf x) {
    x = vclamp(x, vset1(-104.0f), vset1(89.0f));
    vf n = vround(vmul(x, vset1(1.44269504088896341f)));
    vf r = vfnma(n, vset1(0.693359375f), x);
    r = vfnma(n, vset1(-2.12194440e-4f), r);
    vf p = vset1(1.9875691500e-4f);
    p = vfma(p, r, vset1(1.3981999507e-3f));
    p = vfma(p, r, vset1(8.3334519073e-3f));
    p = vfma(p, r, vset1(4.1665795894e-2f));
    p = vfma(p, r, vset1(1.6666665459e-1f));
    p = vfma(p, r, vset1(5.0000001201e-1f));
    p = vfma(p, vmul(r, r), r);
    p = vadd(p, vset1(1.0f));
    return vscale2n(p, n);
}

// σ(x) from e = exp(−|x|) ∈ (0, 1], so no intermediate is ever infinite:
// x ≥ 0: 1 / (1 + e);  x < 0: e / (1 + e). NaN fails `x < 0` and gives 1/NaN = NaN.
static inline vf vsigmoid(vf x) {
    vf e = vexp(vsub(vset1(0.0f), vabs(x)));
    vf numerator = vsel(vlt(x, vset1(0.0f)), e, vset1(1.0f));
    return vdiv(numerator, vadd(vset1(1.0f), e));
}

// tanh(x): for |x| < 0.625 Cephes' odd polynomial x + x³·P(x²) (no cancellation near 0);
// above, sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|) ≤ 0.29, which never overflows and
// saturates to ±1. NaN fails `|x| < 0.625` and flows through exp to NaN.
static inline vf vtanh(vf x) {
    vf a = vabs(x);
    vf z = vmul(x, x);
    vf p = vset1(-5.70498872745e-3f);
    p = vfma(p, z, vset1(2.06390887954e-2f));
    p = vfma(p, z, vset1(-5.37397155531e-2f));
    p = vfma(p, z, vset1(1.33314422036e-1f));
    p = vfma(p, z, vset1(-3.33332819422e-1f));
    vf small = vfma(vmul(p, z), x, x);
    vf e = vexp(vmul(a, vset1(-2.0f)));
    vf large = vdiv(vsub(vset1(1.0f), e), vadd(vset1(1.0f), e));
    // tanh is odd: the sign goes on last, which also keeps tanh(−0) = −0.
    return vcopysign(vsel(vlt(a, vset1(0.625f)), small, large), x);
}

// Loads and stores of the block at column j of a row of n: full vectors, or the last m < VW
// lanes (padding lanes read as `fill` and are never written).
static inline vf ld(const float *p, long m, float fill) {
    return m == VW ? vload(p) : vloadn(p, m, fill);
}
static inline void st(float *p, vf v, long m) {
    if (m == VW) vstore(p, v); else vstoren(p, v, m);
}
static inline long lanes(long j, long n) { return n - j < VW ? n - j : VW; }

// MARK: - Arrays

static void a_exp(long n, const float *x, float *y) {
    for (long j = 0; j < n; j += VW) { long m = lanes(j, n); st(y + j, vexp(ld(x + j, m, 0)), m); }
}
static void a_sigmoid(long n, const float *x, float *y) {
    for (long j = 0; j < n; j += VW) { long m = lanes(j, n); st(y + j, vsigmoid(ld(x + j, m, 0)), m); }
}
static void a_tanh(long n, const float *x, float *y) {
    for (long j = 0; j < n; j += VW) { long m = lanes(j, n); st(y + j, vtanh(ld(x + j, m, 0)), m); }
}

// MARK: - LSTM

static void lstm_forward(long B, long H, float *gates, long ldg, const float *bias,
                         const float *c_prev, long ldcp,
                         const float *w_ci, const float *w_cf, const float *w_co,
                         float *c, long ldc, float *tanh_c, long ldt, float *h, long ldh) {
    for (long b = 0; b < B; b++) {
        float *gi = gates + b * ldg, *gf = gi + H, *gg = gf + H, *go = gg + H;
        const float *cp = c_prev + b * ldcp;
        float *cr = c + b * ldc, *hr = h + b * ldh, *tr = tanh_c ? tanh_c + b * ldt : NULL;
        for (long j = 0; j < H; j += VW) {
            long m = lanes(j, H);
            vf cprev = ld(cp + j, m, 0);
            vf ai = ld(gi + j, m, 0), af = ld(gf + j, m, 0), ag = ld(gg + j, m, 0), ao = ld(go + j, m, 0);
            if (bias) {
                ai = vadd(ai, ld(bias + j, m, 0));
                af = vadd(af, ld(bias + H + j, m, 0));
                ag = vadd(ag, ld(bias + 2 * H + j, m, 0));
                ao = vadd(ao, ld(bias + 3 * H + j, m, 0));
            }
            if (w_ci) ai = vfma(ld(w_ci + j, m, 0), cprev, ai);
            if (w_cf) af = vfma(ld(w_cf + j, m, 0), cprev, af);
            vf i = vsigmoid(ai), f = vsigmoid(af), g = vtanh(ag);
            vf cell = vfma(f, cprev, vmul(i, g));
            if (w_co) ao = vfma(ld(w_co + j, m, 0), cell, ao);
            vf o = vsigmoid(ao), tc = vtanh(cell);
            st(gi + j, i, m); st(gf + j, f, m); st(gg + j, g, m); st(go + j, o, m);
            st(cr + j, cell, m);
            if (tr) st(tr + j, tc, m);
            st(hr + j, vmul(o, tc), m);
        }
    }
}

static void lstm_backward(long B, long H, const float *gates, long ldg,
                          const float *c, long ldc, const float *tanh_c, long ldt,
                          const float *c_prev, long ldcp,
                          const float *w_ci, const float *w_cf, const float *w_co,
                          const float *dh, long lddh, const float *dh_next, long lddhn,
                          const float *dc_next, long lddcn,
                          float *dgates, long lddg, float *dc_prev, long lddcp,
                          float *dw_ci, float *dw_cf, float *dw_co) {
    const vf one = vset1(1.0f);
    const int peepI = w_ci != NULL, peepF = w_cf != NULL, peepO = w_co != NULL;
    const int gradI = peepI && dw_ci, gradF = peepF && dw_cf, gradO = peepO && dw_co;
    for (long b = 0; b < B; b++) {
        const float *gi = gates + b * ldg, *gf = gi + H, *gg = gf + H, *go = gg + H;
        float *di = dgates + b * lddg, *df = di + H, *dg = df + H, *dout = dg + H;
        const float *cr = c ? c + b * ldc : NULL, *tr = tanh_c + b * ldt, *cp = c_prev + b * ldcp;
        const float *dhr = dh + b * lddh, *dhn = dh_next ? dh_next + b * lddhn : NULL;
        const float *dcn = dc_next ? dc_next + b * lddcn : NULL;
        float *dcp = dc_prev + b * lddcp;
        for (long j = 0; j < H; j += VW) {
            long m = lanes(j, H);
            vf i = ld(gi + j, m, 0), f = ld(gf + j, m, 0), g = ld(gg + j, m, 0), o = ld(go + j, m, 0);
            vf tc = ld(tr + j, m, 0), cprev = ld(cp + j, m, 0), dhv = ld(dhr + j, m, 0);
            if (dhn) dhv = vadd(dhv, ld(dhn + j, m, 0));
            vf dc = dcn ? ld(dcn + j, m, 0) : vset1(0.0f);
            // δo = dh·tanh(c)·o(1−o)
            vf dOut = vmul(vmul(dhv, tc), vmul(o, vsub(one, o)));
            // dc += dh·o·(1 − tanh²c)  (+ δo·w_co: the output gate saw c)
            dc = vfma(vmul(dhv, o), vfnma(tc, tc, one), dc);
            if (peepO) dc = vfma(dOut, ld(w_co + j, m, 0), dc);
            vf dI = vmul(vmul(dc, g), vmul(i, vsub(one, i)));
            vf dF = vmul(vmul(dc, cprev), vmul(f, vsub(one, f)));
            vf dG = vmul(vmul(dc, i), vfnma(g, g, one));
            vf dcPrev = vmul(dc, f);
            if (peepI) dcPrev = vfma(dI, ld(w_ci + j, m, 0), dcPrev);
            if (peepF) dcPrev = vfma(dF, ld(w_cf + j, m, 0), dcPrev);
            if (gradI) st(dw_ci + j, vfma(dI, cprev, ld(dw_ci + j, m, 0)), m);
            if (gradF) st(dw_cf + j, vfma(dF, cprev, ld(dw_cf + j, m, 0)), m);
            if (gradO) st(dw_co + j, vfma(dOut, ld(cr + j, m, 0), ld(dw_co + j, m, 0)), m);
            st(di + j, dI, m); st(df + j, dF, m); st(dg + j, dG, m); st(dout + j, dOut, m);
            st(dcp + j, dcPrev, m);
        }
    }
}

// MARK: - GRU

static void gru_forward(long B, long H, float *gi, long ldgi, const float *b_ih,
                        const float *gh, long ldgh, const float *b_hh,
                        const float *h_prev, long ldhp, float *mlin, long ldm, float *h, long ldh) {
    for (long b = 0; b < B; b++) {
        float *ir = gi + b * ldgi, *iz = ir + H, *in = iz + H;
        const float *hr = gh + b * ldgh, *hz = hr + H, *hn = hz + H;
        const float *hp = h_prev + b * ldhp;
        float *mr = mlin + b * ldm, *out = h + b * ldh;
        for (long j = 0; j < H; j += VW) {
            long m = lanes(j, H);
            vf sr = vadd(ld(ir + j, m, 0), ld(hr + j, m, 0));
            vf sz = vadd(ld(iz + j, m, 0), ld(hz + j, m, 0));
            vf xn = ld(in + j, m, 0), ghn = ld(hn + j, m, 0);
            if (b_ih) {
                sr = vadd(sr, ld(b_ih + j, m, 0));
                sz = vadd(sz, ld(b_ih + H + j, m, 0));
                xn = vadd(xn, ld(b_ih + 2 * H + j, m, 0));
            }
            if (b_hh) {
                sr = vadd(sr, ld(b_hh + j, m, 0));
                sz = vadd(sz, ld(b_hh + H + j, m, 0));
                ghn = vadd(ghn, ld(b_hh + 2 * H + j, m, 0));
            }
            vf r = vsigmoid(sr), z = vsigmoid(sz);
            vf n = vtanh(vfma(r, ghn, xn));
            vf hprev = ld(hp + j, m, 0);
            st(ir + j, r, m); st(iz + j, z, m); st(in + j, n, m);
            st(mr + j, ghn, m);
            st(out + j, vfma(z, vsub(hprev, n), n), m);
        }
    }
}

static void gru_backward(long B, long H, const float *gates, long ldg, const float *gh_n, long ldghn,
                         const float *h_prev, long ldhp, const float *dh, long lddh,
                         const float *dh_next, long lddhn,
                         float *dgi, long lddgi, float *dgh, long lddgh, float *dh_prev, long lddhp) {
    const vf one = vset1(1.0f);
    for (long b = 0; b < B; b++) {
        const float *gr = gates + b * ldg, *gz = gr + H, *gn = gz + H;
        const float *ghn = gh_n + b * ldghn, *hp = h_prev + b * ldhp, *dhr = dh + b * lddh;
        const float *dhn = dh_next ? dh_next + b * lddhn : NULL;
        float *ir = dgi + b * lddgi, *iz = ir + H, *in = iz + H;
        float *hr = dgh + b * lddgh, *hz = hr + H, *hn = hz + H;
        float *dhp = dh_prev + b * lddhp;
        for (long j = 0; j < H; j += VW) {
            long m = lanes(j, H);
            vf r = ld(gr + j, m, 0), z = ld(gz + j, m, 0), n = ld(gn + j, m, 0);
            vf hnv = ld(ghn + j, m, 0), hprev = ld(hp + j, m, 0), d = ld(dhr + j, m, 0);
            if (dhn) d = vadd(d, ld(dhn + j, m, 0));
            vf dN = vmul(vmul(d, vsub(one, z)), vfnma(n, n, one));
            vf dZ = vmul(vmul(d, vsub(hprev, n)), vmul(z, vsub(one, z)));
            vf dR = vmul(vmul(dN, hnv), vmul(r, vsub(one, r)));
            vf dHp = vmul(d, z);
            st(ir + j, dR, m); st(iz + j, dZ, m); st(in + j, dN, m);
            st(hr + j, dR, m); st(hz + j, dZ, m); st(hn + j, vmul(dN, r), m);
            st(dhp + j, dHp, m);
        }
    }
}

// MARK: - RNN

static void rnn_forward(int activation, long B, long H, const float *a, long lda, const float *bias,
                        float *h, long ldh) {
    for (long b = 0; b < B; b++) {
        const float *ar = a + b * lda;
        float *hr = h + b * ldh;
        for (long j = 0; j < H; j += VW) {
            long m = lanes(j, H);
            vf v = ld(ar + j, m, 0);
            if (bias) v = vadd(v, ld(bias + j, m, 0));
            // relu(NaN) = NaN, as PyTorch: `a ≤ 0` is false for NaN.
            v = activation == RK_VM_RNN_RELU ? vsel(vle(v, vset1(0.0f)), vset1(0.0f), v) : vtanh(v);
            st(hr + j, v, m);
        }
    }
}

static void rnn_backward(int activation, long B, long H, const float *h, long ldh,
                         const float *dh, long lddh, const float *dh_next, long lddhn, float *da, long ldda) {
    const vf one = vset1(1.0f), zero = vset1(0.0f);
    for (long b = 0; b < B; b++) {
        const float *hr = h + b * ldh, *dhr = dh + b * lddh, *dhn = dh_next ? dh_next + b * lddhn : NULL;
        float *dar = da + b * ldda;
        for (long j = 0; j < H; j += VW) {
            long m = lanes(j, H);
            vf y = ld(hr + j, m, 0), d = ld(dhr + j, m, 0);
            if (dhn) d = vadd(d, ld(dhn + j, m, 0));
            vf out = activation == RK_VM_RNN_RELU ? vsel(vlt(zero, y), d, zero)
                                                  : vmul(d, vfnma(y, y, one));
            st(dar + j, out, m);
        }
    }
}

// MARK: - Rows: max, Σ exp, scale

static float row_max(const float *x, long V) {
    vf m0 = vset1(-VM_INF), m1 = m0;
    long j = 0;
    for (; j + 2 * VW <= V; j += 2 * VW) {
        m0 = vmax(m0, vload(x + j));
        m1 = vmax(m1, vload(x + j + VW));
    }
    for (; j < V; j += VW) m0 = vmax(m0, ld(x + j, lanes(j, V), -VM_INF));
    return vhmax(vmax(m0, m1));
}

// Requests the 64-byte lines of next[j ..< j + 2·VW] into cache.
static inline void prefetch_block(const float *next, long j) {
    for (long k = 0; k < 2 * VW; k += 16) __builtin_prefetch(next + j + k, 0, 3);
}

// Σ_v exp(β·(x[v] − shift)); also stores each term in y[v] when y is not NULL (y may be x).
// `next` (V floats or NULL) is the row the caller will read after this one: its lines are
// requested while this row, already in cache from the max pass, is exponentiated, so the
// next max pass does not wait for memory. Inlined into callers that pass β = 1, where the
// multiply folds away.
static inline __attribute__((always_inline))
float row_exp_sum(const float *x, long V, float shift, float beta, float *y, const float *next) {
    const vf s = vset1(shift), bt = vset1(beta);
    vf acc0 = vset1(0.0f), acc1 = acc0;
    long j = 0;
    if (y) {
        for (; j + 2 * VW <= V; j += 2 * VW) {
            if (next) prefetch_block(next, j);
            vf e0 = vexp(vmul(vsub(vload(x + j), s), bt));
            vf e1 = vexp(vmul(vsub(vload(x + j + VW), s), bt));
            vstore(y + j, e0); vstore(y + j + VW, e1);
            acc0 = vadd(acc0, e0); acc1 = vadd(acc1, e1);
        }
    } else {
        for (; j + 2 * VW <= V; j += 2 * VW) {
            if (next) prefetch_block(next, j);
            acc0 = vadd(acc0, vexp(vmul(vsub(vload(x + j), s), bt)));
            acc1 = vadd(acc1, vexp(vmul(vsub(vload(x + j + VW), s), bt)));
        }
    }
    for (; j < V; j += VW) {
        long m = lanes(j, V);
        // Padding lanes read −inf, so they add exp(−inf) = 0.
        vf e = vexp(vmul(vsub(ld(x + j, m, -VM_INF), s), bt));
        if (y) st(y + j, e, m);
        acc0 = vadd(acc0, e);
    }
    return vhsum(vadd(acc0, acc1));
}

static void row_scale(float *y, long V, float k) {
    const vf kv = vset1(k);
    for (long j = 0; j < V; j += VW) { long m = lanes(j, V); st(y + j, vmul(ld(y + j, m, 0), kv), m); }
}

static void row_add(const float *x, long V, float a, float *y) {
    const vf av = vset1(a);
    for (long j = 0; j < V; j += VW) { long m = lanes(j, V); st(y + j, vadd(ld(x + j, m, 0), av), m); }
}

static long count_pos_inf(const float *x, long V) {
    long k = 0;
    for (long j = 0; j < V; j++) k += x[j] == VM_INF;
    return k;
}

// MARK: - Softmax, log-softmax, log-sum-exp

static void softmax_rows(long N, long V, float beta, const float *x, long ldx, float *y, long ldy) {
    for (long r = 0; r < N; r++) {
        const float *xr = x + r * ldx;
        float *yr = y + r * ldy;
        float m = row_max(xr, V);
        if (m == VM_INF) {  // the limit of softmax as the +inf entries grow: uniform over them
            float share = 1.0f / (float)count_pos_inf(xr, V);
            for (long j = 0; j < V; j++) yr[j] = xr[j] == VM_INF ? share : 0.0f;
            continue;
        }
        float sum = row_exp_sum(xr, V, m, beta, yr, r + 1 < N ? xr + ldx : NULL);
        row_scale(yr, V, 1.0f / sum);
    }
}

static float row_logsumexp(const float *x, long V, const float *next) {
    float m = row_max(x, V);
    if (m == VM_INF || m == -VM_INF) return m;  // +inf dominates; all −inf: log 0 = −inf
    return (float)((double)m + log((double)row_exp_sum(x, V, m, 1.0f, NULL, next)));
}

static void logsumexp_rows(long N, long V, const float *x, long ldx, float *out) {
    for (long r = 0; r < N; r++) out[r] = row_logsumexp(x + r * ldx, V, r + 1 < N ? x + (r + 1) * ldx : NULL);
}

static void log_softmax_rows(long N, long V, const float *x, long ldx, float *y, long ldy) {
    for (long r = 0; r < N; r++) {
        const float *xr = x + r * ldx;
        float *yr = y + r * ldy;
        float m = row_max(xr, V);
        if (m == VM_INF) {  // log of the softmax limit above
            float share = -logf((float)count_pos_inf(xr, V));
            for (long j = 0; j < V; j++) yr[j] = xr[j] == VM_INF ? share : -VM_INF;
            continue;
        }
        float lse = m == -VM_INF ? m : (float)((double)m + log((double)row_exp_sum(xr, V, m, 1.0f, NULL, r + 1 < N ? xr + ldx : NULL)));
        row_add(xr, V, -lse, yr);
    }
}

// MARK: - Softmax cross-entropy

static double softmax_cross_entropy(long N, long V, const float *logits, long ldx,
                                    const int32_t *targets, int32_t ignore, float scale,
                                    float *dlogits, long ldd) {
    double total = 0;
    for (long r = 0; r < N; r++) {
        const float *xr = logits + r * ldx;
        float *dr = dlogits ? dlogits + r * ldd : NULL;
        int32_t y = targets[r];
        if (y == ignore) {
            if (dr) memset(dr, 0, (size_t)V * sizeof(float));
            continue;
        }
        float xy = xr[y];  // read before the row is overwritten
        // Pass 1: the max (from memory). Pass 2: e = exp(x − max) into the gradient row and
        // Σe (from cache). Pass 3: scale by scale/Σe (in cache), then subtract the one-hot.
        float m = row_max(xr, V);
        float sum = row_exp_sum(xr, V, m, 1.0f, dr, r + 1 < N ? xr + ldx : NULL);
        if (dr) {
            row_scale(dr, V, scale / sum);
            dr[y] -= scale;
        }
        total += (double)m + log((double)sum) - (double)xy;
    }
    return total;
}

// MARK: - Rejection sampling from an int8 proposal (DecoderSampler)

// p[v] ← u_v = z + ε, with z = p[v] + b[v] (b = 0 when bias is NULL) and
//     ε = min(e1[v]·hInf, e2[v]·hTwo) + rounding·mag[v] + biasFactor·|b[v]| + 2⁻²¹·|z| + 10⁻⁵
// added left to right, no fused multiply-add: the same floats on every path. Returns max u
// (NaN u are passed over; −inf when V = 0).
static float proposal_bounds(long V, float *p, const float *bias, const float *e1, const float *e2,
                             const float *mag, float hInf, float hTwo, float rounding, float biasFactor) {
    const vf hi = vset1(hInf), h2 = vset1(hTwo), rd = vset1(rounding), bf = vset1(biasFactor);
    const vf zf = vset1(0x1p-21f), tiny = vset1(1e-5f), zero = vset1(0.0f);
    vf top = vset1(-VM_INF);
    for (long j = 0; j < V; j += VW) {
        long m = lanes(j, V);
        // Padding lanes read z = −inf, so ε = +inf and u = NaN there, which the max passes over.
        vf b = bias ? ld(bias + j, m, 0) : zero;
        vf z = vadd(ld(p + j, m, -VM_INF), b);
        vf a = vmul(ld(e1 + j, m, 0), hi), c = vmul(ld(e2 + j, m, 0), h2);
        vf eps = vsel(vlt(c, a), c, a);
        eps = vadd(eps, vmul(rd, ld(mag + j, m, 0)));
        eps = vadd(eps, vmul(bf, vabs(b)));
        eps = vadd(eps, vmul(zf, vabs(z)));
        eps = vadd(eps, tiny);
        vf u = vadd(z, eps);
        st(p + j, u, m);
        top = vsel(vlt(top, u), u, top);
    }
    return vhmax(top);
}

// p[v] ← exp(((u + 2⁻²⁰·(|u| + |top|)) − top) · inverse) for u = p[v]: the proposal weights,
// each u raised by a hair first (see DecoderSampler.draw), with rk_vm_exp's exp.
static void proposal_weights(long V, float *p, float top, float inverse) {
    const vf t = vset1(top), at = vabs(vset1(top)), k = vset1(0x1p-20f), inv = vset1(inverse);
    for (long j = 0; j < V; j += VW) {
        long m = lanes(j, V);
        vf u = ld(p + j, m, 0);
        vf x = vmul(vsub(vadd(u, vmul(k, vadd(vabs(u), at))), t), inv);
        st(p + j, vexp(x), m);
    }
}

// MARK: - The table

const rk_vm_table VM_TABLE = {
    .width = VW,
    .exp = a_exp,
    .sigmoid = a_sigmoid,
    .tanh = a_tanh,
    .lstm_forward = lstm_forward,
    .lstm_backward = lstm_backward,
    .gru_forward = gru_forward,
    .gru_backward = gru_backward,
    .rnn_forward = rnn_forward,
    .rnn_backward = rnn_backward,
    .softmax_rows = softmax_rows,
    .log_softmax_rows = log_softmax_rows,
    .logsumexp_rows = logsumexp_rows,
    .softmax_cross_entropy = softmax_cross_entropy,
    .proposal_bounds = proposal_bounds,
    .proposal_weights = proposal_weights,
};
