import Recurrent

/// What a task asks the network to produce, and where.
///
/// The runner puts a `Linear(H → outputSize)` head on the recurrent layer and applies it either
/// to the last time step only (`(B, H) → (B, O)`) or to every time step (`(T·B, H) → (T·B, O)`).
public enum TaskTargets: @unchecked Sendable {
    /// One real vector per sequence, read at the last step; loss: mean squared error over B·O.
    case lastStepValues(Matrix)          // (B, O)
    /// One class per sequence, read at the last step; loss: softmax cross-entropy, mean over B.
    case lastStepClasses([Int])          // B labels in 0..<O
    /// One class per time step, time-major; loss: softmax cross-entropy, mean over T·B.
    case everyStepClasses([Int])         // T·B labels, row t·B + b
    /// One real vector per time step, time-major; loss: mean squared error over T·B·O.
    case everyStepValues(Matrix)         // (T·B, O)

    /// True when the head reads only the last time step.
    public var isLastStep: Bool {
        switch self {
        case .lastStepValues, .lastStepClasses: true
        case .everyStepValues, .everyStepClasses: false
        }
    }

    /// True for classification targets (softmax cross-entropy), false for regression (MSE).
    public var isClassification: Bool {
        switch self {
        case .lastStepClasses, .everyStepClasses: true
        case .lastStepValues, .everyStepValues: false
        }
    }
}

/// A batch of `B` sequences of `T` steps: time-major inputs and the targets.
public struct TaskBatch: @unchecked Sendable {
    /// `(T·B, I)`: step `t` of sequence `b` is row `t·B + b`.
    public let inputs: Matrix
    public let sequenceLength: Int
    public let batchSize: Int
    public let targets: TaskTargets

    public init(inputs: Matrix, sequenceLength: Int, batchSize: Int, targets: TaskTargets) {
        precondition(inputs.rows == sequenceLength * batchSize,
                     "TaskBatch: inputs have \(inputs.rows) rows, expected T·B = \(sequenceLength)·\(batchSize)")
        self.inputs = inputs
        self.sequenceLength = sequenceLength
        self.batchSize = batchSize
        self.targets = targets
    }

    /// Rows of the head's output: B for last-step targets, T·B for every-step targets.
    public var outputRows: Int { targets.isLastStep ? batchSize : sequenceLength * batchSize }
}

/// The score of a model (or a baseline predictor) on some batches: summed so that several
/// batches aggregate exactly.
public struct TaskEvaluation: Sendable, Equatable {
    /// Σ of per-element losses (squared errors or −log p of the target class).
    public var lossSum: Double = 0
    /// Number of terms in `lossSum`.
    public var lossCount: Int = 0
    /// Items the task counts as right (its own criterion: a class, a sequence, a recalled symbol).
    public var correct: Int = 0
    public var total: Int = 0

    public init() {}

    /// Mean loss: the task's MSE or cross-entropy (NaN when a prediction was not finite).
    public var loss: Double { lossCount == 0 ? .nan : lossSum / Double(lossCount) }
    /// `correct / total`: accuracy, fraction of sequences solved, or recall accuracy.
    public var score: Double { total == 0 ? .nan : Double(correct) / Double(total) }

    public static func + (a: TaskEvaluation, b: TaskEvaluation) -> TaskEvaluation {
        var r = a
        r.lossSum += b.lossSum; r.lossCount += b.lossCount
        r.correct += b.correct; r.total += b.total
        return r
    }
}

/// The loss and score of a predictor that uses no memory of the sequence (a constant, or the
/// best guess from the current input alone). A model that does not beat it has not remembered.
public struct TaskBaseline: Sendable, Equatable {
    public let loss: Double
    public let score: Double
    /// How the number follows from the task's definition.
    public let explanation: String

    public init(loss: Double, score: Double, explanation: String) {
        self.loss = loss
        self.score = score
        self.explanation = explanation
    }
}

/// A synthetic (or small real) sequence task that needs memory, defined as in the paper cited
/// by `citation`.
///
/// Batches are drawn from the `RandomGenerator` passed in, so the same generator state gives
/// the same batch. `testSet()` is a fixed set drawn from `testSeed`, the same for every model
/// and seed of an experiment.
public protocol MemoryTask: Sendable {
    /// The command-line name (`adding`, `temporal-order`, …).
    var name: String { get }
    /// One line: what the network sees and must produce.
    var summary: String { get }
    /// The sizes that define this instance, e.g. "T = 100" or "F = 20, T = 100".
    var settings: String { get }
    /// The paper and section the definition follows, and where this version differs.
    var citation: String { get }
    /// Input features per step (I).
    var inputSize: Int { get }
    /// Regression outputs or number of classes (O).
    var outputSize: Int { get }
    /// What `TaskEvaluation.score` counts, e.g. "accuracy" or "solved (|err| < 0.04)".
    var scoreName: String { get }
    /// When a run counts as solved, in words (shown by `--list` and in tables).
    var solvedDescription: String { get }
    /// The memoryless baseline, from the formula in the paper.
    var baseline: TaskBaseline { get }

    /// A training batch of `batchSize` sequences.
    func makeBatch(batchSize: Int, generator: inout RandomGenerator) throws -> TaskBatch
    /// The fixed test set (the same batches on every call).
    func testSet() throws -> [TaskBatch]
    /// Adds `correct`/`total` for `outputs` (`(outputRows, O)`: values, or logits) to `evaluation`.
    func score(outputs: Matrix, batch: TaskBatch, into evaluation: inout TaskEvaluation)
    /// Whether the test evaluation meets the task's success criterion.
    func isSolved(_ evaluation: TaskEvaluation) -> Bool
}

extension MemoryTask {
    /// Loss (MSE or cross-entropy, as the targets say) and score of `outputs` on `batch`.
    public func evaluate(outputs: Matrix, batch: TaskBatch) -> TaskEvaluation {
        var e = TaskEvaluation()
        TaskLoss.accumulate(outputs: outputs, targets: batch.targets, into: &e)
        score(outputs: outputs, batch: batch, into: &e)
        return e
    }
}
