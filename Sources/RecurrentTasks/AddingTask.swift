import Foundation
import Recurrent

/// The adding problem: remember two marked numbers across a long sequence and output their sum.
///
/// Each step's input is a pair (value, marker); the target is read at the last step.
///
/// - `.arjovsky2016` (Arjovsky, Shah & Bengio 2016, "Unitary Evolution Recurrent Neural
///   Networks", §4.2 Adding problem): T steps; values uniform in [0, 1]; exactly two markers
///   equal 1, one at a uniform position in the first half [0, T/2) and one in the second half
///   [T/2, T); all other markers 0. Target: the sum of the two marked values; loss MSE.
///   Predicting the mean (1) scores Var(X₁ + X₂) = 2 · 1/12 = 1/6 ≈ 0.167.
/// - `.hochreiter1997` (Hochreiter & Schmidhuber 1997, "Long Short-Term Memory", §5.4
///   Experiment 4): length uniform in [T, T + T/10]; values uniform in [−1, 1]; X₁ is marked
///   among the first 10 pairs, X₂ among the first T/2 − 1 still unmarked pairs; the first and
///   last markers are −1 unless marked (and the first pair's value is 0 if it is marked); target
///   0.5 + (X₁ + X₂)/4 in [0, 1]. A sequence is processed correctly when |error| < 0.04.
///   Predicting 0.5 scores Var/16 = (2/3)/16 = 1/24 ≈ 0.0417.
///
/// Differences from the papers: in the 1997 form all sequences of one batch share a length
/// (drawn per batch), so a batch is one rectangular (T·B, 2) matrix.
public struct AddingTask: MemoryTask {
    public enum Form: String, Sendable, CaseIterable {
        case arjovsky2016
        case hochreiter1997
    }

    public let form: Form
    /// T: the sequence length (`.arjovsky2016`) or the minimal length (`.hochreiter1997`).
    public let length: Int
    public let testSize: Int
    public let testSeed: UInt64

    public init(form: Form = .arjovsky2016, length: Int = 100, testSize: Int = 1000, testSeed: UInt64 = defaultTestSeed) {
        precondition(length >= (form == .arjovsky2016 ? 2 : 24), "adding: length \(length) too short for the \(form) form")
        self.form = form
        self.length = length
        self.testSize = testSize
        self.testSeed = testSeed
    }

    public var name: String { form == .arjovsky2016 ? "adding" : "adding-1997" }

    public var summary: String {
        switch form {
        case .arjovsky2016:
            "Pairs (value in [0,1], marker); one marker in each half of T steps; output the sum of the two marked values at the end (MSE)."
        case .hochreiter1997:
            "Pairs (value in [-1,1], marker); X1 marked in the first 10 steps, X2 before T/2; output 0.5 + (X1+X2)/4 at the end of T..T+T/10 steps."
        }
    }

    public var citation: String {
        switch form {
        case .arjovsky2016:
            "Arjovsky, Shah & Bengio 2016, Unitary Evolution RNNs, §4.2 (the adding problem in the form of Le et al. 2015)."
        case .hochreiter1997:
            "Hochreiter & Schmidhuber 1997, Long Short-Term Memory, §5.4 (Experiment 4). Here one length is drawn per batch, not per sequence."
        }
    }

    public var inputSize: Int { 2 }
    public var outputSize: Int { 1 }
    public var scoreName: String { "|err|<0.04" }
    public var settings: String { form == .arjovsky2016 ? "T = \(length)" : "T = \(length)–\(length + length / 10)" }

    public var solvedDescription: String {
        switch form {
        case .arjovsky2016: "test MSE < 0.01 (a sixteenth of the 0.167 baseline)"
        case .hochreiter1997: "at least 99% of test sequences with |error| < 0.04 (H&S's criterion)"
        }
    }

