// Run-time choice of the vmath path and the public entry points, which call through the
// chosen path's table.
#include "vmath_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

int rk_vm_path_supported(int path) {
    switch (path) {
    case RK_VM_PATH_PORTABLE: return 1;
#ifdef RK_VM_X86
    case RK_VM_PATH_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case RK_VM_PATH_AVX512: return __builtin_cpu_supports("avx512f");
#endif
#ifdef RK_VM_ARM64
    case RK_VM_PATH_NEON: return 1;  // Advanced SIMD is part of every arm64 CPU
#endif
    default: return 0;
    }
}

int rk_vm_path_best(void) {
    static const int preference[] = {RK_VM_PATH_AVX512, RK_VM_PATH_AVX2, RK_VM_PATH_NEON};
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++)
        if (rk_vm_path_supported(preference[i])) return preference[i];
    return RK_VM_PATH_PORTABLE;
}

static int path_from_name(const char *name) {
    static const char *const names[RK_VM_PATH_COUNT] = {"portable", "avx2", "avx512", "neon"};
    if (!name) return -1;
    for (int k = 0; k < RK_VM_PATH_COUNT; k++)
        if (strcmp(name, names[k]) == 0) return k;
    return -1;
}

// -1 until first use; then the path in force.
static atomic_int current = -1;

int rk_vm_path_current(void) {
    int k = atomic_load_explicit(&current, memory_order_relaxed);
    if (k >= 0) return k;
    // One variable forces every kernel family (tests of the portable path set the GEMM one).
    int wanted = path_from_name(getenv("RECURRENT_VMATH_KERNEL"));
    if (wanted < 0) wanted = path_from_name(getenv("RECURRENT_GEMM_KERNEL"));
    k = wanted >= 0 && rk_vm_path_supported(wanted) ? wanted : rk_vm_path_best();
    int expected = -1;
    // A concurrent rk_vm_set_path wins over the default.
    if (!atomic_compare_exchange_strong(&current, &expected, k)) k = expected;
    return k;
}

int rk_vm_set_path(int path) {
    if (!rk_vm_path_supported(path)) return -1;
    atomic_store(&current, path);
    return 0;
}

// The table for `path`; negative means the current path. An unsupported path falls back to
// the current one (the Swift wrappers only pass supported paths).
static const rk_vm_table *table(int path) {
    if (path < 0 || !rk_vm_path_supported(path)) path = rk_vm_path_current();
    switch (path) {
#ifdef RK_VM_X86
    case RK_VM_PATH_AVX2: return &rk_vm_table_avx2;
    case RK_VM_PATH_AVX512: return &rk_vm_table_avx512;
#endif
#ifdef RK_VM_ARM64
    case RK_VM_PATH_NEON: return &rk_vm_table_neon;
#endif
    default: return &rk_vm_table_portable;
    }
}

int rk_vm_path_width(int path) { return table(path)->width; }

void rk_vm_exp(int path, long n, const float *x, float *y) { table(path)->exp(n, x, y); }
void rk_vm_sigmoid(int path, long n, const float *x, float *y) { table(path)->sigmoid(n, x, y); }
void rk_vm_tanh(int path, long n, const float *x, float *y) { table(path)->tanh(n, x, y); }

void rk_vm_lstm_forward(int path, long B, long H, float *gates, long ldg, const float *bias,
                        const float *c_prev, long ldcp,
                        const float *w_ci, const float *w_cf, const float *w_co,
                        float *c, long ldc, float *tanh_c, long ldt, float *h, long ldh) {
    table(path)->lstm_forward(B, H, gates, ldg, bias, c_prev, ldcp, w_ci, w_cf, w_co,
                              c, ldc, tanh_c, ldt, h, ldh);
}

void rk_vm_lstm_backward(int path, long B, long H, const float *gates, long ldg,
                         const float *c, long ldc, const float *tanh_c, long ldt,
                         const float *c_prev, long ldcp,
                         const float *w_ci, const float *w_cf, const float *w_co,
                         const float *dh, long lddh, const float *dh_next, long lddhn,
                         const float *dc_next, long lddcn,
                         float *dgates, long lddg, float *dc_prev, long lddcp,
                         float *dw_ci, float *dw_cf, float *dw_co) {
    table(path)->lstm_backward(B, H, gates, ldg, c, ldc, tanh_c, ldt, c_prev, ldcp,
                               w_ci, w_cf, w_co, dh, lddh, dh_next, lddhn, dc_next, lddcn,
                               dgates, lddg, dc_prev, lddcp, dw_ci, dw_cf, dw_co);
}

void rk_vm_gru_forward(int path, long B, long H, float *gi, long ldgi, const float *b_ih,
                       const float *gh, long ldgh, const float *b_hh,
                       const float *h_prev, long ldhp, float *m, long ldm, float *h, long ldh) {
    table(path)->gru_forward(B, H, gi, ldgi, b_ih, gh, ldgh, b_hh, h_prev, ldhp, m, ldm, h, ldh);
}

void rk_vm_gru_backward(int path, long B, long H, const float *gates, long ldg,
                        const float *gh_n, long ldghn, const float *h_prev, long ldhp,
                        const float *dh, long lddh, const float *dh_next, long lddhn,
                        float *dgi, long lddgi, float *dgh, long lddgh, float *dh_prev, long lddhp) {
    table(path)->gru_backward(B, H, gates, ldg, gh_n, ldghn, h_prev, ldhp, dh, lddh, dh_next, lddhn,
                              dgi, lddgi, dgh, lddgh, dh_prev, lddhp);
}

void rk_vm_rnn_forward(int path, int activation, long B, long H, const float *a, long lda,
                       const float *bias, float *h, long ldh) {
    table(path)->rnn_forward(activation, B, H, a, lda, bias, h, ldh);
}

void rk_vm_rnn_backward(int path, int activation, long B, long H, const float *h, long ldh,
                        const float *dh, long lddh, const float *dh_next, long lddhn,
                        float *da, long ldda) {
    table(path)->rnn_backward(activation, B, H, h, ldh, dh, lddh, dh_next, lddhn, da, ldda);
}

void rk_vm_softmax_rows(int path, long N, long V, float beta, const float *x, long ldx,
                        float *y, long ldy) {
    table(path)->softmax_rows(N, V, beta, x, ldx, y, ldy);
}

void rk_vm_log_softmax_rows(int path, long N, long V, const float *x, long ldx, float *y, long ldy) {
    table(path)->log_softmax_rows(N, V, x, ldx, y, ldy);
}

void rk_vm_logsumexp_rows(int path, long N, long V, const float *x, long ldx, float *out) {
    table(path)->logsumexp_rows(N, V, x, ldx, out);
}

double rk_vm_softmax_cross_entropy(int path, long N, long V, const float *logits, long ldx,
                                   const int32_t *targets, int32_t ignore, float scale,
                                   float *dlogits, long ldd) {
    return table(path)->softmax_cross_entropy(N, V, logits, ldx, targets, ignore, scale, dlogits, ldd);
}

float rk_vm_proposal_bounds(int path, long V, float *p, const float *bias, const float *e1, const float *e2,
                            const float *mag, float hInf, float hTwo, float rounding, float biasFactor) {
    return table(path)->proposal_bounds(V, p, bias, e1, e2, mag, hInf, hTwo, rounding, biasFactor);
}

void rk_vm_proposal_weights(int path, long V, float *p, float top, float inverse) {
    table(path)->proposal_weights(V, p, top, inverse);
}
