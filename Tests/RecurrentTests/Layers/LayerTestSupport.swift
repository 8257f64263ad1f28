import Testing
@testable import Recurrent

/// Helpers for the recurrent-layer tests: building layers from a compact configuration, a
/// scalar test loss, and comparing gradients (the central differences are
/// `NNTestSupport.finiteDifference`).
enum LayerTestSupport {
    typealias Kind = RecurrentCellKind

    struct Config: Sendable, CustomTestStringConvertible {
        var kind: Kind
        var layers = 1
        var bidirectional = false
        var bias = true
        var batchFirst = false
        var peepholes = false
        var dropout: Float = 0
        var initialState = false
        var steps = 4
        var batch = 2
        var inputSize = 3
        var hiddenSize = 4
        /// LSTM projection size P (0: none).
        var projectionSize = 0

        var testDescription: String {
            "\(kind.rawValue) L\(layers)\(bidirectional ? " bidir" : "")\(bias ? "" : " nobias")"
                + "\(projectionSize > 0 ? " proj\(projectionSize)" : "")"
                + "\(batchFirst ? " batchFirst" : "")\(peepholes ? " peepholes" : "")"
                + "\(dropout > 0 ? " dropout\(dropout)" : "")\(initialState ? " h0" : "") T\(steps) B\(batch)"
        }
    }

    static func makeLayer(_ c: Config, seed: UInt64 = 1) -> any RecurrentLayer {
        var g = RandomGenerator(seed: seed)
        switch c.kind {
        case .lstm, .peephole:
            return LSTM(inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.layers, bias: c.bias,
                        batchFirst: c.batchFirst, dropout: c.dropout, bidirectional: c.bidirectional,
                        projectionSize: c.projectionSize, peepholes: c.peepholes || c.kind == .peephole, generator: &g)
        case .gru:
            return GRU(inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.layers, bias: c.bias,
                       batchFirst: c.batchFirst, dropout: c.dropout, bidirectional: c.bidirectional, generator: &g)
        case .rnn, .rnnRelu:
            return RNN(inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.layers,
                       nonlinearity: c.kind.nonlinearity ?? .tanh, bias: c.bias, batchFirst: c.batchFirst,
                       dropout: c.dropout, bidirectional: c.bidirectional, generator: &g)
        }
    }

    static func random(_ rows: Int, _ cols: Int, _ g: inout RandomGenerator, scale: Float = 1) -> Matrix {
        Matrix(rows: rows, cols: cols, values: (0..<rows * cols).map { _ in g.uniform(-scale, scale) })
    }

    /// Everything one gradient check needs: the input, an optional initial state, and the
    /// weights of the scalar loss  L = Σ output ⊙ W_o + Σ h_n ⊙ W_h + Σ c_n ⊙ W_c.
    struct Problem {
        let input: Matrix
        let state: RecurrentState?
        let weightOutput: Matrix
        let weightFinal: RecurrentState
        let batch: Int
        let forwardSeed: UInt64 = 99       // the dropout mask: same seed → same mask on every forward
    }

    static func makeProblem(_ c: Config, for layer: any RecurrentLayer, seed: UInt64 = 7) -> Problem {
        var g = RandomGenerator(seed: seed)
        let d = layer.numDirections, h = c.hiddenSize, stateRows = c.layers * d * c.batch
        let p = c.projectionSize > 0 ? c.projectionSize : h                 // features of h
        let isLSTM = layer is LSTM
        let input = random(c.steps * c.batch, c.inputSize, &g)
        let state = c.initialState
            ? RecurrentState(h: random(stateRows, p, &g, scale: 0.8), c: isLSTM ? random(stateRows, h, &g, scale: 0.8) : nil)
            : nil
        return Problem(input: input, state: state, weightOutput: random(c.steps * c.batch, d * p, &g),
                       weightFinal: RecurrentState(h: random(stateRows, p, &g), c: isLSTM ? random(stateRows, h, &g) : nil),
                       batch: c.batch)
    }

    static func dot(_ a: Matrix, _ b: Matrix) -> Double {
        precondition(a.rows == b.rows && a.cols == b.cols)
        var s = 0.0
        for r in 0..<a.rows { for c in 0..<a.cols { s += Double(a[r, c]) * Double(b[r, c]) } }
        return s
    }

