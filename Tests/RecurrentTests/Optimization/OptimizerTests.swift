import Foundation
import Testing
import Recurrent

/// First and second steps worked out by hand (in Double) from the update equations in the
/// PyTorch documentation; values agree to Float rounding (relative 1e-6, absolute 1e-7).
@Suite struct OptimizerTests {
    static let theta: [Float] = [1, -2, 0.5, 3]
    static let grad: [Float] = [0.1, -0.4, 2, 0]

    func parameter() -> Parameter {
        NNTestSupport.parameter("w", rows: 2, cols: 2, value: Self.theta, gradient: Self.grad)
    }

    func expectClose(_ value: Matrix, _ expected: [Double], _ comment: Comment? = nil) {
        #expect(NNTestSupport.close(value.toArray(), expected, absolute: 1e-7, relative: 1e-6),
                "\(comment?.description ?? "") got \(value.toArray()), expected \(expected)")
    }

    var theta: [Double] { Self.theta.map(Double.init) }
    var grad: [Double] { Self.grad.map(Double.init) }

    // MARK: SGD

    @Test func sgdPlainStep() throws {
        let p = parameter()
        let sgd = try SGD(parameters: [p], learningRate: 0.1)
        sgd.step()
        expectClose(p.value, zip(theta, grad).map { $0 - 0.1 * $1 })
        #expect(sgd.stepCount == 1 && sgd.state.isEmpty)
        #expect(try SGD(parameters: []).learningRate == 1e-3)     // PyTorch's default
    }

    @Test func sgdMomentumWithDampeningAndWeightDecay() throws {
        let p = parameter()
        let (lr, mu, tau, wd) = (0.1, 0.9, 0.3, 0.01)
        let sgd = try SGD(parameters: [p], learningRate: lr, momentum: mu, dampening: tau, weightDecay: wd)
        // Step 1: b = g + λθ (no dampening on the first step), θ −= γb.
        let g1 = zip(grad, theta).map { $0 + wd * $1 }
        let b1 = g1
        let t1 = zip(theta, b1).map { $0 - lr * $1 }
        sgd.step()
        expectClose(p.value, t1, "step 1")
        expectClose(sgd.state[0].value, b1, "buffer 1")
        #expect(sgd.state.map(\.name) == ["optimizer.momentum_buffer.w"])
        // Step 2 with the same gradient: b = μb + (1 − τ)(g + λθ₁).
        sgd.step()
        let g2 = zip(grad, t1).map { $0 + wd * $1 }
        let b2 = zip(b1, g2).map { mu * $0 + (1 - tau) * $1 }
        expectClose(p.value, zip(t1, b2).map { $0 - lr * $1 }, "step 2")
    }

    @Test func sgdNesterov() throws {
        let p = parameter()
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: true)
        sgd.step()
        // b = g; update direction g + μb = 1.9g.
        let t1 = zip(theta, grad).map { $0 - 0.1 * 1.9 * $1 }
        expectClose(p.value, t1)
        sgd.step()
        // b = 0.9g + g = 1.9g; direction g + 0.9·1.9g = 2.71g.
        expectClose(p.value, zip(t1, grad).map { $0 - 0.1 * 2.71 * $1 })
    }

    @Test func sgdRejectsWhatPyTorchRejects() {
        #expect(throws: OptimizerError.invalidNesterov(momentum: 0, dampening: 0)) {
            try SGD(parameters: [], nesterov: true)
        }
        #expect(throws: OptimizerError.self) { try SGD(parameters: [], learningRate: -1) }
        #expect(throws: OptimizerError.self) { try SGD(parameters: [], momentum: 0.9, dampening: 0.1, nesterov: true) }
    }

    // MARK: Adam / AdamW

    /// θ after `steps` Adam steps with a constant gradient, in Double.
    func adamReference(steps: Int, lr: Double, b1: Double = 0.9, b2: Double = 0.999, eps: Double = 1e-8,
                       l2: Double = 0, decoupled: Double = 0) -> [Double] {
        var th = theta, m = [Double](repeating: 0, count: 4), v = m
        for t in 1...steps {
            for i in 0..<4 {
                th[i] *= 1 - lr * decoupled
                let g = grad[i] + l2 * th[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                let denom = (v[i].squareRoot() / (1 - pow(b2, Double(t))).squareRoot()) + eps
                th[i] -= lr / (1 - pow(b1, Double(t))) * m[i] / denom
            }
        }
        return th
    }

    @Test func adamFirstStepMovesEachWeightByTheLearningRate() throws {
        let p = parameter()
        let adam = try Adam(parameters: [p], learningRate: 0.01)
        adam.step()
        // m̂ = g and v̂ = g², so the step is −γ·g/(|g| + ε) ≈ −γ·sign(g); zero gradient, no move.
        expectClose(p.value, zip(theta, grad).map { $0 - 0.01 * $1 / (abs($1) + 1e-8) })
        #expect(adam.state.map(\.name) == ["optimizer.exp_avg.w", "optimizer.exp_avg_sq.w"])
        expectClose(adam.state[0].value, grad.map { 0.1 * $0 })
        expectClose(adam.state[1].value, grad.map { 0.001 * $0 * $0 })
    }

    @Test func adamThreeStepsWithL2WeightDecay() throws {
        let p = parameter()
        let adam = try Adam(parameters: [p], learningRate: 0.05, beta1: 0.8, beta2: 0.99, weightDecay: 0.1)
        for _ in 0..<3 { adam.step() }
        expectClose(p.value, adamReference(steps: 3, lr: 0.05, b1: 0.8, b2: 0.99, l2: 0.1))
        #expect(adam.stepCount == 3)
    }

    @Test func adamWDecouplesWeightDecay() throws {
        let p = parameter()
        let adamW = try AdamW(parameters: [p], learningRate: 0.05, weightDecay: 0.1)
        adamW.step()
        // θ(1 − γλ) − γ·g/(|g| + ε): the decayed weight with zero gradient still shrinks.
        expectClose(p.value, zip(theta, grad).map { $0 * (1 - 0.005) - 0.05 * $1 / (abs($1) + 1e-8) })
        adamW.step(); adamW.step()
        expectClose(p.value, adamReference(steps: 3, lr: 0.05, decoupled: 0.1))
        #expect(try AdamW(parameters: []).weightDecay == 0.01)      // PyTorch's default
    }

    /// Plain Adam runs a vector kernel (16 or 8 lanes and a scalar tail); it must give the very
    /// floats of the scalar update, written out here in the same order, on a shape with tails.
    @Test func plainAdamVectorKernelMatchesTheScalarUpdateBitForBit() throws {
        var random = RandomGenerator(seed: 7)
        let rows = 3, cols = 37, count = rows * cols
        let start = (0..<count).map { _ in random.uniform(-1, 1) }
        let p = NNTestSupport.parameter("w", rows: rows, cols: cols, value: start,
                                        gradient: [Float](repeating: 0, count: count))
        let adam = try Adam(parameters: [p], learningRate: 0.01)
        var theta = start, m = [Float](repeating: 0, count: count), v = m
        for t in 1...5 {
            let g = (0..<count).map { _ in random.uniform(-2, 2) }
            p.gradient.assign(Matrix(rows: rows, cols: cols, values: g))
            adam.step()
            let stepSize = Float(0.01 / (1 - pow(0.9, Double(t))))
            let bc2 = Float((1 - pow(0.999, Double(t))).squareRoot())
            let w1 = Float(1 - 0.9), b2 = Float(0.999), w2 = Float(1 - 0.999), eps = Float(1e-8)
            for i in 0..<count {
                m[i] = m[i] + w1 * (g[i] - m[i])
                v[i] = v[i] * b2 + w2 * g[i] * g[i]
                theta[i] += -stepSize * m[i] / (v[i].squareRoot() / bc2 + eps)
            }
            #expect(p.value.toArray() == theta, "step \(t)")
        }
        #expect(adam.state[0].value.toArray() == m && adam.state[1].value.toArray() == v)
    }

    @Test func amsgradUsesTheLargestSecondMoment() throws {
        let p = NNTestSupport.parameter("w", rows: 1, cols: 1, value: [0], gradient: [1])
        let adam = try Adam(parameters: [p], learningRate: 0.1, beta1: 0, beta2: 0.5, amsgrad: true)
        adam.step()                       // v = 0.5, v̂ = 0.5
        p.gradient.fill(0.1)
        adam.step()                       // v = 0.25 + 0.005 = 0.255 < v̂ = 0.5
        let names = adam.state.map(\.name)
        #expect(names == ["optimizer.exp_avg.w", "optimizer.exp_avg_sq.w", "optimizer.max_exp_avg_sq.w"])
        #expect(adam.state[2].value[0, 0] == 0.5)
        // Step 2: m = 0.1 (β₁ = 0), denominator √0.5/√0.75 + ε.
        let step1 = -0.1 * 1 / ((0.5 as Double).squareRoot() / (0.5 as Double).squareRoot() + 1e-8)
        let step2 = -0.1 * 0.1 / ((0.5 as Double).squareRoot() / (0.75 as Double).squareRoot() + 1e-8)
        expectClose(p.value, [step1 + step2])
    }

    @Test func adamRejectsBetaOfOne() {
        #expect(throws: OptimizerError.invalidHyperparameter(optimizer: "Adam", name: "beta2", value: 1,
                                                             requirement: "in [0, 1)")) {
            try Adam(parameters: [], beta2: 1)
        }
    }

    /// AdamW shares Adam's set-up: its errors name AdamW, and it keeps its own defaults.
    @Test func adamWValidatesUnderItsOwnName() throws {
        #expect(throws: OptimizerError.invalidHyperparameter(optimizer: "AdamW", name: "weightDecay", value: -1,
                                                             requirement: "≥ 0")) {
            try AdamW(parameters: [], weightDecay: -1)
        }
        #expect(throws: OptimizerError.invalidHyperparameter(optimizer: "AdamW", name: "beta1", value: 1,
                                                             requirement: "in [0, 1)")) {
            try AdamW(parameters: [], beta1: 1)
        }
        let adamW = try AdamW(parameters: [parameter()], amsgrad: true)
        #expect(adamW.learningRate == 1e-3 && adamW.beta1 == 0.9 && adamW.beta2 == 0.999 && adamW.epsilon == 1e-8)
        #expect(adamW.state.map(\.name) == ["optimizer.exp_avg.w", "optimizer.exp_avg_sq.w",
                                            "optimizer.max_exp_avg_sq.w"])
        #expect(try Adam(parameters: []).weightDecay == 0)
    }

    // MARK: RMSprop

    @Test func rmspropFirstStep() throws {
        let p = parameter()
        let rms = try RMSprop(parameters: [p], learningRate: 0.01)
        rms.step()
        // v = (1 − α)g²; θ −= γ·g/(√v + ε).
        expectClose(p.value, zip(theta, grad).map { $0 - 0.01 * $1 / ((0.01 * $1 * $1).squareRoot() + 1e-8) })
        #expect(rms.state.map(\.name) == ["optimizer.square_avg.w"])
    }

    @Test func rmspropCenteredWithMomentumTwoSteps() throws {
        let p = parameter()
        let (lr, alpha, mu) = (0.01, 0.9, 0.5)
        let rms = try RMSprop(parameters: [p], learningRate: lr, alpha: alpha, momentum: mu, centered: true)
        rms.step(); rms.step()
        var th = theta, v = [Double](repeating: 0, count: 4), gAvg = v, b = v
        for _ in 0..<2 {
            for i in 0..<4 {
                let g = grad[i]
                v[i] = alpha * v[i] + (1 - alpha) * g * g
                gAvg[i] = alpha * gAvg[i] + (1 - alpha) * g
                let d = (v[i] - gAvg[i] * gAvg[i]).squareRoot() + 1e-8
                b[i] = mu * b[i] + g / d
                th[i] -= lr * b[i]
            }
        }
        #expect(NNTestSupport.close(p.value.toArray(), th, absolute: 1e-6, relative: 1e-5),
                "got \(p.value.toArray()), expected \(th)")
        #expect(rms.state.map(\.name) == ["optimizer.square_avg.w", "optimizer.grad_avg.w", "optimizer.momentum_buffer.w"])
    }

    // MARK: State, resume, views

    func makeAll(_ params: [Parameter]) throws -> [any Optimizer] {
        [try SGD(parameters: params, learningRate: 0.1, momentum: 0.9, dampening: 0.2),
         try Adam(parameters: params, learningRate: 0.01, amsgrad: true),
         try AdamW(parameters: params, learningRate: 0.01),
         try RMSprop(parameters: params, learningRate: 0.01, momentum: 0.3, centered: true)]
    }

    @Test(arguments: 0..<4)
    func savedStateResumesExactly(which: Int) throws {
        let a = [parameter(), NNTestSupport.parameter("b", rows: 1, cols: 2, value: [0.3, -0.3], gradient: [1, 2])]
        let b = a.map { NNTestSupport.parameter($0.name, rows: $0.value.rows, cols: $0.value.cols,
                                                value: $0.value.toArray(), gradient: $0.gradient.toArray()) }
        let original = try makeAll(a)[which], resumed = try makeAll(b)[which]
        for _ in 0..<3 { original.step(); resumed.step() }
        // Scramble the second optimizer, then restore it from the first one's saved state.
        let saved = Dictionary(uniqueKeysWithValues: original.state.map { ($0.name, $0.value.copy()) })
        for t in resumed.state { t.value.fill(7) }
        resumed.stepCount = 0
        try resumed.loadState(saved)
        resumed.stepCount = original.stepCount
        for (x, y) in zip(a, b) { y.value.assign(x.value) }
        for _ in 0..<2 { original.step(); resumed.step() }
        for (x, y) in zip(a, b) { #expect(x.value.toArray() == y.value.toArray()) }
        #expect(original.state.map(\.shape).contains([2]))     // a bias keeps its 1-D PyTorch shape
    }

    @Test func loadingIncompleteStateThrowsAndChangesNothing() throws {
        let p = parameter()
        let adam = try Adam(parameters: [p])
        adam.step()
        let before = adam.state.map { $0.value.toArray() }
        #expect(throws: OptimizerError.missingState(name: "optimizer.exp_avg_sq.w")) {
            try adam.loadState(["optimizer.exp_avg.w": Matrix(rows: 2, cols: 2)])
        }
        let wrongSize: [String: Matrix] = ["optimizer.exp_avg.w": Matrix(rows: 1, cols: 4),
                                           "optimizer.exp_avg_sq.w": Matrix(rows: 1, cols: 3)]
        #expect(throws: OptimizerError.stateSizeMismatch(name: "optimizer.exp_avg_sq.w", expected: 4, found: 3)) {
            try adam.loadState(wrongSize)
        }
        #expect(adam.state.map { $0.value.toArray() } == before)
        let message = OptimizerError.missingState(name: "optimizer.exp_avg_sq.w").description
        #expect(message.contains("optimizer.exp_avg_sq.w") && message.contains("different optimizer"))
    }

    @Test(arguments: 0..<4)
    func updatesStridedParameterViews(which: Int) throws {
        // Two parameters as column blocks of one (2, 4) buffer (as a layer's flat allocation might be):
        // each optimizer must give the same result as on contiguous copies.
        let values = Matrix(rows: 2, cols: 4, values: [1, 2, 3, 4, 5, 6, 7, 8])
        let grads = Matrix(rows: 2, cols: 4, values: [0.5, -1, 0.25, 2, -0.5, 1, 3, -2])
        let strided = [Parameter(name: "a", shape: [2, 2], value: values.columns(0..<2), gradient: grads.columns(0..<2)),
                       Parameter(name: "b", shape: [2, 2], value: values.columns(2..<4), gradient: grads.columns(2..<4))]
        let contiguous = strided.map { Parameter(name: $0.name, shape: $0.shape, value: $0.value.copy(), gradient: $0.gradient.copy()) }
        let o1 = try makeAll(strided)[which], o2 = try makeAll(contiguous)[which]
        for _ in 0..<2 { o1.step(); o2.step() }
        for (s, c) in zip(strided, contiguous) { #expect(s.value.toArray() == c.value.toArray()) }
    }
}
