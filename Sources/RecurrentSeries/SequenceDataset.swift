/// Where the class label of a numeric row is.
public enum LabelColumn: Equatable, Sendable {
    case named(String)
    case last
    case first
}

/// Labelled fixed-length numeric sequences for classification: each example is T steps of
/// F features, stored flat and time-major within the example (step t is `x[t·F ..< (t+1)·F]`).
///
/// A row of values is reshaped into T × F: the 64 pixels of an 8×8 digit read as 8 steps of
/// 8 pixels (one image row per step), or as 64 steps of one pixel.
public struct SequenceDataset: Sendable, Equatable {
    public var file: String
    public var steps: Int
    public var features: Int
    public var inputs: [[Float]]
    /// Class index per example, into `classNames`.
    public var labels: [Int]
    public var classNames: [String]

    public init(file: String = "", steps: Int, features: Int, inputs: [[Float]], labels: [Int], classNames: [String]) {
        precondition(inputs.count == labels.count && inputs.allSatisfy { $0.count == steps * features })
        self.file = file
        self.steps = steps
        self.features = features
        self.inputs = inputs
        self.labels = labels
        self.classNames = classNames
    }

    public var count: Int { inputs.count }
    public var classCount: Int { classNames.count }

    /// Reads a numeric table: one example per row, every column but the label a value.
    ///
    /// - Parameters:
    ///   - steps, features: the shape T × F of each row's values. Give both, or one (the other
    ///     is inferred), or neither (T = number of values, F = 1).
    ///   - classNames: the classes of a trained model, to read new data with the same indices;
    ///     `nil` makes them from the labels found (sorted numerically if all are numbers).
    public init(table: CSVTable, label: LabelColumn, steps: Int? = nil, features: Int? = nil,
                classNames knownClasses: [String]? = nil) throws {
        let labelIndex: Int
        switch label {
        case .named(let name): labelIndex = try table.columnIndex(name)
        case .last: labelIndex = table.columnCount - 1
        case .first: labelIndex = 0
        }
        let valueColumns = (0..<table.columnCount).filter { $0 != labelIndex }
        let valueCount = valueColumns.count
        let (t, f) = try Self.shape(valueCount: valueCount, steps: steps, features: features, file: table.file,
                                    row: table.rowNumbers.first ?? 1)
        var inputs: [[Float]] = []
        inputs.reserveCapacity(table.rows.count)
        var rawLabels: [String] = []
        for r in table.rows.indices {
            var x = [Float]()
            x.reserveCapacity(valueCount)
            for c in valueColumns { x.append(Float(try table.number(row: r, column: c, allowMissing: false)!)) }
            inputs.append(x)
            let labelText = table.rows[r][labelIndex].trimmingWhitespace()
            guard !labelText.isEmpty else {
                throw SeriesError.nonNumericCell(file: table.file, row: table.rowNumbers[r],
                                                 column: table.columnName(labelIndex), value: "")
            }
            rawLabels.append(labelText)
        }
        let (names, indices) = try labelIndices(rawLabels, known: knownClasses, file: table.file,
                                                column: table.columnName(labelIndex),
                                                rowNumbers: table.rowNumbers)
        self.init(file: table.file, steps: t, features: f, inputs: inputs, labels: indices, classNames: names)
    }

    /// Reads a CSV file of numeric rows (header detected automatically).
    public static func read(contentsOf path: String, label: LabelColumn, steps: Int? = nil, features: Int? = nil,
                            classNames: [String]? = nil) throws -> SequenceDataset {
        let table = try CSVTable.read(contentsOf: path, header: .auto)
        return try SequenceDataset(table: table, label: label, steps: steps, features: features, classNames: classNames)
    }

    static func shape(valueCount: Int, steps: Int?, features: Int?, file: String, row: Int) throws -> (Int, Int) {
        if let s = steps, s < 1 { throw SeriesError.invalidArgument("--steps must be at least 1 (got \(s)).") }
        if let f = features, f < 1 { throw SeriesError.invalidArgument("--features must be at least 1 (got \(f)).") }
        guard valueCount >= 1 else {
            throw SeriesError.invalidArgument("\(file): rows have a label but no values.")
        }
        switch (steps, features) {
        case let (s?, f?):
            guard s * f == valueCount else {
                throw SeriesError.shapeMismatch(file: file, row: row, values: valueCount, steps: s, features: f)
            }
            return (s, f)
        case let (s?, nil):
            guard valueCount % s == 0 else {
                throw SeriesError.shapeMismatch(file: file, row: row, values: valueCount, steps: s, features: valueCount / s)
            }
            return (s, valueCount / s)
        case let (nil, f?):
            guard valueCount % f == 0 else {
                throw SeriesError.shapeMismatch(file: file, row: row, values: valueCount, steps: valueCount / f, features: f)
            }
            return (valueCount / f, f)
        case (nil, nil):
            return (valueCount, 1)
        }
    }
}

/// Class names and per-example indices for `labels`. New classes are sorted (numerically when
/// every label is an integer, so "10" follows "9"); with `known` classes, a label outside them
/// is an error. Fewer than two classes found in training data is an error.
func labelIndices(_ labels: [String], known: [String]?, file: String, column: String,
                  rowNumbers: [Int]) throws -> ([String], [Int]) {
    if let known {
        let lookup = Dictionary(known.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let indices = try labels.enumerated().map { i, label in
            guard let index = lookup[label] else {
                throw SeriesError.invalidArgument("\(file): row \(rowNumbers[i]), column '\(column)': label '\(label)' "
                    + "is not one the model was trained on (\(known.joined(separator: ", "))).")
            }
            return index
        }
        return (known, indices)
    }
    let distinct = Set(labels)
    guard distinct.count >= 2 else {
        throw SeriesError.singleClass(file: file, column: column, label: labels.first ?? "")
    }
    let names = distinct.allSatisfy({ Int($0) != nil })
        ? distinct.sorted { Int($0)! < Int($1)! }
        : distinct.sorted()
    let lookup = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    return (names, labels.map { lookup[$0]! })
}
