import Foundation
import Recurrent

/// Recall at lag k: a stream of k + 1 random symbols; at the last step, name the symbol seen
/// k steps earlier (the first one). Every symbol between is a distractor from the same
/// alphabet, so nothing but memory of step 1 helps; chance is 1/S.
///
/// The task behind the claim "an RNN forgets what it decided 10 steps back": swept over k by
/// `MemorySpanExperiment` with the same budget per k, it shows where each cell's memory ends.
/// Inputs are one-hot (S features); the target is a class read at the last step.
public struct MemorySpanTask: MemoryTask {
    /// k: steps between the symbol to recall and the step that names it.
    public let lag: Int
    /// S: alphabet size.
    public let symbolCount: Int
    public let testSize: Int
    public let testSeed: UInt64

    public init(lag: Int, symbolCount: Int = 4, testSize: Int = 500, testSeed: UInt64 = defaultTestSeed) {
        precondition(lag >= 1, "memory span: the lag must be at least 1, got \(lag)")
        precondition(symbolCount >= 2, "memory span: at least 2 symbols, got \(symbolCount)")
        self.lag = lag
        self.symbolCount = symbolCount
        self.testSize = testSize
        self.testSeed = testSeed
    }

    public var name: String { "memory-span" }
    public var summary: String {
        "A stream of k+1 random symbols (one-hot, S = \(symbolCount)); at the last step name the symbol seen k steps earlier."
    }
    public var settings: String { "k = \(lag), S = \(symbolCount)" }
    public var citation: String {
        "The seed's claim that an RNN forgets what it saw ~10 steps back while an LSTM does not; a delayed-recall task in the manner of Hochreiter & Schmidhuber 1997, §5.2."
    }
    public var inputSize: Int { symbolCount }
    public var outputSize: Int { symbolCount }
    public var scoreName: String { "accuracy" }
    public var solvedDescription: String { "test accuracy ≥ 0.99" }
    public var baseline: TaskBaseline {
        TaskBaseline(loss: log(Double(symbolCount)), score: 1 / Double(symbolCount),
                     explanation: "guess: cross-entropy ln \(symbolCount), accuracy 1/\(symbolCount)")
    }

    public func makeBatch(batchSize b: Int, generator: inout RandomGenerator) throws -> TaskBatch {
        let t = lag + 1
        let inputs = Matrix(rows: t * b, cols: symbolCount)  // (T·B, S)
        var labels = [Int](repeating: 0, count: b)
        for s in 0..<b {
            for step in 0..<t {
                let symbol = generator.integer(below: symbolCount)
                inputs[step * b + s, symbol] = 1
                if step == 0 { labels[s] = symbol }
            }
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

    /// The batch as symbol sequences: sequence b's k + 1 input symbols, then its answer.
    public static func symbolSequences(_ batch: TaskBatch) -> [[Int]] {
        guard case .lastStepClasses(let labels) = batch.targets else { preconditionFailure("memory span: expected last-step classes") }
        return (0..<batch.batchSize).map { s in
            (0..<batch.sequenceLength).map { step in TaskLoss.argmax(batch.inputs, row: step * batch.batchSize + s) } + [labels[s]]
        }
    }
}
