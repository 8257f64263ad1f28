/// A learning-rate schedule: the rate for the current unit of training, and how it changes
/// when a unit ends.
///
/// A *unit* is whatever the caller steps the schedule on — an optimizer step for warm-up
/// and cosine, an epoch for char-rnn's decay, a validation pass for reduce-on-plateau. The
/// loop reads `learningRate`, trains one unit with it, then calls `step(metric:)`:
///
/// ```swift
/// var schedule = StepDecaySchedule(initialRate: 2e-3, factor: 0.97, firstDecay: 10)
/// for epoch in 0..<epochs {
///     optimizer.learningRate = schedule.learningRate
///     trainOneEpoch()
///     schedule.step()
/// }
/// ```
///
/// Schedules are value types whose whole state is `Codable`, so a checkpoint can store them
/// (e.g. as JSON in its metadata) and a resumed run continues the same rates. Use
/// `AnyLearningRateSchedule` to store one whose kind is chosen at run time.
public protocol LearningRateSchedule: Codable, Sendable {
    /// The rate for the current unit.
    var learningRate: Double { get }
    /// Ends a unit. `metric` is the validation loss measured at its end, if any; only
    /// `ReduceOnPlateauSchedule` reads it (and ignores steps without one).
    mutating func step(metric: Double?)
}

extension LearningRateSchedule {
    /// Ends a unit without a metric.
    public mutating func step() { step(metric: nil) }
}

/// Any of the built-in schedules, as one `Codable` value (encoded with the case name as
/// key, e.g. `{"stepDecay": {…}}`).
public enum AnyLearningRateSchedule: LearningRateSchedule, Equatable {
    case constant(ConstantSchedule)
    case stepDecay(StepDecaySchedule)
    case exponential(ExponentialSchedule)
    case cosine(CosineSchedule)
    case reduceOnPlateau(ReduceOnPlateauSchedule)

    public var learningRate: Double {
        switch self {
        case .constant(let s): s.learningRate
        case .stepDecay(let s): s.learningRate
        case .exponential(let s): s.learningRate
        case .cosine(let s): s.learningRate
        case .reduceOnPlateau(let s): s.learningRate
        }
    }

    public mutating func step(metric: Double?) {
        switch self {
        case .constant(var s): s.step(metric: metric); self = .constant(s)
        case .stepDecay(var s): s.step(metric: metric); self = .stepDecay(s)
        case .exponential(var s): s.step(metric: metric); self = .exponential(s)
        case .cosine(var s): s.step(metric: metric); self = .cosine(s)
        case .reduceOnPlateau(var s): s.step(metric: metric); self = .reduceOnPlateau(s)
        }
    }
}
