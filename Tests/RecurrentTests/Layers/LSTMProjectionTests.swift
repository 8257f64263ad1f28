import Testing
@testable import Recurrent

/// The LSTM with a projection (PyTorch's `proj_size`): names and shapes, and single-step cells
/// that share its weights reproduce it. Forward and gradients against PyTorch: the `lstm_proj_*`
/// fixtures (RecurrentParityTests); against finite differences: RecurrentGradientTests.
@Suite struct LSTMProjectionTests {
    typealias S = LayerTestSupport

    @Test func namesAndShapesFollowPyTorch() {
        var g = RandomGenerator(seed: 1)
        let lstm = LSTM(inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, projectionSize: 2, generator: &g)
        #expect(lstm.outputSize == 4)
        let shapes = Dictionary(uniqueKeysWithValues: lstm.parameters.map { ($0.name, $0.shape) })
        #expect(Array(lstm.parameters.map(\.name).prefix(5)) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"])
        #expect(shapes["weight_hh_l0"] == [20, 2])
        #expect(shapes["weight_hr_l0_reverse"] == [2, 5])
        #expect(shapes["weight_ih_l1"] == [20, 4])
        let x = S.random(3 * 2, 3, &g)
        let (output, state) = lstm.forward(x, batchSize: 2)
        #expect(output.rows == 6 && output.cols == 4)
        #expect(state.h.rows == 8 && state.h.cols == 2)
        #expect(state.c?.rows == 8 && state.c?.cols == 5)
    }

    /// Layer 1, reverse direction of a projected 2-layer bidirectional stack, one step, from
    /// cells sharing its weights: the same h (P features) and c (H features).
    @Test func cellsShareAProjectedLayer() {
        let config = S.Config(kind: .lstm, layers: 2, bidirectional: true, peepholes: true, initialState: true,
                              steps: 1, batch: 2, hiddenSize: 5, projectionSize: 3)
        let layer = S.makeLayer(config) as! LSTM
        let problem = S.makeProblem(config, for: layer)
        let (output, final) = layer.forward(problem.input, batchSize: 2, initialState: problem.state)
        let p = config.projectionSize, state = problem.state!
        let below = Matrix(rows: 2, cols: 2 * p)
        for d in 0..<2 {
            let cell = LSTMCell(sharingWeightsOf: layer, layer: 0, direction: d)
            #expect(cell.projectionSize == p)
            let s = cell.step(problem.input, state: state.slice(layer: 0, direction: d, numDirections: 2, batchSize: 2))
            below.columns(d * p..<(d + 1) * p).assign(s.h)
        }
        let top = LSTMCell(sharingWeightsOf: layer, layer: 1, direction: 1)
            .step(below, state: state.slice(layer: 1, direction: 1, numDirections: 2, batchSize: 2))
        let finalTop = final.slice(layer: 1, direction: 1, numDirections: 2, batchSize: 2)
        #expect(S.mismatches("h", expected: output.columns(p..<2 * p).toArray(), actual: top.h.toArray(),
                             tolerance: .init(relative: 1e-6, absolute: 1e-7)).isEmpty)
        #expect(S.mismatches("h_n", expected: finalTop.h.toArray(), actual: top.h.toArray(),
                             tolerance: .init(relative: 1e-6, absolute: 1e-7)).isEmpty)
        #expect(S.mismatches("c_n", expected: finalTop.c!.toArray(), actual: top.c!.toArray(),
                             tolerance: .init(relative: 1e-6, absolute: 1e-7)).isEmpty)
    }
}
