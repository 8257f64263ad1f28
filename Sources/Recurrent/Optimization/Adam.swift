import Foundation

/// Adam — `torch.optim.Adam` with its defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8,
/// weight decay 0 (added to the gradient, i.e. L2), amsgrad off.
///
/// For each parameter θ with gradient g, learning rate γ, step t (1-based):
///
///     g ← g + λθ                                (L2 weight decay, if λ ≠ 0)
///     m ← β₁m + (1 − β₁)g
///     v ← β₂v + (1 − β₂)g²
///     v̂ ← max(v̂, v)                             (amsgrad; then v̂ replaces v below)
///     θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// Buffers: `optimizer.exp_avg.<name>` (m), `optimizer.exp_avg_sq.<name>` (v) and, with
/// amsgrad, `optimizer.max_exp_avg_sq.<name>` (v̂). `stepCount` is t after the step, and the
/// bias corrections read it, so restore it when resuming.
///
/// See `AdamW` for decoupled weight decay. As in PyTorch (`class AdamW(Adam)`), `AdamW` is a
/// subclass: the same hyperparameters, buffers and update, with the decay applied differently.
public class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public let weightDecay: Double
    public let amsgrad: Bool
    public var stepCount: Int {
        get { moments.stepCount }
        set { moments.stepCount = newValue }
    }

    /// Whether the weight decay shrinks θ directly (AdamW) rather than joining the gradient (L2).
    let decoupledWeightDecay: Bool
    private let moments: AdamMoments

    /// Throws `OptimizerError` for values PyTorch rejects: a negative learning rate, epsilon or
    /// weight decay, or a beta outside [0, 1).
    public convenience init(parameters: [Parameter], learningRate: Double = 1e-3, beta1: Double = 0.9,
                            beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0,
                            amsgrad: Bool = false) throws(OptimizerError) {
        try self.init(name: "Adam", decoupledWeightDecay: false, parameters: parameters, learningRate: learningRate,
                      beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    /// The set-up `Adam` and `AdamW` share: validates the hyperparameters (errors name the
    /// optimizer by `name`), checks the parameter names are unique, and zeroes the moments.
    init(name: String, decoupledWeightDecay: Bool, parameters: [Parameter], learningRate: Double, beta1: Double,
         beta2: Double, epsilon: Double, weightDecay: Double, amsgrad: Bool) throws(OptimizerError) {
        try AdamMoments.validate(name, learningRate, beta1, beta2, epsilon, weightDecay)
        checkUniqueNames(parameters, name)
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupledWeightDecay
        moments = AdamMoments(parameters: parameters, amsgrad: amsgrad)
    }

    public func step() {
        moments.step(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                     weightDecay: weightDecay, decoupled: decoupledWeightDecay)
    }

    public var state: [OptimizerStateTensor] { moments.state(parameters) }

    public func loadState(_ tensors: [String: Matrix]) throws(OptimizerError) {
        try moments.load(tensors, parameters)
    }
}

/// AdamW — `torch.optim.AdamW` with its defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8,
/// weight decay **1e-2**, amsgrad off. Adam with the weight decay decoupled from the gradient
/// (Loshchilov & Hutter): the parameter shrinks first, and the moments see the raw gradient.
///
///     θ ← θ(1 − γλ)
///     m ← β₁m + (1 − β₁)g
///     v ← β₂v + (1 − β₂)g²
///     θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// Buffers as `Adam`: `optimizer.exp_avg.<name>`, `optimizer.exp_avg_sq.<name>`
/// (and `optimizer.max_exp_avg_sq.<name>` with amsgrad).
public final class AdamW: Adam {
    /// Throws `OptimizerError` for values PyTorch rejects: a negative learning rate, epsilon or
    /// weight decay, or a beta outside [0, 1).
    public init(parameters: [Parameter], learningRate: Double = 1e-3, beta1: Double = 0.9,
                beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 1e-2,
                amsgrad: Bool = false) throws(OptimizerError) {
        try super.init(name: "AdamW", decoupledWeightDecay: true, parameters: parameters, learningRate: learningRate,
                       beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }
}

/// The moments and update shared by `Adam` and `AdamW` (PyTorch's `_single_tensor_adam`).
final class AdamMoments {
    let expAvg: OptimizerBuffers
    let expAvgSq: OptimizerBuffers
    let maxExpAvgSq: OptimizerBuffers?
    var stepCount = 0

    init(parameters: [Parameter], amsgrad: Bool) {
        expAvg = OptimizerBuffers(kind: "exp_avg", for: parameters)
        expAvgSq = OptimizerBuffers(kind: "exp_avg_sq", for: parameters)
        maxExpAvgSq = amsgrad ? OptimizerBuffers(kind: "max_exp_avg_sq", for: parameters) : nil
    }

    static func validate(_ name: String, _ lr: Double, _ beta1: Double, _ beta2: Double, _ eps: Double,
                         _ wd: Double) throws(OptimizerError) {
        try requireHyperparameter(lr >= 0, name, "learningRate", lr, "≥ 0")
        try requireHyperparameter(eps >= 0, name, "epsilon", eps, "≥ 0")
        try requireHyperparameter(beta1 >= 0 && beta1 < 1, name, "beta1", beta1, "in [0, 1)")
        try requireHyperparameter(beta2 >= 0 && beta2 < 1, name, "beta2", beta2, "in [0, 1)")
        try requireHyperparameter(wd >= 0, name, "weightDecay", wd, "≥ 0")
    }

    var groups: [OptimizerBuffers] { [expAvg, expAvgSq] + (maxExpAvgSq.map { [$0] } ?? []) }

    func state(_ parameters: [Parameter]) -> [OptimizerStateTensor] {
        groups.flatMap { $0.tensors(for: parameters) }
    }

    func load(_ tensors: [String: Matrix], _ parameters: [Parameter]) throws(OptimizerError) {
        try loadBuffers(groups, parameters: parameters, from: tensors)
    }

    func step(_ parameters: [Parameter], learningRate: Double, beta1: Double, beta2: Double, epsilon: Double,
              weightDecay: Double, decoupled: Bool) {
        stepCount += 1
        // Scalars in Double as PyTorch computes them in Python, rounded to Float where a
        // tensor op would round them.
        let t = Double(stepCount)
        let biasCorrection1 = 1 - Foundation.pow(beta1, t)
        let biasCorrection2Sqrt = (1 - Foundation.pow(beta2, t)).squareRoot()
        let stepSize = Float(learningRate / biasCorrection1)
        let bc2 = Float(biasCorrection2Sqrt), eps = Float(epsilon)
        let w1 = Float(1 - beta1), b2 = Float(beta2), w2 = Float(1 - beta2)
        let l2 = decoupled ? 0 : Float(weightDecay)
        let shrink = Float(1 - learningRate * weightDecay)
        let shrinks = decoupled && weightDecay != 0
        for (i, p) in parameters.enumerated() {
            let m = SharedPointer(expAvg.matrices[i].pointer), v = SharedPointer(expAvgSq.matrices[i].pointer)
            let vMax = maxExpAvgSq.map { SharedPointer($0.matrices[i].pointer) }
            let value = p.value, gradient = p.gradient
            let rows = value.rows, cols = value.cols
            // Elementwise, so any split gives the same floats: blocks of ~64K elements (whole
            // rows) go to the thread pool; a small parameter is one block.
            let rowsPerBlock = Swift.max(1, 65_536 / Swift.max(cols, 1))
            let blocks = (rows + rowsPerBlock - 1) / rowsPerBlock
            ThreadPool.parallelFor(blocks) { block in
                for r in block * rowsPerBlock..<Swift.min(rows, (block + 1) * rowsPerBlock) {
                    let start = r * cols
                    let theta = value.pointer + r * value.rowStride, grad = gradient.pointer + r * gradient.rowStride
                    if !shrinks && l2 == 0 && vMax == nil && abs(w1) < 0.5 {
                        // The common case (plain Adam, torchLerp's near-a branch): the vector
                        // kernel, lane by lane the same operations as the loop below.
                        VectorMath.adamUpdate(count: cols, theta: theta, gradient: grad, m: m.base + start, v: v.base + start,
                                              w1: w1, b2: b2, w2: w2, bc2: bc2, eps: eps, negativeStep: -stepSize)
                        continue
                    }
                    for c in 0..<cols {
                        let k = start + c
                        if shrinks { theta[c] *= shrink }
                        var g = grad[c]
                        if l2 != 0 { g += l2 * theta[c] }
                        m[k] = torchLerp(m[k], g, w1)
                        v[k] = v[k] * b2 + w2 * g * g
                        var second = v[k]
                        if let vMax {
                            vMax[k] = Swift.max(vMax[k], second)
                            second = vMax[k]
                        }
                        let denominator = second.squareRoot() / bc2 + eps
                        theta[c] += -stepSize * m[k] / denominator
                    }
                }
            }
        }
    }
}

/// `torch.lerp`: a + w(b − a), computed from the nearer end as ATen does for accuracy.
@inline(__always)
func torchLerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
    abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
}
