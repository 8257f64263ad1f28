import Foundation
import Testing
import Recurrent

@Suite struct SoftmaxCrossEntropyTests {
    @Test func uniformLogitsByHand() {
        let logits = Matrix(rows: 2, cols: 4)                 // all zero: softmax is 1/4
        let loss = SoftmaxCrossEntropy().lossAndGradient(logits: logits, targets: [1, 3])
        #expect(abs(loss - logf(4)) < 1e-6)
        // (softmax − onehot) / N with N = 2.
        #expect(logits.toArray() == [0.125, -0.375, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375])
    }

    @Test(arguments: [LossReduction.mean, .sum])
    func gradientMatchesFiniteDifferencesWithIgnoredTargets(reduction: LossReduction) {
        var rng = RandomGenerator(seed: 11)
        let logits = NNTestSupport.randomMatrix(6, 5, &rng, scale: 3)
        let targets: [Int32] = [0, -1, 4, 2, -1, 2]             // two ignored rows
        let loss = SoftmaxCrossEntropy(ignoreIndex: -1, reduction: reduction)
        let numeric = NNTestSupport.finiteDifference(of: logits, step: 1e-2) {
            Double(loss.loss(logits: logits, targets: targets))
        }
        let dLogits = Matrix(rows: 6, cols: 5)
        let value = targets.withUnsafeBufferPointer {
            loss.lossAndGradient(logits: logits, targets: $0, dLogits: dLogits)
        }
        #expect(value == loss.loss(logits: logits, targets: targets))
        let analytic = dLogits.toArray().map(Double.init)
        #expect(NNTestSupport.close(analytic, numeric, absolute: 2e-4, relative: 2e-3),
                "max difference \(NNTestSupport.maxDifference(analytic, numeric))")
        #expect(dLogits.row(1).toArray() == [0, 0, 0, 0, 0] && dLogits.row(4).toArray() == [0, 0, 0, 0, 0])

        // The value by its definition, in Double, over the four counted rows.
        var total = 0.0
        for (r, t) in targets.enumerated() where t != -1 {
            let row = logits.row(r).toArray().map(Double.init)
            total += log(row.map(exp).reduce(0, +)) - row[Int(t)]
        }
        let expected = reduction == .mean ? total / 4 : total
        #expect(abs(Double(value) - expected) < 1e-5 * max(1, expected))
    }

    @Test func inPlaceEqualsSeparateOutput() {
        var rng = RandomGenerator(seed: 12)
        let logits = NNTestSupport.randomMatrix(4, 7, &rng, scale: 5)
        let separate = Matrix(rows: 4, cols: 7)
        let targets: [Int32] = [6, 0, 3, 3]
        let loss = SoftmaxCrossEntropy()
        let a = targets.withUnsafeBufferPointer { loss.lossAndGradient(logits: logits, targets: $0, dLogits: separate) }
        let b = loss.lossAndGradient(logits: logits, targets: targets)
        #expect(a == b)
        #expect(logits.toArray() == separate.toArray())
        // Each gradient row of softmax − onehot sums to zero.
        for r in 0..<4 { #expect(abs(logits.row(r).sum()) < 1e-6) }
    }

    @Test func allTargetsIgnoredGivesNaNMeanAndZeroGradient() {
        let logits = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
        let mean = SoftmaxCrossEntropy().lossAndGradient(logits: logits, targets: [-100, -100])
        #expect(mean.isNaN)                                    // 0/0, as PyTorch
        #expect(logits.toArray() == [0, 0, 0, 0, 0, 0])
        let sum = SoftmaxCrossEntropy(reduction: .sum).loss(logits: logits, targets: [-100, -100])
        #expect(sum == 0)
    }

    @Test func hugeLogitsDoNotOverflow() {
        let logits = Matrix(rows: 1, cols: 3, values: [1000, 0, -1000])
        let loss = SoftmaxCrossEntropy().lossAndGradient(logits: logits, targets: [1])
        #expect(abs(loss - 1000) < 1e-3)
        #expect(logits.toArray() == [1, -1, 0])
    }
}

@Suite struct MeanSquaredErrorTests {
    @Test func byHand() {
        let p = Matrix(rows: 2, cols: 2, values: [1, 2, 3, 4])
        let t = Matrix(rows: 2, cols: 2, values: [1, 0, 4, 4])
        let d = Matrix(rows: 2, cols: 2)
        #expect(MeanSquaredError().lossAndGradient(prediction: p, target: t, dPrediction: d) == 1.25)
        #expect(d.toArray() == [0, 1, -0.5, 0])                 // 2(p − t)/4
        #expect(MeanSquaredError(reduction: .sum).lossAndGradient(prediction: p, target: t, dPrediction: d) == 5)
        #expect(d.toArray() == [0, 4, -2, 0])
    }

    @Test(arguments: [LossReduction.mean, .sum])
    func gradientMatchesFiniteDifferences(reduction: LossReduction) {
        var rng = RandomGenerator(seed: 13)
        let p = NNTestSupport.randomMatrix(5, 3, &rng), t = NNTestSupport.randomMatrix(5, 3, &rng)
        let loss = MeanSquaredError(reduction: reduction)
        let numeric = NNTestSupport.finiteDifference(of: p) { Double(loss.loss(prediction: p, target: t)) }
        let d = Matrix(rows: 5, cols: 3)
        _ = loss.lossAndGradient(prediction: p, target: t, dPrediction: d)
        let analytic = d.toArray().map(Double.init)
        #expect(NNTestSupport.close(analytic, numeric, absolute: 1e-4, relative: 1e-3),
                "max difference \(NNTestSupport.maxDifference(analytic, numeric))")
    }
}
