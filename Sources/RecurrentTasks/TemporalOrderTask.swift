import Foundation
import Recurrent

/// The temporal order problem: classify a sequence by the order of two (or three) relevant
/// symbols hidden among distractors, widely separated in time.
///
/// Hochreiter & Schmidhuber 1997, "Long Short-Term Memory", §5.6 (Experiment 6). Eight symbols,
/// one-hot: E (start), B (end, the trigger), distractors a b c d, relevant X and Y. A sequence
/// starts with E, ends with B, and holds random distractors except at the relevant positions,
/// which hold X or Y. Lengths are uniform in [T, T + T/10] (T = 100: 100–110).
/// - Task 6a, two symbols: t₁ in [10, 20], t₂ in [50, 60]; classes Q R S U for XX XY YX YY.
/// - Task 6b, three symbols: t₁ in [10, 20], t₂ in [33, 43], t₃ in [66, 76]; 8 classes.
/// For other T the positions scale with T (t₁ in [T/10, T/5], …). The class is read at the last
/// step with softmax cross-entropy (the paper used sigmoid outputs and "all errors < 0.3").
/// One length is drawn per batch, not per sequence. Chance accuracy: 1/4 (1/8 for three).
public struct TemporalOrderTask: MemoryTask {
    /// Relevant symbols: 2 (task 6a) or 3 (task 6b).
    public let symbols: Int
    /// Minimal length T.
    public let length: Int
    public let testSize: Int
    public let testSeed: UInt64

    /// Symbol indices of the one-hot input.
    public enum Symbol: Int, CaseIterable, Sendable { case start, end, a, b, c, d, x, y }

    public init(symbols: Int = 2, length: Int = 100, testSize: Int = 1000, testSeed: UInt64 = defaultTestSeed) {
        precondition(symbols == 2 || symbols == 3, "temporal order: 2 or 3 relevant symbols")
        precondition(length >= 20, "temporal order: length \(length) below 20 leaves no room between the symbols")
        self.symbols = symbols
        self.length = length
        self.testSize = testSize
        self.testSeed = testSeed
    }

    public var name: String { symbols == 2 ? "temporal-order" : "temporal-order-3" }

    public var summary: String {
        symbols == 2
            ? "Random symbols a-d with X/Y at two far-apart positions; classify XX/XY/YX/YY at the end (length T..T+T/10)."
            : "Random symbols a-d with X/Y at three far-apart positions; classify the 8 orders at the end (length T..T+T/10)."
    }

    public var citation: String {
        "Hochreiter & Schmidhuber 1997, Long Short-Term Memory, §5.6 (Experiment 6\(symbols == 2 ? "a" : "b")); softmax output instead of sigmoid units, one length per batch."
    }

    public var inputSize: Int { Symbol.allCases.count }
    public var outputSize: Int { 1 << symbols }
    public var scoreName: String { "accuracy" }
    public var settings: String { "T = \(length)–\(length + length / 10)" }
    public var solvedDescription: String { "test accuracy ≥ 0.99" }

    public var baseline: TaskBaseline {
        let k = Double(outputSize)
        return TaskBaseline(loss: log(k), score: 1 / k,
                            explanation: "classes equally likely: cross-entropy ln \(outputSize) ≈ \(formatted(log(k))), accuracy 1/\(outputSize)")
    }

    /// The windows the relevant symbols are drawn from (inclusive), scaled from the paper's T = 100.
    public var windows: [ClosedRange<Int>] {
        func at(_ f: Int) -> Int { (length * f + 50) / 100 }
        return symbols == 2
            ? [at(10)...at(20), at(50)...at(60)]
            : [at(10)...at(20), at(33)...at(43), at(66)...at(76)]
    }

    public func makeBatch(batchSize b: Int, generator: inout RandomGenerator) throws -> TaskBatch {
        let t = generator.integer(in: length..<(length + length / 10 + 1))
        let inputs = Matrix(rows: t * b, cols: inputSize)  // (T·B, 8)
        var labels = [Int](repeating: 0, count: b)
        let windows = self.windows
        for s in 0..<b {
            inputs[s, Symbol.start.rawValue] = 1
            inputs[(t - 1) * b + s, Symbol.end.rawValue] = 1
            for step in 1..<(t - 1) {
                inputs[step * b + s, Symbol.a.rawValue + generator.integer(below: 4)] = 1
            }
            var label = 0
            for window in windows {
                let position = generator.integer(in: window.lowerBound..<(window.upperBound + 1))
                let isY = generator.integer(below: 2)
                let row = inputs.row(position * b + s)
                row.fill(0)
                row[0, isY == 1 ? Symbol.y.rawValue : Symbol.x.rawValue] = 1
                label = label * 2 + isY
            }
            labels[s] = label
        }
        return TaskBatch(inputs: inputs, sequenceLength: t, batchSize: b, targets: .lastStepClasses(labels))
    }

    public func testSet() throws -> [TaskBatch] {
        try drawTestSet(self, size: testSize, seed: testSeed)
    }

    public func score(outputs: Matrix, batch: TaskBatch, into evaluation: inout TaskEvaluation) {
        scoreLastStepClasses(outputs: outputs, batch: batch, into: &evaluation)
    }

    public func isSolved(_ evaluation: TaskEvaluation) -> Bool { evaluation.score >= 0.99 }
}

/// Counts rows whose argmax is the label (last-step classification).
func scoreLastStepClasses(outputs: Matrix, batch: TaskBatch, into evaluation: inout TaskEvaluation) {
    guard case .lastStepClasses(let labels) = batch.targets else { preconditionFailure("expected last-step classes") }
    for (s, label) in labels.enumerated() where TaskLoss.argmax(outputs, row: s) == label {
        evaluation.correct += 1
    }
    evaluation.total += labels.count
}

/// Three significant digits, for descriptions.
func formatted(_ x: Double) -> String {
    String(format: "%.3g", x)
}
