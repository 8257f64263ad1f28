import Testing
@testable import Recurrent

/// Zoneout (Krueger et al. 2017): each unit keeps its previous value with probability p in
/// training, the expectation p·previous + (1 − p)·new in evaluation; exact gradients by finite
/// differences for every cell kind; keyed masks independent of how a batch is split; the
/// sampling path computes what the evaluation forward computes.
@Suite struct ZoneoutTests {
    typealias S = LayerTestSupport
    static let tolerance = S.Tolerance(relative: 2e-3, absolute: 3e-4)

    static func zonedOut(_ config: S.Config, hidden: Float, cell: Float) -> any RecurrentLayer {
        let layer = S.makeLayer(config)
        (layer as! RecurrentLayerBase).setZoneout(hidden: hidden, cell: config.kind.hasCellState ? cell : 0)
        return layer
    }

    static let configs: [S.Config] = [
        .init(kind: .lstm, layers: 2, initialState: true, steps: 5),
        .init(kind: .lstm, layers: 1, peepholes: true, initialState: true, steps: 5, batch: 3),
        .init(kind: .lstm, layers: 2, bidirectional: true, peepholes: true, initialState: true, steps: 4),
        .init(kind: .gru, layers: 2, bidirectional: true, initialState: true, steps: 4),
        .init(kind: .rnn, layers: 2, batchFirst: true, initialState: true, steps: 5, batch: 3),
        .init(kind: .rnnRelu, layers: 1, initialState: true, steps: 5),
    ]

    /// Training mode (masks drawn, the same in every forward: the same seed): every parameter
    /// gradient, the input's and the initial state's against central differences.
    @Test(arguments: configs)
    func gradientsMatchFiniteDifferences(_ config: S.Config) {
        let layer = Self.zonedOut(config, hidden: 0.3, cell: 0.2)
        layer.isTraining = true
        let problem = S.makeProblem(config, for: layer)
        let analytic = S.analytic(layer, problem)
        let loss = { S.loss(layer, problem) }
        let epsilon: Float = config.kind == .rnnRelu ? 1e-3 : 1e-2     // a smaller step keeps ReLU off its kink
        func numeric(_ m: Matrix) -> [Double] { NNTestSupport.finiteDifference(of: m, step: epsilon, loss) }
        for p in layer.parameters {
            let lines = S.mismatches(p.name, expected: numeric(p.value), actual: analytic.parameters[p.name] ?? [], tolerance: Self.tolerance)
            #expect(lines.isEmpty, "\(config.testDescription): \(lines.joined(separator: "; "))")
        }
        var checks = [("input", numeric(problem.input), analytic.input)]
        if let state = problem.state {
            checks.append(("h0", numeric(state.h), analytic.hidden))
            if let c = state.c, let dc = analytic.cell { checks.append(("c0", numeric(c), dc)) }
        }
        for (name, numeric, actual) in checks {
            let lines = S.mismatches(name, expected: numeric, actual: actual, tolerance: Self.tolerance)
            #expect(lines.isEmpty, "\(config.testDescription): \(lines.joined(separator: "; "))")
        }
        // The masks were in play: training and evaluation differ, and both differ from no zoneout.
        let training = loss()
        layer.isTraining = false
        #expect(training != loss())
        #expect(loss() != S.loss(S.makeLayer(config), problem))
    }

    /// Evaluation mode is differentiable too (the mix with constant weights), and its gradients
    /// are exact.
    @Test func evaluationGradientsMatchFiniteDifferences() {
        let config = S.Config(kind: .lstm, layers: 2, peepholes: true, initialState: true, steps: 4)
        let layer = Self.zonedOut(config, hidden: 0.25, cell: 0.4)
        layer.isTraining = false
        let problem = S.makeProblem(config, for: layer)
        let analytic = S.analytic(layer, problem)
        let loss = { S.loss(layer, problem) }
        for p in layer.parameters {
            let numeric = NNTestSupport.finiteDifference(of: p.value, step: 1e-2, loss)
            let lines = S.mismatches(p.name, expected: numeric, actual: analytic.parameters[p.name] ?? [], tolerance: Self.tolerance)
            #expect(lines.isEmpty, "\(lines.joined(separator: "; "))")
        }
    }

