/// Counts of (true class, predicted class) pairs: `counts[t][p]`.
public struct ConfusionMatrix: Codable, Equatable, Sendable {
    public var classNames: [String]
    public var counts: [[Int]]

    public init(classNames: [String]) {
        self.classNames = classNames
        self.counts = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
    }

    public init(classNames: [String], truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "one prediction per example")
        self.init(classNames: classNames)
        for (t, p) in zip(truth, predicted) { add(truth: t, predicted: p) }
    }

    public mutating func add(truth: Int, predicted: Int) {
        counts[truth][predicted] += 1
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// Fraction of examples on the diagonal (0 when empty).
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Recall of each class: correct / examples of that class (`nil` for a class with none).
    public var recall: [Double?] {
        counts.indices.map { t in
            let n = counts[t].reduce(0, +)
            return n == 0 ? nil : Double(counts[t][t]) / Double(n)
        }
    }

    /// A text table, rows = true class, columns = predicted class.
    public func formattedTable() -> String {
        let cells = counts.flatMap { $0.map(String.init) } + classNames
        let width = max(3, cells.map(\.count).max() ?? 1)
        let labelWidth = max(10, classNames.map(\.count).max() ?? 1)
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        var lines = [pad("true\\pred", labelWidth) + " " + classNames.map { pad($0, width) }.joined(separator: " ")]
        for (t, row) in counts.enumerated() {
            lines.append(pad(classNames[t], labelWidth) + " " + row.map { pad(String($0), width) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
