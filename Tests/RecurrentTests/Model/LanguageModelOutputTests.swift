import Foundation
import Recurrent
import Testing

/// The language model with an adaptive softmax and with tied embedding and decoder weights:
/// exact gradients of the whole unroll, PyTorch names, checkpoints, the sampling path, and the
/// configuration's checks and JSON.
@Suite struct LanguageModelOutputTests {
    /// V 12, E 6, H 6, 1 LSTM layer; adaptive: cutoffs 3, 7 at div 2 (3 and 1 features).
    static func model(adaptive: Bool = false, tied: Bool = false, projection: Int = 0, embedding: Int = 6,
                      seed: UInt64 = 3) throws -> LanguageModel {
        var g = RandomGenerator(seed: seed)
        let c = LanguageModelConfiguration(
            vocabularySize: 12, embeddingSize: embedding, hiddenSize: 6, numLayers: 1, projectionSize: projection,
            adaptiveSoftmax: adaptive ? AdaptiveSoftmaxConfiguration(cutoffs: [3, 7], divValue: 2, headBias: true) : nil,
            tieWeights: tied)
        return try LanguageModel(configuration: c, generator: &g)
    }

    static let inputs: [Int32] = [0, 5, 3, 11, 7, 2, 9, 1]          // T 4, B 2
    static let targets: [Int32] = [5, 3, 11, 7, 2, 9, 1, 8]

    static func loss(_ m: LanguageModel) -> Double {
        inputs.withUnsafeBufferPointer { i in
            targets.withUnsafeBufferPointer { t in Double(m.loss(inputs: i, targets: t, batchSize: 2).loss) }
        }
    }

    /// Every parameter's gradient from `lossAndGradients` against central differences of the loss.
    @Test(arguments: [(true, false), (false, true), (false, false)])
    func gradientsMatchFiniteDifferences(adaptive: Bool, tied: Bool) throws {
        let m = try Self.model(adaptive: adaptive, tied: tied)
        m.isTraining = true                       // dropout 0: training and evaluation agree
        let lines = LayerTestSupport.languageModelGradientMismatches(m, inputs: Self.inputs, targets: Self.targets, batchSize: 2,
                                                                     maskSeed: 0, tolerance: .init(relative: 2e-3, absolute: 3e-4))
        #expect(lines.isEmpty, "\(lines.joined(separator: "; "))")
    }

