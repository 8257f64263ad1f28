/// Receives tokens in order, as their UTF-8 bytes (so a word found in a byte buffer needs no
/// `String`). `asciiToken(b)` is a fast path for the one-byte token `b` and must mean exactly
/// the same as `tokenBytes` of that byte.
protocol TokenSink {
    mutating func tokenBytes(_ bytes: UnsafeBufferPointer<UInt8>)
    mutating func asciiToken(_ byte: UInt8)
}

extension TokenSink {
    @inline(__always)
    mutating func token(_ text: String) {
        text.withUTF8Buffer { tokenBytes($0) }
    }
}

/// Splits a stream of characters into token strings, one character at a time, so the same
/// code serves a short string and a corpus streamed in chunks.
protocol TokenSegmenter {
    /// Feeds one character; hands `sink` every token it completes (zero or more).
    mutating func consume<Sink: TokenSink>(_ character: Character, into sink: inout Sink)
    /// Feeds the character that is the single ASCII byte `byte` (same result, faster).
    mutating func consumeASCII<Sink: TokenSink>(_ byte: UInt8, into sink: inout Sink)
    /// Hands out whatever token is still open at the end of the text.
    mutating func finish<Sink: TokenSink>(into sink: inout Sink)
}

/// Connects a `CharacterStream` to a segmenter and the segmenter to a token sink.
struct SegmentingSink<Segmenter: TokenSegmenter, Sink: TokenSink>: CharacterSink {
    var segmenter: Segmenter
    var sink: Sink

    @inline(__always)
    mutating func ascii(_ byte: UInt8) { segmenter.consumeASCII(byte, into: &sink) }
    @inline(__always)
    mutating func character(_ character: Character) { segmenter.consume(character, into: &sink) }
    mutating func finish() { segmenter.finish(into: &sink) }
}

/// A tokenizer whose tokens are strings found by a `TokenSegmenter` and looked up in a
/// `Vocabulary` (char and word level).
protocol SegmentingTokenizer: Tokenizer {
    associatedtype Segmenter: TokenSegmenter
    func makeSegmenter() -> Segmenter
    var table: Vocabulary { get }
    /// The id used for unknown tokens under `.mapToUnknown`, or nil if there is none.
    var unknownID: Int32? { get }
}

/// Where `IDCollector` puts ids: an array, or a file being written (`TokenCacheWriter`).
protocol IDOutput {
    associatedtype Element: FixedWidthInteger
    mutating func append(_ id: Element)
}

extension Array: IDOutput where Element: FixedWidthInteger {}

/// Looks tokens up and hands their ids to `output`; unknown tokens become `fallback` or are listed.
struct IDCollector<Output: IDOutput>: TokenSink {
    typealias Element = Output.Element
    let table: Vocabulary
    let fallback: Element?
    var output: Output
    var unknowns = UnknownTokens()
    var unknownCount = 0

    init(table: Vocabulary, fallback: Int32?, output: Output) {
        self.table = table
        self.fallback = fallback.map { Element($0) }
        self.output = output
    }

    @inline(__always)
    mutating func tokenBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let id = table.id(ofBytes: bytes) {
            output.append(Element(truncatingIfNeeded: id))
        } else {
            unknown(String(decoding: bytes, as: UTF8.self))
        }
    }

    @inline(__always)
    mutating func asciiToken(_ byte: UInt8) {
        if let id = table.id(ofASCII: byte) { output.append(Element(truncatingIfNeeded: id)) } else { unknown(String(UnicodeScalar(byte))) }
    }

    private mutating func unknown(_ text: String) {
        if let fallback {
            output.append(fallback)
            unknownCount += 1
        } else {
            unknowns.add(text)
        }
    }
}

/// Collects token strings (to show how text splits).
struct StringCollector: TokenSink {
    var tokens: [String] = []
    mutating func tokenBytes(_ bytes: UnsafeBufferPointer<UInt8>) { tokens.append(String(decoding: bytes, as: UTF8.self)) }
    mutating func asciiToken(_ byte: UInt8) { tokens.append(String(UnicodeScalar(byte))) }
}

extension SegmentingTokenizer {
    func encodeString(_ text: String, unknown policy: UnknownTokenPolicy) throws(TextError) -> [Int] {
        var segmenter = makeSegmenter()
        var collector = IDCollector(table: table, fallback: policy == .mapToUnknown ? unknownID : nil, output: [Int]())
        for character in text { segmenter.consume(character, into: &collector) }
        segmenter.finish(into: &collector)
        guard collector.unknowns.isEmpty else { throw collector.unknowns.error(level: level) }
        return collector.output
    }
}
