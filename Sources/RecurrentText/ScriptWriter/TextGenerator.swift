import Recurrent

/// Writes text with a trained model: encodes a prime, feeds it one token at a time, then
/// samples `length` more tokens, handing out the text as it becomes final (for streaming).
///
/// Runs the single-step path (`TokenStream`: batch 1, state carried, no allocation per token)
/// in evaluation mode. The same model, prime, options and seed give the same text.
public struct TextGenerator {
    public let textModel: TextModel
    public let options: SamplingOptions
    private let stream: TokenStream
    private var generator: RandomGenerator

    /// - Throws: `GenerationError.invalidOptions` for a non-positive temperature, top-k < 1 or
    ///   top-p outside (0, 1].
    public init(textModel: TextModel, options: SamplingOptions = SamplingOptions(), seed: UInt64 = 0) throws(GenerationError) {
        let problems = options.problems()
        guard problems.isEmpty else { throw .invalidOptions(problems) }
        self.textModel = textModel
        self.options = options
        stream = TokenStream(model: textModel.model, options: options)
        generator = RandomGenerator(seed: seed)
    }

    /// The ids of `prime`; throws `TextError.unknownTokens` naming every character or word the
    /// vocabulary lacks.
    public func encodePrime(_ prime: String) throws(TextError) -> [Int] {
        try textModel.tokenizer.encode(prime, unknown: .reject)
    }

    /// Generates `length` tokens after `prime` (from the zero state), calling `emit` with the
    /// prime's text and then each new piece of text as soon as it is final. An empty prime
    /// starts from a newline (or, if the vocabulary has none, a random token), not shown.
    ///
    /// - Returns: the generated token ids (without the prime).
    @discardableResult
    public mutating func generate(prime: String, length: Int, decoding: DecodingOptions = DecodingOptions(),
                                  emit: (String) -> Void) throws(TextError) -> [Int] {
        precondition(length >= 0, "length must be ≥ 0")
        let tokenizer = textModel.tokenizer
        var ids = try encodePrime(prime)
        var decoder = tokenizer.makeDecoder(options: decoding)
        if ids.isEmpty {
            let newline = (try? tokenizer.encode("\n", unknown: .reject)) ?? []
            let start = newline.count == 1 ? newline[0] : generator.integer(below: textModel.model.vocabularySize)
            if newline.count == 1 { _ = decoder.append(start) }      // the decoder knows a line starts
            ids = [start]
        } else {
            for id in ids {
                let text = decoder.append(id)
                if !text.isEmpty { emit(text) }
            }
        }
        stream.reset()
        for id in ids { stream.feed(id) }
        var generated: [Int] = []
        generated.reserveCapacity(length)
        for _ in 0..<length {
            let next = stream.next(generator: &generator)
            generated.append(next)
            let text = decoder.append(next)
            if !text.isEmpty { emit(text) }
            // The last token needs no step of its own: nothing follows it.
            if generated.count < length { stream.feed(next) }
        }
        let rest = decoder.finish()
        if !rest.isEmpty { emit(rest) }
        return generated
    }
}

/// Why generation could not start.
public enum GenerationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidOptions([String])

    public var description: String {
        switch self {
        case .invalidOptions(let problems): "invalid sampling options: " + problems.joined(separator: "; ")
        }
    }
}
