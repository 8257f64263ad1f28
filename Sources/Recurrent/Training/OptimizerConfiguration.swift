/// Which optimizer a training run uses, with its hyperparameters: `Codable`, so a checkpoint
/// records it and a resumed run rebuilds the same optimizer. Defaults are PyTorch's, except
/// the learning rate, which each run sets.
public struct OptimizerConfiguration: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case sgd, adam, adamw, rmsprop
    }

    public var kind: Kind
    public var learningRate: Double
    /// SGD and RMSprop momentum.
    public var momentum: Double
    /// SGD: Nesterov momentum.
    public var nesterov: Bool
    /// L2 penalty (SGD, Adam, RMSprop) or decoupled decay (AdamW).
    public var weightDecay: Double
    /// Adam / AdamW β₁, β₂.
    public var beta1: Double
    public var beta2: Double
    /// Adam / AdamW / RMSprop ε.
    public var epsilon: Double
    /// RMSprop smoothing constant α.
    public var alpha: Double

    public init(kind: Kind = .adam, learningRate: Double = 2e-3, momentum: Double = 0, nesterov: Bool = false,
                weightDecay: Double? = nil, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                alpha: Double = 0.99) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay ?? (kind == .adamw ? 1e-2 : 0)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.alpha = alpha
    }

    /// A new optimizer over `parameters`.
    ///
    /// - Throws: `OptimizerError` for hyperparameters PyTorch would reject.
    public func makeOptimizer(parameters: [Parameter]) throws(OptimizerError) -> any Optimizer {
        switch kind {
        case .sgd:
            return try SGD(parameters: parameters, learningRate: learningRate, momentum: momentum,
                           weightDecay: weightDecay, nesterov: nesterov)
        case .adam:
            return try Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                            epsilon: epsilon, weightDecay: weightDecay)
        case .adamw:
            return try AdamW(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                             epsilon: epsilon, weightDecay: weightDecay)
        case .rmsprop:
            return try RMSprop(parameters: parameters, learningRate: learningRate, alpha: alpha, epsilon: epsilon,
                               weightDecay: weightDecay, momentum: momentum)
        }
    }
}

/// How gradients are limited before each optimizer step.
public enum GradientClipping: Codable, Sendable, Equatable {
    /// Rescale all gradients together so their total norm is at most `maxNorm`
    /// (`torch.nn.utils.clip_grad_norm_`).
    case norm(maxNorm: Double, type: GradientNormType)
    /// Clamp every element to [−value, value] (`torch.nn.utils.clip_grad_value_`).
    case value(Double)
}
