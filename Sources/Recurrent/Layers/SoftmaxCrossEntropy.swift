import Foundation

/// Softmax followed by the negative log-likelihood of integer targets, fused: the loss of
/// `torch.nn.functional.cross_entropy(logits, targets, ignore_index:, reduction:)`.
///
/// Shapes: logits (N, V) — N = T·B rows, time-major, V classes; targets N ids in `0 ..< V`
/// or `ignoreIndex`. For each counted row n (target ≠ ignoreIndex):
///
///     ℓ_n = log Σ_v exp(x[n, v]) − x[n, y_n]
///     loss = Σ_n ℓ_n / C   (mean; C = number of counted rows)   or   Σ_n ℓ_n   (sum)
///     dx[n, v] = s · (softmax(x[n])[v] − [v = y_n]),   s = 1/C (mean) or 1 (sum)
///
/// and ignored rows get a zero gradient. As in PyTorch, a mean over zero counted rows is NaN
/// (0/0) and its gradient is zero.
///
/// The gradient can be written over the logits themselves (`lossAndGradient(logits:targets:)`),
/// so the (N, V) buffer — the largest in a word-level model — exists once; each element is
/// read before it is overwritten, and exponentiated once. Row maxima are subtracted first, so
/// no exponent is positive and nothing overflows. The sum over rows accumulates in Double.
public struct SoftmaxCrossEntropy: Sendable, Equatable {
    /// Targets equal to this id contribute neither loss nor gradient (PyTorch default −100).
    public var ignoreIndex: Int32
    /// `.mean` (over counted rows) or `.sum`.
    public var reduction: LossReduction

    public init(ignoreIndex: Int32 = -100, reduction: LossReduction = .mean) {
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
    }

    /// The loss; `logits` (N, V) are left unchanged.
    public func loss(logits: Matrix, targets: [Int32]) -> Float {
        targets.withUnsafeBufferPointer { run(logits: logits, targets: $0, dLogits: nil) }
    }

    /// The loss; `logits` (N, V) are left unchanged.
    public func loss(logits: Matrix, targets: UnsafeBufferPointer<Int32>) -> Float {
        run(logits: logits, targets: targets, dLogits: nil)
    }

    /// The loss, with dLoss/dLogits written **over `logits`** (N, V).
    public func lossAndGradient(logits: Matrix, targets: [Int32]) -> Float {
        targets.withUnsafeBufferPointer { run(logits: logits, targets: $0, dLogits: logits) }
    }

    /// The loss, with dLoss/dLogits written **over `logits`** (N, V).
    public func lossAndGradient(logits: Matrix, targets: UnsafeBufferPointer<Int32>) -> Float {
        run(logits: logits, targets: targets, dLogits: logits)
    }

    /// The loss, with dLoss/dLogits written into `dLogits` (N, V); `logits` are unchanged
    /// unless `dLogits` is the same view.
    public func lossAndGradient(logits: Matrix, targets: UnsafeBufferPointer<Int32>, dLogits: Matrix) -> Float {
        run(logits: logits, targets: targets, dLogits: dLogits)
    }

    /// The number of targets that are not `ignoreIndex` (C in the equations above).
    public func countedTargets(_ targets: UnsafeBufferPointer<Int32>) -> Int {
        var c = 0
        for t in targets where t != ignoreIndex { c += 1 }
        return c
    }

    private func run(logits: Matrix, targets: UnsafeBufferPointer<Int32>, dLogits: Matrix?) -> Float {
        let n = logits.rows, v = logits.cols
        precondition(targets.count == n, "SoftmaxCrossEntropy: \(targets.count) targets for \(n) rows of logits")
        if let dLogits {
            precondition(dLogits.rows == n && dLogits.cols == v,
                         "SoftmaxCrossEntropy: dLogits \(dLogits.rows)×\(dLogits.cols), expected \(n)×\(v)")
        }
        let counted = countedTargets(targets)
        // Mean over zero rows: 0/0 = NaN loss as PyTorch, but a zero gradient (never NaN).
        let scale: Float = reduction == .sum ? 1 : (counted > 0 ? 1 / Float(counted) : 0)
        let total = Self.sum(logits: logits, targets: targets, ignoreIndex: ignoreIndex, gradientScale: scale,
                             dLogits: dLogits)
        switch reduction {
        case .sum: return Float(total)
        case .mean: return Float(total / Double(counted))
        }
    }

    /// Σ_n ℓ_n over the rows whose target is not `ignoreIndex` (in Double), with
    /// dLogits[n] = s · (softmax(x[n]) − onehot(y_n)) written when `dLogits` is given (it may be
    /// `logits` itself): the sum form with any gradient scale s — for a loss whose mean is
    /// over more rows than these logits have (the adaptive softmax's clusters).
    ///
    /// The vectorised kernel (VectorMath): per row the max, one exp per element parked in the
    /// gradient row, then the scale; targets are range-checked there. Rows are independent:
    /// fixed blocks of rows go to the thread pool, and the per-block sums are added in block
    /// order, so the result does not depend on the number of threads.
    public static func sum(logits: Matrix, targets: UnsafeBufferPointer<Int32>, ignoreIndex: Int32 = -100,
                           gradientScale scale: Float, dLogits: Matrix?) -> Double {
        let n = logits.rows, v = logits.cols
        let rowsPerBlock = Swift.max(1, 65_536 / Swift.max(v, 1))
        let blocks = (n + rowsPerBlock - 1) / rowsPerBlock
        guard blocks > 1, let base = targets.baseAddress else {
            return VectorMath.softmaxCrossEntropy(logits: logits, targets: targets, ignoreIndex: ignoreIndex,
                                                  gradientScale: scale, dLogits: dLogits)
        }
        let storage = UnsafeMutableBufferPointer<Double>.allocate(capacity: blocks)
        defer { storage.deallocate() }
        let sums = SharedPointer(storage.baseAddress!), ids = SharedPointer(base)
        ThreadPool.parallelFor(blocks) { block in
            let first = block * rowsPerBlock, end = Swift.min(n, first + rowsPerBlock)
            sums[block] = VectorMath.softmaxCrossEntropy(
                logits: logits.rows(first..<end), targets: UnsafeBufferPointer(start: ids.base + first, count: end - first),
                ignoreIndex: ignoreIndex, gradientScale: scale, dLogits: dLogits?.rows(first..<end))
        }
        var total: Double = 0
        for s in storage { total += s }
        return total
    }
}
