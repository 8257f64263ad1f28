/// Splits a stream of `Character`s into token strings, one character at a time, so the same
/// code serves a short string and a corpus streamed in chunks.
protocol TokenSegmenter {
    /// Feeds one character; calls `emit` for every token it completes (zero or more).
    mutating func consume(_ character: Character, _ emit: (String) -> Void)
    /// Emits whatever token is still open at the end of the text.
    mutating func finish(_ emit: (String) -> Void)
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

extension SegmentingTokenizer {
    func encodeString(_ text: String, unknown policy: UnknownTokenPolicy) throws(TextError) -> [Int] {
        var segmenter = makeSegmenter()
        var ids: [Int] = []
        var unknowns = UnknownTokens()
        let fallback = policy == .mapToUnknown ? unknownID : nil
        let emit = { (token: String) in
            if let id = table.id(of: token) {
                ids.append(Int(id))
            } else if let fallback {
                ids.append(Int(fallback))
            } else {
                unknowns.add(token)
            }
        }
        for character in text { segmenter.consume(character, emit) }
        segmenter.finish(emit)
        guard unknowns.isEmpty else { throw unknowns.error(level: level) }
        return ids
    }
}
