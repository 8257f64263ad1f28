/// Lowers the rate when a validation metric stops improving — PyTorch's
/// `ReduceLROnPlateau` with the same defaults (mode min, factor 0.1, patience 10,
/// threshold 1e-4 relative, cooldown 0, min lr 0, eps 1e-8).
///
/// At each `step(metric: m)` (steps without a metric change nothing):
///
///     better  = m < best·(1 − threshold)   (min, relative)   | m < best − threshold (min, absolute)
///               m > best·(1 + threshold)   (max, relative)   | m > best + threshold (max, absolute)
///     if better: best = m, bad = 0   else: bad += 1
///     if cooling down: cooldownLeft −= 1, bad = 0
///     if bad > patience:
///         new = max(lr · factor, minimumRate);  if lr − new > eps: lr = new
///         cooldownLeft = cooldown, bad = 0
///
/// So with patience p the rate drops after p + 1 consecutive steps without improvement.
/// A NaN metric never counts as better. `best` is nil until the first improvement (PyTorch's
/// ±∞), which keeps the state JSON-encodable.
public struct ReduceOnPlateauSchedule: LearningRateSchedule, Equatable {
    /// Whether a lower (`.min`, for a loss) or higher (`.max`, for an accuracy) metric is better.
    public enum Mode: String, Codable, Sendable { case min, max }
    /// Whether `threshold` is relative to `best` or an absolute margin.
    public enum ThresholdMode: String, Codable, Sendable { case relative, absolute }

    public private(set) var learningRate: Double
    public var mode: Mode
    public var factor: Double
    public var patience: Int
    public var threshold: Double
    public var thresholdMode: ThresholdMode
    public var cooldown: Int
    public var minimumRate: Double
    /// Smallest change worth making (smaller reductions are skipped).
    public var epsilon: Double

    /// The best metric so far, nil before the first.
    public private(set) var best: Double?
    /// Consecutive steps without improvement.
    public private(set) var badSteps = 0
    /// Steps of cooldown left, during which bad steps are not counted.
    public private(set) var cooldownLeft = 0
    /// Metrics recorded so far (PyTorch's `last_epoch`).
    public private(set) var completed = 0

    public init(initialRate: Double, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
                minimumRate: Double = 0, epsilon: Double = 1e-8) {
        precondition(factor < 1, "ReduceOnPlateauSchedule: factor must be < 1, got \(factor)")
        precondition(patience >= 0 && cooldown >= 0, "ReduceOnPlateauSchedule: patience and cooldown must be ≥ 0")
        learningRate = initialRate
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minimumRate = minimumRate
        self.epsilon = epsilon
    }

    /// Whether `metric` improves on `best` by more than the threshold.
    public func isBetter(_ metric: Double) -> Bool {
        guard let best else { return !metric.isNaN && metric != (mode == .min ? .infinity : -.infinity) }
        switch (mode, thresholdMode) {
        case (.min, .relative): return metric < best * (1 - threshold)
        case (.min, .absolute): return metric < best - threshold
        case (.max, .relative): return metric > best * (1 + threshold)
        case (.max, .absolute): return metric > best + threshold
        }
    }

    public mutating func step(metric: Double?) {
        guard let metric else { return }
        completed += 1
        if isBetter(metric) {
            best = metric
            badSteps = 0
        } else {
            badSteps += 1
        }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            badSteps = 0
        }
        if badSteps > patience {
            let reduced = Swift.max(learningRate * factor, minimumRate)
            if learningRate - reduced > epsilon { learningRate = reduced }
            cooldownLeft = cooldown
            badSteps = 0
        }
    }
}
