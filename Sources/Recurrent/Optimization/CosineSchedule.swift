import Foundation

/// A linear warm-up to `peakRate`, then a half-cosine down to `minimumRate`, then constant.
///
/// With c units completed (usually optimizer steps), W = `warmupSteps`, T = `totalSteps`:
///
///     lr(c) = peak · (c + 1) / W                                   c < W
///     lr(c) = min + (peak − min) · ½(1 + cos(π (c − W) / (T − W)))  W ≤ c < T
///     lr(c) = min                                                  c ≥ T
///
/// The warm-up never uses a zero rate: its first step is peak/W and its last is the peak,
/// which is also where the cosine starts. With W = 0 this is PyTorch's
/// `CosineAnnealingLR(T_max: T, eta_min: min)` (closed form).
public struct CosineSchedule: LearningRateSchedule, Equatable {
    public var peakRate: Double
    public var minimumRate: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    /// Units completed so far.
    public var completed = 0

    public init(peakRate: Double, minimumRate: Double = 0, warmupSteps: Int = 0, totalSteps: Int) {
        precondition(warmupSteps >= 0 && totalSteps > warmupSteps,
                     "CosineSchedule: needs 0 ≤ warmupSteps < totalSteps, got \(warmupSteps) and \(totalSteps)")
        self.peakRate = peakRate
        self.minimumRate = minimumRate
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The rate after `completed` units.
    public func learningRate(after completed: Int) -> Double {
        if completed < warmupSteps {
            return peakRate * Double(completed + 1) / Double(warmupSteps)
        }
        if completed >= totalSteps { return minimumRate }
        let progress = Double(completed - warmupSteps) / Double(totalSteps - warmupSteps)
        return minimumRate + (peakRate - minimumRate) * 0.5 * (1 + Foundation.cos(Double.pi * progress))
    }

    public var learningRate: Double { learningRate(after: completed) }

    public mutating func step(metric: Double?) { completed += 1 }
}