    public var baseline: TaskBaseline {
        switch form {
        case .arjovsky2016:
            // Target S = X1 + X2, Xi ~ U[0,1]: E = 1, Var = 1/6. Predicting 1: |S − 1| < 0.04 with
            // probability ∫_{−0.04}^{0.04} (1 − |s|) ds = 0.08 − 0.0016.
            return TaskBaseline(loss: 1.0 / 6.0, score: 0.08 - 0.0016,
                                explanation: "predict the mean 1: MSE = Var(X1+X2) = 2/12 ≈ 0.167")
        case .hochreiter1997:
            // Target 0.5 + S/4 with S = X1 + X2, except that the value of the first pair is set to 0
            // when it is marked: by X1 (1 time in 10) or by X2 (9/10 · 1/(T/2 − 1)). With p0 that
            // probability, Var(S) = (1 − p0) · 2/3 + p0 · 1/3 and predicting 0.5 scores Var(S)/16.
            // Within 0.04 means |S| < 0.16: for the triangular S on [−2, 2] that is
            // 2 ∫_0^0.16 (2 − s)/4 ds = (0.32 − 0.0128)/2; for S uniform on [−1, 1] it is 0.16.
            let p0 = 0.1 + 0.9 / Double(length / 2 - 1)
            return TaskBaseline(loss: ((1 - p0) * 2.0 / 3.0 + p0 / 3.0) / 16,
                                score: (1 - p0) * (0.32 - 0.0128) / 2 + p0 * 0.16,
                                explanation: "predict 0.5: MSE = Var(X1+X2)/16 ≈ 0.04 (a little less: the first pair's value is 0 when marked)")
        }
    }

    public func makeBatch(batchSize: Int, generator: inout RandomGenerator) throws -> TaskBatch {
        switch form {
        case .arjovsky2016: arjovskyBatch(batchSize: batchSize, generator: &generator)
        case .hochreiter1997: hochreiterBatch(batchSize: batchSize, generator: &generator)
        }
    }

    private func arjovskyBatch(batchSize b: Int, generator: inout RandomGenerator) -> TaskBatch {
        let t = length
        let inputs = Matrix(rows: t * b, cols: 2)          // (T·B, 2)
        let targets = Matrix(rows: b, cols: 1)             // (B, 1)
        for step in 0..<t {
            for s in 0..<b { inputs[step * b + s, 0] = generator.uniform() }
        }
        let half = t / 2
        for s in 0..<b {
            let first = generator.integer(below: half)
            let second = half + generator.integer(below: t - half)
            inputs[first * b + s, 1] = 1
            inputs[second * b + s, 1] = 1
            targets[s, 0] = inputs[first * b + s, 0] + inputs[second * b + s, 0]
        }
        return TaskBatch(inputs: inputs, sequenceLength: t, batchSize: b, targets: .lastStepValues(targets))
    }

    private func hochreiterBatch(batchSize b: Int, generator: inout RandomGenerator) -> TaskBatch {
        let t = generator.integer(in: length..<(length + length / 10 + 1))
        let inputs = Matrix(rows: t * b, cols: 2)          // (T·B, 2)
        let targets = Matrix(rows: b, cols: 1)             // (B, 1)
        for step in 0..<t {
            for s in 0..<b { inputs[step * b + s, 0] = generator.uniform(-1, 1) }
        }
        for s in 0..<b {
            inputs[s, 1] = -1                              // first pair
            inputs[(t - 1) * b + s, 1] = -1                // last pair
            let first = generator.integer(below: 10)
            // X2: one of the first T/2 − 1 still unmarked pairs (indices skip X1's).
            var second = generator.integer(below: length / 2 - 1)
            if second >= first { second += 1 }
            if first == 0 || second == 0 { inputs[s, 0] = 0 }   // "in the rare case where the first pair … we set X1 to zero"
            inputs[first * b + s, 1] = 1
            inputs[second * b + s, 1] = 1
            let x1 = inputs[first * b + s, 0], x2 = inputs[second * b + s, 0]
            targets[s, 0] = 0.5 + (x1 + x2) / 4
        }
        return TaskBatch(inputs: inputs, sequenceLength: t, batchSize: b, targets: .lastStepValues(targets))
    }

    public func testSet() throws -> [TaskBatch] {
        try drawTestSet(self, size: testSize, seed: testSeed)
    }

    public func score(outputs: Matrix, batch: TaskBatch, into evaluation: inout TaskEvaluation) {
        guard case .lastStepValues(let t) = batch.targets else { preconditionFailure("adding: unexpected targets") }
        for s in 0..<batch.batchSize where abs(outputs[s, 0] - t[s, 0]) < 0.04 {
            evaluation.correct += 1
        }
        evaluation.total += batch.batchSize
    }

    public func isSolved(_ evaluation: TaskEvaluation) -> Bool {
        switch form {
        case .arjovsky2016: evaluation.loss < 0.01
        case .hochreiter1997: evaluation.score >= 0.99
        }
    }
}
