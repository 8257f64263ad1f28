import Testing
@testable import Recurrent

/// Properties that must hold exactly: state conventions, layouts, dropout as identity, naming.
@Suite struct RecurrentInvariantTests {
    typealias S = LayerTestSupport
    static let allKinds: [S.Config] = [
        .init(kind: .lstm, layers: 2, bidirectional: true, peepholes: true),
        .init(kind: .gru, layers: 2, bidirectional: true),
        .init(kind: .rnn, layers: 2, bidirectional: true),
        .init(kind: .rnnRelu, layers: 2),
    ]

    /// A nil initial state and an explicit zero state give bit-identical outputs, final states
    /// and gradients (the GRU bias bug in mlx-swift came from a separate nil path).
    @Test(arguments: allKinds)
    func nilStateEqualsZeroState(_ config: S.Config) {
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        let rows = config.layers * layer.numDirections * config.batch
        let zeros = RecurrentState(h: Matrix(rows: rows, cols: config.hiddenSize),
                                   c: layer is LSTM ? Matrix(rows: rows, cols: config.hiddenSize) : nil)
        var g = RandomGenerator(seed: 1)
        let nilRun = layer.forward(problem.input, batchSize: config.batch, initialState: nil, generator: &g)
        let nilOutput = nilRun.output.toArray(), nilH = nilRun.finalState.h.toArray(), nilC = nilRun.finalState.c?.toArray()
        let nilGrads = S.analytic(layer, problem)
        let zeroRun = layer.forward(problem.input, batchSize: config.batch, initialState: zeros, generator: &g)
        #expect(zeroRun.output.toArray() == nilOutput)
        #expect(zeroRun.finalState.h.toArray() == nilH)
        #expect(zeroRun.finalState.c?.toArray() == nilC)
        let zeroProblem = S.Problem(input: problem.input, state: zeros, weightOutput: problem.weightOutput,
                                    weightFinal: problem.weightFinal, batch: config.batch)
        let zeroGrads = S.analytic(layer, zeroProblem)
        #expect(zeroGrads.parameters == nilGrads.parameters)
        #expect(zeroGrads.input == nilGrads.input)
        #expect(zeroGrads.hidden == nilGrads.hidden)
    }

    /// Inter-layer dropout in evaluation mode, or with p = 0, is the identity: the same outputs
    /// as a layer with the same weights and no dropout, and the generator is not drawn from.
    @Test(arguments: allKinds)
    func dropoutOffIsIdentity(_ config: S.Config) {
        var withDropout = config
        withDropout.dropout = 0.5
        let plain = S.makeLayer(config), dropped = S.makeLayer(withDropout)
        let problem = S.makeProblem(config, for: plain)
        var g1 = RandomGenerator(seed: 3), g2 = RandomGenerator(seed: 3)
        let reference = plain.forward(problem.input, batchSize: config.batch, generator: &g1).output.toArray()
        #expect(g1 == RandomGenerator(seed: 3), "p = 0 must not draw randomness")
        dropped.isTraining = false
        let evaluated = dropped.forward(problem.input, batchSize: config.batch, generator: &g2).output.toArray()
        #expect(evaluated == reference)
        #expect(g2 == RandomGenerator(seed: 3), "evaluation mode must not draw randomness")
        // And in training mode dropout really changes the output (so the comparison above means something).
        dropped.isTraining = true
        let trained = dropped.forward(problem.input, batchSize: config.batch, generator: &g2).output.toArray()
        #expect(trained != reference)
    }

    /// batchFirst (B·T, F) rows give the time-major results, rearranged: outputs, final states
    /// and every gradient.
    @Test(arguments: allKinds)
    func batchFirstMatchesTimeMajor(_ config: S.Config) {
        var bf = config
        bf.batchFirst = true
        bf.initialState = true
        var tm = config
        tm.initialState = true
        let timeMajor = S.makeLayer(tm), batchFirst = S.makeLayer(bf)
        let problem = S.makeProblem(tm, for: timeMajor)
        let (t, b) = (config.steps, config.batch)
        func toBatchFirst(_ m: Matrix) -> Matrix {
            let out = Matrix(rows: m.rows, cols: m.cols)
            for ti in 0..<t { for bi in 0..<b { out.row(bi * t + ti).assign(m.row(ti * b + bi)) } }
            return out
        }
        let bfProblem = S.Problem(input: toBatchFirst(problem.input), state: problem.state,
                                  weightOutput: toBatchFirst(problem.weightOutput), weightFinal: problem.weightFinal, batch: b)
        var g = RandomGenerator(seed: 1)
        let tmRun = timeMajor.forward(problem.input, batchSize: b, initialState: problem.state, generator: &g)
        let bfRun = batchFirst.forward(bfProblem.input, batchSize: b, initialState: problem.state, generator: &g)
        #expect(bfRun.output.toArray() == toBatchFirst(tmRun.output).toArray())
        #expect(bfRun.finalState.h.toArray() == tmRun.finalState.h.toArray())
        let tmGrads = S.analytic(timeMajor, problem), bfGrads = S.analytic(batchFirst, bfProblem)
        #expect(bfGrads.parameters == tmGrads.parameters)
        let tmInput = Matrix(rows: t * b, cols: config.inputSize, values: tmGrads.input)
        #expect(bfGrads.input == toBatchFirst(tmInput).toArray())
        #expect(bfGrads.hidden == tmGrads.hidden)
        #expect(bfGrads.cell == tmGrads.cell)
    }

