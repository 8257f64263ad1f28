// Shared by the vmath translation units: the per-path function table.
//
// Each instruction-set file (vmath_portable.c, vmath_avx2.c, vmath_avx512.c, vmath_neon.c)
// defines a handful of vector primitives and then includes vmath_body.h, which writes every
// kernel once against those primitives and emits one `rk_vm_table_<path>`. The public entry
// points in vmath_dispatch.c pick a table and call through it.
#ifndef RECURRENT_VMATH_INTERNAL_H
#define RECURRENT_VMATH_INTERNAL_H

#include "CVectorMath.h"

#if defined(__x86_64__) || defined(_M_X64)
#define RK_VM_X86 1
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
#define RK_VM_ARM64 1
#endif

typedef struct rk_vm_table {
    int width;
    void (*exp)(long n, const float *x, float *y);
    void (*sigmoid)(long n, const float *x, float *y);
    void (*tanh)(long n, const float *x, float *y);
    void (*lstm_forward)(long B, long H, float *gates, long ldg, const float *bias,
                         const float *c_prev, long ldcp,
                         const float *w_ci, const float *w_cf, const float *w_co,
                         float *c, long ldc, float *tanh_c, long ldt, float *h, long ldh);
    void (*lstm_backward)(long B, long H, const float *gates, long ldg,
                          const float *c, long ldc, const float *tanh_c, long ldt,
                          const float *c_prev, long ldcp,
                          const float *w_ci, const float *w_cf, const float *w_co,
                          const float *dh, long lddh, const float *dh_next, long lddhn,
                          const float *dc_next, long lddcn, float *dgates, long lddg, float *dc_prev, long lddcp,
                          float *dw_ci, float *dw_cf, float *dw_co);
    void (*gru_forward)(long B, long H, float *gi, long ldgi, const float *b_ih,
                        const float *gh, long ldgh, const float *b_hh,
                        const float *h_prev, long ldhp, float *m, long ldm, float *h, long ldh);
    void (*gru_backward)(long B, long H, const float *gates, long ldg, const float *gh_n, long ldghn,
                         const float *h_prev, long ldhp, const float *dh, long lddh,
                         const float *dh_next, long lddhn, float *dgi, long lddgi, float *dgh, long lddgh, float *dh_prev, long lddhp);
    void (*rnn_forward)(int activation, long B, long H, const float *a, long lda, const float *bias,
                        float *h, long ldh);
    void (*rnn_backward)(int activation, long B, long H, const float *h, long ldh,
                         const float *dh, long lddh, const float *dh_next, long lddhn,
                         float *da, long ldda);
    void (*softmax_rows)(long N, long V, float beta, const float *x, long ldx, float *y, long ldy);
    void (*log_softmax_rows)(long N, long V, const float *x, long ldx, float *y, long ldy);
    void (*logsumexp_rows)(long N, long V, const float *x, long ldx, float *out);
    double (*softmax_cross_entropy)(long N, long V, const float *logits, long ldx,
                                    const int32_t *targets, int32_t ignore, float scale,
                                    float *dlogits, long ldd);
    float (*proposal_bounds)(long V, float *p, const float *bias, const float *e1, const float *e2,
                             const float *mag, float hInf, float hTwo, float rounding, float biasFactor);
    void (*proposal_weights)(long V, float *p, float top, float inverse);
} rk_vm_table;

extern const rk_vm_table rk_vm_table_portable;
#ifdef RK_VM_X86
extern const rk_vm_table rk_vm_table_avx2;
extern const rk_vm_table rk_vm_table_avx512;
#endif
#ifdef RK_VM_ARM64
extern const rk_vm_table rk_vm_table_neon;
#endif

#endif
