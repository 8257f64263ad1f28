/// One optimizer step, the same for every model the package trains (language models, series
/// models, memory experiments):
///
///     zero gradients → forward, loss, backward (the caller's closure) → ‖g‖, clip → update
///
/// This is the one place that clips gradients and calls `Optimizer.step()`. Whatever must see
/// every step — a metrics log, a time budget, a gradient all-reduce across processes — belongs
/// here, between backward and clipping or after the update.
///
/// A non-finite loss or gradient norm skips the update, so the weights stay those of the last
/// good step; the caller decides what divergence means (stop with an error, record it, …).
/// The norm is measured (and the gradients clipped) before that check, so it is reported
/// either way.
public struct TrainingStep {
    /// Everything the optimizer updates; the closure's backward pass adds into their gradients.
    public let parameters: [Parameter]
    public let optimizer: any Optimizer
    /// nil measures the norm but leaves the gradients as they are.
    public var clipping: GradientClipping?

    public init(parameters: [Parameter], optimizer: any Optimizer, clipping: GradientClipping?) {
        self.parameters = parameters
        self.optimizer = optimizer
        self.clipping = clipping
    }

    /// What one step did.
    public struct Result: Sendable, Equatable {
        /// The closure's loss.
        public var loss: Float
        /// Total gradient norm before clipping (L2, or ∞ when clipping by the ∞-norm).
        public var gradientNorm: Float
        /// Whether the optimizer updated the weights (false: the loss or the norm was NaN or ±∞).
        public var updated: Bool { loss.isFinite && gradientNorm.isFinite }
    }

    /// Runs one step. `lossAndGradients` runs forward, loss and backward (in training mode) and
    /// returns the loss; it finds every gradient zeroed. `learningRate`, when given, is set on
    /// the optimizer for this update (a schedule's rate).
    @discardableResult
    public func callAsFunction(learningRate: Double? = nil, _ lossAndGradients: () -> Float) -> Result {
        if let learningRate { optimizer.learningRate = learningRate }
        for p in parameters { p.gradient.fill(0) }
        let loss = lossAndGradients()
        let result = Result(loss: loss, gradientNorm: clipGradients())
        guard result.updated else { return result }
        optimizer.step()
        return result
    }

    /// Clips as configured; returns the total norm before clipping (NaN or ±∞ when diverged,
    /// the gradients then scaled as PyTorch does and not used).
    private func clipGradients() -> Float {
        switch clipping {
        case .norm(let maxNorm, let type)?:
            // Without errorIfNonfinite it never throws.
            return (try? clipGradientNorm(parameters, maxNorm: maxNorm, normType: type)) ?? .nan
        case .value(let v)?:
            let norm = gradientNorm(parameters)
            clipGradientValues(parameters, clipValue: v)
            return norm
        case nil:
            return gradientNorm(parameters)
        }
    }
}
