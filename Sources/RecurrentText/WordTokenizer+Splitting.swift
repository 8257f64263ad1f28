/// The word-level splitting rules (documented on `WordTokenizer`) as a one-character-at-a-time
/// state machine, so a word split across two corpus chunks is still one word.
///
/// At most one of these is open at a time: a word (maybe with a joiner — `'`, `’`, `-`, or
/// `.` `,` `:` after a digit — waiting to see whether a letter or digit follows), a run of a
/// repeatable mark, or a partial match of the literal `<unk>`. The rules are written once,
/// generic over `WordUnit`, and specialised for an ASCII byte (the fast path for a corpus)
/// and for a `Character`.
struct WordSegmenter: TokenSegmenter {
    let lowercase: Bool

    /// UTF-8 of the word so far (bytes, so an ASCII word needs no `String` until it ends).
    private var word: [UInt8] = []
    private var wordIsASCII = true
    private var wordEndsWithDigit = false
    /// The pending joiner's scalar value, or 0.
    private var joiner: UInt32 = 0
    /// The repeatable mark being run together, or 0, and how many so far.
    private var runByte: UInt8 = 0
    private var runCount = 0
    private var unknownMatched = 0

    private static let unknownBytes = Array(WordTokenizer.unknownToken.utf8)
    /// Marks whose runs form one token ("...", "!!", "--").
    static let repeatable: Set<Character> = [".", "!", "?", "-"]
    private static let rightSingleQuote: UInt32 = 0x2019

    /// `WordCharacterClass.ascii`, held here so the hot loop reads no global.
    private let asciiClasses = WordCharacterClass.ascii

    init(lowercase: Bool) {
        self.lowercase = lowercase
        word.reserveCapacity(64)
    }

    mutating func consume<Sink: TokenSink>(_ character: Character, into sink: inout Sink) {
        feed(CharacterUnit(character), into: &sink)
    }

    @inline(__always)
    mutating func consumeASCII<Sink: TokenSink>(_ byte: UInt8, into sink: inout Sink) {
        feed(ASCIIUnit(byte: byte, wordClass: asciiClasses[Int(byte)]), into: &sink)
    }

    mutating func finish<Sink: TokenSink>(into sink: inout Sink) {
        if unknownMatched > 0 { abandonUnknownMatch(into: &sink) }
        if joiner != 0 {
            let pending = joiner
            joiner = 0
            endWord(into: &sink)
            markScalar(pending, into: &sink)
        }
        endWord(into: &sink)
        endRun(into: &sink)
    }

    @inline(__always)
    private mutating func feed<Unit: WordUnit, Sink: TokenSink>(_ unit: Unit, into sink: inout Sink) {
        if unknownMatched > 0 {
            if unit.asciiByte == Self.unknownBytes[unknownMatched] {
                unknownMatched += 1
                if unknownMatched == Self.unknownBytes.count {
                    unknownMatched = 0
                    sink.token(WordTokenizer.unknownToken)
                }
                return
            }
            abandonUnknownMatch(into: &sink)
        }
        feedOrdinary(unit, into: &sink)
    }

    /// Not `<unk>` after all: "<" is a mark, the letters after it start a word.
    private mutating func abandonUnknownMatch<Sink: TokenSink>(into sink: inout Sink) {
        let matched = unknownMatched
        unknownMatched = 0
        sink.asciiToken(UInt8(ascii: "<"))
        for k in 1..<matched { feedOrdinary(ASCIIUnit(Self.unknownBytes[k]), into: &sink) }
    }

    @inline(__always)
    private mutating func feedOrdinary<Unit: WordUnit, Sink: TokenSink>(_ unit: Unit, into sink: inout Sink) {
        let kind = unit.wordClass
        if joiner != 0 {
            let pending = joiner
            joiner = 0
            if kind == .digit || (kind == .letter && Self.isInnerPunctuation(pending)) {
                appendScalar(pending)
                appendToWord(unit, kind)
                return
            }
            endWord(into: &sink)
            markScalar(pending, into: &sink)
        }
        switch kind {
        case .newline:
            endWord(into: &sink)
            endRun(into: &sink)
            sink.asciiToken(0x0A)
        case .whitespace:
            endWord(into: &sink)
            endRun(into: &sink)
        case .letter, .digit:
            endRun(into: &sink)
            appendToWord(unit, kind)
        case .ignorable:
            return
        case .other:
            let scalar: UInt32? = unit.asciiByte.map { UInt32($0) } ?? (unit.isRightSingleQuote ? Self.rightSingleQuote : nil)
            if !word.isEmpty, let scalar, Self.isInnerPunctuation(scalar) || (wordEndsWithDigit && Self.isNumberPunctuation(scalar)) {
                joiner = scalar
                return
            }
            endWord(into: &sink)
            if unit.asciiByte == UInt8(ascii: "<") {
                endRun(into: &sink)
                unknownMatched = 1
            } else {
                mark(unit, into: &sink)
            }
        }
    }

