/// A tokenized text: the tokenizer and every token id of the text, in order.
///
/// Loading streams the source in chunks (`chunkSize`, 1 MiB by default) in two passes —
/// count the tokens (and build the vocabulary), then encode into an array reserved to the
/// exact size — so memory is the `TokenArray` (1, 2 or 4 bytes per token) plus the vocabulary
/// plus one chunk, whatever the size of the file. The text is never held as one `String`.
public struct Corpus: Sendable {
    public static let defaultChunkSize = 1 << 20

    public let tokenizer: any Tokenizer
    /// Every token of the text, in order.
    public let tokens: TokenArray
    /// The size of the source in bytes.
    public let byteCount: Int
    /// How many tokens became `<unk>` (word level; 0 otherwise).
    public let unknownCount: Int

    public init(tokenizer: any Tokenizer, tokens: TokenArray, byteCount: Int, unknownCount: Int = 0) {
        self.tokenizer = tokenizer
        self.tokens = tokens
        self.byteCount = byteCount
        self.unknownCount = unknownCount
    }

    /// Reads the file at `path`, builds a vocabulary from it and tokenizes it.
    ///
    /// Throws `TextError` naming the file if it is missing, a directory, empty or unreadable,
    /// or (char and word level) not UTF-8 — with the byte offset and line of the first bad byte.
    public static func load(path: String, level: TokenizerLevel, wordOptions: WordTokenizer.Options = WordTokenizer.Options(),
                            chunkSize: Int = defaultChunkSize) throws(TextError) -> Corpus {
        try load(.file(path: path), level: level, wordOptions: wordOptions, chunkSize: chunkSize)
    }

    /// Builds a vocabulary from `source` and tokenizes it (see `load(path:level:…)`).
    public static func load(_ source: TextSource, level: TokenizerLevel, wordOptions: WordTokenizer.Options = WordTokenizer.Options(),
                            chunkSize: Int = defaultChunkSize) throws(TextError) -> Corpus {
        let byteCount = try source.validatedSize()
        switch level {
        case .byte:
            return try encode(source, with: ByteTokenizer(), byteCount: byteCount, chunkSize: chunkSize)
        case .char:
            let counts = try count(source, segmenter: CharacterSegmenter(), level: .char, chunkSize: chunkSize)
            let tokenizer = CharacterTokenizer(counts: counts)
            return try encode(source, with: tokenizer, tokenCount: counts.total, byteCount: byteCount,
                              unknown: .reject, chunkSize: chunkSize)
        case .word:
            let counts = try count(source, segmenter: WordSegmenter(lowercase: wordOptions.lowercase), level: .word, chunkSize: chunkSize)
            let tokenizer = WordTokenizer(counts: counts, options: wordOptions)
            return try encode(source, with: tokenizer, tokenCount: counts.total, byteCount: byteCount,
                              unknown: .mapToUnknown, chunkSize: chunkSize)
        }
    }

    /// Tokenizes `source` with an existing tokenizer (to evaluate a model on new text, or to
    /// resume training). Tokens the vocabulary lacks become `<unk>` at word level under
    /// `.mapToUnknown`; otherwise they throw `TextError.unknownTokens` naming them.
    public static func load(_ source: TextSource, tokenizer: any Tokenizer, unknown: UnknownTokenPolicy = .mapToUnknown,
                            chunkSize: Int = defaultChunkSize) throws(TextError) -> Corpus {
        let byteCount = try source.validatedSize()
        switch tokenizer {
        case let byte as ByteTokenizer:
            return try encode(source, with: byte, byteCount: byteCount, chunkSize: chunkSize)
        case let char as CharacterTokenizer:
            let counts = try count(source, segmenter: char.makeSegmenter(), level: .char, chunkSize: chunkSize)
            return try encode(source, with: char, tokenCount: counts.total, byteCount: byteCount, unknown: unknown, chunkSize: chunkSize)
        case let word as WordTokenizer:
            let counts = try count(source, segmenter: word.makeSegmenter(), level: .word, chunkSize: chunkSize)
            return try encode(source, with: word, tokenCount: counts.total, byteCount: byteCount, unknown: unknown, chunkSize: chunkSize)
        default:
            // A tokenizer from outside this module: rebuild one of ours from its description.
            return try load(source, tokenizer: try tokenizer.configuration.makeTokenizer(), unknown: unknown, chunkSize: chunkSize)
        }
    }

