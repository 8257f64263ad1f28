import Testing
@testable import Recurrent

/// Variable-length batches (`lengths`): each sequence of a padded batch gives what it gives
/// alone, gradients match finite differences and vanish past each length, and all-T lengths
/// are the plain path. Against PyTorch's packed sequences: the `*_lengths_*` fixtures.
@Suite struct VariableLengthTests {
    typealias S = LayerTestSupport
    static let configs: [S.Config] = [
        .init(kind: .lstm, layers: 2, bidirectional: true, peepholes: true, initialState: true, steps: 5, batch: 3),
        .init(kind: .lstm, layers: 2, bidirectional: true, initialState: true, steps: 5, batch: 3, hiddenSize: 5, projectionSize: 3),
        .init(kind: .gru, layers: 2, bidirectional: true, batchFirst: true, initialState: true, steps: 5, batch: 3),
        .init(kind: .rnn, bidirectional: true, initialState: true, steps: 5, batch: 3),
    ]
    static let lengths = [2, 5, 1]

    /// Sequence b of the padded batch, run alone with its own T = lengths[b], gives the same
    /// outputs (zeros after) and the same final state.
    @Test(arguments: configs)
    func eachSequenceAsIfAlone(_ config: S.Config) {
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        let (t, b, width) = (config.steps, config.batch, layer.outputSize)
        let run = layer.forward(problem.input, batchSize: b, initialState: problem.state, lengths: Self.lengths)
        let output = run.output.toArray(), h = run.finalState.h.toArray(), c = run.finalState.c?.toArray()
        let stateRows = config.layers * layer.numDirections
        for sequence in 0..<b {
            let n = Self.lengths[sequence]
            func row(_ step: Int) -> Int { config.batchFirst ? sequence * t + step : step * b + sequence }
            let alone = Matrix(rows: n, cols: config.inputSize)
            for step in 0..<n { alone.row(step).assign(problem.input.row(row(step))) }
            let state = problem.state.map { s in
                RecurrentState(h: Matrix(rows: stateRows, cols: s.h.cols, values: (0..<stateRows).flatMap { s.h.row($0 * b + sequence).toArray() }),
                               c: s.c.map { c in Matrix(rows: stateRows, cols: c.cols, values: (0..<stateRows).flatMap { c.row($0 * b + sequence).toArray() }) })
            }
            let single = layer.forward(alone, batchSize: 1, initialState: state)
            let tolerance = S.Tolerance(relative: 1e-5, absolute: 1e-6)
            for step in 0..<t {
                let padded = Array(output[row(step) * width..<(row(step) + 1) * width])
                let expected = step < n ? single.output.row(step).toArray() : [Float](repeating: 0, count: width)
                #expect(S.mismatches("output[\(step)]", expected: expected, actual: padded, tolerance: tolerance).isEmpty)
            }
            for r in 0..<stateRows {
                let p = single.finalState.h.cols
                #expect(S.mismatches("h_n", expected: single.finalState.h.row(r).toArray(),
                                     actual: Array(h[(r * b + sequence) * p..<(r * b + sequence + 1) * p]), tolerance: tolerance).isEmpty)
                if let c, let cs = single.finalState.c {
                    let hc = cs.cols
                    #expect(S.mismatches("c_n", expected: cs.row(r).toArray(),
                                         actual: Array(c[(r * b + sequence) * hc..<(r * b + sequence + 1) * hc]), tolerance: tolerance).isEmpty)
                }
            }
        }
    }

    /// Every gradient against central differences of L = Σ output ⊙ W_o + Σ h_n ⊙ W_h (+ c_n),
    /// and ∂L/∂input is exactly zero past each length.
    @Test(arguments: configs)
    func gradientsMatchFiniteDifferences(_ config: S.Config) {
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        func loss() -> Double {
            let (output, final) = layer.forward(problem.input, batchSize: config.batch, initialState: problem.state,
                                                lengths: Self.lengths)
            var total = S.dot(output, problem.weightOutput) + S.dot(final.h, problem.weightFinal.h)
            if let c = final.c, let wc = problem.weightFinal.c { total += S.dot(c, wc) }
            return total
        }
        layer.zeroGradients()
        _ = layer.forward(problem.input, batchSize: config.batch, initialState: problem.state, lengths: Self.lengths)
        let (dInput, dState) = layer.backward(dOutput: problem.weightOutput, dFinalState: problem.weightFinal)
        let analyticInput = dInput.toArray(), analyticH = dState.h.toArray(), analyticC = dState.c?.toArray()
        let analytic = Dictionary(uniqueKeysWithValues: layer.parameters.map { ($0.name, $0.gradient.toArray()) })
        let tolerance = RecurrentGradientTests.tolerance, epsilon = RecurrentGradientTests.epsilon
        func numeric(_ m: Matrix) -> [Double] { NNTestSupport.finiteDifference(of: m, step: epsilon, loss) }
        for p in layer.parameters {
            let lines = S.mismatches(p.name, expected: numeric(p.value), actual: analytic[p.name]!, tolerance: tolerance)
            #expect(lines.isEmpty, "\(config.testDescription): \(lines.joined(separator: "; "))")
        }
        let inputLines = S.mismatches("input", expected: numeric(problem.input), actual: analyticInput, tolerance: tolerance)
        #expect(inputLines.isEmpty, "\(config.testDescription): \(inputLines.joined(separator: "; "))")
        let state = problem.state!
        #expect(S.mismatches("h0", expected: numeric(state.h), actual: analyticH, tolerance: tolerance).isEmpty)
        if let c = state.c {
            #expect(S.mismatches("c0", expected: numeric(c), actual: analyticC!, tolerance: tolerance).isEmpty)
        }
        let (t, b) = (config.steps, config.batch)
        for sequence in 0..<b {
            for step in Self.lengths[sequence]..<t {
                let row = config.batchFirst ? sequence * t + step : step * b + sequence
                #expect(analyticInput[row * config.inputSize..<(row + 1) * config.inputSize].allSatisfy { $0 == 0 })
            }
        }
        #expect(analyticInput.map(abs).max()! > 1e-2)
    }

    /// Lengths all equal to T take the plain path: bit-identical results.
    @Test func fullLengthsAreThePlainPath() {
        let config = Self.configs[0]
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        let plain = S.analytic(layer, problem)
        let plainOutput = layer.forward(problem.input, batchSize: 3, initialState: problem.state).output.toArray()
        let full = [Int](repeating: config.steps, count: config.batch)
        #expect(layer.forward(problem.input, batchSize: 3, initialState: problem.state, lengths: full).output.toArray() == plainOutput)
        layer.zeroGradients()
        let (dInput, _) = layer.backward(dOutput: problem.weightOutput, dFinalState: problem.weightFinal)
        #expect(dInput.toArray() == plain.input)
        for p in layer.parameters { #expect(p.gradient.toArray() == plain.parameters[p.name]) }
    }
}
