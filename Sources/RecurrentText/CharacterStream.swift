/// Receives the characters of a text in order. `ascii(b)` is a fast path for a character that
/// is the single ASCII byte `b`; it must mean exactly `character(Character(Unicode.Scalar(b)))`.
protocol CharacterSink {
    mutating func ascii(_ byte: UInt8)
    mutating func character(_ character: Character)
}

/// Turns UTF-8 bytes that arrive in chunks into `Character`s (extended grapheme clusters),
/// exactly as if the whole text had been one `String`.
///
/// Two things can straddle a chunk boundary, and both are held back until the next chunk:
/// an incomplete UTF-8 sequence (at most three bytes), and the last grapheme cluster of the
/// chunk, which the next bytes may extend ("e" then a combining accent; "\r" then "\n"; an
/// emoji then a ZWJ and another emoji; the second regional indicator of a flag).
///
/// Why this is exact: in UAX #29 a break between two code points is decided by what precedes
/// it and the one code point after it. So every break before the last cluster of a chunk is
/// final, and segmentation can restart at that cluster's start. Between two ASCII bytes there
/// is always a break except in CR LF (no Extend, ZWJ, SpacingMark or regional indicator is
/// ASCII; a Prepend character is not ASCII and only joins what follows it). That gives the
/// fast path: an ASCII byte followed by another ASCII byte is a whole character, handed out
/// without building a `String`; only stretches with non-ASCII bytes go through Swift's
/// grapheme breaking, each ending at such a guaranteed break.
///
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

    private static let crlf: Character = "\r\n"

    init(source: String?, level: TokenizerLevel) {
        self.source = source
        self.level = level
    }

    /// Appends `chunk` and hands `sink` every character that is now final, in order.
    /// After the last chunk call `finish(_:)`.
    mutating func push<Sink: CharacterSink>(_ chunk: UnsafeRawBufferPointer, into sink: inout Sink) throws(TextError) {
        pending.append(contentsOf: chunk)
        try drain(isFinal: false, into: &sink)
    }

    /// Hands out the characters still held back; throws if the text ends inside a UTF-8
    /// sequence.
    mutating func finish<Sink: CharacterSink>(into sink: inout Sink) throws(TextError) {
        try drain(isFinal: true, into: &sink)
    }

    private mutating func drain<Sink: CharacterSink>(isFinal: Bool, into sink: inout Sink) throws(TextError) {
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
        let consumed = pending.withUnsafeBufferPointer { bytes in
            Self.segment(bytes, count: validCount, isFinal: isFinal, into: &sink)
        }
        advance(by: consumed)
    }

    /// Hands out the characters of `bytes[0..<count]` (valid UTF-8) that are final and returns
    /// how many bytes they took; the rest (the last character, unless `isFinal`) stays.
    private static func segment<Sink: CharacterSink>(_ bytes: UnsafeBufferPointer<UInt8>, count: Int, isFinal: Bool,
                                                     into sink: inout Sink) -> Int {
        var i = 0
        while i < count {
            let byte = bytes[i]
            if byte < 0x80 && i + 1 < count && bytes[i + 1] < 0x80 {
                if byte == 0x0D && bytes[i + 1] == 0x0A {
                    sink.character(crlf)
                    i += 2
                } else {
                    sink.ascii(byte)
                    i += 1
                }
                continue
            }
            // A stretch with non-ASCII bytes: up to the next break between two ASCII bytes
            // (not CR LF), or to the end of the valid bytes.
            var end = i + 1
            while end < count {
                let a = bytes[end - 1], b = bytes[end]
                if a < 0x80 && b < 0x80 && !(a == 0x0D && b == 0x0A) { break }
                end += 1
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self)
            if end < count || isFinal {
                for character in text { sink.character(character) }
                i = end
            } else {
                // The end of the chunk: the last character may go on in the next one.
                var previous: Character? = nil
                for character in text {
                    if let p = previous {
                        sink.character(p)
                        i += p.utf8.count
                    }
                    previous = character
                }
                return i
            }
        }
        return i
    }

    /// Drops the first `count` pending bytes, keeping the line accounting.
    private mutating func advance(by count: Int) {
        guard count > 0 else { return }
        pending.withUnsafeBufferPointer { bytes in
            for i in 0..<count where bytes[i] == 0x0A {
                newlinesBefore += 1
                lineStartOffset = pendingOffset + i + 1
            }
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