    /// A punctuation mark or symbol: its own token, or part of a run of the same mark.
    private mutating func mark<Unit: WordUnit, Sink: TokenSink>(_ unit: Unit, into sink: inout Sink) {
        if let byte = unit.asciiByte, runByte == byte {
            runCount += 1
            return
        }
        endRun(into: &sink)
        if let byte = unit.asciiByte, Self.isRepeatable(byte) {
            runByte = byte
            runCount = 1
        } else {
            unit.emit(into: &sink)
        }
    }

    private mutating func markScalar<Sink: TokenSink>(_ scalar: UInt32, into sink: inout Sink) {
        if scalar < 0x80 {
            mark(ASCIIUnit(UInt8(scalar)), into: &sink)
        } else {
            mark(CharacterUnit(Character(Unicode.Scalar(scalar)!)), into: &sink)
        }
    }

    @inline(__always)
    private mutating func appendToWord<Unit: WordUnit>(_ unit: Unit, _ kind: WordCharacterClass) {
        unit.appendUTF8(to: &word)
        if unit.asciiByte == nil { wordIsASCII = false }
        wordEndsWithDigit = kind == .digit
    }

    private mutating func appendScalar(_ scalar: UInt32) {
        if scalar < 0x80 {
            word.append(UInt8(scalar))
        } else {
            word.append(contentsOf: String(Unicode.Scalar(scalar)!).utf8)
            wordIsASCII = false
        }
    }

    private mutating func endWord<Sink: TokenSink>(into sink: inout Sink) {
        guard !word.isEmpty else { return }
        if wordIsASCII {
            if lowercase {
                for i in word.indices where word[i] >= 0x41 && word[i] <= 0x5A { word[i] += 0x20 }
            }
            if word.count == 1 {
                sink.asciiToken(word[0])
            } else {
                word.withUnsafeBufferPointer { sink.tokenBytes($0) }
            }
        } else {
            let text = String(decoding: word, as: UTF8.self)
            sink.token(lowercase ? text.lowercased() : text)
        }
        word.removeAll(keepingCapacity: true)
        wordIsASCII = true
        wordEndsWithDigit = false
    }

    private mutating func endRun<Sink: TokenSink>(into sink: inout Sink) {
        guard runByte != 0 else { return }
        if runCount == 1 {
            sink.asciiToken(runByte)
        } else {
            sink.token(String(repeating: Character(Unicode.Scalar(runByte)), count: runCount))
        }
        runByte = 0
        runCount = 0
    }

    /// Apostrophes and hyphens join letters or digits on both sides into one word.
    private static func isInnerPunctuation(_ scalar: UInt32) -> Bool {
        scalar == 0x27 || scalar == 0x2D || scalar == rightSingleQuote      // ' - ’
    }

    /// `.`, `,` and `:` join digits on both sides ("3.14", "1,000", "10:30").
    private static func isNumberPunctuation(_ scalar: UInt32) -> Bool {
        scalar == 0x2E || scalar == 0x2C || scalar == 0x3A
    }

    private static func isRepeatable(_ byte: UInt8) -> Bool {
        byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x2D        // . ! ? -
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
}

/// How the splitting rules see a character, tested in this order.
enum WordCharacterClass: UInt8 {
    /// `Character.isNewline` (\n, \r\n, \r, U+2028, …): the token "\n".
    case newline
    /// Other `Character.isWhitespace`: separates tokens.
    case whitespace
    /// `Character.isNumber`: part of a word; `.`, `,`, `:` may join it to the next digit.
    case digit
    /// `Character.isLetter`: part of a word.
    case letter
    /// Control and format characters: dropped.
    case ignorable
    /// Punctuation, symbols, emoji: tokens of their own.
    case other

    static func of(_ c: Character) -> WordCharacterClass {
        if c.isNewline { return .newline }
        if c.isWhitespace { return .whitespace }
        if c.isNumber { return .digit }
        if c.isLetter { return .letter }
        if let first = c.unicodeScalars.first {
            let category = first.properties.generalCategory
            if category == .control || category == .format { return .ignorable }
        }
        return .other
    }

