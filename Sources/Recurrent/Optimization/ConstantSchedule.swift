/// The same rate for every unit.
public struct ConstantSchedule: LearningRateSchedule, Equatable {
    public var learningRate: Double
    /// Units completed so far.
    public var completed = 0

    public init(rate: Double) {
        learningRate = rate
    }

    public mutating func step(metric: Double?) { completed += 1 }
}
