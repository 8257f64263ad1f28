import Foundation
import Testing
import Recurrent

/// PyTorch parity for the building blocks, optimizers and clipping, against the fixtures in
/// `Tests/RecurrentTests/Fixtures` (made by `Scripts/make_fixtures.py` with PyTorch 2.15, values
/// computed in float64 from float32 inputs). Tolerance, everywhere: |ours − ref| ≤ 1e-5 + 1e-4·|ref|
/// (the fixtures' documented float32 tolerance, `FixtureTensor.mismatch`'s default).
@Suite struct NNParityTests {
    // MARK: Building blocks

    @Test(arguments: ["linear", "linear_nobias"])
    func linear(name: String) throws {
        let f = try Fixture.linear(name)
        var rng = RandomGenerator(seed: 0)
        let layer = Linear(inputSize: f.config.inFeatures, outputSize: f.config.outFeatures, bias: f.config.bias,
                           generator: &rng)
        #expect(layer.parameters.map(\.name) == f.paramOrder)
        for p in layer.parameters {
            #expect(p.shape == f.params[p.name]!.shape)
            p.value.assign(f.params[p.name]!.matrix(rows: p.value.rows, cols: p.value.cols))
        }
        let y = layer.forward(f.input.matrix())
        #expect(f.output.mismatch(y) == nil)
        let wO = f.wO.matrix()
        #expect(scalarMismatch(NNTestSupport.dot(y, wO), f.loss) == nil)
        let dX = layer.backward(wO)
        #expect(f.grads["input"]!.mismatch(dX) == nil)
        for p in layer.parameters { #expect(f.grads[p.name]!.mismatch(p.gradient) == nil, "\(p.name)") }
    }

    @Test func embedding() throws {
        let f = try Fixture.embedding("embedding")
        var rng = RandomGenerator(seed: 0)
        let layer = Embedding(vocabularySize: f.config.numEmbeddings, embeddingSize: f.config.embeddingDim,
                              generator: &rng)
        #expect(layer.weight.shape == f.params["weight"]!.shape)
        layer.weight.value.assign(f.params["weight"]!.matrix())
        let tokens = f.indices.ints.map(Int32.init)                  // (T, B) row-major = time-major
        let out = layer.forward(tokens)                              // (T·B, E)
        #expect(f.output.mismatch(out) == nil)
        let wO = f.wO.matrix()                                       // (T·B, E)
        #expect(scalarMismatch(NNTestSupport.dot(out, wO), f.loss) == nil)
        layer.backward(wO)
        #expect(f.grads["weight"]!.mismatch(layer.weight.gradient) == nil)
    }

    @Test(arguments: ["cross_entropy_mean", "cross_entropy_sum", "cross_entropy_mean_ignore_class"])
    func crossEntropy(name: String) throws {
        let f = try Fixture.crossEntropy(name)
        let loss = SoftmaxCrossEntropy(ignoreIndex: Int32(f.config.ignoreIndex),
                                       reduction: LossReduction(rawValue: f.config.reduction)!)
        let targets = f.targets.ints.map(Int32.init)
        let logits = f.logits.matrix()
        #expect(scalarMismatch(Double(loss.loss(logits: logits, targets: targets)), f.loss) == nil)
        let value = loss.lossAndGradient(logits: logits, targets: targets)     // in place
        #expect(scalarMismatch(Double(value), f.loss) == nil)
        #expect(f.grads["logits"]!.mismatch(logits) == nil)
    }

    @Test(arguments: ["mse_mean", "mse_sum"])
    func meanSquaredError(name: String) throws {
        let f = try Fixture.mse(name)
        let loss = MeanSquaredError(reduction: LossReduction(rawValue: f.config.reduction)!)
        let p = f.input.matrix(), t = f.target.matrix()
        let d = Matrix(rows: p.rows, cols: p.cols)
        let value = loss.lossAndGradient(prediction: p, target: t, dPrediction: d)
        #expect(scalarMismatch(Double(value), f.loss) == nil)
        #expect(f.grads["input"]!.mismatch(d) == nil)
        // d/dtarget = −d/dprediction.
        #expect(f.grads["target"]!.mismatch(d.toArray().map { -$0 }) == nil)
    }

    // MARK: Optimizers

    func makeOptimizer(_ c: OptimizerConfig, _ parameters: [Parameter]) throws -> any Optimizer {
        switch c.optimizer {
        case "SGD":
            return try SGD(parameters: parameters, learningRate: c.lr, momentum: c.momentum ?? 0,
                           dampening: c.dampening ?? 0, weightDecay: c.weightDecay ?? 0, nesterov: c.nesterov ?? false)
        case "Adam", "AdamW":
            let betas = c.betas ?? [0.9, 0.999]
            #expect(c.amsgrad != true && c.maximize != true)
            return c.optimizer == "Adam"
                ? try Adam(parameters: parameters, learningRate: c.lr, beta1: betas[0], beta2: betas[1],
                           epsilon: c.eps ?? 1e-8, weightDecay: c.weightDecay ?? 0)
                : try AdamW(parameters: parameters, learningRate: c.lr, beta1: betas[0], beta2: betas[1],
                            epsilon: c.eps ?? 1e-8, weightDecay: c.weightDecay ?? 0.01)
        case "RMSprop":
            return try RMSprop(parameters: parameters, learningRate: c.lr, alpha: c.alpha ?? 0.99, epsilon: c.eps ?? 1e-8,
                               weightDecay: c.weightDecay ?? 0, momentum: c.momentum ?? 0, centered: c.centered ?? false)
        default:
            throw FixtureError.wrongKind(name: c.optimizer, expected: "SGD/Adam/AdamW/RMSprop", found: c.optimizer)
        }
    }

    @Test(arguments: (try? Fixture.names(kind: "optimizer")) ?? [])
    func optimizerTrajectory(name: String) throws {
        let f = try Fixture.optimizer(name)
        let parameters = f.paramOrder.map { n in
            let t = f.initial[n]!, m = t.matrix()
            return Parameter(name: n, shape: t.shape, value: m, gradient: Matrix(rows: m.rows, cols: m.cols))
        }
        let optimizer = try makeOptimizer(f.config, parameters)
        for (k, grads) in f.grads.enumerated() {
            for p in parameters { p.gradient.assign(grads[p.name]!.matrix()) }
            optimizer.step()
            for p in parameters {
                #expect(f.steps[k][p.name]!.mismatch(p.value) == nil, "step \(k + 1), \(p.name)")
            }
        }
        if let stateStep = f.stateStep { #expect(optimizer.stepCount == stateStep) }
        // Every PyTorch state tensor, and no other, under our documented names.
        let ours = Dictionary(uniqueKeysWithValues: optimizer.state.map { ($0.name, $0) })
        var expectedNames: Set<String> = []
        for p in f.paramOrder {
            for (buffer, reference) in f.state[p] ?? [:] {
                let key = "optimizer.\(buffer).\(p)"
                expectedNames.insert(key)
                let tensor = try #require(ours[key], "missing \(key)")
                #expect(tensor.shape == reference.shape)
                #expect(reference.mismatch(tensor.value) == nil, "\(key)")
            }
        }
        #expect(Set(ours.keys) == expectedNames)
    }

    // MARK: Clipping

    @Test(arguments: (try? Fixture.names(kind: "clip")) ?? [])
    func clipping(name: String) throws {
        let f = try Fixture.clip(name)
        let parameters = f.paramOrder.map { n in
            let g = f.grads[n]!.matrix()
            return Parameter(name: n, shape: f.grads[n]!.shape, value: Matrix(rows: g.rows, cols: g.cols), gradient: g)
        }
        if f.config.function == "clip_grad_norm_" {
            let normType: GradientNormType = f.config.normType == .infinity ? .infinity : .l2
            #expect(f.config.normType == 2 || normType == .infinity)
            let norm = try clipGradientNorm(parameters, maxNorm: f.config.maxNorm!, normType: normType,
                                            errorIfNonfinite: true)
            #expect(scalarMismatch(Double(norm), f.totalNorm!) == nil)
        } else {
            clipGradientValues(parameters, clipValue: f.config.clipValue!)
        }
        for p in parameters { #expect(f.clipped[p.name]!.mismatch(p.gradient) == nil, "\(p.name)") }
    }
}
