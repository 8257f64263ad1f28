import CKernels

/// y = x1·W1ᵀ + x2·W2ᵀ for one row: x1 (1, K1), x2 (1, K2), W1 (N, K1), W2 (N, K2), y (1, N) —
/// a recurrent cell's batch-1 step (x·W_ihᵀ + h·W_hhᵀ) as one pass over the threads instead of
/// two. The same floats as `gemm(y, x1, .none, W1, .transposed)` followed by
/// `gemm(y, x2, .none, W2, .transposed, beta: 1)`. Operands are read in place (no packing);
/// x1, x2 and y must be contiguous rows.
package func gemvSum(_ y: Matrix, _ x1: Matrix, _ w1: Matrix, _ x2: Matrix, _ w2: Matrix) {
    precondition(x1.rows == 1 && x2.rows == 1 && y.rows == 1 && w1.cols == x1.cols && w2.cols == x2.cols
                 && w1.rows == y.cols && w2.rows == y.cols,
                 "gemvSum shapes: y \(y.rows)×\(y.cols), x1 \(x1.rows)×\(x1.cols), W1 \(w1.rows)×\(w1.cols), x2 \(x2.rows)×\(x2.cols), W2 \(w2.rows)×\(w2.cols)")
    precondition(!y.overlaps(x1) && !y.overlaps(x2) && !y.overlaps(w1) && !y.overlaps(w2),
                 "gemvSum: y must not overlap an operand")
    rk_sgemv2_t(-1, 0, y.cols, x1.cols, x1.pointer, w1.pointer, w1.rowStride,
                x2.cols, x2.pointer, w2.pointer, w2.rowStride, y.pointer)
}
