import CKernels

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// `c = alpha · op(a) · op(b) + beta · c`.
///
/// Shapes: op(a) is (M, K), op(b) is (K, N), c is (M, N). `beta = 1` accumulates into `c`
/// (backward passes add into gradient buffers); `beta = 0` overwrites `c` without reading it.
/// Outputs first, then inputs, as in llm.c.
public func gemm(_ c: Matrix, _ a: Matrix, _ transposeA: Transpose = .none,
                 _ b: Matrix, _ transposeB: Transpose = .none,
                 alpha: Float = 1, beta: Float = 0) {
    let (m, k) = transposeA == .none ? (a.rows, a.cols) : (a.cols, a.rows)
    let (kb, n) = transposeB == .none ? (b.rows, b.cols) : (b.cols, b.rows)
    precondition(k == kb && c.rows == m && c.cols == n,
                 "gemm shapes: op(a) \(m)×\(k), op(b) \(kb)×\(n), c \(c.rows)×\(c.cols)")
    rk_sgemm_reference(transposeA == .none ? 0 : 1, transposeB == .none ? 0 : 1, m, n, k, alpha,
                       a.pointer, a.rowStride, b.pointer, b.rowStride, beta, c.pointer, c.rowStride)
}
