import Foundation

/// Everything that can be wrong with a user's series or sequence data.
///
/// Each case names the file (as the user gave it), and where it applies the row and the column,
/// and its message says what to do. Rows are counted as a spreadsheet counts them: the header,
/// when there is one, is row 1 (this is the line number unless a quoted field spans lines).
public enum SeriesError: Error, Equatable, Sendable {
    case fileNotFound(file: String)
    case unreadableFile(file: String, reason: String)
    case invalidUTF8(file: String)
    /// No data rows (the file is empty, blank, or only a header).
    case emptyFile(file: String)
    case missingColumn(file: String, column: String, available: [String])
    /// A cell that should hold a number does not (`value` is the cell's text, possibly empty).
    case nonNumericCell(file: String, row: Int, column: String, value: String)
    case invalidDate(file: String, row: Int, column: String, value: String)
    /// A row with more cells than the header (or than the first row, without a header).
    case raggedRow(file: String, row: Int, expected: Int, found: Int)
    /// Too few usable values for what was asked (`needed` and why).
    case tooFewValues(file: String, column: String, count: Int, needed: Int, reason: String)
    case allMissing(file: String, column: String)
    /// Classification needs at least two classes.
    case singleClass(file: String, column: String, label: String)
    /// A row whose value count is not steps × features.
    case shapeMismatch(file: String, row: Int, values: Int, steps: Int, features: Int)
    /// A line of a `label<TAB>text` file without a tab, or with an empty label.
    case invalidTextLine(file: String, row: Int, reason: String)
    /// Training produced a NaN or infinite loss.
    case trainingDiverged(epoch: Int, loss: Double)
    /// The loss was finite but the gradient norm was NaN or ±∞ (the weights were not updated).
    case gradientDiverged(epoch: Int, norm: Double)
    /// A checkpoint that is valid safetensors but not what was asked for (another kind of
    /// model, a missing or unreadable configuration entry).
    case invalidCheckpoint(file: String, reason: String)
    /// An option value that cannot work (a lookback of 0, fractions that leave nothing to train on…).
    case invalidArgument(String)
}

extension SeriesError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .fileNotFound(let file):
            return "\(file): no such file. Check the path."
        case .unreadableFile(let file, let reason):
            return "\(file): cannot be read (\(reason))."
        case .invalidUTF8(let file):
            return "\(file): is not UTF-8 text. Convert it to UTF-8 (for example with iconv) and try again."
        case .emptyFile(let file):
            return "\(file): has no data rows. Give a file with a header and at least one row of values."
        case .missingColumn(let file, let column, let available):
            let list = available.isEmpty ? "none" : available.map { "'\($0)'" }.joined(separator: ", ")
            return "\(file): no column '\(column)'. Columns are: \(list)."
        case .nonNumericCell(let file, let row, let column, let value):
            let what = value.trimmingCharacters(in: .whitespaces).isEmpty ? "is empty" : "holds '\(value)', which is not a number"
            return "\(file): row \(row), column '\(column)' \(what). Fix the cell or remove the row."
        case .invalidDate(let file, let row, let column, let value):
            return "\(file): row \(row), column '\(column)': '\(value)' is not a date in a format shared by the column "
                + "(YYYYMMDD, YYYY-MM-DD, YYYY-MM, YYYY/MM/DD, M/D/YYYY, D.M.YYYY, Mon-D-YYYY, YYYY). "
                + "Fix the cell or name another --date-column."
        case .raggedRow(let file, let row, let expected, let found):
            return "\(file): row \(row) has \(found) cells where the header has \(expected). "
                + "Quote fields that contain commas."
        case .tooFewValues(let file, let column, let count, let needed, let reason):
            return "\(file): column '\(column)' has \(count) usable values; \(needed) are needed (\(reason)). "
                + "Use a smaller --lookback or --horizon, or more data."
        case .allMissing(let file, let column):
            return "\(file): column '\(column)' has no values at all."
        case .singleClass(let file, let column, let label):
            return "\(file): every example in column '\(column)' has the label '\(label)'; "
                + "classification needs at least two classes."
        case .shapeMismatch(let file, let row, let values, let steps, let features):
            return "\(file): row \(row) has \(values) values, but --steps \(steps) × --features \(features) = \(steps * features)."
        case .invalidTextLine(let file, let row, let reason):
            return "\(file): line \(row): \(reason). Each line must be 'label<TAB>text'."
        case .trainingDiverged(let epoch, let loss):
            return "training diverged in epoch \(epoch) (loss \(loss)). Lower --learning-rate, or clip harder with a smaller --clip."
        case .gradientDiverged(let epoch, let norm):
            return "training diverged in epoch \(epoch) (gradient norm \(norm)). Lower --learning-rate, or clip harder with a smaller --clip."
        case .invalidCheckpoint(let file, let reason):
            return "\(file): \(reason)."
        case .invalidArgument(let message):
            return message
        }
    }

    public var errorDescription: String? { description }
}
