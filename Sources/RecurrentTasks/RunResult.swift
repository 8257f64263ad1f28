import Recurrent

/// One point of a learning curve: the test evaluation after `step` steps.
public struct CurvePoint: Sendable, Equatable {
    public let step: Int
    /// Mean training loss over the steps since the previous point (NaN at step 0).
    public let trainLoss: Double
    public let test: TaskEvaluation
}

/// The outcome of training one arm from one seed.
///
/// Outcomes are judged at the end of training: `solved` means the last evaluation met the
/// task's criterion; `firstSolvedAtStep` says when it was first met (a run can meet it and
/// lose it again). `diverged` means a non-finite loss or gradient (`divergedAtStep`) or a
/// collapse (`collapsed`: the last three evaluations average above 1.5× the memoryless
/// baseline after an evaluation below it).
///
/// `model` is the trained network, kept so that a caller can look inside it (e.g. inspect
/// its units); it is not safe to use from two threads at once.
public struct RunResult: @unchecked Sendable {
    public let arm: ExperimentArm
    public let label: String
    public let seed: UInt64
    public let parameterCount: Int
    /// Test evaluations at step 0, every `evaluateEvery` steps, and at the end.
    public var curve: [CurvePoint] = []
    /// The last test evaluation.
    public var final = TaskEvaluation()
    /// The first evaluated step at which the task's criterion held.
    public var firstSolvedAtStep: Int?
    /// Whether the last evaluation met the task's criterion.
    public var solvedAtEnd = false
    /// The test loss rose back above the baseline after having been below it (see `Outcome`).
    public var collapsed = false
    /// The run used its whole step budget without being solved or diverging.
    public var stoppedAtBudget = false
    /// Steps taken (fewer than asked when solved early or diverged).
    public var stepsRun = 0
    /// The step whose loss or gradient was not finite; the run stopped there.
    public var divergedAtStep: Int?
    /// ‖g‖₂ of every step, before clipping.
    public var gradientNorms: [Float] = []
    /// Training loss of every step.
    public var trainLosses: [Float] = []
    public var wallSeconds = 0.0
    /// The trained network (nil only for results built by hand).
    public var model: SequenceModel?

    public init(arm: ExperimentArm, label: String, seed: UInt64, parameterCount: Int) {
        self.arm = arm
        self.label = label
        self.seed = seed
        self.parameterCount = parameterCount
    }

    /// Diverged: a non-finite loss or gradient norm, or a collapse back above the baseline.
    public var diverged: Bool { divergedAtStep != nil || collapsed }
    /// Solved at the end of training (and not diverged).
    public var solved: Bool { solvedAtEnd && !diverged }
    /// The largest finite raw gradient norm, or ∞ when one was not finite.
    public var maxGradientNorm: Float {
        gradientNorms.reduce(0) { $1.isFinite ? Swift.max($0, $1) : .infinity }
    }
    /// The largest training loss (∞ when one was not finite).
    public var maxTrainLoss: Float {
        trainLosses.reduce(0) { $1.isFinite ? Swift.max($0, $1) : .infinity }
    }
}

/// Aggregates of one arm over its seeds.
public struct ArmSummary: Sendable {
    public let label: String
    public let arm: ExperimentArm
    public let runs: [RunResult]

    public var parameterCount: Int { runs.first?.parameterCount ?? 0 }
    public var seeds: Int { runs.count }
    public var solvedCount: Int { runs.filter(\.solved).count }
    public var divergedCount: Int { runs.filter(\.diverged).count }
    /// Median over seeds of the final test loss (NaN and ∞ sort last).
    public var medianLoss: Double { median(runs.map(\.final.loss)) }
    public var medianScore: Double { median(runs.map(\.final.score)) }
    /// Median over the runs that ever met the criterion of the step they first met it (nil when none did).
    public var medianFirstSolvedStep: Int? {
        let s = runs.compactMap(\.firstSolvedAtStep)
        return s.isEmpty ? nil : Int(median(s.map(Double.init)).rounded())
    }
    public var meanWallSeconds: Double { runs.map(\.wallSeconds).reduce(0, +) / Double(max(runs.count, 1)) }
    public var medianMaxGradientNorm: Double { median(runs.map { Double($0.maxGradientNorm) }) }
}

/// The median, with non-finite values ordered last (so a majority of diverged runs shows as ∞/NaN).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted { a, b in
        let ra = a.isNaN ? 2 : (a.isInfinite ? 1 : 0), rb = b.isNaN ? 2 : (b.isInfinite ? 1 : 0)
        return ra != rb ? ra < rb : a < b
    }
    let n = sorted.count
    if n % 2 == 1 { return sorted[n / 2] }
    let a = sorted[n / 2 - 1], b = sorted[n / 2]
    return a.isFinite && b.isFinite ? (a + b) / 2 : b
}

/// How a run's outcome is judged from its learning curve.
public enum Outcome {
    /// The number of last evaluations averaged for the collapse test.
    public static let collapseWindow = 3
    /// A collapse: their mean test loss above this multiple of the baseline's.
    public static let collapseFactor = 1.5

    /// True when the mean test loss of the last `collapseWindow` evaluations exceeds
    /// `collapseFactor` × `baselineLoss` after some earlier evaluation was below `baselineLoss`.
    /// A non-finite loss counts as above.
    public static func collapsed(losses: [Double], baselineLoss: Double) -> Bool {
        guard losses.count > collapseWindow else { return false }
        let tail = losses.suffix(collapseWindow)
        let mean = tail.reduce(0, +) / Double(collapseWindow)
        let wasBelow = losses.dropLast(collapseWindow).contains { $0 < baselineLoss }
        return wasBelow && !(mean <= collapseFactor * baselineLoss)
    }
}
