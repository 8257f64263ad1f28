import Testing
@testable import Recurrent

/// Single-step cells run the layers' own step kernels: a cell sharing a layer's weights must
/// reproduce that layer's steps exactly.
@Suite struct RecurrentCellTests {
    typealias S = LayerTestSupport

    /// Stepping a cell through the sequence with the state carried reproduces layer 0's
    /// forward direction (outputs and final state) bit for bit.
    @Test(arguments: [S.Kind.lstm, .gru, .rnn, .rnnRelu])
    func cellStepsReproduceTheLayer(_ kind: S.Kind) {
        let config = S.Config(kind: kind, peepholes: kind == .lstm, initialState: true, steps: 5, batch: 3)
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        var g = RandomGenerator(seed: 1)
        let (output, final) = layer.forward(problem.input, batchSize: 3, initialState: problem.state, generator: &g)
        let step = makeStep(layer)
        var state = problem.state!
        for t in 0..<config.steps {
            state = step(problem.input.rows(t * 3..<(t + 1) * 3), state)
            #expect(state.h.toArray() == output.rows(t * 3..<(t + 1) * 3).toArray(), "step \(t)")
        }
        #expect(state.h.toArray() == final.h.toArray())
        #expect(state.c?.toArray() == final.c?.toArray())
    }

    /// Layer 1, reverse direction of a 2-layer bidirectional stack, one step (T = 1), fed with
    /// layer 0's output assembled from two more cells.
    @Test(arguments: [S.Kind.lstm, .gru, .rnn])
    func cellsShareAnyLayerAndDirection(_ kind: S.Kind) {
        let config = S.Config(kind: kind, layers: 2, bidirectional: true, peepholes: kind == .lstm,
                              initialState: true, steps: 1, batch: 2)
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        var g = RandomGenerator(seed: 1)
        let (output, final) = layer.forward(problem.input, batchSize: 2, initialState: problem.state, generator: &g)
        let h = config.hiddenSize
        let state = problem.state!
        let below = Matrix(rows: 2, cols: 2 * h)
        for d in 0..<2 {
            let s = makeStep(layer, layer: 0, direction: d)(problem.input, state.slice(layer: 0, direction: d, numDirections: 2, batchSize: 2))
            below.columns(d * h..<(d + 1) * h).assign(s.h)
        }
        let top = makeStep(layer, layer: 1, direction: 1)(below, state.slice(layer: 1, direction: 1, numDirections: 2, batchSize: 2))
        #expect(top.h.toArray() == output.columns(h..<2 * h).toArray())
        let finalTop = final.slice(layer: 1, direction: 1, numDirections: 2, batchSize: 2)
        #expect(top.h.toArray() == finalTop.h.toArray())
        #expect(top.c?.toArray() == finalTop.c?.toArray())
    }

    /// A cell with its own weights equals a one-layer module built from the same seed, and a
    /// nil state equals zeros.
    @Test func ownWeightsMatchOneLayerModule() {
        var g1 = RandomGenerator(seed: 4), g2 = RandomGenerator(seed: 4)
        let cell = LSTMCell(inputSize: 3, hiddenSize: 4, peepholes: true, generator: &g1)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, peepholes: true, generator: &g2)
        #expect(cell.parameters.map(\.name) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh",
                                                "weight_ci", "weight_cf", "weight_co"])
        #expect(cell.parameters.map { $0.value.toArray() } == lstm.parameters.map { $0.value.toArray() })
        var g = RandomGenerator(seed: 8)
        let x = S.random(2, 3, &g)
        let a = cell.step(x, state: nil)
        let aH = a.h.toArray(), aC = a.c!.toArray()
        let zero = RecurrentState(h: Matrix(rows: 2, cols: 4), c: Matrix(rows: 2, cols: 4))
        let b = cell.step(x, state: zero)
        #expect(b.h.toArray() == aH && b.c!.toArray() == aC)
        let (out, _) = lstm.forward(x, batchSize: 2, generator: &g)
        #expect(out.toArray() == aH)

        var g3 = RandomGenerator(seed: 4), g4 = RandomGenerator(seed: 4)
        let gruCell = GRUCell(inputSize: 3, hiddenSize: 4, generator: &g3)
        let gru = GRU(inputSize: 3, hiddenSize: 4, generator: &g4)
        #expect(gruCell.step(x, state: nil).h.toArray() == gru.forward(x, batchSize: 2, generator: &g).output.toArray())
        var g5 = RandomGenerator(seed: 4), g6 = RandomGenerator(seed: 4)
        let rnnCell = RNNCell(inputSize: 3, hiddenSize: 4, nonlinearity: .relu, generator: &g5)
        let rnn = RNN(inputSize: 3, hiddenSize: 4, nonlinearity: .relu, generator: &g6)
        #expect(rnnCell.step(x, state: nil).h.toArray() == rnn.forward(x, batchSize: 2, generator: &g).output.toArray())
    }

    private func makeStep(_ layer: any RecurrentLayer, layer k: Int = 0, direction d: Int = 0)
        -> (Matrix, RecurrentState) -> RecurrentState {
        switch layer {
        case let l as LSTM:
            let cell = LSTMCell(sharingWeightsOf: l, layer: k, direction: d)
            return { cell.step($0, state: $1) }
        case let l as GRU:
            let cell = GRUCell(sharingWeightsOf: l, layer: k, direction: d)
            return { cell.step($0, state: $1) }
        case let l as RNN:
            let cell = RNNCell(sharingWeightsOf: l, layer: k, direction: d)
            return { cell.step($0, state: $1) }
        default:
            preconditionFailure("unknown layer")
        }
    }
}
