import Foundation
import Recurrent
@testable import RecurrentText
import Testing

/// The text side of the engine: the batcher feeding the trainer, generation and evaluation.
@Suite struct ScriptWriterTests {
    static let text = "jerry: hello there.\nnora: what is it?\n(walt leaves.)\n"

    static func textModel(_ text: String = text, seed: UInt64 = 1) throws -> TextModel {
        let tokenizer = CharacterTokenizer(text: text)
        var g = RandomGenerator(seed: seed)
        let model = try LanguageModel(configuration: LanguageModelConfiguration(
            vocabularySize: tokenizer.vocabularySize, embeddingSize: 4, hiddenSize: 8, numLayers: 2), generator: &g)
        return TextModel(model: model, tokenizer: tokenizer, path: "<memory>", file: SafeTensors())
    }

    @Test func fingerprintTellsTextsApart() throws {
        let a = try Corpus.load(.text(Self.text), level: .char).tokens
        let b = try Corpus.load(.text(Self.text.replacingOccurrences(of: "hello", with: "hellp")), level: .char).tokens
        #expect(a.fingerprint() == a.fingerprint())
        #expect(a.fingerprint() != b.fingerprint())
        #expect(a.fingerprint().hasPrefix("\(a.count):"))
    }

    @Test func generationStreamsThePrimeThenIsReproducible() throws {
        let model = try Self.textModel()
        func write(seed: UInt64) throws -> (pieces: [String], ids: [Int]) {
            var generator = try TextGenerator(textModel: model, options: SamplingOptions(temperature: 1), seed: seed)
            var pieces: [String] = []
            let ids = try generator.generate(prime: "nora:", length: 40) { pieces.append($0) }
            return (pieces, ids)
        }
        let a = try write(seed: 3), b = try write(seed: 3), c = try write(seed: 4)
        #expect(a.pieces == b.pieces && a.ids == b.ids)
        #expect(a.ids != c.ids)
        #expect(a.ids.count == 40)
        #expect(a.pieces.joined() == "nora:" + model.tokenizer.decode(a.ids))
    }

    @Test func unknownPrimeCharactersAreNamed() throws {
        var generator = try TextGenerator(textModel: try Self.textModel())
        #expect(throws: TextError.unknownTokens(level: .char, tokens: ["J", "Z"], total: 2)) {
            try generator.generate(prime: "Jerry Z", length: 5) { _ in }
        }
        #expect(throws: GenerationError.self) { _ = try TextGenerator(textModel: try Self.textModel(), options: SamplingOptions(topK: 0)) }
    }

    /// The loss is the mean over tokens 1…n−1 of −log p(token | everything before it): the
    /// same as stepping through the text one token at a time.
    @Test func evaluationIsTheMeanNextTokenLoss() throws {
        let model = try Self.textModel()
        let text = String(repeating: Self.text, count: 3)
        let result = try TextEvaluation.evaluate(model, on: .text(text), chunkLength: 16)
        let ids = try model.tokenizer.encode(text)
        #expect(result.tokenCount == ids.count - 1)
        let stepper = LanguageModelStepper(model: model.model)
        var total: Double = 0
        for i in 0..<(ids.count - 1) {
            let z = stepper.step(ids[i]).toArray().map(Double.init)
            let m = z.max()!
            let logSum = m + log(z.map { exp($0 - m) }.reduce(0, +))
            total += logSum - z[ids[i + 1]]
        }
        let expected = total / Double(ids.count - 1)
        #expect(abs(result.loss - expected) < 1e-4)
        #expect(abs(result.bitsPerCharacter! - expected / log(2)) < 1e-4)
        #expect(throws: TextError.self) { _ = try TextEvaluation.evaluate(model, on: .text("X"), chunkLength: 16) }
    }
}
