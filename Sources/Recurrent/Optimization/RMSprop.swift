/// RMSprop — `torch.optim.RMSprop` with its defaults: lr 1e-2, alpha 0.99, eps 1e-8, weight
/// decay 0, momentum 0, not centered.
///
/// For each parameter θ with gradient g, learning rate γ, smoothing α, momentum μ:
///
///     g ← g + λθ                          (if λ ≠ 0)
///     v ← αv + (1 − α)g²
///     ḡ ← αḡ + (1 − α)g                   (centered)
///     d ← √(v − ḡ²) + ε   (centered)   or   √v + ε
///     b ← μb + g/d,  θ ← θ − γb           (if μ > 0)
///     θ ← θ − γ g/d                        (otherwise)
///
/// Buffers: `optimizer.square_avg.<name>` (v), `optimizer.grad_avg.<name>` (ḡ, centered only),
/// `optimizer.momentum_buffer.<name>` (b, μ > 0 only); all start at zero.
public final class RMSprop: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Double
    public let alpha: Double
    public let epsilon: Double
    public let weightDecay: Double
    public let momentum: Double
    public let centered: Bool
    public var stepCount = 0

    private let squareAvg: OptimizerBuffers
    private let gradAvg: OptimizerBuffers?
    private let momentumBuffers: OptimizerBuffers?

    /// Throws `OptimizerError` for the values PyTorch rejects: a negative learning rate,
    /// epsilon, momentum, weight decay or alpha.
    public init(parameters: [Parameter], learningRate: Double = 1e-2, alpha: Double = 0.99,
                epsilon: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0,
                centered: Bool = false) throws(OptimizerError) {
        try requireHyperparameter(learningRate >= 0, "RMSprop", "learningRate", learningRate, "≥ 0")
        try requireHyperparameter(epsilon >= 0, "RMSprop", "epsilon", epsilon, "≥ 0")
        try requireHyperparameter(momentum >= 0, "RMSprop", "momentum", momentum, "≥ 0")
        try requireHyperparameter(weightDecay >= 0, "RMSprop", "weightDecay", weightDecay, "≥ 0")
        try requireHyperparameter(alpha >= 0, "RMSprop", "alpha", alpha, "≥ 0")
        checkUniqueNames(parameters, "RMSprop")
        self.parameters = parameters
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        squareAvg = OptimizerBuffers(kind: "square_avg", for: parameters)
        gradAvg = centered ? OptimizerBuffers(kind: "grad_avg", for: parameters) : nil
        momentumBuffers = momentum > 0 ? OptimizerBuffers(kind: "momentum_buffer", for: parameters) : nil
    }

    public func step() {
        let lr = Float(learningRate), wd = Float(weightDecay), a = Float(alpha), w = Float(1 - alpha)
        let eps = Float(epsilon), mu = Float(momentum)
        for (i, p) in parameters.enumerated() {
            let v = squareAvg.matrices[i].pointer
            let gAvg = gradAvg?.matrices[i].pointer
            let buffer = momentumBuffers?.matrices[i].pointer
            let cols = p.value.cols
            p.forEachOptimizerRow { start, theta, grad in
                for c in 0..<cols {
                    let k = start + c
                    var g = grad[c]
                    if wd != 0 { g += wd * theta[c] }
                    v[k] = v[k] * a + w * g * g
                    var d: Float
                    if let gAvg {
                        gAvg[k] = torchLerp(gAvg[k], g, w)
                        d = (v[k] + -1 * gAvg[k] * gAvg[k]).squareRoot()
                    } else {
                        d = v[k].squareRoot()
                    }
                    d += eps
                    if let buffer {
                        buffer[k] = buffer[k] * mu + g / d
                        theta[c] += -lr * buffer[k]
                    } else {
                        theta[c] += -lr * g / d
                    }
                }
            }
        }
        stepCount += 1
    }

    public var state: [OptimizerStateTensor] {
        [squareAvg, gradAvg, momentumBuffers].compactMap { $0 }.flatMap { $0.tensors(for: parameters) }
    }

    public func loadState(_ tensors: [String: Matrix]) throws(OptimizerError) {
        try loadBuffers([squareAvg, gradAvg, momentumBuffers].compactMap { $0 }, parameters: parameters, from: tensors)
    }
}
