import Foundation

/// Multiplies the rate by `factor` after every unit, as PyTorch's `ExponentialLR(gamma:)`:
///
///     lr(c) = initialRate · factor^c      (c = units completed)
public struct ExponentialSchedule: LearningRateSchedule, Equatable {
    public var initialRate: Double
    public var factor: Double
    /// Units completed so far.
    public var completed = 0

    public init(initialRate: Double, factor: Double) {
        self.initialRate = initialRate
        self.factor = factor
    }

    /// The rate after `completed` units.
    public func learningRate(after completed: Int) -> Double {
        initialRate * Foundation.pow(factor, Double(completed))
    }

    public var learningRate: Double { learningRate(after: completed) }

    public mutating func step(metric: Double?) { completed += 1 }
}
