#ifndef RECURRENT_CVECTORMATH_H
#define RECURRENT_CVECTORMATH_H

// Vectorised elementwise math for the recurrent layers: exp / sigmoid / tanh, the fused
// per-time-step cell epilogues of LSTM, GRU and RNN (forward and backward), row softmax /
// log-sum-exp / softmax cross-entropy, and the Adam update.
//
// Every function takes `path` first: the instruction-set path to run (RK_VM_PATH_*), or a
// negative value for the current one (rk_vm_path_current). All matrices are row-major Float32
// with row strides (ld*) in elements; sizes are B (batch rows), H (hidden units), V (classes).
// Shapes are given in the comments as (rows, cols).
//
// Accuracy against Double (every 97th float, every x86 path): exp within 1.00 ulp wherever
// the result is a normal float (subnormal results rounded, not flushed); sigmoid within 2.28
// ulp; tanh within 1.50 ulp (a polynomial below |x| = 0.625, built on exp above). No NaN from
// overflow: ±inf and ±1e30 give the limits (exp: inf / 0; sigmoid: 1 / 0; tanh: ±1). NaN in
// gives NaN out. Every function runs on the calling thread; row functions can be split by rows.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Paths

/// Instruction-set paths. Values are stable (the Swift side mirrors them) and equal to the
/// GEMM kernel numbering.
enum {
    RK_VM_PATH_PORTABLE = 0, ///< generic 4-lane C vectors, same algorithms (no FMA)
    RK_VM_PATH_AVX2 = 1,     ///< x86-64 AVX2 + FMA, 8 lanes
    RK_VM_PATH_AVX512 = 2,   ///< x86-64 AVX-512F, 16 lanes
    RK_VM_PATH_NEON = 3,     ///< arm64 Advanced SIMD, 4 lanes
    RK_VM_PATH_COUNT = 4
};

/// 1 when `path` is compiled in and this CPU can run it.
int rk_vm_path_supported(int path);
/// The fastest supported path.
int rk_vm_path_best(void);
/// The path used when a function is given a negative `path`: RECURRENT_VMATH_KERNEL (else
/// RECURRENT_GEMM_KERNEL) = portable|avx2|avx512|neon when set and supported, else the best,
/// unless changed by rk_vm_set_path.
int rk_vm_path_current(void);
/// Selects the current path; returns 0, or -1 (and changes nothing) when unsupported.
int rk_vm_set_path(int path);
/// Lanes of one vector on `path`.
int rk_vm_path_width(int path);

// MARK: - Elementwise

/// y[k] = exp(x[k]) for k < n. y may equal x.
void rk_vm_exp(int path, long n, const float *x, float *y);
/// y[k] = σ(x[k]) = 1 / (1 + exp(−x[k])). y may equal x.
void rk_vm_sigmoid(int path, long n, const float *x, float *y);
/// y[k] = tanh(x[k]). y may equal x.
void rk_vm_tanh(int path, long n, const float *x, float *y);

// MARK: - Recurrent cells, one time step
//
// Each cell's elementwise work after its GEMMs, fused into one pass over the gate buffer.
// Optional operands are NULL when absent. Where an output "may equal" an input, pass the same
// pointer and stride (each element is read before it is written); other overlaps are not
// allowed. ∂L/∂h arrives as dh plus an optional dh_next (the two sources a stacked layer has:
// the layer above, and step t+1 through W_hh), summed here.

/// LSTM cell forward (PyTorch gate order i, f, g, o; TF/ONNX peepholes).
///
///     a = gates + bias
///     i = σ(a_i + w_ci ⊙ c_prev)      f = σ(a_f + w_cf ⊙ c_prev)      g = tanh(a_g)
///     c = f ⊙ c_prev + i ⊙ g          o = σ(a_o + w_co ⊙ c)           h = o ⊙ tanh(c)
///
/// gates (B, 4H), ldg: the GEMM results in, the activated i, f, g, o out. bias (4H) or NULL
/// (b_ih + b_hh; NULL when already in gates). c_prev (B, H). w_ci, w_cf, w_co (H) each, or
/// NULL for no peephole. Outputs c (B, H), tanh_c (B, H; NULL: not stored), h (B, H).
/// c may equal c_prev.
void rk_vm_lstm_forward(int path, long B, long H,
                        float *gates, long ldg, const float *bias,
                        const float *c_prev, long ldcp,
                        const float *w_ci, const float *w_cf, const float *w_co,
                        float *c, long ldc, float *tanh_c, long ldt, float *h, long ldh);