    /// The class of every ASCII character, from `of(_:)` itself so the two paths agree.
    static let ascii: [WordCharacterClass] = (0..<128).map { of(Character(Unicode.Scalar(UInt8($0)))) }
}

/// A character as the splitting rules need it.
protocol WordUnit {
    var wordClass: WordCharacterClass { get }
    /// The byte, if the character is one ASCII byte.
    var asciiByte: UInt8? { get }
    /// Whether the character is exactly U+2019 (’, a typographic apostrophe).
    var isRightSingleQuote: Bool { get }
    func appendUTF8(to bytes: inout [UInt8])
    /// Hands the character to `sink` as a token of its own.
    func emit<Sink: TokenSink>(into sink: inout Sink)
}

struct ASCIIUnit: WordUnit {
    let byte: UInt8
    let wordClass: WordCharacterClass

    init(byte: UInt8, wordClass: WordCharacterClass) {
        self.byte = byte
        self.wordClass = wordClass
    }

    init(_ byte: UInt8) { self.init(byte: byte, wordClass: WordCharacterClass.ascii[Int(byte)]) }

    var asciiByte: UInt8? { byte }
    var isRightSingleQuote: Bool { false }
    func appendUTF8(to bytes: inout [UInt8]) { bytes.append(byte) }
    func emit<Sink: TokenSink>(into sink: inout Sink) { sink.asciiToken(byte) }
}

struct CharacterUnit: WordUnit {
    let character: Character
    let wordClass: WordCharacterClass
    let asciiByte: UInt8?

    init(_ character: Character) {
        self.character = character
        let utf8 = character.utf8
        asciiByte = utf8.count == 1 ? utf8.first : nil
        wordClass = asciiByte.map { WordCharacterClass.ascii[Int($0)] } ?? WordCharacterClass.of(character)
    }

    var isRightSingleQuote: Bool { character.utf8.elementsEqual([0xE2, 0x80, 0x99]) }
    func appendUTF8(to bytes: inout [UInt8]) { bytes.append(contentsOf: character.utf8) }
    func emit<Sink: TokenSink>(into sink: inout Sink) {
        if let byte = asciiByte { sink.asciiToken(byte) } else { sink.token(String(character)) }
    }
}

/// The word-level joining rules (documented on `WordTokenizer`): decides, one token at a time,
/// whether a space goes before the token and whether it is capitalised.
struct WordSpacing: Sendable {
    let capitalize: Bool

    private var atLineStart = true
    private var previousOpens = false
    /// The mark of the previous token if it was a run of a repeatable mark.
    private var previousRun: Character? = nil
    private var doubleQuoteOpen = false
    private var singleQuoteOpen = false
    private var sentenceStart = true

    init(capitalize: Bool) { self.capitalize = capitalize }

    private enum Kind { case opening, closing, ordinary }

    private static let closing: Set<Character> = [".", ",", "!", "?", ";", ":", "%", ")", "]", "}", "…", "”", "’", "»"]
    private static let opening: Set<Character> = ["(", "[", "{", "“", "‘", "«", "¿", "¡"]
    private static let sentenceEnds: Set<Character> = [".", "!", "?"]

    mutating func text(for token: String) -> String {
        if token == "\n" {
            atLineStart = true
            previousOpens = false
            previousRun = nil
            doubleQuoteOpen = false
            singleQuoteOpen = false
            sentenceStart = true
            return "\n"
        }
        guard let first = token.first else { return "" }
        let kind: Kind
        if token == "\"" {
            kind = doubleQuoteOpen ? .closing : .opening
            doubleQuoteOpen.toggle()
        } else if token == "'" {
            kind = singleQuoteOpen ? .closing : .opening
            singleQuoteOpen.toggle()
        } else if Self.closing.contains(first) {
            kind = .closing
        } else if Self.opening.contains(first) {
            kind = .opening
        } else {
            kind = .ordinary
        }

        var space = !atLineStart && !previousOpens && kind != .closing
        // ".." followed by "." must not read back as "...": keep a space between the runs.
        if let mark = previousRun, first == mark { space = !atLineStart }

        var text = token
        let isWord = WordSegmenter.isWordCharacter(first)
        if capitalize && isWord {
            if sentenceStart || token == "i" || token.hasPrefix("i'") || token.hasPrefix("i’") {
                text = first.uppercased() + token.dropFirst()
            }
        }
        if isWord { sentenceStart = false }
        if Self.sentenceEnds.contains(first) && token.allSatisfy({ $0 == first }) { sentenceStart = true }

        atLineStart = false
        previousOpens = kind == .opening
        previousRun = WordSegmenter.repeatable.contains(first) && token.allSatisfy({ $0 == first }) ? first : nil
        return space ? " " + text : text
    }
}
