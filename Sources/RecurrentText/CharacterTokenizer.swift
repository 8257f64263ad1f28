/// One token per `Character` (extended grapheme cluster): "é", "e" + U+0301, "👍🏽", "🇯🇵",
/// "\r\n" and "한" are each one token, so decoding gives back exactly the text that was
/// encoded — byte for byte, with no Unicode normalization ("é" and "e" + U+0301 are two
/// different tokens).
///
/// The vocabulary built from a corpus is sorted by the tokens' UTF-8 bytes (code-point order),
/// so the same text always gives the same ids.
public struct CharacterTokenizer: SegmentingTokenizer {
    let table: Vocabulary

    /// A tokenizer with this vocabulary, in id order. Each entry must be one `Character`,
    /// and no two may have the same bytes.
    public init(vocabulary: [String]) throws(TextError) {
        for token in vocabulary where token.count != 1 {
            throw .invalidTokenizerDescription(reason: "a character-level vocabulary entry must be one character, \(TextError.quoted(token)) is \(token.count)")
        }
        table = try Vocabulary(tokens: vocabulary)
    }

    /// The vocabulary of the characters in `text`, sorted by bytes. For a corpus on disk use
    /// `Corpus.load`, which streams.
    public init(text: String) {
        var counter = TokenCounter()
        var segmenter = CharacterSegmenter()
        for character in text { segmenter.consume(character, into: &counter) }
        self.init(counts: counter)
    }

    init(counts: TokenCounter) {
        let tokens = counts.all().map(\.token).sorted(by: ExactText.byteOrder)
        table = Vocabulary(distinctTokens: tokens)
    }

    public var level: TokenizerLevel { .char }
    public var vocabularySize: Int { table.count }
    public var vocabulary: [String] { table.tokens }
    public var configuration: TokenizerConfiguration {
        TokenizerConfiguration(level: .char, vocabulary: table.tokens)
    }
    var unknownID: Int32? { nil }

    func makeSegmenter() -> CharacterSegmenter { CharacterSegmenter() }

    public func encode(_ text: String, unknown: UnknownTokenPolicy) throws(TextError) -> [Int] {
        try encodeString(text, unknown: unknown)
    }

    public func makeDecoder(options: DecodingOptions) -> TokenDecoder {
        TokenDecoder(.characters(table))
    }
}

struct CharacterSegmenter: TokenSegmenter {
    @inline(__always)
    mutating func consume<Sink: TokenSink>(_ character: Character, into sink: inout Sink) {
        sink.token(String(character))
    }
    @inline(__always)
    mutating func consumeASCII<Sink: TokenSink>(_ byte: UInt8, into sink: inout Sink) { sink.asciiToken(byte) }
    mutating func finish<Sink: TokenSink>(into sink: inout Sink) {}
}
