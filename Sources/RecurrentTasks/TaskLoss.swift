import Foundation
import Recurrent

/// The evaluation losses of the tasks, accumulated in Double: mean squared error and softmax
/// cross-entropy. They define the numbers in the tables (and the baselines the tests check);
/// training uses the library's fused losses, which compute the same means.
public enum TaskLoss {
    /// Adds the loss terms of `outputs` against `targets` to `evaluation`.
    ///
    /// Regression: Σ (y − t)² over every element. Classification: Σ −log softmax(z)[label] over
    /// every row, computed as `m + log Σ exp(z − m) − z[label]` with `m` the row maximum.
    public static func accumulate(outputs: Matrix, targets: TaskTargets, into evaluation: inout TaskEvaluation) {
        switch targets {
        case .lastStepValues(let t), .everyStepValues(let t):
            precondition(t.rows == outputs.rows && t.cols == outputs.cols,
                         "TaskLoss: outputs \(outputs.rows)×\(outputs.cols) for targets \(t.rows)×\(t.cols)")
            var s: Double = 0
            for r in 0..<t.rows {
                for c in 0..<t.cols {
                    let d = Double(outputs[r, c]) - Double(t[r, c])
                    s += d * d
                }
            }
            evaluation.lossSum += s
            evaluation.lossCount += t.count
        case .lastStepClasses(let labels), .everyStepClasses(let labels):
            precondition(labels.count == outputs.rows, "TaskLoss: \(outputs.rows) rows of logits for \(labels.count) labels")
            var s: Double = 0
            for (r, label) in labels.enumerated() {
                s += crossEntropy(logits: outputs, row: r, label: label)
            }
            evaluation.lossSum += s
            evaluation.lossCount += labels.count
        }
    }

    /// −log softmax(outputs[row])[label], in Double.
    public static func crossEntropy(logits: Matrix, row: Int, label: Int) -> Double {
        var m = -Double.infinity
        for c in 0..<logits.cols { m = max(m, Double(logits[row, c])) }
        if !m.isFinite { return .nan }
        var sum: Double = 0
        for c in 0..<logits.cols { sum += exp(Double(logits[row, c]) - m) }
        return m + log(sum) - Double(logits[row, label])
    }

    /// The index of the largest value in `outputs[row]` (the first on ties).
    public static func argmax(_ outputs: Matrix, row: Int) -> Int {
        var best = 0
        var bestValue = outputs[row, 0]
        for c in 1..<outputs.cols where outputs[row, c] > bestValue {
            best = c
            bestValue = outputs[row, c]
        }
        return best
    }
}
