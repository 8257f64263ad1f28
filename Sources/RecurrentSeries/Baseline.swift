/// The two forecasts any model must beat to be worth having.
public enum Baseline: Codable, Equatable, Sendable, CustomStringConvertible {
    /// ŷ[t+h] = y[t−1] for every step h: tomorrow is like today.
    case lastValue
    /// ŷ[t+h] = y[t+h − m·(⌊h/m⌋+1)]: the value one season (m steps) before, repeated for
    /// horizons beyond one season. Falls back to the last value while fewer than m values exist.
    case seasonalNaive(season: Int)

    /// The forecast of `horizon` steps from `origin` (index of the first forecast step), using
    /// only `series[..<origin]`.
    public func forecast(_ series: [Double], origin: Int, horizon: Int) -> [Double] {
        precondition(origin >= 1 && origin <= series.count, "origin \(origin) needs history in a series of \(series.count)")
        switch self {
        case .lastValue:
            return Array(repeating: series[origin - 1], count: horizon)
        case .seasonalNaive(let m):
            guard m >= 1, origin >= m else { return Baseline.lastValue.forecast(series, origin: origin, horizon: horizon) }
            return (0..<horizon).map { h in series[origin + h - m * (h / m + 1)] }
        }
    }

    public var description: String {
        switch self {
        case .lastValue: return "last value"
        case .seasonalNaive(let m): return "seasonal naive (m=\(m))"
        }
    }
}
