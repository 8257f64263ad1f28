/// The learning-rate schedule of a training run, and when it advances.
///
/// | kind | rate | advances |
/// | --- | --- | --- |
/// | `constant` | the base rate | — |
/// | `step` | × `factor` once `decayAfter` epochs are done, then every `decayEvery` epochs (char-rnn: 0.97, after 10, every 1) | per epoch |
/// | `exponential` | × `factor` after every epoch | per epoch |
/// | `cosine` | linear warm-up over `warmupSteps`, then a half cosine to `minimumRate` at the last step | per optimizer step |
/// | `plateau` | × `factor` when the validation loss has not improved for `patience` evaluations | per validation |
public struct ScheduleConfiguration: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case constant, step, exponential, cosine, plateau
    }

    public var kind: Kind
    /// Multiplier per decay (step, exponential, plateau).
    public var factor: Double
    /// Step: epochs completed before the first decay.
    public var decayAfter: Int
    /// Step: epochs between decays.
    public var decayEvery: Int
    /// Cosine: optimizer steps of linear warm-up.
    public var warmupSteps: Int
    /// Cosine and plateau: the rate never goes below this.
    public var minimumRate: Double
    /// Plateau: evaluations without improvement tolerated before a decay.
    public var patience: Int

    public init(kind: Kind = .constant, factor: Double? = nil, decayAfter: Int = 10, decayEvery: Int = 1,
                warmupSteps: Int = 0, minimumRate: Double = 0, patience: Int = 2) {
        self.kind = kind
        self.factor = factor ?? (kind == .plateau ? 0.5 : 0.97)
        self.decayAfter = decayAfter
        self.decayEvery = decayEvery
        self.warmupSteps = warmupSteps
        self.minimumRate = minimumRate
        self.patience = patience
    }

    /// When the schedule's `step` is called.
    public enum Unit: String, Sendable { case never, epoch, optimizerStep, validation }

    public var unit: Unit {
        switch kind {
        case .constant: .never
        case .step, .exponential: .epoch
        case .cosine: .optimizerStep
        case .plateau: .validation
        }
    }

    /// The problems with these settings, one message each (empty when valid).
    public func problems(totalSteps: Int) -> [String] {
        var out: [String] = []
        switch kind {
        case .constant: break
        case .step, .exponential:
            if !(factor > 0 && factor <= 1) { out.append("the decay factor must be in (0, 1], got \(factor)") }
            if decayAfter < 0 { out.append("--decay-after must be ≥ 0, got \(decayAfter)") }
            if decayEvery < 1 { out.append("--decay-every must be ≥ 1, got \(decayEvery)") }
        case .cosine:
            if warmupSteps < 0 || warmupSteps >= totalSteps {
                out.append("--warmup-steps must be in 0..<\(totalSteps) (the total steps), got \(warmupSteps)")
            }
        case .plateau:
            if !(factor > 0 && factor < 1) { out.append("the decay factor must be in (0, 1), got \(factor)") }
            if patience < 0 { out.append("--patience must be ≥ 0, got \(patience)") }
        }
        if minimumRate < 0 { out.append("the minimum learning rate must be ≥ 0, got \(minimumRate)") }
        return out
    }

    /// The schedule, starting at `initialRate`, for a run of `totalSteps` optimizer steps.
    public func makeSchedule(initialRate: Double, totalSteps: Int) -> AnyLearningRateSchedule {
        switch kind {
        case .constant:
            return .constant(ConstantSchedule(rate: initialRate))
        case .step:
            return .stepDecay(StepDecaySchedule(initialRate: initialRate, factor: factor, every: decayEvery,
                                                firstDecay: decayAfter))
        case .exponential:
            return .exponential(ExponentialSchedule(initialRate: initialRate, factor: factor))
        case .cosine:
            return .cosine(CosineSchedule(peakRate: initialRate, minimumRate: minimumRate, warmupSteps: warmupSteps,
                                          totalSteps: max(totalSteps, warmupSteps + 1)))
        case .plateau:
            return .reduceOnPlateau(ReduceOnPlateauSchedule(initialRate: initialRate, factor: factor, patience: patience,
                                                            minimumRate: minimumRate))
        }
    }
}
