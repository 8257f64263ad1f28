import CKernels

/// y = x1·W1ᵀ + x2·W2ᵀ, row by row: x1 (M, K1), x2 (M, K2), W1 (N, K1), W2 (N, K2), y (M, N) —
/// a recurrent cell's step (x·W_ihᵀ + h·W_hhᵀ) as one pass over the threads instead of two.
/// Row i gets the floats of `gemm(y_i, x1_i, .none, W1, .transposed)` followed by
/// `gemm(y_i, x2_i, .none, W2, .transposed, beta: 1)` for that row alone (the batch-1
/// matrix-vector path), so streams stepped together match each stream stepped alone.
/// Operands are read in place (no packing). `kernel` (tests) overrides ``GemmKernel/current``.
package func gemvSum(_ y: Matrix, _ x1: Matrix, _ w1: Matrix, _ x2: Matrix, _ w2: Matrix,
                     kernel: GemmKernel? = nil) {
    precondition(x1.rows == y.rows && x2.rows == y.rows && w1.cols == x1.cols && w2.cols == x2.cols
                 && w1.rows == y.cols && w2.rows == y.cols,
                 "gemvSum shapes: y \(y.rows)×\(y.cols), x1 \(x1.rows)×\(x1.cols), W1 \(w1.rows)×\(w1.cols), x2 \(x2.rows)×\(x2.cols), W2 \(w2.rows)×\(w2.cols)")
    precondition(!y.overlaps(x1) && !y.overlaps(x2) && !y.overlaps(w1) && !y.overlaps(w2),
                 "gemvSum: y must not overlap an operand")
    rk_sgemv2_t(kernel?.code ?? -1, 0, y.rows, y.cols, x1.cols, x1.pointer, x1.rowStride, w1.pointer, w1.rowStride,
                x2.cols, x2.pointer, x2.rowStride, w2.pointer, w2.rowStride, y.pointer, y.rowStride)
}

/// y = x·Wᵀ + beta·y, row by row: x (M, K), W (N, K), y (M, N). Row i gets exactly the floats
/// of `gemm(y_i, x_i, .none, W, .transposed, beta: beta)` for that row alone (the batch-1
/// matrix-vector path) — unlike `gemm` with M > 1, whose blocked order of additions differs —
/// while each weight row is read from memory once for all M rows.
package func gemvRows(_ y: Matrix, _ x: Matrix, _ w: Matrix, beta: Float = 0, kernel: GemmKernel? = nil) {
    precondition(x.rows == y.rows && w.cols == x.cols && w.rows == y.cols,
                 "gemvRows shapes: y \(y.rows)×\(y.cols), x \(x.rows)×\(x.cols), W \(w.rows)×\(w.cols)")
    precondition(!y.overlaps(x) && !y.overlaps(w), "gemvRows: y must not overlap an operand")
    rk_sgemv_t_rows(kernel?.code ?? -1, 0, y.rows, y.cols, x.cols, 1, x.pointer, x.rowStride, w.pointer, w.rowStride,
                    beta, y.pointer, y.rowStride)
}
