import CSV
import Foundation

/// Whether the first row of a CSV file is a header.
public enum HeaderMode: String, Codable, Sendable, CaseIterable {
    /// A header if some column has a word (neither empty, a number nor a date) in the first row
    /// and a number or date below it (or no row below it). A column of words throughout (class
    /// labels) says nothing.
    case auto
    case present
    case absent
}

/// A CSV file read into strings: an optional header and the data rows, each with its row
/// number in the file for error messages.
///
/// Parsing is RFC 4180 by yaslab/CSV.swift: quoted fields may hold the delimiter, line breaks
/// and doubled quotes (`""`), line ends may be LF or CRLF, and empty cells stay empty strings
/// (trailing ones included). On top of it this type strips a UTF-8 byte-order mark, drops
/// blank lines, pads short rows with empty cells (real exports omit trailing empties) and
/// rejects rows with more cells than the header.
public struct CSVTable: Sendable {
    /// The file as the user named it (used in every error message).
    public let file: String
    /// Column names; `nil` when the file has no header.
    public let header: [String]?
    /// Data rows, each padded to `columnCount` cells.
    public let rows: [[String]]
    /// For each data row, its 1-based row number in the file (the header is row 1).
    public let rowNumbers: [Int]
    public let columnCount: Int

    /// Reads and parses the file at `path`.
    public static func read(contentsOf path: String, header: HeaderMode = .auto,
                            delimiter: UnicodeScalar = ",") throws -> CSVTable {
        let text = try readText(contentsOf: path)
        return try CSVTable(text: text, file: path, header: header, delimiter: delimiter)
    }

    /// Parses `text` (the contents of `file`, which is only used in messages).
    public init(text: String, file: String, header headerMode: HeaderMode = .auto,
                delimiter: UnicodeScalar = ",") throws {
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: body, hasHeaderRow: false, trimFields: false, delimiter: delimiter)
        } catch {
            throw SeriesError.unreadableFile(file: file, reason: "\(error)")
        }
        var records: [[String]] = []
        var numbers: [Int] = []
        var recordNumber = 0
        while let record = reader.next() {
            recordNumber += 1
            if record.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }  // blank line
            records.append(record)
            numbers.append(recordNumber)
        }
        if let error = reader.error { throw SeriesError.unreadableFile(file: file, reason: "\(error)") }
        guard let first = records.first else { throw SeriesError.emptyFile(file: file) }

        let hasHeader: Bool
        switch headerMode {
        case .present: hasHeader = true
        case .absent: hasHeader = false
        case .auto:
            func isValue(_ cell: String) -> Bool {
                let s = cell.trimmingCharacters(in: .whitespaces)
                return parseNumber(s) != nil || CalendarDate(parsing: s) != nil
            }
            let below = records.dropFirst().prefix(50)
            // A lone row of words is a header without data (reported as an empty file).
            hasHeader = first.indices.contains { c in
                let s = first[c].trimmingCharacters(in: .whitespaces)
                return !s.isEmpty && !isValue(s) && (below.isEmpty || below.contains { c < $0.count && isValue($0[c]) })
            }
        }
        let names: [String]? = hasHeader ? first.map { $0.trimmingCharacters(in: .whitespaces) } : nil
        if hasHeader {
            records.removeFirst()
            numbers.removeFirst()
        }
        guard !records.isEmpty else { throw SeriesError.emptyFile(file: file) }
        let width = names?.count ?? records.map(\.count).max()!
        for (i, record) in records.enumerated() where record.count > width {
            throw SeriesError.raggedRow(file: file, row: numbers[i], expected: width, found: record.count)
        }
        self.file = file
        self.header = names
        self.rows = records.map { $0.count == width ? $0 : $0 + Array(repeating: "", count: width - $0.count) }
        self.rowNumbers = numbers
        self.columnCount = width
    }

    /// The name shown for column `index`: its header name, or `column N` (1-based) without a header.
    public func columnName(_ index: Int) -> String {
        if let header, index < header.count, !header[index].isEmpty { return header[index] }
        return "column \(index + 1)"
    }

    /// The index of the column called `name`: an exact match, else the only case-insensitive one.
    /// Without a header, `name` may be a 1-based column number.
    public func columnIndex(_ name: String) throws -> Int {
        let wanted = name.trimmingCharacters(in: .whitespaces)
        if let header {
            if let i = header.firstIndex(of: wanted) { return i }
            let folded = header.indices.filter { header[$0].caseInsensitiveCompare(wanted) == .orderedSame }
            if folded.count == 1 { return folded[0] }
        } else if let n = Int(wanted), n >= 1, n <= columnCount {
            return n - 1
        }
        throw SeriesError.missingColumn(file: file, column: name,
                                        available: (0..<columnCount).map(columnName))
    }

    /// Column `index` as numbers, `nil` for a missing cell (empty, `NA`, `N/A`, `NaN`, `null`, `.`, `?`).
    /// Any other cell that is not a finite number throws, naming its row.
    public func numericColumn(_ index: Int) throws -> [Double?] {
        try rows.indices.map { r in try number(row: r, column: index, allowMissing: true) }
    }

    /// The number in data row `row`, column `column`; `nil` only for a missing cell when allowed.
    public func number(row: Int, column: Int, allowMissing: Bool) throws -> Double? {
        let cell = rows[row][column]
        let s = cell.trimmingCharacters(in: .whitespaces)
        if let value = parseNumber(s) { return value }
        if allowMissing && isMissingToken(s) { return nil }
        throw SeriesError.nonNumericCell(file: file, row: rowNumbers[row], column: columnName(column), value: cell)
    }
}

/// A finite number in plain or scientific notation, or `nil`.
func parseNumber(_ s: String) -> Double? {
    guard let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
          let value = Double(s), value.isFinite else { return nil }
    return value
}

/// The spellings of a missing value seen in real exports (R, pandas, FRED, spreadsheets).
func isMissingToken(_ s: String) -> Bool {
    switch s.lowercased() {
    case "", "na", "n/a", "nan", "null", "none", ".", "?", "-": return true
    default: return false
    }
}

/// Reads a whole UTF-8 text file, mapping every failure to a `SeriesError` naming `path`.
func readText(contentsOf path: String) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw SeriesError.fileNotFound(file: path)
    }
    if isDirectory.boolValue { throw SeriesError.unreadableFile(file: path, reason: "it is a directory") }
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw SeriesError.unreadableFile(file: path, reason: error.localizedDescription)
    }
    guard let text = String(validating: data, as: UTF8.self) else { throw SeriesError.invalidUTF8(file: path) }
    return text
}