/// LSTM cell backward. Inputs: gates (B, 4H) activated i, f, g, o; c (B, H) (read only for
/// the w_co gradient); tanh_c (B, H); c_prev (B, H); dh, dh_next (B, H; dh_next may be NULL);
/// dc_next (B, H) = ∂L/∂c from step t+1 (NULL: zero).
///
///     d = dh + dh_next
///     δo = d ⊙ tanh(c) ⊙ o(1−o)
///     dc = dc_next + d ⊙ o ⊙ (1 − tanh²(c)) + δo ⊙ w_co
///     δi = dc ⊙ g ⊙ i(1−i)      δf = dc ⊙ c_prev ⊙ f(1−f)      δg = dc ⊙ i ⊙ (1−g²)
///     dc_prev = dc ⊙ f + δi ⊙ w_ci + δf ⊙ w_cf
///     dw_ci += Σ_b δi ⊙ c_prev     dw_cf += Σ_b δf ⊙ c_prev     dw_co += Σ_b δo ⊙ c
///
/// Outputs dgates (B, 4H) = [δi δf δg δo] (may equal gates), dc_prev (B, H) (may equal
/// dc_next). dw_* (H) are accumulated when both w_* and dw_* are non-NULL.
void rk_vm_lstm_backward(int path, long B, long H,
                         const float *gates, long ldg,
                         const float *c, long ldc, const float *tanh_c, long ldt,
                         const float *c_prev, long ldcp,
                         const float *w_ci, const float *w_cf, const float *w_co,
                         const float *dh, long lddh, const float *dh_next, long lddhn,
                         const float *dc_next, long lddcn,
                         float *dgates, long lddg, float *dc_prev, long lddcp,
                         float *dw_ci, float *dw_cf, float *dw_co);

/// GRU cell forward (PyTorch gate order r, z, n; b_hn inside the reset product).
///
///     r = σ(gi_r + b_ir + gh_r + b_hr)     z = σ(gi_z + b_iz + gh_z + b_hz)
///     m = gh_n + b_hn                      n = tanh(gi_n + b_in + r ⊙ m)
///     h = (1 − z) ⊙ n + z ⊙ h_prev         (computed as n + z ⊙ (h_prev − n), as PyTorch)
///
/// gi (B, 3H) = x·W_ihᵀ in, activated r, z, n out. gh (B, 3H) = h_prev·W_hhᵀ. b_ih, b_hh (3H)
/// or NULL (already included). Outputs m (B, H), which backward needs (may be the n block of
/// gh), and h (B, H) (may equal h_prev).
void rk_vm_gru_forward(int path, long B, long H,
                       float *gi, long ldgi, const float *b_ih,
                       const float *gh, long ldgh, const float *b_hh,
                       const float *h_prev, long ldhp, float *m, long ldm, float *h, long ldh);

/// GRU cell backward. Inputs: gates (B, 3H) activated r, z, n; m (B, H) from forward;
/// h_prev; dh, dh_next (dh_next may be NULL).
///
///     d = dh + dh_next
///     δn = d ⊙ (1−z) ⊙ (1−n²)     δz = d ⊙ (h_prev − n) ⊙ z(1−z)     δr = δn ⊙ m ⊙ r(1−r)
///     dgi = [δr δz δn]     dgh = [δr δz δn ⊙ r]     dh_prev = d ⊙ z   (the direct path only;
///     add dgh·W_hh with a GEMM)
///
/// dgi may equal gates, dgh may be the gh buffer (not overlapping m unless m is its n block,
/// which is read before written), dh_prev may equal dh or dh_next.
void rk_vm_gru_backward(int path, long B, long H,
                        const float *gates, long ldg, const float *m, long ldm,
                        const float *h_prev, long ldhp, const float *dh, long lddh,
                        const float *dh_next, long lddhn,
                        float *dgi, long lddgi, float *dgh, long lddgh,
                        float *dh_prev, long lddhp);

/// Nonlinearities of the plain RNN.
enum { RK_VM_RNN_TANH = 0, RK_VM_RNN_RELU = 1 };