    /// Truncated BPTT: running T steps at once equals T₁ steps, then T₂ steps starting from the
    /// returned final state passed straight back (the layer's own buffer) as the initial state.
    @Test(arguments: allKinds.map { c in var u = c; u.bidirectional = false; return u })
    func carriedStateContinuesTheSequence(_ config: S.Config) {
        var whole = config
        whole.steps = 6
        let layer = S.makeLayer(whole)
        let problem = S.makeProblem(whole, for: layer)
        let b = config.batch, rowsA = 4 * b
        var g = RandomGenerator(seed: 1)
        let full = layer.forward(problem.input, batchSize: b, generator: &g)
        let fullOutput = full.output.toArray(), fullH = full.finalState.h.toArray(), fullC = full.finalState.c?.toArray()
        let first = layer.forward(problem.input.rows(0..<rowsA), batchSize: b, generator: &g)
        let firstOutput = first.output.toArray()
        let second = layer.forward(problem.input.rows(rowsA..<6 * b), batchSize: b, initialState: first.finalState, generator: &g)
        #expect(firstOutput + second.output.toArray() == fullOutput)
        #expect(second.finalState.h.toArray() == fullH)
        #expect(second.finalState.c?.toArray() == fullC)
    }

    /// Buffers are reused across shapes: a smaller batch after a larger one gives the same as a
    /// fresh layer.
    @Test func shapesCanChangeBetweenCalls() {
        let config = S.Config(kind: .lstm, layers: 2, bidirectional: true, peepholes: true, initialState: true)
        let used = S.makeLayer(config), fresh = S.makeLayer(config)
        var big = config
        big.batch = 5
        big.steps = 7
        let bigProblem = S.makeProblem(big, for: used)
        _ = S.analytic(used, bigProblem)
        let problem = S.makeProblem(config, for: used)
        let a = S.analytic(used, problem), f = S.analytic(fresh, problem)
        #expect(a.parameters == f.parameters && a.input == f.input && a.hidden == f.hidden && a.cell == f.cell)
    }

    @Test func parameterNamesAndShapesFollowPyTorch() {
        var g = RandomGenerator(seed: 1)
        let lstm = LSTM(inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, peepholes: true, generator: &g)
        var expected: [(String, [Int])] = []
        for k in 0..<2 {
            for suffix in ["", "_reverse"] {
                let s = "_l\(k)" + suffix
                expected += [("weight_ih" + s, [20, k == 0 ? 3 : 10]), ("weight_hh" + s, [20, 5]),
                             ("bias_ih" + s, [20]), ("bias_hh" + s, [20]),
                             ("weight_ci" + s, [5]), ("weight_cf" + s, [5]), ("weight_co" + s, [5])]
            }
        }
        #expect(lstm.parameters.map(\.name) == expected.map(\.0))
        #expect(lstm.parameters.map(\.shape) == expected.map(\.1))

        let gru = GRU(inputSize: 3, hiddenSize: 5, bias: false, generator: &g)
        #expect(gru.parameters.map(\.name) == ["weight_ih_l0", "weight_hh_l0"])
        #expect(gru.parameters.map(\.shape) == [[15, 3], [15, 5]])
        let rnn = RNN(inputSize: 3, hiddenSize: 5, generator: &g)
        #expect(rnn.parameters.map(\.shape) == [[5, 3], [5, 5], [5], [5]])
    }

    /// Default initialisation is U(±1/√H), and forgetBias1 makes the forget gate's bias sum 1.
    @Test func initialisation() {
        var g = RandomGenerator(seed: 5)
        let h = 16
        let lstm = LSTM(inputSize: 8, hiddenSize: h, peepholes: true, forgetBias1: true, generator: &g)
        let bound = 1 / Float(h).squareRoot()
        let all = lstm.parameters.filter { !$0.name.hasPrefix("bias") }.flatMap { $0.value.toArray() }
        #expect(all.allSatisfy { abs($0) <= bound })
        #expect(all.map(abs).max()! > 0.9 * bound)
        let bih = lstm.parameters.first { $0.name == "bias_ih_l0" }!.value.toArray()
        let bhh = lstm.parameters.first { $0.name == "bias_hh_l0" }!.value.toArray()
        #expect((h..<2 * h).allSatisfy { bih[$0] + bhh[$0] == 1 })
        #expect((0..<h).allSatisfy { bih[$0] != 1 })
        // The same seed gives the same weights; the option only overrides the forget block.
        var g2 = RandomGenerator(seed: 5)
        let plain = LSTM(inputSize: 8, hiddenSize: h, peepholes: true, generator: &g2)
        #expect(plain.parameters[0].value.toArray() == lstm.parameters[0].value.toArray())
        #expect(g == g2)
    }

    /// Parameters are views into one flat allocation: writing through a Parameter changes the
    /// layer's output.
    @Test func parametersAreLiveViews() {
        let config = S.Config(kind: .gru)
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        var g = RandomGenerator(seed: 1)
        let before = layer.forward(problem.input, batchSize: 2, generator: &g).output.toArray()
        layer.parameters[1].value.scale(by: 2)
        let after = layer.forward(problem.input, batchSize: 2, generator: &g).output.toArray()
        #expect(before != after)
        let storages = Set(layer.parameters.map { ObjectIdentifier($0.value.storage) })
        #expect(storages.count == 1)
    }
}
