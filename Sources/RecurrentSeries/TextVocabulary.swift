import RecurrentText

/// The token ids of labelled text lines, for text classification.
///
/// Tokenization is the script writer's: RecurrentText's `WordTokenizer` (lower-cased words,
/// punctuation marks as tokens of their own; `"Hello, world!"` → `hello`, `,`, `world`, `!`),
/// built on the training lines only. Its ids are kept (id 0 is `<unk>`, for words seen fewer
/// than `minimumCount` times in training or never), and one more id, `padding` = the
/// tokenizer's vocabulary size, pads short lines. The embedding therefore has `count` =
/// vocabulary size + 1 rows.
public struct TextVocabulary: Codable, Equatable, Sendable {
    public let tokenizer: WordTokenizer

    /// The vocabulary of `texts` (the training lines).
    public init<S: Sequence>(texts: S, minimumCount: Int = 1) where S.Element == String {
        tokenizer = WordTokenizer(text: texts.joined(separator: "\n"),
                                  options: WordTokenizer.Options(minimumCount: minimumCount))
    }

    /// Rebuilds a stored vocabulary (entry 0 must be `<unk>`).
    public init(tokens: [String], minimumCount: Int = 1) throws {
        do {
            tokenizer = try WordTokenizer(vocabulary: tokens, minimumCount: minimumCount)
        } catch {
            throw SeriesError.invalidArgument("the stored text vocabulary is invalid: \(error)")
        }
    }

    /// Token strings by id, without the padding id.
    public var tokens: [String] { tokenizer.vocabulary }
    /// Ids in use, the padding id included (the embedding's row count).
    public var count: Int { tokenizer.vocabularySize + 1 }
    /// The id that pads short lines.
    public var padding: Int32 { Int32(tokenizer.vocabularySize) }

    /// The ids of `text`'s tokens (`<unk>`, id 0, for unknown ones).
    public func encode(_ text: String) -> [Int32] {
        // Unknown words map to <unk>, so encoding cannot fail.
        ((try? tokenizer.encode(text, unknown: .mapToUnknown)) ?? []).map { Int32($0) }
    }

    /// The tokens of `text` before lookup.
    public func split(_ text: String) -> [String] { tokenizer.split(text) }

    public static func == (a: TextVocabulary, b: TextVocabulary) -> Bool {
        a.tokens == b.tokens && a.tokenizer.minimumCount == b.tokenizer.minimumCount
    }

    enum CodingKeys: String, CodingKey { case tokens, minimumCount }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(tokens: container.decode([String].self, forKey: .tokens),
                      minimumCount: container.decode(Int.self, forKey: .minimumCount))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tokens, forKey: .tokens)
        try container.encode(tokenizer.minimumCount, forKey: .minimumCount)
    }
}

extension TextExamples {
    /// Each text as exactly `steps` token ids: the last `steps` tokens, padded with the padding
    /// id when shorter — before them (`.left`: the last step is the real last token, what
    /// `.last` pooling of a full-length run reads) or after them (`.lengths`: the classifier
    /// runs each sequence with its own length, the count of ids before the first padding id).
    public func tokenSequences(vocabulary: TextVocabulary, steps: Int, padding: TextPadding = .lengths) -> [[Int32]] {
        texts.map { text in
            let ids = vocabulary.encode(text).suffix(steps)
            let pad = Array(repeating: vocabulary.padding, count: steps - ids.count)
            return padding == .left ? pad + ids : ids + pad
        }
    }
}
