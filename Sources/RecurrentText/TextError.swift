import Foundation

/// What can go wrong between a text file and a batch of token ids.
///
/// Every case names the file or value at fault and its `description` says what to do, so the
/// CLI can print it as it is and exit non-zero.
public enum TextError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No file at `path`.
    case fileNotFound(path: String)
    /// `path` is a directory, not a text file.
    case isDirectory(path: String)
    /// The file at `path` has no bytes.
    case emptyFile(path: String)
    /// The file exists but could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The bytes are not UTF-8. `byteOffset` is 0-based from the start of the source; `line`
    /// (1-based) and `column` (1-based, in bytes) locate it for an editor. `source` is the file
    /// path, or nil for text given in memory.
    case invalidUTF8(source: String?, byteOffset: Int, line: Int, column: Int, level: TokenizerLevel)
    /// Text to encode (a prime, an evaluation file) contains tokens the vocabulary lacks.
    /// `tokens` lists the distinct unknown characters or words, in order of first appearance
    /// (at most `TextError.unknownTokenListLimit`); `total` counts the distinct ones.
    case unknownTokens(level: TokenizerLevel, tokens: [String], total: Int)
    /// A token stream is too short for even one batch of `batchSize` × `sequenceLength`.
    /// `part` says which stream ("training", "validation").
    case corpusTooShort(part: String, tokenCount: Int, needed: Int, batchSize: Int, sequenceLength: Int)
    /// A stored tokenizer description (for instance from checkpoint metadata) is malformed.
    case invalidTokenizerDescription(reason: String)

    /// How many unknown tokens an `unknownTokens` error lists.
    public static let unknownTokenListLimit = 20

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "no such file: \(path) — check the path"
        case .isDirectory(let path):
            return "\(path) is a directory; give the path of a text file inside it"
        case .emptyFile(let path):
            return "\(path) is empty; a corpus needs some text to learn from"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidUTF8(let source, let offset, let line, let column, let level):
            let place = source.map { "\($0): " } ?? ""
            return "\(place)invalid UTF-8 at byte offset \(offset) (line \(line), column \(column)); "
                + "\(level.rawValue) level needs UTF-8 text — convert the file to UTF-8 "
                + "(e.g. `iconv -f latin1 -t utf-8`) or use `--level byte`, which reads any encoding"
        case .unknownTokens(let level, let tokens, let total):
            let what = level == .word ? "word" : "character"
            let shown = tokens.map(Self.quoted).joined(separator: ", ")
            let more = total > tokens.count ? " and \(total - tokens.count) more" : ""
            return "\(total) \(what)\(total == 1 ? "" : "s") not in the model's vocabulary: \(shown)\(more); "
                + "remove or replace \(total == 1 ? "it" : "them") (the vocabulary is the training corpus's)"
        case .corpusTooShort(let part, let count, let needed, let batchSize, let sequenceLength):
            return "the \(part) text has \(count) tokens, but one batch of \(batchSize) streams × "
                + "\(sequenceLength) steps needs at least \(needed) (batch size × sequence length + 1); "
                + "use a smaller --seq-length or --batch-size, or a longer text"
        case .invalidTokenizerDescription(let reason):
            return "invalid tokenizer description: \(reason) — the checkpoint may be damaged or from another program"
        }
    }

    public var errorDescription: String? { description }

    /// A token shown so that invisible ones (newline, space, control) are visible.
    static func quoted(_ token: String) -> String {
        var out = "\""
        for scalar in token.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                let category = scalar.properties.generalCategory
                if category == .control || category == .format {
                    out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