    /// In training each unit of h(t) and c(t) is either its previous value or the cell's new
    /// value, the previous one in a share ≈ p; the masks of h and c differ.
    @Test func trainingKeepsOrReplacesEachUnit() {
        let config = S.Config(kind: .lstm, steps: 40, batch: 4, inputSize: 3, hiddenSize: 32)
        let layer = Self.zonedOut(config, hidden: 0.3, cell: 0.6)
        var g = RandomGenerator(seed: 5)
        let x = S.random(40 * 4, 3, &g)
        _ = layer.forward(x, batchSize: 4, initialState: nil, generator: &g)
        let stack = (layer as! RecurrentLayerBase).stack
        let z = stack.zoneoutViews(0)!
        for (name, values, candidates, p) in [("h", stack.outputSpace[0], z.candidateHidden, Float(0.3)),
                                             ("c", stack.cellSpace[0], z.candidateCell!, Float(0.6))] {
            let now = values.matrix(rows: 160, cols: 32)
            var kept = 0
            for r in 4..<160 {
                for j in 0..<32 {
                    let previous = now[r - 4, j], new = candidates[r, j], value = now[r, j]
                    #expect(value == previous || value == new, "\(name)[\(r), \(j)]")
                    if value == previous && value != new { kept += 1 }
                }
            }
            #expect(abs(Float(kept) / Float(156 * 32) - p) < 0.05, "\(name): kept \(kept) of \(156 * 32)")
        }
    }