    @Test func adaptiveNamesAreTheModulesStateDict() throws {
        let m = try Self.model(adaptive: true)
        #expect(m.decoder == nil)
        #expect(m.parameters.map(\.name).filter { $0.hasPrefix("decoder.") } == [
            "decoder.head.weight", "decoder.head.bias", "decoder.tail.0.0.weight", "decoder.tail.0.1.weight",
            "decoder.tail.1.0.weight", "decoder.tail.1.1.weight",
        ])
        #expect(m.parameters.reduce(0) { $0 + $1.value.count } == m.configuration.parameterCount)
        // The logits are log-probabilities: each row's exponentials sum to one.
        let logits = Self.inputs.withUnsafeBufferPointer { m.logits(inputs: $0, batchSize: 2).logits }
        for r in 0..<logits.rows {
            let total = logits.row(r).toArray().reduce(0.0) { $0 + exp(Double($1)) }
            #expect(abs(total - 1) < 1e-5)
        }
    }

    /// One matrix, listed once as `decoder.weight`; the embedding reads the same storage.
    @Test func tiedWeightsAreOneMatrix() throws {
        let m = try Self.model(tied: true)
        #expect(m.parameters.map(\.name) == ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                                             "decoder.weight", "decoder.bias"])
        #expect(m.parameters.reduce(0) { $0 + $1.value.count } == m.configuration.parameterCount)
        // Initialised as the decoder, U(±1/√H).
        let bound = 1 / Float(6).squareRoot()
        #expect(m.embedding.weight.value.toArray().allSatisfy { abs($0) <= bound })
        m.decoder!.weight.value[2, 1] = 0.75
        #expect(m.embedding.weight.value[2, 1] == 0.75)
        // With a projection the embedding must match P.
        let projected = try Self.model(tied: true, projection: 4, embedding: 4)
        #expect(projected.decoder!.weight.shape == [12, 4])
    }

    @Test(arguments: [(true, false), (false, true)])
    func checkpointRoundTripAndSampling(adaptive: Bool, tied: Bool) throws {
        let m = try Self.model(adaptive: adaptive, tied: tied)
        var file = SafeTensors()
        try m.write(into: &file)
        let json = file.metadata[CheckpointKey.model] ?? ""
        #expect(json.contains(#""adaptive_softmax":{"cutoffs":[3,7],"div_value":2,"head_bias":true}"#) == adaptive)
        #expect(json.contains(#""tie_weights":true"#) == tied)
        if tied { #expect(file["decoder.weight"] != nil && file["embedding.weight"] == nil) }
        let back = try LanguageModel(checkpoint: SafeTensors(bytes: file.serialized()))
        #expect(back.configuration == m.configuration)
        #expect(Self.loss(back) == Self.loss(m))
        // The single-step path gives the sequence path's logits.
        let expected = Self.inputs.withUnsafeBufferPointer { back.logits(inputs: $0, batchSize: 1).logits.copy() }
        let stepper = LanguageModelStepper(model: back)
        for (t, token) in Self.inputs.enumerated() {
            let a = stepper.step(Int(token)).toArray(), b = expected.row(t).toArray()
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-5 * abs($1) })
        }
        // Sampling draws valid ids, the same for a seed.
        func draw() -> [Int] {
            let stream = TokenStream(model: back, options: SamplingOptions(temperature: 0.9, topK: 8))
            var g = RandomGenerator(seed: 4)
            return (0..<20).map { _ in let id = stream.next(generator: &g); stream.feed(id); return id }
        }
        let ids = draw()
        #expect(ids.allSatisfy { (0..<12).contains($0) } && ids == draw())
    }

    /// A file that stores the tied matrix as `embedding.weight` only (written by another tool) loads.
    @Test func tiedMatrixLoadsFromEitherName() throws {
        let m = try Self.model(tied: true)
        var file = SafeTensors()
        try m.write(into: &file)
        let values = try file.floats("decoder.weight")
        file["decoder.weight"] = nil
        file.put("embedding.weight", floats: values, shape: [12, 6])
        let back = try LanguageModel(checkpoint: SafeTensors(bytes: file.serialized()))
        #expect(Self.loss(back) == Self.loss(m))
    }

    @Test func configurationChecksAndJSON() throws {
        func problems(_ c: LanguageModelConfiguration) -> String { c.problems().joined(separator: "; ") }
        let mismatch = LanguageModelConfiguration(vocabularySize: 50, embeddingSize: 64, hiddenSize: 128, tieWeights: true)
        #expect(problems(mismatch).contains("embedding size (64) to equal the hidden size 128"))
        #expect(problems(mismatch).contains("projection size of 64"))
        let both = LanguageModelConfiguration(vocabularySize: 50, embeddingSize: 16, hiddenSize: 16,
                                              adaptiveSoftmax: AdaptiveSoftmaxConfiguration(cutoffs: [5]), tieWeights: true)
        #expect(problems(both).contains("full softmax"))
        let badCutoffs = LanguageModelConfiguration(vocabularySize: 50, hiddenSize: 16,
                                                    adaptiveSoftmax: AdaptiveSoftmaxConfiguration(cutoffs: [5, 50]))
        #expect(problems(badCutoffs).contains("cutoffs"))
        // Older JSON (no keys) reads as a full, untied softmax; new keys round-trip.
        let old = try JSONDecoder().decode(LanguageModelConfiguration.self, from: Data(
            #"{"cell":"lstm","dropout":0.2,"embedding_size":64,"hidden_size":512,"num_layers":2,"peepholes":false,"vocabulary_size":65}"#.utf8))
        #expect(old.softmax == .full && !old.tieWeights)
        let adaptive = LanguageModelConfiguration(vocabularySize: 50, hiddenSize: 16,
                                                  adaptiveSoftmax: AdaptiveSoftmaxConfiguration(cutoffs: [5, 20]))
        let back = try JSONDecoder().decode(LanguageModelConfiguration.self, from: Data(try adaptive.jsonString().utf8))
        #expect(back == adaptive && back.softmax == .adaptive)
    }

    @Test func defaultCutoffsFollowTheVocabularySize() {
        #expect(AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: 20_000) == [2000, 10000])
        #expect(AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: 15) == [1, 7])
        #expect(AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: 5) == [2])
        #expect(AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: 2) == [1])
        #expect(AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: 1).isEmpty)
        for v in [2, 3, 10, 99, 12_345, 267_735] {
            let c = AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: v)
            #expect(AdaptiveLogSoftmaxWithLoss.problems(inputSize: 256, classCount: v, cutoffs: c, divValue: 4).isEmpty, "V \(v)")
        }
    }

    /// Learning: each output layer overfits a short repeating sequence to a tenth of the uniform
    /// loss log 12 ≈ 2.48 (the sequence is deterministic given the last token). Only two of
    /// its tokens are in the last cluster: a 1-feature projection can make at most the two
    /// words at the ends of its line the most likely.
    @Test(arguments: [(true, false), (false, true)])
    func overfitsATinySequence(adaptive: Bool, tied: Bool) throws {
        let m = try Self.model(adaptive: adaptive, tied: tied)
        let cycle: [Int32] = [0, 4, 9, 2, 11, 6, 3, 5]
        let stream = (0..<33).map { cycle[$0 % cycle.count] }
        let inputs = Array(stream.dropLast()), targets = Array(stream.dropFirst())     // T 16, B 2
        let step = TrainingStep(parameters: m.parameters, optimizer: try Adam(parameters: m.parameters, learningRate: 0.03),
                                clipping: .norm(maxNorm: 5, type: .l2))
        var g = RandomGenerator(seed: 1)
        var loss: Float = .infinity
        for _ in 0..<150 {
            loss = step {
                inputs.withUnsafeBufferPointer { i in
                    targets.withUnsafeBufferPointer { t in
                        m.lossAndGradients(inputs: i, targets: t, batchSize: 2, initialState: nil, generator: &g).loss
                    }
                }
            }.loss
        }
        #expect(loss < 0.25, "loss \(loss) after 150 steps")
    }

    /// Streams stepped together draw what each draws alone (`generate --samples N`), with an
    /// adaptive softmax (log-probabilities row by row) and with tied weights.
    @Test(arguments: [(true, false), (false, true)])
    func batchedStreamsAreEachStreamAlone(adaptive: Bool, tied: Bool) throws {
        let m = try Self.model(adaptive: adaptive, tied: tied)
        TokenStreamBatchTests.check(m, SamplingOptions(temperature: 1.2), streams: 4, count: 20)
        TokenStreamBatchTests.check(m, SamplingOptions(temperature: 0.9, topK: 5), streams: 4, count: 20)
    }
}
