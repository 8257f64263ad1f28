import Recurrent

extension TextGenerator {
    /// Writes one sample per seed in a single pass: `seeds.count` independent streams stepped
    /// together, each weight read once per token for all of them (`TokenStream` with N
    /// streams). Sample i is exactly the text that `TextGenerator(…, seed: seeds[i])` writes
    /// with `generate(prime:length:decoding:)` alone — the prime's text, then `length` tokens.
    ///
    /// `progress` is called after each token step with the number of tokens written per sample.
    /// - Throws: `GenerationError` for invalid options, `TextError.unknownTokens` for a prime
    ///   the vocabulary cannot encode.
    public static func samples(textModel: TextModel, options: SamplingOptions = SamplingOptions(),
                               prime: String, length: Int, seeds: [UInt64],
                               decoding: DecodingOptions = DecodingOptions(),
                               progress: (Int) -> Void = { _ in }) throws -> [String] {
        precondition(length >= 0, "length must be ≥ 0")
        let problems = options.problems()
        guard problems.isEmpty else { throw GenerationError.invalidOptions(problems) }
        let n = seeds.count
        guard n > 0 else { return [] }
        let tokenizer = textModel.tokenizer
        let model = textModel.model
        var generators = seeds.map { RandomGenerator(seed: $0) }
        var decoders = (0..<n).map { _ in tokenizer.makeDecoder(options: decoding) }
        var texts = Array(repeating: "", count: n)
        let primeIDs = try tokenizer.encode(prime, unknown: .reject)

        // The start, as `generate` makes it for each stream alone.
        var starts: [[Int]] = []
        for i in 0..<n {
            if primeIDs.isEmpty {
                let newline = (try? tokenizer.encode("\n", unknown: .reject)) ?? []
                let start = newline.count == 1 ? newline[0] : generators[i].integer(below: model.vocabularySize)
                if newline.count == 1 { _ = decoders[i].append(start) }
                starts.append([start])
            } else {
                for id in primeIDs { texts[i] += decoders[i].append(id) }
                starts.append(primeIDs)
            }
        }
        let stream = TokenStream(model: model, options: options, streams: n)
        stream.reset()
        // Every stream's start has the same length: the prime, or one start token.
        var tokens = Array(repeating: 0, count: n)
        for t in 0..<starts[0].count {
            for i in 0..<n { tokens[i] = starts[i][t] }
            stream.feed(tokens)
        }
        for step in 0..<length {
            stream.next(generators: &generators, into: &tokens)
            for i in 0..<n { texts[i] += decoders[i].append(tokens[i]) }
            // The last token needs no step of its own: nothing follows it.
            if step + 1 < length { stream.feed(tokens) }
            progress(step + 1)
        }
        for i in 0..<n { texts[i] += decoders[i].finish() }
        return texts
    }
}