    /// Evaluation from a zero state: the first output is (1 − p) × the plain layer's (the mix
    /// with a zero previous state), and no random number is drawn.
    @Test(arguments: [RecurrentCellKind.gru, .rnn, .lstm])
    func evaluationIsTheExpectation(_ kind: RecurrentCellKind) {
        let config = S.Config(kind: kind, steps: 3, batch: 2)
        let plain = S.makeLayer(config), zoned = Self.zonedOut(config, hidden: 0.4, cell: 0)
        plain.isTraining = false
        zoned.isTraining = false
        var g = RandomGenerator(seed: 9)
        let x = S.random(6, 3, &g)
        let before = g
        let a = plain.forward(x, batchSize: 2, initialState: nil, generator: &g).output.rows(0..<2).toArray()
        let b = zoned.forward(x, batchSize: 2, initialState: nil, generator: &g).output.rows(0..<2).toArray()
        #expect(g == before)
        for (u, v) in zip(a, b) { #expect(abs(v - 0.6 * u) <= 1e-6) }
    }

    static func model(_ cell: RecurrentCellKind, hidden: Float = 0.3, cellRate: Float = 0.2) throws -> LanguageModel {
        var g = RandomGenerator(seed: 4)
        var c = LanguageModelConfiguration(cell: cell, vocabularySize: 7, embeddingSize: 4, hiddenSize: 6, numLayers: 2)
        c.zoneoutHidden = hidden
        c.zoneoutCell = cell.hasCellState ? cellRate : 0
        return try LanguageModel(configuration: c, generator: &g)
    }

    /// Keyed masks (what the trainer uses): the whole batch and its halves computed apart with
    /// their global stream indices give the same training-mode logits for every stream.
    @Test(arguments: [RecurrentCellKind.lstm, .gru])
    func keyedMasksDoNotDependOnTheSplit(_ cell: RecurrentCellKind) throws {
        let model = try Self.model(cell)
        model.isTraining = true
        let t = 5, b = 4, v = 7
        var g = RandomGenerator(seed: 8)
        let tokens: [Int32] = (0..<t * b).map { _ in Int32(g.integer(below: 7)) }
        model.dropoutKeys = DropoutKeys(seed: 3, step: 12, firstStream: 0)
        let whole = tokens.withUnsafeBufferPointer { model.logits(inputs: $0, batchSize: b, initialState: nil, generator: &g).logits.toArray() }
        for half in 0..<2 {
            let part: [Int32] = (0..<t).flatMap { step in (0..<2).map { tokens[step * b + half * 2 + $0] } }
            model.dropoutKeys = DropoutKeys(seed: 3, step: 12, firstStream: half * 2)
            let logits = part.withUnsafeBufferPointer { model.logits(inputs: $0, batchSize: 2, initialState: nil, generator: &g).logits }
            for step in 0..<t {
                for s in 0..<2 {
                    let expected = Array(whole[((step * b) + half * 2 + s) * v..<((step * b) + half * 2 + s + 1) * v])
                    let got = logits.row(step * 2 + s).toArray()
                    #expect(zip(expected, got).allSatisfy { abs($0 - $1) <= 1e-5 }, "step \(step) stream \(half * 2 + s)")
                }
            }
        }
        // Another step draws other masks.
        model.dropoutKeys = DropoutKeys(seed: 3, step: 13, firstStream: 0)
        let other = tokens.withUnsafeBufferPointer { model.logits(inputs: $0, batchSize: b, initialState: nil, generator: &g).logits.toArray() }
        #expect(other != whole)
    }

    /// The sampling path (one token at a time, the evaluation mix in the stepper) gives the
    /// logits of the evaluation forward over the whole sequence.
    @Test(arguments: [RecurrentCellKind.lstm, .gru, .rnn])
    func stepperMatchesTheEvaluationForward(_ cell: RecurrentCellKind) throws {
        let model = try Self.model(cell, hidden: 0.35, cellRate: 0.5)
        let tokens: [Int32] = [1, 4, 2, 6, 0, 3, 3, 5]
        let forward = tokens.withUnsafeBufferPointer { model.logits(inputs: $0, batchSize: 1).logits.toArray() }
        let stepper = LanguageModelStepper(model: model)
        for (i, token) in tokens.enumerated() {
            let logits = stepper.step(Int(token)).toArray()
            let expected = Array(forward[i * 7..<(i + 1) * 7])
            #expect(zip(expected, logits).allSatisfy { abs($0 - $1) <= 1e-5 }, "token \(i): \(expected) vs \(logits)")
        }
        // And differs from the same weights without zoneout.
        var c = model.configuration
        c.zoneoutHidden = 0
        c.zoneoutCell = 0
        var g = RandomGenerator(seed: 4)
        let plain = try LanguageModel(configuration: c, generator: &g)
        let plainLogits = tokens.withUnsafeBufferPointer { plain.logits(inputs: $0, batchSize: 1).logits.toArray() }
        #expect(plainLogits != forward)
    }

    /// The language model's gradients with zoneout and keyed masks (the trainer's path).
    @Test func languageModelGradientsMatchFiniteDifferences() throws {
        let model = try Self.model(.lstm)
        model.isTraining = true
        model.dropoutKeys = DropoutKeys(seed: 2, step: 0)
        let b = 3, t = 4
        var g = RandomGenerator(seed: 6)
        let inputs: [Int32] = (0..<t * b).map { _ in Int32(g.integer(below: 7)) }
        let targets: [Int32] = (0..<t * b).map { _ in Int32(g.integer(below: 7)) }
        // The keyed masks do not draw from the generator.
        let lines = S.languageModelGradientMismatches(model, inputs: inputs, targets: targets, batchSize: b, maskSeed: 1,
                                                      tolerance: Self.tolerance)
        #expect(lines.isEmpty, "\(lines.joined(separator: "; "))")
    }

    /// The configuration stores zoneout in checkpoints (absent at 0), keeps PyTorch's parameter
    /// names (no parameters of its own), and refuses cell zoneout without a cell state and
    /// zoneout with a projection.
    @Test func configurationStoresAndChecksZoneout() throws {
        var c = LanguageModelConfiguration(vocabularySize: 9, embeddingSize: 4, hiddenSize: 8)
        #expect(!(try c.jsonString()).contains("zoneout"))
        c.zoneoutHidden = 0.15
        c.zoneoutCell = 0.05
        let json = try c.jsonString()
        #expect(json.contains("\"zoneout_hidden\":0.15") && json.contains("\"zoneout_cell\":0.05"), "\(json)")
        #expect(try MetadataJSON.decode(LanguageModelConfiguration.self, from: json) == c)
        var g = RandomGenerator(seed: 1)
        let names = try LanguageModel(configuration: c, generator: &g).parameters.map(\.name)
        let plain = LanguageModelConfiguration(vocabularySize: 9, embeddingSize: 4, hiddenSize: 8)
        #expect(names == (try LanguageModel(configuration: plain, generator: &g)).parameters.map(\.name))
        var gru = LanguageModelConfiguration(cell: .gru, vocabularySize: 9)
        gru.zoneoutCell = 0.1
        #expect(gru.problems() == ["cell zoneout needs an LSTM (a gru has no cell state)"])
        var projected = LanguageModelConfiguration(vocabularySize: 9, hiddenSize: 8, projectionSize: 4)
        projected.zoneoutHidden = 0.1
        #expect(projected.problems() == ["zoneout is not available with an LSTM projection (projection size 4)"])
        c.zoneoutHidden = 1
        #expect(c.problems() == ["zoneout hidden must be in [0, 1), got 1.0"])
    }
}