    static func loss(_ layer: any RecurrentLayer, _ p: Problem) -> Double {
        var g = RandomGenerator(seed: p.forwardSeed)
        let (output, final) = layer.forward(p.input, batchSize: p.batch, initialState: p.state, generator: &g)
        var total = dot(output, p.weightOutput) + dot(final.h, p.weightFinal.h)
        if let c = final.c, let wc = p.weightFinal.c { total += dot(c, wc) }
        return total
    }

    /// The analytic gradients: parameters (fresh, so zeroed first), input and initial state.
    struct Analytic {
        var parameters: [String: [Float]]
        var input: [Float]
        var hidden: [Float]
        var cell: [Float]?
    }

    static func analytic(_ layer: any RecurrentLayer, _ p: Problem) -> Analytic {
        layer.zeroGradients()
        var g = RandomGenerator(seed: p.forwardSeed)
        _ = layer.forward(p.input, batchSize: p.batch, initialState: p.state, generator: &g)
        let (dInput, dState) = layer.backward(dOutput: p.weightOutput, dFinalState: p.weightFinal)
        var grads: [String: [Float]] = [:]
        for param in layer.parameters { grads[param.name] = param.gradient.toArray() }
        return Analytic(parameters: grads, input: dInput.toArray(), hidden: dState.h.toArray(), cell: dState.c?.toArray())
    }

    /// A language model's mean cross-entropy on `inputs` → `targets` (T·B tokens, time-major),
    /// with the masks a generator seeded `maskSeed` draws: the same masks at every call.
    static func languageModelLoss(_ model: LanguageModel, inputs: [Int32], targets: [Int32], batchSize: Int,
                                  maskSeed: UInt64) -> Double {
        var masks = RandomGenerator(seed: maskSeed)
        return inputs.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                Double(model.loss(inputs: x, targets: y, batchSize: batchSize, initialState: nil, generator: &masks).loss)
            }
        }
    }

    /// The language model's finite-difference check: every parameter's gradient from
    /// `lossAndGradients` against central differences of `languageModelLoss` (the same masks in
    /// every forward, drawn from `maskSeed`). The mismatches as readable lines (empty = agree).
    static func languageModelGradientMismatches(_ model: LanguageModel, inputs: [Int32], targets: [Int32], batchSize: Int,
                                                maskSeed: UInt64, epsilon: Float = 1e-2, tolerance: Tolerance) -> [String] {
        model.zeroGradients()
        var masks = RandomGenerator(seed: maskSeed)
        _ = inputs.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                model.lossAndGradients(inputs: x, targets: y, batchSize: batchSize, initialState: nil, generator: &masks)
            }
        }
        let analytic = model.parameters.map { $0.gradient.toArray() }
        return zip(model.parameters, analytic).flatMap { p, gradient in
            let numeric = NNTestSupport.finiteDifference(of: p.value, step: epsilon) {
                languageModelLoss(model, inputs: inputs, targets: targets, batchSize: batchSize, maskSeed: maskSeed)
            }
            return mismatches(p.name, expected: numeric, actual: gradient, tolerance: tolerance)
        }
    }

    /// Tolerance with relative and absolute parts.
    struct Tolerance {
        var relative: Float
        var absolute: Float
        func accepts(_ a: Float, _ b: Float) -> Bool {
            abs(a - b) <= absolute + relative * max(abs(a), abs(b))
        }
    }

    /// The first few mismatches between `expected` and `actual`, as readable lines (empty = agree).
    /// `expected` is compared in Float (central differences, computed in Double, rounded).
    static func mismatches(_ label: String, expected: [some BinaryFloatingPoint], actual: [Float],
                           tolerance: Tolerance) -> [String] {
        guard expected.count == actual.count else { return ["\(label): \(expected.count) vs \(actual.count) values"] }
        let expected = expected.map { Float($0) }
        var lines: [String] = []
        for i in expected.indices where !tolerance.accepts(expected[i], actual[i]) {
            lines.append("\(label)[\(i)]: expected \(expected[i]), got \(actual[i])")
            if lines.count >= 5 { break }
        }
        return lines
    }

    /// The largest |a − b| / (absolute + relative·max(|a|, |b|)); ≤ 1 means within tolerance.
    static func worstRatio(_ a: [Float], _ b: [Float], _ t: Tolerance) -> Float {
        zip(a, b).map { abs($0 - $1) / (t.absolute + t.relative * max(abs($0), abs($1))) }.max() ?? 0
    }
}
