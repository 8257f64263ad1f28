import Recurrent
import Foundation

/// The unit a model reads and writes.
public enum TokenizerLevel: String, Codable, Sendable, CaseIterable {
    /// One token per `Character` (extended grapheme cluster): an emoji or an accented letter is
    /// one token, never split. Needs UTF-8 text.
    case char
    /// Words, with punctuation and newlines as tokens of their own. Needs UTF-8 text.
    case word
    /// One token per byte: 256 tokens, any file in any encoding.
    case byte
}

/// What `encode` does with a character or word the vocabulary lacks.
public enum UnknownTokenPolicy: Sendable {
    /// Throw `TextError.unknownTokens` naming them (for a prime: the user should see them).
    case reject
    /// Word level: use `<unk>`. Char and byte level have no unknown token and reject.
    case mapToUnknown
}

/// How token ids become text.
public struct DecodingOptions: Sendable, Equatable {
    /// Word level only: upper-case the first letter at the start of the text, after a newline
    /// and after a sentence end (. ! ?), and the word "i". Off by default, so that decoding
    /// gives the normal form (see `WordTokenizer`).
    public var capitalize: Bool

    public init(capitalize: Bool = false) {
        self.capitalize = capitalize
    }
}

/// Text ↔ token ids.
///
/// Ids are `0..<vocabularySize`. `encode` and `decode` are for short texts (a prime, a
/// sample); a corpus goes through `Corpus`, which streams. Three tokenizers conform:
/// `CharacterTokenizer`, `WordTokenizer`, `ByteTokenizer`.
public protocol Tokenizer: Sendable {
    var level: TokenizerLevel { get }
    /// The number of distinct tokens, V (the size of the model's embedding and output layers).
    var vocabularySize: Int { get }
    /// The token strings by id. Byte level shows bytes that are not printable ASCII as `<0xNN>`.
    var vocabulary: [String] { get }
    /// Everything needed to rebuild this tokenizer (stored in a checkpoint's metadata).
    var configuration: TokenizerConfiguration { get }
    /// The ids of `text`. Unknown characters or words are rejected or mapped per `unknown`.
    func encode(_ text: String, unknown: UnknownTokenPolicy) throws(TextError) -> [Int]
    /// A decoder that turns ids into text one at a time (for streaming generation).
    func makeDecoder(options: DecodingOptions) -> TokenDecoder
}

extension Tokenizer {
    /// The ids of `text`; throws `TextError.unknownTokens` naming any token not in the vocabulary.
    public func encode(_ text: String) throws(TextError) -> [Int] {
        try encode(text, unknown: .reject)
    }

    /// The text of `ids` (each in `0..<vocabularySize`).
    public func decode<S: Sequence<Int>>(_ ids: S, options: DecodingOptions = DecodingOptions()) -> String {
        var decoder = makeDecoder(options: options)
        var text = ""
        for id in ids { text += decoder.append(id) }
        return text + decoder.finish()
    }

    public func makeDecoder() -> TokenDecoder { makeDecoder(options: DecodingOptions()) }
}

/// Turns ids into text one id at a time, so generated text can be printed as it is produced.
///
/// `append` returns the text that is final after this id (possibly empty: at byte level an
/// incomplete UTF-8 sequence waits for its next byte). `finish` returns what is left. The
/// concatenation of all results equals `Tokenizer.decode` of the ids. To continue after a
/// prime, append the prime's ids first (and print or discard their text).
public struct TokenDecoder: Sendable {
    enum State: Sendable {
        case characters(Vocabulary)
        case words(Vocabulary, WordSpacing)
        case bytes(pending: [UInt8])
    }

    var state: State

    init(_ state: State) { self.state = state }

