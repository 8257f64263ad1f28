import Recurrent
import RecurrentText

/// Small untrained models with char, word and byte tokenizers of a fixed text.
nonisolated(unsafe) let models: [TextModel] = {   // libFuzzer calls in from one thread
    let text = "jerry: hello there, nora.\nnora: what now? (she sits) — café, naïve, 日本語!\n"
    let tokenizers: [any Tokenizer] = [CharacterTokenizer(text: text), WordTokenizer(text: text), ByteTokenizer()]
    return tokenizers.map { tokenizer in
        var generator = RandomGenerator(seed: 1)
        let configuration = LanguageModelConfiguration(cell: .lstm, vocabularySize: tokenizer.vocabularySize,
                                                       embeddingSize: 4, hiddenSize: 4, numLayers: 1)
        let model = try! LanguageModel(configuration: configuration, generator: &generator)
        return TextModel(model: model, tokenizer: tokenizer, path: "<fuzz>", file: SafeTensors())
    }
}()

/// Any text as `recurrent generate --prime`: the first byte picks the model (char, word or
/// byte level), the rest is the prime. Encoding either throws a `TextError` naming what the
/// vocabulary lacks, or gives ids that (char level) decode to the prime; generation then
/// continues from it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPrime(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard count >= 1, let start else { return 0 }
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    let textModel = models[Int(input[0] % 3)]
    let prime = String(decoding: input.dropFirst(), as: UTF8.self)
    guard var generator = try? TextGenerator(textModel: textModel, seed: 1) else { fatalError("no generator") }
    guard let ids = try? generator.encodePrime(prime) else { return 0 }
    if textModel.tokenizer.level == .char {
        precondition(textModel.tokenizer.decode(ids) == prime, "the prime does not decode to itself")
    }
    var emitted = ""
    _ = try? generator.generate(prime: prime, length: 2) { emitted += $0 }
    return 0
}
