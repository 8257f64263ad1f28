/// The squared error of `torch.nn.functional.mse_loss(prediction, target, reduction:)`.
///
/// Shapes: prediction and target (N, F), any N and F (for a sequence, N = T·B). With
/// K = N·F elements:
///
///     loss = Σ (p − t)² / K   (mean)    or   Σ (p − t)²   (sum)
///     dp   = 2 (p − t) / K    (mean)    or   2 (p − t)    (sum)
///
/// The sum accumulates in Double.
public struct MeanSquaredError: Sendable, Equatable {
    /// `.mean` (over all N·F elements) or `.sum`.
    public var reduction: LossReduction

    public init(reduction: LossReduction = .mean) {
        self.reduction = reduction
    }

    /// The loss of `prediction` against `target`, both (N, F).
    public func loss(prediction: Matrix, target: Matrix) -> Float {
        run(prediction, target, dPrediction: nil)
    }

    /// The loss, with dLoss/dPrediction written into `dPrediction` (N, F), which may be
    /// `prediction` itself.
    public func lossAndGradient(prediction: Matrix, target: Matrix, dPrediction: Matrix) -> Float {
        run(prediction, target, dPrediction: dPrediction)
    }

    private func run(_ p: Matrix, _ t: Matrix, dPrediction: Matrix?) -> Float {
        precondition(p.rows == t.rows && p.cols == t.cols,
                     "MeanSquaredError: prediction \(p.rows)×\(p.cols) and target \(t.rows)×\(t.cols) differ")
        if let d = dPrediction {
            precondition(d.rows == p.rows && d.cols == p.cols,
                         "MeanSquaredError: dPrediction \(d.rows)×\(d.cols), expected \(p.rows)×\(p.cols)")
        }
        let count = p.count
        let scale: Float = reduction == .sum ? 2 : 2 / Float(count)
        var total: Double = 0
        for r in 0..<p.rows {
            let pr = p.pointer + r * p.rowStride, tr = t.pointer + r * t.rowStride
            let dr = dPrediction.map { $0.pointer + r * $0.rowStride }
            for c in 0..<p.cols {
                let diff = pr[c] - tr[c]
                total += Double(diff) * Double(diff)
                dr?[c] = scale * diff
            }
        }
        return reduction == .sum ? Float(total) : Float(total / Double(count))
    }
}
