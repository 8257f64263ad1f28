import CVectorMath

// Row softmax, log-softmax, log-sum-exp and the fused softmax cross-entropy over (N, V)
// logits — N = T·B rows, V classes (21,388 for the word model). Each row's maximum is
// subtracted before exponentiating, so no exponent is positive and nothing overflows.

extension VectorMath {
    /// y = softmax(β·x) row by row: y[n, v] = exp(β(x[n, v] − m_n)) / Σ_u exp(β(x[n, u] − m_n)),
    /// m_n = max_v x[n, v]. `inverseTemperature` β > 0 (sampling at temperature τ: β = 1/τ).
    /// `y` may be the same view as `x`. A row holding +inf becomes uniform over its +inf
    /// entries (the limit); a row of −inf or one holding NaN becomes NaN.
    public static func softmaxRows(_ y: Matrix, _ x: Matrix, inverseTemperature: Float = 1,
                                   kernel: VectorMathKernel? = nil) {
        checkShape(y, x.rows, x.cols, "softmaxRows: output")
        precondition(inverseTemperature > 0 && inverseTemperature.isFinite,
                     "softmaxRows: inverseTemperature must be positive and finite, got \(inverseTemperature)")
        rk_vm_softmax_rows(path(kernel), x.rows, x.cols, inverseTemperature,
                           x.pointer, x.rowStride, y.pointer, y.rowStride)
    }

    /// y = log-softmax(x) = x − logsumexp(x) row by row. `y` may be the same view as `x`.
    public static func logSoftmaxRows(_ y: Matrix, _ x: Matrix, kernel: VectorMathKernel? = nil) {
        checkShape(y, x.rows, x.cols, "logSoftmaxRows: output")
        rk_vm_log_softmax_rows(path(kernel), x.rows, x.cols, x.pointer, x.rowStride, y.pointer, y.rowStride)
    }

    /// out[n] = log Σ_v exp(x[n, v]) for each of the N rows of x (max-shifted; the log is
    /// taken in Double). +inf for a row holding +inf, −inf for a row of −inf.
    public static func logSumExpRows(_ out: UnsafeMutableBufferPointer<Float>, _ x: Matrix,
                                     kernel: VectorMathKernel? = nil) {
        precondition(out.count == x.rows, "logSumExpRows: \(out.count) outputs for \(x.rows) rows")
        guard let base = out.baseAddress else { return }
        rk_vm_logsumexp_rows(path(kernel), x.rows, x.cols, x.pointer, x.rowStride, base)
    }

    /// log Σ_v exp(x[n, v]) for each row n.
    public static func logSumExpRows(_ x: Matrix, kernel: VectorMathKernel? = nil) -> [Float] {
        [Float](unsafeUninitializedCapacity: x.rows) { buffer, count in
            logSumExpRows(buffer, x, kernel: kernel)
            count = x.rows
        }
    }

    /// Fused softmax cross-entropy with integer targets, the sum form of
    /// `torch.nn.functional.cross_entropy(x, y, ignore_index:, reduction: "sum")`. For each row
    /// n whose target y_n ≠ `ignoreIndex`:
    ///
    ///     ℓ_n = logsumexp(x[n]) − x[n, y_n]                     returns Σ_n ℓ_n (in Double)
    ///     dx[n] = s · (softmax(x[n]) − onehot(y_n))            (rows ignored: dx[n] = 0)
    ///
    /// With `dLogits` equal to `logits` the gradient is written in place, so the (N, V)
    /// buffer exists once; each element is exponentiated once (3 passes per row: max from
    /// memory, exp-and-sum and scale from cache). For a mean over the C counted rows pass
    /// `gradientScale: 1/C` and divide the result by C.
    ///
    /// - Parameters:
    ///   - logits: x (N, V).
    ///   - targets: N class ids in `0 ..< V` or `ignoreIndex` (checked: a precondition).
    ///   - gradientScale: s.
    ///   - dLogits: (N, V) output, `nil` for the loss only; may be the same view as `logits`.
    /// - Returns: Σ_n ℓ_n over counted rows (0 when none is counted).
    public static func softmaxCrossEntropy(logits: Matrix, targets: UnsafeBufferPointer<Int32>,
                                           ignoreIndex: Int32 = -100, gradientScale: Float = 1,
                                           dLogits: Matrix?, kernel: VectorMathKernel? = nil) -> Double {
        let n = logits.rows, v = logits.cols
        precondition(targets.count == n, "softmaxCrossEntropy: \(targets.count) targets for \(n) rows of logits")
        if let dLogits { checkShape(dLogits, n, v, "softmaxCrossEntropy: dLogits") }
        for (r, t) in targets.enumerated() where t != ignoreIndex {
            precondition(t >= 0 && Int(t) < v,
                         "softmaxCrossEntropy: target \(t) in row \(r) outside 0..<\(v) (ignoreIndex is \(ignoreIndex))")
        }
        guard n > 0, let base = targets.baseAddress else { return 0 }
        return rk_vm_softmax_cross_entropy(path(kernel), n, v, logits.pointer, logits.rowStride,
                                           base, ignoreIndex, gradientScale,
                                           dLogits?.pointer, dLogits?.rowStride ?? 0)
    }
}
