/// A simple property of the text at each token, to look for units that track it
/// (Karpathy, Johnson & Fei-Fei 2015 found cells for quotes, line position and more).
///
/// Each feature is a number per token, the value after reading that token: 1 or 0 for the
/// yes/no features, a count for `positionInLine`.
public enum TextFeature: String, Sendable, CaseIterable, Codable {
    /// Inside a double-quoted span ("…" or “…”), the opening quote included.
    case insideQuotes = "inside-quotes"
    /// Inside parentheses or brackets, at any depth, the opening one included.
    case insideParentheses = "inside-parentheses"
    /// Characters since the last newline.
    case positionInLine = "position-in-line"
    /// The token just read ends with a newline.
    case afterNewline = "after-newline"
    /// In a speaker's name: a line that starts with a name followed by ":" ("ROMEO:", "jerry: hi",
    /// "King Edward IV:"), from its first character up to the colon.
    case speakerName = "speaker-name"
    /// The token just read is not part of a word (space, punctuation, newline).
    case wordBoundary = "word-boundary"
    /// The token just read is an upper-case letter or an all-capitals word.
    case capitals
    /// The token just read ends a sentence (. ! ?).
    case sentenceEnd = "sentence-end"

    /// What the feature means, for the report.
    public var summary: String {
        switch self {
        case .insideQuotes: "inside double quotes"
        case .insideParentheses: "inside parentheses or brackets"
        case .positionInLine: "position in the line (characters since the last newline)"
        case .afterNewline: "right after a newline"
        case .speakerName: "in a speaker's name before \":\""
        case .wordBoundary: "at a word boundary (space or punctuation)"
        case .capitals: "capital letters"
        case .sentenceEnd: "at the end of a sentence (. ! ?)"
        }
    }

    /// Every feature's value at every token: `[feature] → (T)`. `tokens` are the texts of the
    /// tokens as decoded (a byte token that ends inside a UTF-8 sequence has empty text).
    public static func values(tokens: [String]) -> [TextFeature: [Float]] {
        let names = speakerNameSpans(tokens: tokens)
        var nameIndex = 0                                 // the first name span not yet passed
        var result: [TextFeature: [Float]] = [:]
        for feature in allCases { result[feature] = [Float](repeating: 0, count: tokens.count) }
        var inQuotes = false, parenthesisDepth = 0, column = 0
        var position = 0                                  // characters before this token
        for (t, text) in tokens.enumerated() {
            for ch in text {
                switch ch {
                case "\"": inQuotes.toggle()
                case "“": inQuotes = true
                case "”": inQuotes = false
                case "(", "[": parenthesisDepth += 1
                case ")", "]": parenthesisDepth = max(0, parenthesisDepth - 1)
                default: break
                }
                column = ch == "\n" ? 0 : column + 1
            }
            // A quote or bracket opened by this token counts as inside; one closed by it as outside.
            result[.insideQuotes]![t] = inQuotes ? 1 : 0
            result[.insideParentheses]![t] = parenthesisDepth > 0 ? 1 : 0
            result[.positionInLine]![t] = Float(column)
            result[.afterNewline]![t] = text.hasSuffix("\n") ? 1 : 0
            let letters = text.filter(\.isLetter)
            let isWordy = text.contains { $0.isLetter || $0.isNumber || $0 == "'" }
            result[.wordBoundary]![t] = !text.isEmpty && !isWordy ? 1 : 0
            result[.capitals]![t] = !letters.isEmpty && letters.allSatisfy(\.isUppercase) ? 1 : 0
            let trimmed = text.trimmingTrailingSpaces()
            result[.sentenceEnd]![t] = [".", "!", "?"].contains(trimmed.last) ? 1 : 0
            let end = position + text.count
            while nameIndex < names.count && names[nameIndex].upperBound <= position { nameIndex += 1 }
            if nameIndex < names.count, names[nameIndex].lowerBound < end, position < names[nameIndex].upperBound {
                result[.speakerName]![t] = 1
            }
            position = end
        }
        return result
    }

    /// Character ranges (in the concatenated text) of speaker names: at the start of a line,
    /// 1–40 characters of letters, spaces, dots, apostrophes or hyphens, starting with a letter,
    /// at most four words all capitalised or all not, then ":" — the name without the colon.
    static func speakerNameSpans(tokens: [String]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var lineStart = 0, offset = 0
        var line: [Character] = []
        func finishLine() {
            guard let colon = line.firstIndex(of: ":"), colon >= 1, colon <= 40,
                  line[0].isLetter,
                  line[..<colon].allSatisfy({ $0.isLetter || $0 == " " || $0 == "." || $0 == "'" || $0 == "-" })
            else { return }
            // Names are written in one style: every word capitalised ("King Edward IV", "ROMEO")
            // or none ("jerry"). "But soft: what light" is a sentence, not a name.
            let words = line[..<colon].split(separator: " ")
            guard words.count <= 4 else { return }
            let capitalised = words.map { $0.first!.isUppercase }
            guard capitalised.allSatisfy({ $0 }) || capitalised.allSatisfy({ !$0 }) else { return }
            spans.append(lineStart..<(lineStart + colon))
        }
        for ch in tokens.joined() {
            if ch == "\n" {
                finishLine()
                line.removeAll(keepingCapacity: true)
                lineStart = offset + 1
            } else {
                line.append(ch)
            }
            offset += 1
        }
        finishLine()
        return spans
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> Substring {
        var s = self[...]
        while let last = s.last, last == " " || last == "\n" || last == "\t" { s = s.dropLast() }
        return s
    }
}
