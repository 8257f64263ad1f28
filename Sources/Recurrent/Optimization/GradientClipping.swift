/// Which norm `clipGradientNorm` measures.
public enum GradientNormType: String, Sendable, Codable, CaseIterable {
    /// ‖g‖₂ = √(Σ g²) over every element of every gradient.
    case l2
    /// ‖g‖∞ = max |g| over every element of every gradient.
    case infinity
}

/// Errors from gradient clipping.
public enum GradientClippingError: Error, Equatable, CustomStringConvertible {
    /// The total gradient norm was NaN or infinite, so training has diverged (or a loss
    /// overflowed) and clipping cannot rescue the step.
    case nonFiniteNorm(norm: Float, normType: GradientNormType)

    public var description: String {
        switch self {
        case let .nonFiniteNorm(norm, normType):
            return "the total gradient norm (\(normType == .l2 ? "L2" : "infinity")) is \(norm), so training has diverged; lower the learning rate, or clip gradients (a smaller max norm, e.g. 5 or 1) — and resume from the last good checkpoint."
        }
    }
}

/// Rescales all gradients together so that their total norm is at most `maxNorm`, as
/// `torch.nn.utils.clip_grad_norm_`, and returns the total norm **before** clipping.
///
/// Over all parameters' gradients at once (one vector g):
///
///     n = ‖g‖₂  or  ‖g‖∞
///     c = min(maxNorm / (n + 1e-6), 1)
///     g ← c · g
///
/// Every gradient is multiplied by the same c, so the direction of g is kept. (As in PyTorch,
/// c is applied even when it is 1, and the 1e-6 keeps the division finite for n = 0.)
///
/// When n is NaN or ±∞: with `errorIfNonfinite` it throws `GradientClippingError.nonFiniteNorm`
/// and leaves the gradients unchanged; without, it follows PyTorch and scales by the
/// non-finite coefficient (the gradients become NaN or zero), which the caller should detect
/// from the returned norm.
///
/// The L2 norm accumulates squares in Double, so it does not overflow for any finite Float
/// gradients; the result is rounded to Float like PyTorch's.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Double, normType: GradientNormType = .l2,
                             errorIfNonfinite: Bool = false) throws(GradientClippingError) -> Float {
    let norm = gradientNorm(parameters, normType: normType)
    if !norm.isFinite && errorIfNonfinite {
        throw .nonFiniteNorm(norm: norm, normType: normType)
    }
    let ratio = Float(maxNorm) / (norm + 1e-6)
    // NaN must survive the clamp (Swift.min(nan, 1) would depend on argument order).
    let coefficient: Float = ratio.isNaN ? .nan : Swift.min(ratio, 1)
    for p in parameters { p.gradient.scaleInBlocks(by: coefficient) }
    return norm
}

/// The total norm of all parameters' gradients taken together (no clipping): the value
/// `clipGradientNorm` returns. ‖g‖₂ = √(Σ g²) accumulated in Double; ‖g‖∞ = max |g|; NaN if
/// any element is NaN.
public func gradientNorm(_ parameters: [Parameter], normType: GradientNormType = .l2) -> Float {
    switch normType {
    case .l2:
        var sum: Double = 0
        for p in parameters { sum += p.gradient.sumOfSquaresInBlocks() }
        return Float(sum.squareRoot())
    case .infinity:
        var m: Float = 0
        for p in parameters {
            let a = p.gradient.maxAbsolute()
            if a.isNaN { return .nan }
            m = Swift.max(m, a)
        }
        return m
    }
}

/// Clamps every gradient element to [−clipValue, clipValue], as
/// `torch.nn.utils.clip_grad_value_`:
///
///     g ← min(max(g, −clipValue), clipValue)
///
/// Elementwise, so unlike `clipGradientNorm` it changes the gradient's direction when any
/// element is clamped. NaN elements stay NaN (as `torch.clamp`).
public func clipGradientValues(_ parameters: [Parameter], clipValue: Double) {
    precondition(clipValue >= 0, "clipGradientValues: clipValue must be ≥ 0, got \(clipValue)")
    let hi = Float(clipValue), lo = -hi
    for p in parameters {
        p.gradient.forEachRow { _, row in
            for i in row.indices {
                let g = row[i]
                row[i] = g < lo ? lo : (g > hi ? hi : g)   // NaN compares false: stays NaN
            }
        }
    }
}