    /// The first `1 − validationFraction` of the tokens for training, the rest for validation
    /// (as char-rnn: the end of the text is held out). Shares storage; copies nothing.
    public func split(validationFraction: Double) -> (train: TokenArray, validation: TokenArray) {
        precondition(validationFraction >= 0 && validationFraction < 1, "validationFraction must be in [0, 1)")
        let validationCount = Int((Double(tokens.count) * validationFraction).rounded())
        let boundary = tokens.count - validationCount
        return (tokens.tokens(in: 0..<boundary), tokens.tokens(in: boundary..<tokens.count))
    }

    // MARK: - The two passes

    /// Pass one: the distinct tokens and their counts, and the total number of tokens.
    static func count<S: TokenSegmenter>(_ source: TextSource, segmenter: S, level: TokenizerLevel,
                                                 chunkSize: Int) throws(TextError) -> TokenCounter {
        var pipeline = SegmentingSink(segmenter: segmenter, sink: TokenCounter())
        try run(source, level: level, chunkSize: chunkSize, into: &pipeline)
        return pipeline.sink
    }

    /// Streams `source` through `pipeline`: chunks → characters → tokens.
    static func run<S: TokenSegmenter, Sink: TokenSink>(_ source: TextSource, level: TokenizerLevel, chunkSize: Int,
                                                                into pipeline: inout SegmentingSink<S, Sink>) throws(TextError) {
        var stream = CharacterStream(source: source.name, level: level)
        try source.forEachChunk(chunkSize: chunkSize) { (chunk) throws(TextError) in
            try stream.push(chunk, into: &pipeline)
        }
        try stream.finish(into: &pipeline)
        pipeline.finish()
    }

    /// Pass two: the ids of every token, in the narrowest storage for the vocabulary.
    private static func encode<T: SegmentingTokenizer>(_ source: TextSource, with tokenizer: T, tokenCount: Int, byteCount: Int,
                                                       unknown: UnknownTokenPolicy, chunkSize: Int) throws(TextError) -> Corpus {
        let result: (storage: TokenArray.Storage, unknownCount: Int)
        switch TokenArray.bytesPerToken(forVocabularySize: tokenizer.vocabularySize) {
        case 1:
            let (ids, unknowns) = try encodeIDs(UInt8.self, source, with: tokenizer, tokenCount: tokenCount, unknown: unknown, chunkSize: chunkSize)
            result = (.uint8(ids), unknowns)
        case 2:
            let (ids, unknowns) = try encodeIDs(UInt16.self, source, with: tokenizer, tokenCount: tokenCount, unknown: unknown, chunkSize: chunkSize)
            result = (.uint16(ids), unknowns)
        default:
            let (ids, unknowns) = try encodeIDs(Int32.self, source, with: tokenizer, tokenCount: tokenCount, unknown: unknown, chunkSize: chunkSize)
            result = (.int32(ids), unknowns)
        }
        return Corpus(tokenizer: tokenizer, tokens: TokenArray(result.storage), byteCount: byteCount, unknownCount: result.unknownCount)
    }

    private static func encodeIDs<Element: FixedWidthInteger, T: SegmentingTokenizer>(
        _: Element.Type, _ source: TextSource, with tokenizer: T, tokenCount: Int,
        unknown policy: UnknownTokenPolicy, chunkSize: Int
    ) throws(TextError) -> (ids: [Element], unknownCount: Int) {
        var pipeline = SegmentingSink(segmenter: tokenizer.makeSegmenter(), sink: IDCollector(
            table: tokenizer.table, fallback: policy == .mapToUnknown ? tokenizer.unknownID : nil, output: [Element]()))
        pipeline.sink.output.reserveCapacity(tokenCount)
        try run(source, level: tokenizer.level, chunkSize: chunkSize, into: &pipeline)
        guard pipeline.sink.unknowns.isEmpty else { throw pipeline.sink.unknowns.error(level: tokenizer.level) }
        return (pipeline.sink.output, pipeline.sink.unknownCount)
    }

    /// Byte level: the bytes are the ids; one pass.
    private static func encode(_ source: TextSource, with tokenizer: ByteTokenizer, byteCount: Int,
                               chunkSize: Int) throws(TextError) -> Corpus {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        try source.forEachChunk(chunkSize: chunkSize) { (chunk) throws(TextError) in
            bytes.append(contentsOf: chunk)
        }
        return Corpus(tokenizer: tokenizer, tokens: TokenArray(.uint8(bytes)), byteCount: bytes.count)
    }
}
