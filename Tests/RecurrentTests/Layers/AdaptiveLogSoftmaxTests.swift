import Foundation
import Testing
import Recurrent

/// `AdaptiveLogSoftmaxWithLoss` against PyTorch's `nn.AdaptiveLogSoftmaxWithLoss` (fixtures from
/// `Scripts/make_fixtures.py adaptive`) and against finite differences.
@Suite struct AdaptiveLogSoftmaxTests {
    static func layer(_ f: AdaptiveSoftmaxFixture) -> AdaptiveLogSoftmaxWithLoss {
        var rng = RandomGenerator(seed: 0)
        let layer = AdaptiveLogSoftmaxWithLoss(inputSize: f.config.inFeatures, classCount: f.config.nClasses,
                                               cutoffs: f.config.cutoffs, divValue: f.config.divValue,
                                               headBias: f.config.headBias, generator: &rng)
        for p in layer.parameters { p.value.assign(f.params[p.name]!.matrix(rows: p.value.rows, cols: p.value.cols)) }
        return layer
    }

    @Test(arguments: ["adaptive_softmax_head_bias", "adaptive_softmax_three_clusters"])
    func matchesPyTorch(name: String) throws {
        let f = try Fixture.adaptiveSoftmax(name)
        let layer = Self.layer(f)
        #expect(layer.parameters.map(\.name) == f.paramOrder)
        for p in layer.parameters { #expect(p.shape == f.params[p.name]!.shape, "\(p.name)") }
        let x = f.input.matrix()
        let targets = f.targets.ints.map(Int32.init)

        let logProb = layer.logProb(x).copy()
        #expect(f.logProb.mismatch(logProb) == nil)
        // PyTorch's `output`: each row's target log-probability, read from the full distribution.
        #expect(f.output.mismatch(targets.enumerated().map { logProb[$0.offset, Int($0.element)] }) == nil)

        let loss = targets.withUnsafeBufferPointer { layer.loss(x, targets: $0) }
        #expect(scalarMismatch(Double(loss), f.loss) == nil)
        let (value, dX) = targets.withUnsafeBufferPointer { layer.lossAndGradient(x, targets: $0) }
        #expect(scalarMismatch(Double(value), f.loss) == nil)
        #expect(f.grads["input"]!.mismatch(dX) == nil)
        for p in layer.parameters { #expect(f.grads[p.name]!.mismatch(p.gradient) == nil, "\(p.name)") }
    }

    /// H 6, V 15, cutoffs 3, 8 at div 2 (3 and 1 projected features), with a head bias.
    func randomLayer(headBias: Bool = true) -> (AdaptiveLogSoftmaxWithLoss, Matrix, [Int32]) {
        var rng = RandomGenerator(seed: 11)
        let layer = AdaptiveLogSoftmaxWithLoss(inputSize: 6, classCount: 15, cutoffs: [3, 8], divValue: 2,
                                               headBias: headBias, generator: &rng)
        let x = NNTestSupport.randomMatrix(7, 6, &rng)
        return (layer, x, [0, 2, 3, 7, 8, 14, 5])        // shortlist, both ends of both clusters
    }

    @Test(arguments: [true, false])
    func gradientsMatchFiniteDifferences(headBias: Bool) {
        let (layer, x, targets) = randomLayer(headBias: headBias)
        func objective() -> Double { Double(targets.withUnsafeBufferPointer { layer.loss(x, targets: $0) }) }
        let dX = targets.withUnsafeBufferPointer { layer.lossAndGradient(x, targets: $0).dInput }.copy()
        for (name, analytic, value) in [("input", dX, x)] + layer.parameters.map({ ($0.name, $0.gradient, $0.value) }) {
            let numeric = NNTestSupport.finiteDifference(of: value, step: 1e-2, objective)
            let a = analytic.toArray().map(Double.init)
            #expect(NNTestSupport.close(a, numeric, absolute: 2e-4, relative: 1e-3),
                    "\(name): max difference \(NNTestSupport.maxDifference(a, numeric))")
        }
    }

    @Test func logProbIsADistributionAndGivesTheLoss() {
        let (layer, x, targets) = randomLayer()
        let logProb = layer.logProb(x)
        var nll = 0.0
        for r in 0..<x.rows {
            var total = 0.0
            for v in 0..<layer.classCount { total += exp(Double(logProb[r, v])) }
            #expect(abs(total - 1) < 1e-5, "row \(r) sums to \(total)")
            nll -= Double(logProb[r, Int(targets[r])])
        }
        let loss = targets.withUnsafeBufferPointer { layer.loss(x, targets: $0) }
        #expect(abs(Double(loss) - nll / Double(x.rows)) < 1e-5)
        // Into a strided view, with its own workspace: the same values.
        let wide = Matrix(rows: x.rows, cols: 20)
        layer.logProb(x, into: wide.columns(2..<17), workspace: AdaptiveLogSoftmaxWithLoss.Workspace())
        #expect(wide.columns(2..<17).toArray() == logProb.toArray())
    }

    @Test func gradientsAccumulate() {
        let (layer, x, targets) = randomLayer()
        _ = targets.withUnsafeBufferPointer { layer.lossAndGradient(x, targets: $0) }
        let once = layer.parameters.map { $0.gradient.toArray() }
        _ = targets.withUnsafeBufferPointer { layer.lossAndGradient(x, targets: $0) }
        for (p, g) in zip(layer.parameters, once) {
            let twice = p.gradient.toArray()
            #expect(zip(twice, g).allSatisfy { abs($0 - 2 * $1) <= 1e-6 * max(1, abs($1)) }, "\(p.name)")
        }
    }

    @Test func namesAndShapesArePyTorchs() {
        let (layer, _, _) = randomLayer()
        #expect(layer.parameters.map(\.name) == ["head.weight", "head.bias", "tail.0.0.weight", "tail.0.1.weight",
                                                 "tail.1.0.weight", "tail.1.1.weight"])
        #expect(layer.parameters.map(\.shape) == [[5, 6], [5], [3, 6], [5, 3], [1, 6], [7, 1]])
        #expect(AdaptiveLogSoftmaxWithLoss.projectionSizes(inputSize: 256, clusterCount: 3, divValue: 4) == [64, 16, 4])
    }

    @Test func invalidSettingsAreNamed() {
        func problems(_ cutoffs: [Int], v: Int = 100, h: Int = 16, div: Double = 4) -> String {
            AdaptiveLogSoftmaxWithLoss.problems(inputSize: h, classCount: v, cutoffs: cutoffs, divValue: div)
                .joined(separator: "; ")
        }
        #expect(problems([10, 50]).isEmpty)
        #expect(problems([]).contains("at least one cutoff"))
        #expect(problems([50, 10]).contains("increasing"))
        #expect(problems([10, 10]).contains("unique"))
        #expect(problems([0, 10]).contains("between 1"))
        #expect(problems([10, 100]).contains("99"))
        #expect(problems([10, 50], div: 0.5).contains("div value"))
        #expect(problems([10, 20, 30], h: 16).contains("tail cluster 2"))      // ⌊16/64⌋ = 0
    }
}
