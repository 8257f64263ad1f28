import Foundation
import Testing
@testable import RecurrentTasks

/// ‖∂L_b/∂h_{T−k}‖ from the split forward/backward against finite differences of the loss in
/// h_{T−k}, and the vanishing/exploding shapes it exists to show.
@Suite struct GradientFlowTests {
    @Test(arguments: [RecurrentCellKind.rnn, .gru, .lstm])
    func normsMatchFiniteDifferences(cell: RecurrentCellKind) throws {
        var g = RandomGenerator(seed: 11)
        let model = SequenceModel(cell: cell, inputSize: 2, hiddenSize: 4, outputSize: 1, forgetBias: 1, generator: &g)
        let task = AddingTask(length: 6)
        let batch = try task.makeBatch(batchSize: 3, generator: &g)
        let b = 3, t = 6
        for k in [1, 3, 5] {
            let measured = GradientFlow.gradientNorms(model: model, batch: batch, lags: [k])[0]
            // L(h) with the state after T−k steps replaced by h (c kept).
            var noRandomness = RandomGenerator(seed: 0)
            let (_, state) = model.layer.forward(batch.inputs.rows(0..<(t - k) * b), batchSize: b, initialState: nil,
                                                 generator: &noRandomness)
            let start = state.copy()
            func loss(_ s: RecurrentState) -> Double {
                var r = RandomGenerator(seed: 0)
                let (hidden, _) = model.layer.forward(batch.inputs.rows((t - k) * b..<t * b), batchSize: b, initialState: s,
                                                      generator: &r)
                let y = model.head.forward(hidden.rows((k - 1) * b..<k * b)).copy()
                return Double(model.lossAndGradient(y, targets: batch.targets))
            }
            var expected = 0.0
            let eps: Float = 1e-2
            for row in 0..<b {
                var squares = 0.0
                for j in 0..<4 {
                    let plus = start.copy(), minus = start.copy()
                    plus.h[row, j] += eps
                    minus.h[row, j] -= eps
                    let d = (loss(plus) - loss(minus)) / Double(2 * eps)
                    squares += d * d
                }
                expected += squares.squareRoot()                // Σ_b ‖∂L/∂h_b‖ = mean_b ‖∂L_b/∂h_b‖
            }
            #expect(abs(measured - expected) <= 2e-2 * expected + 1e-6, "\(cell) k = \(k): \(measured) vs \(expected)")
        }
        // Gradients were zeroed afterwards.
        #expect(model.parameters.allSatisfy { $0.gradient.sumOfSquares() == 0 })
    }

    @Test func theRNNGradientVanishesAtDefaultInitialisationAndExplodesAtHighGain() throws {
        let task = AddingTask(length: 60)
        var g = RandomGenerator(seed: 3)
        let batch = try task.makeBatch(batchSize: 20, generator: &g)
        let lags = [1, 50]
        var i = RandomGenerator(seed: 4)
        let plain = SequenceModel(cell: .rnn, inputSize: 2, hiddenSize: 32, outputSize: 1, forgetBias: nil, generator: &i)
        let vanishing = GradientFlow.gradientNorms(model: plain, batch: batch, lags: lags)
        #expect(vanishing[1] < 1e-3 * vanishing[0])
        let hot = SequenceModel(cell: .rnn, inputSize: 2, hiddenSize: 32, outputSize: 1, forgetBias: nil, recurrentGain: 3, generator: &i)
        let exploding = GradientFlow.gradientNorms(model: hot, batch: batch, lags: lags)
        #expect(exploding[1] > 1e-3 * exploding[0])
        #expect(exploding[1] / exploding[0] > 1e3 * vanishing[1] / vanishing[0])
    }

    @Test func lagGridIsSortedAndEndsAtTheLargestLag() {
        let grid = GradientFlow.lagGrid(maxLag: 99)
        #expect(grid.first == 1 && grid.last == 99 && grid == grid.sorted() && Set(grid).count == grid.count)
        #expect(Array(grid.prefix(10)) == Array(1...10))
        #expect(GradientFlow.lagGrid(maxLag: 3) == [1, 2, 3])
    }
}
