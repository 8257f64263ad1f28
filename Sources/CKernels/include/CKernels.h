#ifndef RECURRENT_CKERNELS_H
#define RECURRENT_CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// C = alpha * op(A) * op(B) + beta * C, row-major, single-threaded.
/// op(A) is (M, K), op(B) is (K, N), C is (M, N); lda/ldb/ldc are row strides in elements.
/// transA != 0 means A is stored (K, M); transB != 0 means B is stored (N, K).
/// beta == 0 overwrites C without reading it (NaN in C does not propagate).
void rk_sgemm_reference(int transA, int transB, long M, long N, long K, float alpha,
                        const float *A, long lda, const float *B, long ldb,
                        float beta, float *C, long ldc);

#ifdef __cplusplus
}
#endif

#endif
