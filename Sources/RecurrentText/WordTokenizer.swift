/// Words, with punctuation and newlines as tokens of their own, so a model learns the layout
/// of a script as well as its words: `"jerry: hello, world!\n"` →
/// `["jerry", ":", "hello", ",", "world", "!", "\n"]`.
///
/// ## Splitting (encode)
/// - A *word* is a run of letters and digits (`Character.isLetter`, `.isNumber`; so accented,
///   Cyrillic and CJK words are words). An apostrophe (`'` or `’`) or hyphen between two
///   letters or digits stays inside the word (`don't`, `well-known`), and so do `.`, `,`
///   and `:` between two digits (`3.14`, `1,000`, `10:30`).
/// - Words are lower-cased (`lowercase`, on by default) before lookup.
/// - Every newline (`\n`, `\r\n`, `\r`, U+2028 …) is the token `"\n"`; a blank line is two.
/// - Other whitespace only separates tokens; how much of it there was is not kept.
/// - Any other character is a token of its own (`,` `(` `"` `&` `😂`), except that a run of
///   the same `.`, `!`, `?` or `-` is one token (`...`, `!!`, `--`).
/// - Control and format characters (a byte-order mark, a zero-width space) are dropped.
/// - Tokens seen fewer than `minimumCount` times in the corpus are not in the vocabulary and
///   encode as `<unk>` (id 0); the literal text `<unk>` also encodes as `<unk>`.
///
/// ## Joining (decode) and the normal form
/// Tokens are joined with one space, except: none at the start of a line or before a newline;
/// none before closing punctuation (`. , ! ? ; : % ) ] } … ” ’ »`); none after an opening
/// bracket or quote (`( [ { “ ‘ « ¿ ¡`); straight quotes `"` and `'` alternate between
/// opening and closing within a line; and two runs of the same repeatable mark (`.` `.`) keep
/// a space so they stay two tokens. With `DecodingOptions(capitalize: true)` the first letter
/// of a line or sentence and the word "i" are upper-cased (presentation only).
///
/// The *normal form* of a text is `decode(encode(text))` without capitalisation: lower-case
/// words, `\n` newlines, single spaces placed by the rules above, rare words as `<unk>`. It
/// round-trips: for a text `n` in normal form `decode(encode(n)) == n`, and for any text `x`,
/// `encode(decode(encode(x))) == encode(x)`. For example
/// `"JERRY:  Hello,world!!\r\n(He sits.)"` → `"jerry: hello, world!!\n(he sits.)"`.
public struct WordTokenizer: SegmentingTokenizer {
    /// The unknown-word token; always id 0.
    public static let unknownToken = "<unk>"

    public struct Options: Sendable, Equatable {
        /// Lower-case words before lookup (so "Hello" and "hello" share a token).
        public var lowercase: Bool
        /// Tokens seen fewer times than this get no id of their own and become `<unk>`.
        public var minimumCount: Int

        public init(lowercase: Bool = true, minimumCount: Int = 1) {
            precondition(minimumCount >= 1, "minimumCount must be at least 1")
            self.lowercase = lowercase
            self.minimumCount = minimumCount
        }
    }

    let table: Vocabulary
    public let lowercase: Bool
    public let minimumCount: Int

    /// A tokenizer with this vocabulary in id order; entry 0 must be `<unk>`.
    public init(vocabulary: [String], lowercase: Bool = true, minimumCount: Int = 1) throws(TextError) {
        guard vocabulary.first == Self.unknownToken else {
            throw .invalidTokenizerDescription(reason: "a word-level vocabulary starts with \(Self.unknownToken)")
        }
        if let empty = vocabulary.firstIndex(of: "") {
            throw .invalidTokenizerDescription(reason: "word-level vocabulary entry \(empty) is empty")
        }
        table = try Vocabulary(tokens: vocabulary)
        self.lowercase = lowercase
        self.minimumCount = minimumCount
    }

    /// The vocabulary of the tokens in `text`. For a corpus on disk use `Corpus.load`,
    /// which streams.
    public init(text: String, options: Options = Options()) {
        var counter = TokenCounter()
        var segmenter = WordSegmenter(lowercase: options.lowercase)
        for character in text { segmenter.consume(character, into: &counter) }
        segmenter.finish(into: &counter)
        self.init(counts: counter, options: options)
    }

    /// `<unk>`, then the tokens seen at least `minimumCount` times, most frequent first
    /// (ties in byte order, so the same text always gives the same ids).
    init(counts: TokenCounter, options: Options) {
        let kept = counts.all()
            .filter { $0.count >= options.minimumCount && $0.token != Self.unknownToken }
            .sorted { $0.count != $1.count ? $0.count > $1.count : ExactText.byteOrder($0.token, $1.token) }
        table = Vocabulary(distinctTokens: [Self.unknownToken] + kept.map(\.token))
        lowercase = options.lowercase
        minimumCount = options.minimumCount
    }

    public var level: TokenizerLevel { .word }
    public var vocabularySize: Int { table.count }
    public var vocabulary: [String] { table.tokens }
    public var configuration: TokenizerConfiguration {
        TokenizerConfiguration(level: .word, vocabulary: table.tokens, lowercase: lowercase, minimumCount: minimumCount)
    }
    var unknownID: Int32? { 0 }

    func makeSegmenter() -> WordSegmenter { WordSegmenter(lowercase: lowercase) }

    public func encode(_ text: String, unknown: UnknownTokenPolicy) throws(TextError) -> [Int] {
        try encodeString(text, unknown: unknown)
    }

    /// The token strings of `text` (before vocabulary lookup; useful to see how text splits).
    public func split(_ text: String) -> [String] {
        var segmenter = makeSegmenter()
        var collector = StringCollector()
        for character in text { segmenter.consume(character, into: &collector) }
        segmenter.finish(into: &collector)
        return collector.tokens
    }

    public func makeDecoder(options: DecodingOptions) -> TokenDecoder {
        TokenDecoder(.words(table, WordSpacing(capitalize: options.capitalize)))
    }
}
