/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight
/// decay — `torch.optim.SGD` with its defaults (lr 1e-3, everything else off).
///
/// For each parameter θ with gradient g, learning rate γ, momentum μ, dampening τ and weight
/// decay λ, step t (1-based):
///
///     g ← g + λθ                                  (if λ ≠ 0)
///     b ← g                          (t = 1)
///     b ← μb + (1 − τ)g              (t > 1)      (if μ ≠ 0)
///     g ← g + μb  (Nesterov)   or   g ← b         (if μ ≠ 0)
///     θ ← θ − γg
///
/// The momentum buffer b is saved as `optimizer.momentum_buffer.<name>` (only when μ ≠ 0).
/// As in PyTorch, the first step copies g into b (no dampening); after loading a checkpoint
/// with `stepCount > 0` the loaded buffer is used as is.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Double
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool
    public var stepCount = 0

    private let momentumBuffers: OptimizerBuffers?

    /// Throws `OptimizerError` for a negative learning rate, momentum or weight decay, or for
    /// Nesterov without momentum or with dampening — the values PyTorch rejects.
    public init(parameters: [Parameter], learningRate: Double = 1e-3, momentum: Double = 0,
                dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false) throws(OptimizerError) {
        try requireHyperparameter(learningRate >= 0, "SGD", "learningRate", learningRate, "≥ 0")
        try requireHyperparameter(momentum >= 0, "SGD", "momentum", momentum, "≥ 0")
        try requireHyperparameter(weightDecay >= 0, "SGD", "weightDecay", weightDecay, "≥ 0")
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw .invalidNesterov(momentum: momentum, dampening: dampening)
        }
        checkUniqueNames(parameters, "SGD")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffers = momentum != 0 ? OptimizerBuffers(kind: "momentum_buffer", for: parameters) : nil
    }

    public func step() {
        let lr = Float(learningRate), wd = Float(weightDecay), mu = Float(momentum)
        let keep = Float(1 - dampening)
        let first = stepCount == 0
        for (i, p) in parameters.enumerated() {
            let buffer = momentumBuffers?.matrices[i].pointer
            let cols = p.value.cols
            p.forEachOptimizerRow { start, theta, grad in
                for c in 0..<cols {
                    var g = grad[c]
                    if wd != 0 { g += wd * theta[c] }
                    if let buffer {
                        let b = first ? g : buffer[start + c] * mu + keep * g
                        buffer[start + c] = b
                        g = nesterov ? g + mu * b : b
                    }
                    theta[c] += -lr * g
                }
            }
        }
        stepCount += 1
    }

    public var state: [OptimizerStateTensor] {
        momentumBuffers?.tensors(for: parameters) ?? []
    }

    public func loadState(_ tensors: [String: Matrix]) throws(OptimizerError) {
        try loadBuffers(momentumBuffers.map { [$0] } ?? [], parameters: parameters, from: tensors)
    }
}
