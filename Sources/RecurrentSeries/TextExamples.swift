/// Labelled text lines for classification, read from `label<TAB>text` files (one example per
/// line; the text may hold further tabs, blank lines are skipped). Tokenization happens later,
/// with the project's text tokenizers.
public struct TextExamples: Sendable, Equatable {
    public var file: String
    public var texts: [String]
    public var labels: [Int]
    public var classNames: [String]

    public init(file: String = "", texts: [String], labels: [Int], classNames: [String]) {
        precondition(texts.count == labels.count)
        self.file = file
        self.texts = texts
        self.labels = labels
        self.classNames = classNames
    }

    public var count: Int { texts.count }

    /// Parses `text`, the contents of `file`. `classNames` as in `SequenceDataset`.
    public init(tsv text: String, file: String, classNames known: [String]? = nil) throws {
        var texts: [String] = []
        var rawLabels: [String] = []
        var rowNumbers: [Int] = []
        var lineNumber = 0
        // Character-wise, "\r\n" is one newline character, so CRLF files split correctly too.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            var line = line
            if lineNumber == 1, line.first == "\u{FEFF}" { line.removeFirst() }
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw SeriesError.invalidTextLine(file: file, row: lineNumber, reason: "no tab between label and text")
            }
            let label = String(line[..<tab]).trimmingWhitespace()
            guard !label.isEmpty else {
                throw SeriesError.invalidTextLine(file: file, row: lineNumber, reason: "the label before the tab is empty")
            }
            rawLabels.append(label)
            texts.append(String(line[line.index(after: tab)...]))
            rowNumbers.append(lineNumber)
        }
        guard !texts.isEmpty else { throw SeriesError.emptyFile(file: file) }
        let (names, indices) = try labelIndices(rawLabels, known: known, file: file, column: "label",
                                                rowNumbers: rowNumbers)
        self.init(file: file, texts: texts, labels: indices, classNames: names)
    }

    public static func read(contentsOf path: String, classNames: [String]? = nil) throws -> TextExamples {
        try TextExamples(tsv: try readText(contentsOf: path), file: path, classNames: classNames)
    }
}
