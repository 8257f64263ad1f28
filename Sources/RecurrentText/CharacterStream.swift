/// Turns UTF-8 bytes that arrive in chunks into `Character`s (extended grapheme clusters),
/// exactly as if the whole text had been one `String`.
///
/// Two things can straddle a chunk boundary, and both are held back until the next chunk:
/// - an incomplete UTF-8 sequence (at most three bytes), and
/// - the last grapheme cluster of the chunk, which the next bytes may extend ("e" then a
///   combining accent; "\r" then "\n"; an emoji then a ZWJ and another emoji; the second
///   regional indicator of a flag).
///
/// Holding back the last cluster is enough: in UAX #29 a break between two code points is
/// decided by what precedes it and the one code point after it, so every break before the
/// last cluster's start is already final, and segmentation can restart at that start.
/// Memory is one chunk plus the held-back bytes.
struct CharacterStream {
    /// The file path for error messages, or nil for text given in memory.
    let source: String?
    let level: TokenizerLevel

    /// Bytes received but not yet turned into characters (held back, or the current chunk).
    private var pending: [UInt8] = []
    /// Offset in the whole source of `pending[0]`.
    private var pendingOffset = 0
    /// Newlines in the source before `pending[0]`, and the offset just after the last of them:
    /// enough to turn an offset inside `pending` into a line and a column.
    private var newlinesBefore = 0
    private var lineStartOffset = 0

    init(source: String?, level: TokenizerLevel) {
        self.source = source
        self.level = level
    }

    /// Appends `chunk` and calls `body` on every character that is now final, in order.
    /// After the last chunk call `finish(_:)`.
    mutating func push<Bytes: Collection<UInt8>>(_ chunk: Bytes, _ body: (Character) -> Void) throws(TextError) {
        pending.append(contentsOf: chunk)
        try drain(isFinal: false, body)
    }

    /// Emits the characters still held back; throws if the text ends inside a UTF-8 sequence.
    mutating func finish(_ body: (Character) -> Void) throws(TextError) {
        try drain(isFinal: true, body)
    }

    private mutating func drain(isFinal: Bool, _ body: (Character) -> Void) throws(TextError) {
        let outcome = pending.withUnsafeBufferPointer { UTF8Validation.scan($0) }
        let validCount: Int
        switch outcome {
        case .complete:
            validCount = pending.count
        case .invalid(let at):
            throw error(atPendingIndex: at)
        case .truncated(let at):
            if isFinal { throw error(atPendingIndex: at) }
            validCount = at
        }
        guard validCount > 0 else { return }

        // The valid prefix becomes one String (a copy of at most a chunk, never the corpus).
        let text = String(decoding: pending[0..<validCount], as: UTF8.self)
        var consumed = 0           // bytes of `text` whose characters were emitted
        var previous: Character? = nil
        var previousLength = 0
        for character in text {
            if let p = previous {
                body(p)
                consumed += previousLength
            }
            previous = character
            previousLength = character.utf8.count
        }
        if isFinal, let p = previous {
            body(p)
            consumed += previousLength
        }
        advance(by: consumed)
    }

    /// Drops the first `count` pending bytes, keeping the line accounting.
    private mutating func advance(by count: Int) {
        guard count > 0 else { return }
        for i in 0..<count where pending[i] == 0x0A {
            newlinesBefore += 1
            lineStartOffset = pendingOffset + i + 1
        }
        pending.removeFirst(count)
        pendingOffset += count
    }

    private func error(atPendingIndex index: Int) -> TextError {
        var line = newlinesBefore + 1
        var lineStart = lineStartOffset
        for i in 0..<index where pending[i] == 0x0A {
            line += 1
            lineStart = pendingOffset + i + 1
        }
        let offset = pendingOffset + index
        return .invalidUTF8(source: source, byteOffset: offset, line: line,
                            column: offset - lineStart + 1, level: level)
    }
}
