import Foundation
import Recurrent

/// The copying memory problem: read 10 symbols, wait T steps, then write them back in order.
///
/// Arjovsky, Shah & Bengio 2016, "Unitary Evolution Recurrent Neural Networks", §4.1. Ten
/// categories a₀…a₉, one-hot. The input is T + 20 steps: 10 symbols drawn uniformly from
/// a₀…a₇, then T − 1 blanks (a₈), the delimiter a₉, then 10 blanks. The target is a₈ for the
/// first T + 10 steps, then the 10 symbols. Loss: cross-entropy averaged over all T + 20 steps.
/// A memoryless model predicts the blanks exactly and guesses uniformly over 8 symbols for the
/// last 10 steps: loss 10 · ln 8 / (T + 20), recall accuracy 1/8.
///
/// The output has 9 classes (a₀…a₈), since the delimiter is never a target.
public struct CopyTask: MemoryTask {
    /// T: the delay between the last symbol shown and the delimiter, plus one.
    public let delay: Int
    /// Symbols to remember (10 in the paper).
    public let symbolCount: Int
    public let testSize: Int
    public let testSeed: UInt64

    public static let alphabet = 8
    public static let blank = 8
    public static let delimiter = 9

    public init(delay: Int = 30, symbolCount: Int = 10, testSize: Int = 500, testSeed: UInt64 = defaultTestSeed) {
        precondition(delay >= 1 && symbolCount >= 1, "copy: delay and symbol count must be positive")
        self.delay = delay
        self.symbolCount = symbolCount
        self.testSize = testSize
        self.testSeed = testSeed
    }

    public var name: String { "copy" }
    public var summary: String {
        "Read \(symbolCount) symbols from 8, wait T blank steps, see a delimiter, then output the \(symbolCount) symbols in order (cross-entropy over all T+\(2 * symbolCount) steps)."
    }
    public var citation: String { "Arjovsky, Shah & Bengio 2016, Unitary Evolution RNNs, §4.1 (copying memory problem)." }
    public var inputSize: Int { 10 }
    public var outputSize: Int { 9 }
    public var scoreName: String { "recall acc" }
    public var settings: String { "T = \(delay), \(sequenceLength) steps" }
    public var solvedDescription: String { "≥ 99% of the recalled symbols right on the test set" }

    /// Steps per sequence: T + 2·(symbols).
    public var sequenceLength: Int { delay + 2 * symbolCount }

    public var baseline: TaskBaseline {
        let loss = Double(symbolCount) * log(Double(Self.alphabet)) / Double(sequenceLength)
        return TaskBaseline(loss: loss, score: 1 / Double(Self.alphabet),
                            explanation: "blanks right, uniform guess over 8 symbols at recall: \(symbolCount)·ln 8/(T+\(2 * symbolCount)) = \(formatted(loss))")
    }

    public func makeBatch(batchSize b: Int, generator: inout RandomGenerator) throws -> TaskBatch {
        let n = symbolCount, t = sequenceLength
        let inputs = Matrix(rows: t * b, cols: inputSize)  // (T·B, 10)
        var labels = [Int](repeating: Self.blank, count: t * b)
        for s in 0..<b {
            for k in 0..<n {
                let symbol = generator.integer(below: Self.alphabet)
                inputs[k * b + s, symbol] = 1
                labels[(t - n + k) * b + s] = symbol
            }
            for step in n..<t where step != delay + n - 1 {
                inputs[step * b + s, Self.blank] = 1
            }
            inputs[(delay + n - 1) * b + s, Self.delimiter] = 1
        }
        return TaskBatch(inputs: inputs, sequenceLength: t, batchSize: b, targets: .everyStepClasses(labels))
    }

    public func testSet() throws -> [TaskBatch] {
        try drawTestSet(self, size: testSize, seed: testSeed)
    }

    /// Counts the recalled symbols (the last `symbolCount` steps) whose argmax is right.
    public func score(outputs: Matrix, batch: TaskBatch, into evaluation: inout TaskEvaluation) {
        guard case .everyStepClasses(let labels) = batch.targets else { preconditionFailure("copy: unexpected targets") }
        let b = batch.batchSize, t = batch.sequenceLength
        for step in (t - symbolCount)..<t {
            for s in 0..<b where TaskLoss.argmax(outputs, row: step * b + s) == labels[step * b + s] {
                evaluation.correct += 1
            }
        }
        evaluation.total += symbolCount * b
    }

    public func isSolved(_ evaluation: TaskEvaluation) -> Bool { evaluation.score >= 0.99 }
}
