import Foundation

/// Multiplies the rate by `factor` when `firstDecay` units have completed, and again every
/// `every` units after that.
///
/// With c units completed (the rate applies to unit c, counting from 0):
///
///     n(c) = 0                              if c < firstDecay
///     n(c) = 1 + ⌊(c − firstDecay) / every⌋  otherwise
///     lr(c) = initialRate · factor^n(c)
///
/// - PyTorch's `StepLR(step_size: s, gamma: γ)` stepped per epoch is
///   `StepDecaySchedule(initialRate:, factor: γ, every: s)` (`firstDecay` defaults to `every`).
/// - char-rnn's "multiply by 0.97 after every epoch from epoch 10 on"
///   (`-learning_rate_decay 0.97 -learning_rate_decay_after 10`), stepped once per epoch:
///
///   ```swift
///   var schedule = StepDecaySchedule(initialRate: 2e-3, factor: 0.97, firstDecay: 10)
///   // epochs 0…9 (the first ten) train at 2e-3, epoch 10 at 2e-3·0.97, epoch 11 at 2e-3·0.97², …
///   ```
public struct StepDecaySchedule: LearningRateSchedule, Equatable {
    public var initialRate: Double
    public var factor: Double
    /// Units between decays (≥ 1).
    public var every: Int
    /// Completed units at which the first decay happens (≥ 0).
    public var firstDecay: Int
    /// Units completed so far (PyTorch's `last_epoch`).
    public var completed = 0

    public init(initialRate: Double, factor: Double, every: Int = 1, firstDecay: Int? = nil) {
        precondition(every >= 1, "StepDecaySchedule: every must be ≥ 1, got \(every)")
        precondition((firstDecay ?? every) >= 0, "StepDecaySchedule: firstDecay must be ≥ 0")
        self.initialRate = initialRate
        self.factor = factor
        self.every = every
        self.firstDecay = firstDecay ?? every
    }

    /// The rate after `completed` units.
    public func learningRate(after completed: Int) -> Double {
        let decays = completed < firstDecay ? 0 : 1 + (completed - firstDecay) / every
        return initialRate * Foundation.pow(factor, Double(decays))
    }

    public var learningRate: Double { learningRate(after: completed) }

    public mutating func step(metric: Double?) { completed += 1 }
}
