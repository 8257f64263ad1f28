import Testing
@testable import Recurrent

/// AWD-LSTM's regularisers: variational (locked) dropout, embedding dropout and weight drop —
/// their semantics (PyTorch's / AWD-LSTM's) and exact gradients by finite differences, in the
/// recurrent stack (every cell kind, bidirectional, projection) and in the whole language model.
@Suite struct RegularizationTests {
    typealias S = LayerTestSupport
    static let tolerance = S.Tolerance(relative: 2e-3, absolute: 3e-4)

    /// One mask per sequence: every time step of sequence b is scaled by the same (B, F) row,
    /// kept entries by 1/(1−p); the gradient is masked alike; evaluation is the identity.
    @Test func lockedDropoutSharesOneMaskAcrossTime() {
        var g = RandomGenerator(seed: 3)
        let t = 50, b = 4, f = 30, p: Float = 0.4
        let x = Matrix(rows: t * b, cols: f)
        x.fill(1)
        let dropout = LockedDropout(p)
        let y = dropout.forward(x, batchSize: b, generator: &g)
        for step in 1..<t {
            for s in 0..<b { #expect(y.row(step * b + s).toArray() == y.row(s).toArray()) }
        }
        let first = y.rows(0..<b).toArray()
        #expect(first.allSatisfy { $0 == 0 || $0 == 1 / (1 - p) })
        #expect(abs(Double(first.filter { $0 == 0 }.count) / Double(b * f) - Double(p)) < 0.15)
        #expect(dropout.backward(x).toArray() == y.toArray())
        dropout.isTraining = false
        let before = g
        #expect(dropout.forward(x, batchSize: b, generator: &g).toArray() == x.toArray())
        #expect(g == before)
    }

    /// Keyed masks (a training step's `DropoutKeys`) do not depend on the part of the batch a
    /// call sees: the locked mask of global stream s is the same whether s arrives in a batch of
    /// 6 or as stream 1 of the part starting at 3; the embedding mask is the same for any part;
    /// neither touches the generator; another step gives other masks.
    @Test func keyedMasksDoNotDependOnTheBatchPart() {
        let t = 3, f = 40, v = 50, p: Float = 0.5
        let keys = DropoutKeys(seed: 9, step: 4)
        var part = keys
        part.firstStream = 3
        var g = RandomGenerator(seed: 1)
        let before = g
        func locked(_ keys: DropoutKeys, batch: Int) -> Matrix {
            let x = Matrix(rows: t * batch, cols: f)
            x.fill(1)
            let dropout = LockedDropout(p)
            dropout.rowKeys = keys.rowKeys(site: 7, batchSize: batch)
            return dropout.forward(x, batchSize: batch, generator: &g).copy()
        }
        let whole = locked(keys, batch: 6), split = locked(part, batch: 2)
        for step in 0..<t {
            for j in 0..<2 { #expect(split.row(step * 2 + j).toArray() == whole.row(step * 6 + 3 + j).toArray()) }
        }
        #expect(whole.row(0).toArray() != whole.row(1).toArray(), "streams get their own masks")
        #expect(locked(DropoutKeys(seed: 9, step: 5), batch: 6).toArray() != whole.toArray(), "steps get their own masks")

        func words(_ keys: DropoutKeys) -> [Float] {
            let tokens: [Int32] = (0..<Int32(v)).map { $0 }
            let x = Matrix(rows: v, cols: 1)
            x.fill(1)
            let dropout = EmbeddingDropout(p)
            dropout.maskKeys = keys.batchKeys(site: 8, rows: 1)
            return tokens.withUnsafeBufferPointer { dropout.forward(x, tokens: $0, vocabularySize: v, generator: &g) }.toArray()
        }
        #expect(words(keys) == words(part))
        #expect(Set(words(keys)) == [0, 1 / (1 - p)])
        #expect(words(keys) != words(DropoutKeys(seed: 9, step: 5)))
        #expect(g == before, "keyed masks draw nothing from the generator")
    }

    /// Whole words: every row of a token reads the same scale, m[token] ∈ {0, 1/(1−p)}, and
    /// the backward pass scales the gradient rows alike.
    @Test func embeddingDropoutDropsWholeWords() {
        var g = RandomGenerator(seed: 5)
        let v = 40, e = 3, p: Float = 0.5
        let tokens: [Int32] = (0..<400).map { Int32($0 % v) }
        let x = Matrix(rows: tokens.count, cols: e)
        x.fill(2)
        let dropout = EmbeddingDropout(p)
        let y = tokens.withUnsafeBufferPointer { dropout.forward(x, tokens: $0, vocabularySize: v, generator: &g) }
        var scales: [Int32: Float] = [:]
        for (r, token) in tokens.enumerated() {
            let row = y.row(r).toArray()
            #expect(Set(row).count == 1)
            if let s = scales[token] { #expect(row[0] == s) } else { scales[token] = row[0] }
        }
        #expect(Set(scales.values) == [0, 2 / (1 - p)])
        let dx = dropout.backward(x).toArray()
        #expect(dx == y.toArray())
    }

    /// Weight drop masks the raw W_hh's gradient: after one backward, a share ≈ p of its
    /// entries is exactly zero (each is zero only where the mask dropped it), and evaluation
    /// runs the raw weights (the same output as a layer without weight drop).
    @Test func weightDropMasksTheRawRecurrentWeights() {
        let config = S.Config(kind: .lstm, steps: 6, batch: 3, inputSize: 4, hiddenSize: 16)
        let plain = S.makeLayer(config), dropped = S.makeLayer(config)
        (dropped as! RecurrentLayerBase).setRegularization(lockedDropout: 0, weightDrop: 0.5)
        let problem = S.makeProblem(config, for: dropped)
        let gradient = S.analytic(dropped, problem).parameters["weight_hh_l0"]!
        let zeros = gradient.filter { $0 == 0 }.count
        #expect(abs(Double(zeros) / Double(gradient.count) - 0.5) < 0.1, "\(zeros) of \(gradient.count)")
        #expect(S.analytic(plain, problem).parameters["weight_hh_l0"]!.filter { $0 == 0 }.isEmpty)
        #expect(S.loss(plain, problem) != S.loss(dropped, problem))
        plain.isTraining = false
        dropped.isTraining = false
        #expect(S.loss(plain, problem) == S.loss(dropped, problem))
    }

    static let stackConfigs: [S.Config] = [
        .init(kind: .lstm, layers: 2, dropout: 0.2, initialState: true, steps: 5),
        .init(kind: .lstm, layers: 2, bidirectional: true, peepholes: true, initialState: true, steps: 4),
        .init(kind: .lstm, layers: 2, initialState: true, steps: 4, hiddenSize: 5, projectionSize: 3),
        .init(kind: .gru, layers: 2, bidirectional: true, initialState: true, steps: 4),
        .init(kind: .rnn, layers: 2, batchFirst: true, initialState: true, steps: 4, batch: 3),
    ]

    /// The stack with locked dropout between layers and weight drop on W_hh: every parameter
    /// gradient, the input's and the initial state's, against central differences (the
    /// masks are the same in every forward: the same seed).
    @Test(arguments: stackConfigs)
    func stackGradientsMatchFiniteDifferences(_ config: S.Config) {
        let layer = S.makeLayer(config)
        (layer as! RecurrentLayerBase).setRegularization(lockedDropout: 0.3, weightDrop: 0.4)
        layer.isTraining = true
        let problem = S.makeProblem(config, for: layer)
        let analytic = S.analytic(layer, problem)
        let loss = { S.loss(layer, problem) }
        for p in layer.parameters {
            let numeric = NNTestSupport.finiteDifference(of: p.value, step: 1e-2, loss)
            let lines = S.mismatches(p.name, expected: numeric, actual: analytic.parameters[p.name] ?? [], tolerance: Self.tolerance)
            #expect(lines.isEmpty, "\(config.testDescription): \(lines.joined(separator: "; "))")
        }
        let dInput = NNTestSupport.finiteDifference(of: problem.input, step: 1e-2, loss)
        let lines = S.mismatches("input", expected: dInput, actual: analytic.input, tolerance: Self.tolerance)
        #expect(lines.isEmpty, "\(config.testDescription): \(lines.joined(separator: "; "))")
        // Some weight-drop zeros reached the gradient (the masks were in play).
        #expect(analytic.parameters["weight_hh_l0"]!.contains(0))
    }

    /// The language model with every regulariser on (embedding dropout, input, hidden and
    /// output dropout, weight drop): d(mean cross-entropy)/dθ for every parameter.
    @Test(arguments: [RecurrentCellKind.lstm, .gru])
    func languageModelGradientsMatchFiniteDifferences(_ cell: RecurrentCellKind) throws {
        var g = RandomGenerator(seed: 11)
        var c = LanguageModelConfiguration(cell: cell, vocabularySize: 6, embeddingSize: 4, hiddenSize: 5, numLayers: 2,
                                           dropout: 0.1)
        c.inputDropout = 0.3
        c.hiddenDropout = 0.25
        c.weightDrop = 0.4
        c.embeddingDropout = 0.3
        let model = try LanguageModel(configuration: c, generator: &g)
        let b = 3, t = 5
        let inputs: [Int32] = (0..<t * b).map { _ in Int32(g.integer(below: 6)) }
        let targets: [Int32] = (0..<t * b).map { _ in Int32(g.integer(below: 6)) }
        func loss() -> Double { S.languageModelLoss(model, inputs: inputs, targets: targets, batchSize: b, maskSeed: 21) }
        model.isTraining = true
        let lines = S.languageModelGradientMismatches(model, inputs: inputs, targets: targets, batchSize: b, maskSeed: 21,
                                                      tolerance: Self.tolerance)
        #expect(lines.isEmpty, "\(cell.rawValue): \(lines.joined(separator: "; "))")
        // The regularisers were in play: training loss differs from evaluation's.
        let training = loss()
        model.isTraining = false
        #expect(training != loss())
    }

    /// The configuration keeps the regularisers in checkpoints (snake_case keys, absent at 0)
    /// and rejects values outside [0, 1).
    @Test func configurationStoresAndChecksTheRegularisers() throws {
        var c = LanguageModelConfiguration(vocabularySize: 9)
        let plain = try c.jsonString()
        #expect(!plain.contains("weight_drop"))
        c.weightDrop = 0.5
        c.embeddingDropout = 0.1
        c.inputDropout = 0.2
        c.hiddenDropout = 0.3
        let json = try c.jsonString()
        for key in ["\"weight_drop\":0.5", "\"embedding_dropout\":0.1", "\"input_dropout\":0.2", "\"hidden_dropout\":0.3"] {
            #expect(json.contains(key), "\(json)")
        }
        #expect(try MetadataJSON.decode(LanguageModelConfiguration.self, from: json) == c)
        c.weightDrop = 1
        #expect(c.problems() == ["weight drop must be in [0, 1), got 1.0"])
    }
}
