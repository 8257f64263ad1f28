import Foundation
import Recurrent
import Testing

/// The language model: PyTorch names and shapes, the sampling path against the sequence path,
/// checkpoint round trips, and whole training steps against PyTorch (`train_*` fixtures).
@Suite struct LanguageModelTests {
    typealias S = EngineTestSupport

    @Test func parameterNamesAreTheStateDictOfScriptModel() throws {
        let lstm = try S.model(cell: .lstm, vocabulary: 7, embedding: 5, hidden: 8, layers: 2)
        #expect(lstm.parameters.map(\.name) == [
            "embedding.weight",
            "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
            "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
            "decoder.weight", "decoder.bias",
        ])
        #expect(lstm.parameters.map(\.shape) == [[7, 5], [32, 5], [32, 8], [32], [32], [32, 8], [32, 8], [32], [32], [7, 8], [7]])
        #expect(lstm.parameters.reduce(0) { $0 + $1.value.count } == lstm.configuration.parameterCount)

        let gru = try S.model(cell: .gru, layers: 1)
        #expect(gru.parameters.map(\.shape) == [[7, 5], [24, 5], [24, 8], [24], [24], [7, 8], [7]])
        let rnn = try S.model(cell: .rnnRelu, layers: 1)
        #expect(rnn.parameters.map(\.shape) == [[7, 5], [8, 5], [8, 8], [8], [8], [7, 8], [7]])
        let peephole = try S.model(cell: .lstm, layers: 1, peepholes: true)
        #expect(peephole.parameters.map(\.name).contains("rnn.weight_co_l0"))
        #expect(peephole.parameters.reduce(0) { $0 + $1.value.count } == peephole.configuration.parameterCount)
    }

    @Test func invalidConfigurationIsATypedError() {
        var g = RandomGenerator(seed: 0)
        #expect(throws: LanguageModelError.self) {
            _ = try LanguageModel(configuration: LanguageModelConfiguration(cell: .gru, vocabularySize: 5, peepholes: true),
                                  generator: &g)
        }
        #expect(throws: LanguageModelError.self) {
            _ = try LanguageModel(configuration: LanguageModelConfiguration(vocabularySize: 0), generator: &g)
        }
    }

    /// The single-step path (cells, batch 1) gives the logits of the whole-sequence path.
    @Test(arguments: [RecurrentCellKind.lstm, .gru, .rnn, .rnnRelu])
    func stepperMatchesSequencePath(cell: RecurrentCellKind) throws {
        let model = try S.model(cell: cell, vocabulary: 9, layers: 2, dropout: 0.3, peepholes: cell == .lstm)
        model.isTraining = false
        let tokens: [Int32] = [3, 1, 4, 1, 5, 8, 2, 6]
        var g = RandomGenerator(seed: 0)
        let expected = tokens.withUnsafeBufferPointer {
            model.logits(inputs: $0, batchSize: 1, initialState: nil, generator: &g).logits.copy()
        }
        let stepper = LanguageModelStepper(model: model)
        for (t, token) in tokens.enumerated() {
            let logits = stepper.step(Int(token)).toArray()
            let reference = expected.row(t).toArray()
            for (a, b) in zip(logits, reference) { #expect(abs(a - b) <= 1e-5 + 1e-5 * abs(b)) }
        }
        stepper.reset()
        #expect(stepper.state.h.toArray().allSatisfy { $0 == 0 })
    }

    @Test func checkpointRoundTrip() throws {
        let model = try S.model(cell: .gru, vocabulary: 11, layers: 2, seed: 5)
        var file = SafeTensors()
        try model.write(into: &file)
        let back = try LanguageModel(checkpoint: try SafeTensors(bytes: file.serialized()))
        #expect(back.configuration == model.configuration)
        #expect(S.values(back) == S.values(model))
    }

    @Test func checkpointErrorsNameTheProblem() throws {
        let model = try S.model()
        var file = SafeTensors()
        try model.write(into: &file)
        var noMetadata = file
        noMetadata.metadata = [:]
        #expect(throws: CheckpointError.self) { _ = try LanguageModel(checkpoint: noMetadata) }
        var missing = file
        missing["decoder.bias"] = nil
        do {
            _ = try LanguageModel(checkpoint: missing)
            Issue.record("a missing tensor must throw")
        } catch {
            #expect(error.description.contains("decoder.bias"))
        }
        var badJSON = file
        badJSON.metadata[CheckpointKey.model] = "{\"cell\": 3}"
        #expect(throws: CheckpointError.self) { _ = try LanguageModel(checkpoint: badJSON) }
        var nan = file
        nan.put("decoder.bias", floats: [Float](repeating: .nan, count: 7), shape: [7])
        #expect(throws: CheckpointError.self) { _ = try LanguageModel(checkpoint: nan) }
        // A failed load leaves the model as it was.
        let before = S.values(model)
        #expect(throws: CheckpointError.self) { try model.loadParameters(from: missing) }
        #expect(S.values(model) == before)
    }

    /// Six whole training steps (embedding → LSTM/GRU → linear, cross-entropy, clipping,
    /// Adam/SGD) against PyTorch: losses, gradient norms and final weights.
    @Test(arguments: ["train_lstm_adam_clip", "train_gru_sgd_momentum"])
    func trainingStepsMatchPyTorch(name: String) throws {
        let fixture = try Fixture.training(name)
        let c = fixture.config
        let cell: RecurrentCellKind = c.model.module == "LSTM" ? .lstm : c.model.module == "GRU" ? .gru : .rnn
        let model = try S.model(cell: cell, vocabulary: c.model.vocabSize, embedding: c.model.embeddingDim,
                                hidden: c.model.hiddenSize, layers: c.model.numLayers)
        let prefix = c.model.module.lowercased() + "."
        func fixtureName(_ ours: String) -> String {
            ours.replacingOccurrences(of: "rnn.", with: prefix).replacingOccurrences(of: "decoder.", with: "linear.")
        }
        for p in model.parameters {
            let t = try #require(fixture.initial[fixtureName(p.name)])
            p.value.assign(t.matrix(rows: p.value.rows, cols: p.value.cols))
        }
        let kind: OptimizerConfiguration.Kind = c.optimizer.optimizer == "Adam" ? .adam : .sgd
        let configuration = TrainingConfiguration(
            sequenceLength: c.seqLen, batchSize: c.batch,
            optimizer: OptimizerConfiguration(kind: kind, learningRate: c.optimizer.lr, momentum: c.optimizer.momentum ?? 0),
            clipping: c.clip.map { .norm(maxNorm: $0.maxNorm, type: .l2) }, totalSteps: c.numSteps, evaluationInterval: 1000)
        let batches = fixture.batches.map { b in (inputs: b.inputs.ints.map(Int32.init), targets: b.targets.ints.map(Int32.init)) }
        // Carrying: one epoch of all batches. Not carrying: every batch is an epoch of its own.
        let source = ListBatches(batches: batches, batchSize: c.batch, sequenceLength: c.seqLen,
                                 batchesPerEpoch: c.carryState ? batches.count : 1)
        let trainer = try LanguageModelTrainer(model: model, configuration: configuration, training: source,
                                               validation: nil, generator: RandomGenerator(seed: 0))
        var losses: [Double] = [], norms: [Double] = []
        _ = try trainer.train { event in
            if case .step(let report) = event { losses.append(report.loss); norms.append(report.gradientNorm) }
        }
        for (ours, theirs) in zip(losses, fixture.losses) { #expect(scalarMismatch(ours, theirs) == nil) }
        for (ours, theirs) in zip(norms, fixture.gradNorms) { #expect(scalarMismatch(ours, theirs) == nil) }
        #expect(losses.count == fixture.losses.count)
        for p in model.parameters {
            let expected = try #require(fixture.final[fixtureName(p.name)])
            let problem = expected.mismatch(p.value, absolute: 1e-4, relative: 1e-3)
            #expect(problem == nil, "\(p.name): \(problem ?? "")")
        }
    }
}
