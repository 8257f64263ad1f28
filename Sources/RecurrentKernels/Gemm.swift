import CKernels

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// `c = alpha · op(a) · op(b) + beta · c`.
///
/// Shapes: op(a) is (M, K), op(b) is (K, N), c is (M, N). `beta = 1` accumulates into `c`
/// (backward passes add into gradient buffers); `beta = 0` overwrites `c` without reading it
/// (NaN or garbage in `c` does not leak into the result). Outputs first, then inputs, as in
/// llm.c. Any operand may be a strided view (`rowStride > cols`); `c` must not overlap `a` or
/// `b`.
///
/// Runs the ``GemmKernel/current`` micro-kernel on up to ``ThreadPool/threadCount`` threads:
/// operands are packed into cache-sized panels, and the work is split over N (or over M when
/// N is too narrow), so even a batch of one row uses every thread. To multiply by the same
/// right-hand operand many times, pack it once into a ``PackedMatrix``.
public func gemm(_ c: Matrix, _ a: Matrix, _ transposeA: Transpose = .none,
                 _ b: Matrix, _ transposeB: Transpose = .none,
                 alpha: Float = 1, beta: Float = 0) {
    gemm(c, a, transposeA, b, transposeB, alpha: alpha, beta: beta, kernel: nil, threads: nil)
}

/// `c = alpha · a · b + beta · c`: ``gemm(_:_:_:_:_:alpha:beta:)`` with neither operand
/// transposed. (Swift cannot skip the unlabelled transpose between `a` and `b`.)
public func gemm(_ c: Matrix, _ a: Matrix, _ b: Matrix, alpha: Float = 1, beta: Float = 0) {
    gemm(c, a, .none, b, .none, alpha: alpha, beta: beta, kernel: nil, threads: nil)
}

/// ``gemm(_:_:_:_:_:alpha:beta:)`` with an explicit kernel and thread count (tests, benchmarks).
package func gemm(_ c: Matrix, _ a: Matrix, _ transposeA: Transpose = .none,
                  _ b: Matrix, _ transposeB: Transpose = .none,
                  alpha: Float = 1, beta: Float = 0, kernel: GemmKernel?, threads: Int?) {
    let (m, k) = transposeA == .none ? (a.rows, a.cols) : (a.cols, a.rows)
    let (kb, n) = transposeB == .none ? (b.rows, b.cols) : (b.cols, b.rows)
    precondition(k == kb && c.rows == m && c.cols == n,
                 "gemm shapes: op(a) \(m)×\(k), op(b) \(kb)×\(n), c \(c.rows)×\(c.cols)")
    precondition(!c.overlaps(a) && !c.overlaps(b), "gemm: c must not overlap a or b")
    if let kernel { precondition(kernel.isSupported, "GEMM kernel \(kernel) is not supported here") }
    if let threads { precondition(threads >= 1, "gemm: threads must be at least 1, got \(threads)") }
    rk_sgemm(kernel?.code ?? -1, Int32(clamping: threads ?? 0),
             transposeA == .none ? 0 : 1, transposeB == .none ? 0 : 1, m, n, k, alpha,
             a.pointer, a.rowStride, b.pointer, b.rowStride, beta, c.pointer, c.rowStride)
}

/// The naive triple loop (accumulating in Double) that the fast paths are tested against.
package func gemmReference(_ c: Matrix, _ a: Matrix, _ transposeA: Transpose = .none,
                           _ b: Matrix, _ transposeB: Transpose = .none,
                           alpha: Float = 1, beta: Float = 0) {
    let (m, k) = transposeA == .none ? (a.rows, a.cols) : (a.cols, a.rows)
    let (kb, n) = transposeB == .none ? (b.rows, b.cols) : (b.cols, b.rows)
    precondition(k == kb && c.rows == m && c.cols == n,
                 "gemm shapes: op(a) \(m)×\(k), op(b) \(kb)×\(n), c \(c.rows)×\(c.cols)")
    rk_sgemm_reference(transposeA == .none ? 0 : 1, transposeB == .none ? 0 : 1, m, n, k, alpha,
                       a.pointer, a.rowStride, b.pointer, b.rowStride, beta, c.pointer, c.rowStride)
}

extension Matrix {
    /// Whether the two views share at least one float. Exact for any strides: walks the rows
    /// of the view with fewer rows (O(rows), negligible next to a GEMM).
    func overlaps(_ other: Matrix) -> Bool {
        guard storage === other.storage, count > 0, other.count > 0 else { return false }
        let (x, y) = rows <= other.rows ? (self, other) : (other, self)
        for r in 0..<x.rows {
            let start = x.offset + r * x.rowStride, end = start + x.cols
            // The first row of y whose span ends after `start`; later rows start later still.
            let first = max(0, (start - y.offset - y.cols) / y.rowStride + 1)
            var row = first
            while row > 0 && y.offset + (row - 1) * y.rowStride + y.cols > start { row -= 1 }
            guard row < y.rows else { continue }
            if y.offset + row * y.rowStride < end { return true }
        }
        return false
    }
}