/// RNN cell forward: h = act(a + bias), a (B, H), bias (H) or NULL. h may equal a.
void rk_vm_rnn_forward(int path, int activation, long B, long H,
                       const float *a, long lda, const float *bias, float *h, long ldh);
/// RNN cell backward: da = (dh + dh_next) ⊙ act′ from the output h (tanh: 1 − h²; relu:
/// [h > 0]). dh_next may be NULL; da may equal dh or dh_next.
void rk_vm_rnn_backward(int path, int activation, long B, long H,
                        const float *h, long ldh, const float *dh, long lddh,
                        const float *dh_next, long lddhn, float *da, long ldda);

// MARK: - Softmax and cross-entropy over rows

/// y = softmax(β·x) row by row, x and y (N, V); β > 0 (1/temperature). y may equal x.
/// Rows holding +inf become uniform over their +inf entries; a row of −inf or NaN gives NaN.
void rk_vm_softmax_rows(int path, long N, long V, float beta,
                        const float *x, long ldx, float *y, long ldy);
/// y = log-softmax(x) = x − logsumexp(x) row by row. y may equal x.
void rk_vm_log_softmax_rows(int path, long N, long V, const float *x, long ldx, float *y, long ldy);
/// out[n] = log Σ_v exp(x[n, v]) (max-shifted; +inf if the row holds +inf).
void rk_vm_logsumexp_rows(int path, long N, long V, const float *x, long ldx, float *out);

/// Softmax cross-entropy with integer targets. For each row n whose target y_n ≠ ignore
/// (targets must otherwise lie in 0 ..< V):
///
///     ℓ_n = logsumexp(x[n]) − x[n, y_n]          returns Σ_n ℓ_n (in double)
///     dx[n] = scale · (softmax(x[n]) − onehot(y_n))     (ignored rows: dx[n] = 0)
///
/// dlogits (N, V) may be NULL (loss only) or equal logits (same stride: the gradient is
/// written in place; every element is exponentiated once). Rows are independent, so a caller
/// may split N across threads and add the returned sums.
double rk_vm_softmax_cross_entropy(int path, long N, long V,
                                   const float *logits, long ldx,
                                   const int32_t *targets, int32_t ignore, float scale,
                                   float *dlogits, long ldd);

// MARK: - Optimizer

/// One Adam update of n contiguous parameters without weight decay or amsgrad, lane by lane
/// the same IEEE operations as the scalar loop (no fused multiply-add), so every path gives
/// the same floats:
/// m ← m + w1·(g − m); v ← v·b2 + (w2·g)·g; θ ← θ + (negStep·m) / (√v / bc2 + eps).
void rk_vm_adam_update(int path, long n, float *theta, const float *grad, float *m, float *v, float w1,
                       float b2, float w2, float bc2, float eps, float negStep);

// MARK: - Rejection sampling from an int8 proposal (DecoderSampler)

/// The proposal's upper bounds, in place: for v < V, with b = bias[v] (0 when bias is NULL),
///
///     z = p[v] + b
///     p[v] ← z + (min(e1[v]·hInf, e2[v]·hTwo) + rounding·mag[v] + biasFactor·|b| + 2⁻²¹·|z| + 10⁻⁵)
///
/// added left to right with no fused multiply-add, so every path gives the same floats.
/// Returns max_v p[v] (NaN entries are passed over).
float rk_vm_proposal_bounds(int path, long V, float *p, const float *bias, const float *e1, const float *e2,
                            const float *mag, float hInf, float hTwo, float rounding, float biasFactor);

/// The proposal weights, in place: p[v] ← exp(((u + 2⁻²⁰·(|u| + |top|)) − top) · inverse) for
/// u = p[v] (rk_vm_exp's exp, no fused multiply-add before it).
void rk_vm_proposal_weights(int path, long V, float *p, float top, float inverse);

/// total[s] = Σ_v (double)w[s·ldw + v] for s < S, each sum in index order (the floats of a
/// plain loop); four rows' sums overlap.
void rk_vm_row_sums_double(long S, long V, const float *w, long ldw, double *total);

/// A categorical draw by cumulative Double sums in index order over the positive weights:
/// the first v with target < Σ_{u ≤ v, w[u] > 0} w[u], else the last positive v (target at or
/// above the total, by rounding), 0 when none is positive.
long rk_vm_draw_cumulative(long V, const float *w, double target);

#ifdef __cplusplus
}
#endif

#endif