    public mutating func append(_ id: Int) -> String {
        switch state {
        case .characters(let vocabulary):
            precondition(vocabulary.tokens.indices.contains(id), "token id \(id) outside the vocabulary 0..<\(vocabulary.count)")
            return vocabulary.tokens[id]
        case .words(let vocabulary, var spacing):
            precondition(vocabulary.tokens.indices.contains(id), "token id \(id) outside the vocabulary 0..<\(vocabulary.count)")
            let text = spacing.text(for: vocabulary.tokens[id])
            state = .words(vocabulary, spacing)
            return text
        case .bytes(var pending):
            precondition((0..<256).contains(id), "byte token id \(id) outside 0..<256")
            pending.append(UInt8(id))
            state = .bytes(pending: [])   // release the buffer while we work on it
            let (text, rest) = ByteTokenizer.decodePrefix(pending)
            state = .bytes(pending: rest)
            return text
        }
    }

    public mutating func finish() -> String {
        if case .bytes(let pending) = state, !pending.isEmpty {
            state = .bytes(pending: [])
            return String(decoding: pending, as: UTF8.self)   // an unfinished sequence becomes U+FFFD
        }
        return ""
    }
}

/// Everything needed to rebuild a tokenizer: its level, its vocabulary in id order and its
/// options. `Codable`; a checkpoint stores `jsonString()` in its metadata.
///
/// Equality compares vocabulary strings byte for byte (not by canonical equivalence), so two
/// configurations are equal exactly when they map text to the same ids.
public struct TokenizerConfiguration: Codable, Sendable, Equatable {
    public var level: TokenizerLevel
    /// Token strings by id; empty for byte level (the 256 bytes are implicit).
    public var vocabulary: [String]
    /// Word level: whether words are lower-cased before lookup.
    public var lowercase: Bool?
    /// Word level: the minimum count a word needed in the corpus to get its own id
    /// (informational: the vocabulary already reflects it).
    public var minimumCount: Int?

    public init(level: TokenizerLevel, vocabulary: [String], lowercase: Bool? = nil, minimumCount: Int? = nil) {
        self.level = level
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.minimumCount = minimumCount
    }

    public static func == (a: TokenizerConfiguration, b: TokenizerConfiguration) -> Bool {
        a.level == b.level && a.lowercase == b.lowercase && a.minimumCount == b.minimumCount
            && a.vocabulary.count == b.vocabulary.count
            && zip(a.vocabulary, b.vocabulary).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
    }

    /// The tokenizer this describes; throws if the description is inconsistent (a damaged or
    /// foreign checkpoint).
    public func makeTokenizer() throws(TextError) -> any Tokenizer {
        switch level {
        case .char: return try CharacterTokenizer(vocabulary: vocabulary)
        case .word: return try WordTokenizer(vocabulary: vocabulary, lowercase: lowercase ?? true, minimumCount: minimumCount ?? 1)
        case .byte:
            guard vocabulary.isEmpty else {
                throw .invalidTokenizerDescription(reason: "a byte-level tokenizer has no stored vocabulary, this one has \(vocabulary.count) entries")
            }
            return ByteTokenizer()
        }
    }

    /// Compact JSON with sorted keys (the same configuration always gives the same string).
    public func jsonString() throws(MetadataJSONError) -> String { try MetadataJSON.encode(self) }

    /// Parses `jsonString()` output.
    public init(jsonString: String) throws(TextError) {
        do {
            self = try JSONDecoder().decode(TokenizerConfiguration.self, from: Data(jsonString.utf8))
        } catch {
            throw .invalidTokenizerDescription(reason: "cannot parse the JSON (\(error))")
        }
    }
}

/// Collects the distinct unknown tokens met while encoding, for `TextError.unknownTokens`.
struct UnknownTokens {
    private var seen = Set<ExactText>()
    private(set) var listed: [String] = []

    var isEmpty: Bool { seen.isEmpty }

    mutating func add(_ token: String) {
        if seen.insert(ExactText(token)).inserted, listed.count < TextError.unknownTokenListLimit {
            listed.append(token)
        }
    }

    func error(level: TokenizerLevel) -> TextError {
        .unknownTokens(level: level, tokens: listed, total: seen.count)
    }
}
