import Testing
import Recurrent

@Suite struct TrainingStepTests {
    /// One parameter w = [1, 1] with gradient g = [3, 4] (‖g‖₂ = 5) set by the "backward" pass.
    func step(clipping: GradientClipping?) throws -> (TrainingStep, Parameter, SGD) {
        let w = NNTestSupport.parameter("w", rows: 1, cols: 2, value: [1, 1], gradient: [9, 9])
        let sgd = try SGD(parameters: [w], learningRate: 0.1)
        return (TrainingStep(parameters: [w], optimizer: sgd, clipping: clipping), w, sgd)
    }

    @Test func zeroesThenClipsThenUpdates() throws {
        let (step, w, sgd) = try step(clipping: .norm(maxNorm: 1, type: .l2))
        let result = step(learningRate: 0.5) {
            #expect(w.gradient.toArray() == [0, 0])              // zeroed before the closure
            w.gradient.add(Matrix(rows: 1, cols: 2, values: [3, 4]))
            return 2
        }
        #expect(result.loss == 2 && result.gradientNorm == 5)
        #expect(result.updated && sgd.stepCount == 1 && sgd.learningRate == 0.5)
        let c: Float = 1 / (5 + 1e-6)                             // clipped to norm 1, then w −= 0.5 g
        let expected: [Float] = [1 - 0.5 * (3 * c), 1 - 0.5 * (4 * c)]
        #expect(w.value.toArray() == expected)
    }

    @Test func withoutClippingTheNormIsMeasuredOnly() throws {
        let (step, w, _) = try step(clipping: nil)
        let result = step { w.gradient.add(Matrix(rows: 1, cols: 2, values: [3, 4])); return 1 }
        #expect(result.gradientNorm == 5)
        let expected: [Float] = [1 - 0.1 * 3, 1 - 0.1 * 4]
        #expect(w.value.toArray() == expected)
    }

    @Test func aNonFiniteLossOrGradientSkipsTheUpdate() throws {
        let (step, w, sgd) = try step(clipping: .value(1))
        let badLoss = step { w.gradient.add(Matrix(rows: 1, cols: 2, values: [3, 4])); return .nan }
        #expect(!badLoss.updated && badLoss.gradientNorm == 5)
        let badGradient = step { w.gradient.add(Matrix(rows: 1, cols: 2, values: [.infinity, 0])); return 1 }
        #expect(!badGradient.updated && badGradient.gradientNorm == .infinity)
        #expect(sgd.stepCount == 0 && w.value.toArray() == [1, 1])
    }
}
