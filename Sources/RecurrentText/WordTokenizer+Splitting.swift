/// The word-level splitting rules (documented on `WordTokenizer`) as a one-character-at-a-time
/// state machine, so a word split across two corpus chunks is still one word.
///
/// At most one of these is open at a time: a word (maybe with a joiner — `'`, `-`, or `.`
/// `,` `:` after a digit — waiting to see whether a letter or digit follows), a run of a
/// repeatable mark, or a partial match of the literal `<unk>`.
struct WordSegmenter: TokenSegmenter {
    let lowercase: Bool

    private var word = ""
    private var wordEndsWithDigit = false
    private var joiner: Character? = nil
    private var run = ""
    private var runCharacter: Character? = nil
    private var unknownMatched = 0

    private static let unknownCharacters = Array(WordTokenizer.unknownToken)
    /// Marks whose runs form one token ("...", "!!", "--").
    static let repeatable: Set<Character> = [".", "!", "?", "-"]

    init(lowercase: Bool) { self.lowercase = lowercase }

    mutating func consume(_ character: Character, _ emit: (String) -> Void) {
        if unknownMatched > 0 {
            if character == Self.unknownCharacters[unknownMatched] {
                unknownMatched += 1
                if unknownMatched == Self.unknownCharacters.count {
                    unknownMatched = 0
                    emit(WordTokenizer.unknownToken)
                }
                return
            }
            // Not `<unk>` after all: "<" is a mark, the letters after it start a word.
            let matched = unknownMatched
            unknownMatched = 0
            emit("<")
            for k in 1..<matched { consumeOrdinary(Self.unknownCharacters[k], emit) }
        }
        consumeOrdinary(character, emit)
    }

    mutating func finish(_ emit: (String) -> Void) {
        if unknownMatched > 0 {
            let matched = unknownMatched
            unknownMatched = 0
            emit("<")
            for k in 1..<matched { consumeOrdinary(Self.unknownCharacters[k], emit) }
        }
        if let pending = joiner {
            joiner = nil
            endWord(emit)
            mark(pending, emit)
        }
        endWord(emit)
        endRun(emit)
    }

    private mutating func consumeOrdinary(_ c: Character, _ emit: (String) -> Void) {
        if let pending = joiner {
            joiner = nil
            if Self.isWordCharacter(c) && (Self.isInnerPunctuation(pending) || c.isNumber) {
                word.append(pending)
                appendToWord(c)
                return
            }
            endWord(emit)
            mark(pending, emit)
        }
        if c.isNewline {
            endWord(emit); endRun(emit)
            emit("\n")
        } else if c.isWhitespace {
            endWord(emit); endRun(emit)
        } else if Self.isWordCharacter(c) {
            endRun(emit)
            appendToWord(c)
        } else if Self.isIgnorable(c) {
            return
        } else if !word.isEmpty && (Self.isInnerPunctuation(c) || (wordEndsWithDigit && Self.isNumberPunctuation(c))) {
            joiner = c
        } else {
            endWord(emit)
            if c == "<" {
                endRun(emit)
                unknownMatched = 1
            } else {
                mark(c, emit)
            }
        }
    }

    /// A punctuation mark or symbol: its own token, or part of a run of the same mark.
    private mutating func mark(_ c: Character, _ emit: (String) -> Void) {
        if runCharacter == c {
            run.append(c)
            return
        }
        endRun(emit)
        if Self.repeatable.contains(c) {
            runCharacter = c
            run = String(c)
        } else {
            emit(String(c))
        }
    }

    private mutating func appendToWord(_ c: Character) {
        word.append(c)
        wordEndsWithDigit = c.isNumber
    }

    private mutating func endWord(_ emit: (String) -> Void) {
        guard !word.isEmpty else { return }
        emit(lowercase ? word.lowercased() : word)
        word = ""
        wordEndsWithDigit = false
    }

    private mutating func endRun(_ emit: (String) -> Void) {
        guard runCharacter != nil else { return }
        emit(run)
        run = ""
        runCharacter = nil
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }

    /// Apostrophes and hyphens join letters or digits on both sides into one word.
    static func isInnerPunctuation(_ c: Character) -> Bool { c == "'" || c == "’" || c == "-" }

    /// `.`, `,` and `:` join digits on both sides ("3.14", "1,000", "10:30").
    static func isNumberPunctuation(_ c: Character) -> Bool { c == "." || c == "," || c == ":" }

    /// Control and format characters other than whitespace: invisible, dropped.
    static func isIgnorable(_ c: Character) -> Bool {
        guard let first = c.unicodeScalars.first else { return true }
        let category = first.properties.generalCategory
        return category == .control || category == .format
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
