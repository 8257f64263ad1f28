import Foundation
import Recurrent

/// Generating timed spikes: after a single start spike, output a spike every F steps, with no
/// further input to count from.
///
/// After Gers, Schraudolph & Schmidhuber 2002, "Learning Precise Timing with LSTM Recurrent
/// Networks" (JMLR 3:115–143), the Generating Timed Spikes (GTS) experiment, where LSTM with
/// peephole connections learned to emit stable, precisely timed spike trains. The input is one
/// channel: 1 at a start time s, uniform in [0, F), 0 everywhere else. The target is 1 at
/// s + F, s + 2F, … (within the T steps) and 0 elsewhere; loss MSE over every step. A sequence
/// is timed right when the output is above 0.5 exactly at its spikes. The network must count
/// the steps since the last spike in its own state — the cell-to-gate peepholes let an LSTM's
/// gates see that count directly.
///
/// Differences from the paper: the start time is random so that sequences differ, training is
/// by BPTT over whole sequences from a zero state (the paper trained online without resets),
/// and the loss is plain MSE.
public struct TimingTask: MemoryTask {
    /// F: steps between spikes.
    public let period: Int
    /// T: steps per sequence.
    public let length: Int
    public let testSize: Int
    public let testSeed: UInt64

    public init(period: Int = 10, length: Int = 60, testSize: Int = 500, testSeed: UInt64 = defaultTestSeed) {
        precondition(period >= 2 && length >= 2 * period, "timing: need period ≥ 2 and length ≥ 2·period")
        self.period = period
        self.length = length
        self.testSize = testSize
        self.testSeed = testSeed
    }

    public var name: String { "timing" }
    public var summary: String {
        "One start spike at a random step in [0, F), then no input; output a spike every F = \(period) steps after it, over T steps (MSE at every step)."
    }
    public var citation: String {
        "Gers, Schraudolph & Schmidhuber 2002, Learning Precise Timing with LSTM Recurrent Networks, the Generating Timed Spikes (GTS) experiment; random start time, trained by BPTT from a zero state."
    }
    public var inputSize: Int { 1 }
    public var outputSize: Int { 1 }
    public var scoreName: String { "timed right" }
    public var settings: String { "F = \(period), T = \(length)" }
    public var solvedDescription: String { "≥ 99% of test sequences with every output on the right side of 0.5" }

    /// Mean spikes per sequence over the uniform start time: (1/F) Σ_s ⌊(T − 1 − s)/F⌋.
    public var meanSpikeCount: Double {
        var total = 0
        for s in 0..<period { total += (length - 1 - s) / period }
        return Double(total) / Double(period)
    }

    public var baseline: TaskBaseline {
        // Constant prediction p = the fraction of spike steps: targets are 0/1, so MSE = p − p².
        // Below 0.5 it never spikes, and every sequence has at least one spike (T ≥ 2F).
        let p = meanSpikeCount / Double(length)
        return TaskBaseline(loss: p - p * p, score: 0,
                            explanation: "predict the spike rate p = \(formatted(p)) at every step: MSE = p(1−p) = \(formatted(p - p * p)), no spike timed")
    }

    public func makeBatch(batchSize b: Int, generator: inout RandomGenerator) throws -> TaskBatch {
        let t = length
        let inputs = Matrix(rows: t * b, cols: 1)          // (T·B, 1)
        let targets = Matrix(rows: t * b, cols: 1)         // (T·B, 1)
        for s in 0..<b {
            let start = generator.integer(below: period)
            inputs[start * b + s, 0] = 1
            for step in stride(from: start + period, to: t, by: period) { targets[step * b + s, 0] = 1 }
        }
        return TaskBatch(inputs: inputs, sequenceLength: t, batchSize: b, targets: .everyStepValues(targets))
    }

    public func testSet() throws -> [TaskBatch] {
        try drawTestSet(self, size: testSize, seed: testSeed)
    }

    /// A sequence counts when every step's output is on the same side of 0.5 as its target.
    public func score(outputs: Matrix, batch: TaskBatch, into evaluation: inout TaskEvaluation) {
        guard case .everyStepValues(let targets) = batch.targets else { preconditionFailure("timing: unexpected targets") }
        let b = batch.batchSize
        for s in 0..<b {
            var right = true
            for step in 0..<batch.sequenceLength {
                let r = step * b + s
                if (outputs[r, 0] > 0.5) != (targets[r, 0] > 0.5) { right = false; break }
            }
            if right { evaluation.correct += 1 }
        }
        evaluation.total += b
    }

    public func isSolved(_ evaluation: TaskEvaluation) -> Bool { evaluation.score >= 0.99 }
}
