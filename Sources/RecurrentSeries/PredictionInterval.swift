/// A forecast with a central prediction interval: per step, the lower and upper bound that
/// the value should fall between with probability `coverage` (e.g. 0.8 for the 10 % and 90 %
/// quantiles).
public struct PredictionInterval: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        precondition(lower.count == upper.count)
        self.lower = lower
        self.upper = upper
    }

    /// The first `count` steps.
    public func prefix(_ count: Int) -> PredictionInterval {
        PredictionInterval(lower: Array(lower.prefix(count)), upper: Array(upper.prefix(count)))
    }

    /// The fraction of `actuals` (one array per interval, same lengths) inside their interval,
    /// bounds included; `nil` when there is nothing to count.
    public static func coverage(_ intervals: [PredictionInterval], actuals: [[Double]]) -> Double? {
        precondition(intervals.count == actuals.count, "one actual per interval")
        var inside = 0, total = 0
        for (interval, actual) in zip(intervals, actuals) {
            precondition(interval.lower.count == actual.count, "interval and actual lengths differ")
            for (k, y) in actual.enumerated() {
                if interval.lower[k] <= y && y <= interval.upper[k] { inside += 1 }
                total += 1
            }
        }
        return total == 0 ? nil : Double(inside) / Double(total)
    }
}

/// A forecasting method that also gives prediction intervals.
public protocol IntervalForecasting: ForecastMethod {
    /// The nominal probability of its intervals (0.8 for an 80 % interval).
    var intervalProbability: Double { get }
    /// Point forecasts and intervals, one per origin, from `series[..<origin]` only.
    func forecastsWithIntervals(_ series: [Double], origins: [Int], horizon: Int)
        -> (forecasts: [[Double]], intervals: [PredictionInterval])
}
