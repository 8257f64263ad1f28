/// What the trainer reports to its caller as it goes (libraries never print; the caller shows
/// these however it likes).
public enum TrainingEvent: Sendable {
    /// After every optimizer step.
    case step(StepReport)
    /// After each validation pass.
    case evaluation(EvaluationReport)
    /// After each checkpoint was written.
    case checkpoint(CheckpointReport)
}

public struct StepReport: Sendable, Equatable {
    /// Steps completed, counting this one (1-based), and the run's total.
    public var step: Int
    public var totalSteps: Int
    /// The epoch this step belongs to (0-based) and its batch index within the epoch.
    public var epoch: Int
    public var batch: Int
    public var batchesPerEpoch: Int
    /// Mean cross-entropy of this batch (nats per token).
    public var loss: Double
    /// Total L2 (or ∞) norm of the gradient before clipping.
    public var gradientNorm: Double
    /// The learning rate this step used.
    public var learningRate: Double
    /// Tokens trained per second in this step (T·B / its wall time).
    public var tokensPerSecond: Double
    /// Seconds of training so far (all runs together).
    public var seconds: Double
}

public struct EvaluationReport: Sendable, Equatable {
    public var step: Int
    /// The epoch (0-based) of the step just trained.
    public var epoch: Int
    /// Mean training loss since the previous evaluation.
    public var trainingLoss: Double
    /// Validation loss (nil without validation data), and whether it is the best so far.
    public var validationLoss: Double?
    public var isBest: Bool
}

public struct CheckpointReport: Sendable, Equatable {
    public var step: Int
    public var path: String
    public var isBest: Bool
    /// Why it was written.
    public var reason: Reason

    public enum Reason: String, Sendable { case evaluation, finished, interrupted }
}

/// How a `train` call ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// `totalSteps` reached.
    case finished
    /// `shouldStop` returned true; a checkpoint of the state at `step` was written (if a
    /// checkpoint directory was given).
    case interrupted(step: Int)
}

/// Why training stopped with an error.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Settings out of range (one message each).
    case invalidConfiguration([String])
    /// The optimizer rejected its hyperparameters.
    case optimizer(OptimizerError)
    /// The loss became NaN or infinite: training diverged. `lastCheckpoint` is the newest
    /// checkpoint written before it (still intact; nothing is written after divergence).
    case nonFiniteLoss(step: Int, loss: Float, lastCheckpoint: String?)
    /// The gradient norm became NaN or infinite.
    case nonFiniteGradient(step: Int, norm: Float, lastCheckpoint: String?)
    /// A checkpoint could not be written or restored.
    case checkpoint(CheckpointError)
    /// The metrics log could not be written.
    case metrics(MetricsLogError)
    /// A data-parallel collective failed (another process died or hangs).
    case dataParallel(DataParallelError)

    public var description: String {
        switch self {
        case .invalidConfiguration(let problems):
            return "invalid training settings: " + problems.joined(separator: "; ")
        case .optimizer(let e):
            return e.description
        case let .nonFiniteLoss(step, loss, last):
            return "training diverged at step \(step): the loss is \(loss). "
                + Self.advice(last)
        case let .nonFiniteGradient(step, norm, last):
            return "training diverged at step \(step): the gradient norm is \(norm). "
                + Self.advice(last)
        case .checkpoint(let e):
            return e.description
        case .metrics(let e):
            return e.description
        case .dataParallel(let e):
            return e.description
        }
    }

    static func advice(_ last: String?) -> String {
        "Try a lower --learning-rate (e.g. half of it) or gradient clipping (--clip 5, or a smaller value if already clipping). "
            + (last.map { "The last good checkpoint is \($0); resume from it with --resume \($0) and the new settings." }
               ?? "No checkpoint was written before this point; start again with the new settings.")
    }
}
