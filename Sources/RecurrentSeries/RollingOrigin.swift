/// Rolling-origin evaluation (Tashman, 2000): forecasts from several origins through the end
/// of a series, each from the history before it, scored together — a single holdout of h
/// values is one draw of noise.
public struct RollingOrigin: Sendable, Equatable {
    /// The forecast origins (index of each window's first forecast step), ascending.
    public let origins: [Int]
    public let horizon: Int

    public init(origins: [Int], horizon: Int) {
        self.origins = origins
        self.horizon = horizon
    }

    /// Up to `count` origins whose windows end inside `part`: the last window ends at
    /// `part.upperBound`, the others `step` values earlier each (default: spread evenly over
    /// the part, at most `horizon` apart), none before `part.lowerBound` or `minimumOrigin`.
    /// Fewer origins when the part is too short; empty when not even one window fits.
    public init(part: Range<Int>, horizon: Int, count: Int = 5, step: Int? = nil, minimumOrigin: Int = 1) {
        let last = part.upperBound - horizon
        let first = max(part.lowerBound, minimumOrigin)
        guard count >= 1, horizon >= 1, last >= first else {
            self.init(origins: [], horizon: horizon)
            return
        }
        let spacing = step ?? (count > 1 ? max(1, min(horizon, (last - first) / (count - 1))) : 1)
        let origins = (0..<count).map { last - $0 * spacing }.filter { $0 >= first }
        self.init(origins: origins.reversed(), horizon: horizon)
    }

    /// The values the windows cover.
    public var span: Range<Int> { (origins.first ?? 0)..<((origins.last ?? -horizon) + horizon) }

    /// Each method's accuracy over these windows, MASE scaled by `scale`; methods that cannot
    /// forecast this far (`maximumHorizon`) or lack history for the first origin are left out.
    public func scores(_ methods: [any ForecastMethod], series: [Double], scale: Double?) -> [ForecastScore] {
        guard !origins.isEmpty else { return [] }
        let actuals = origins.map { Array(series[$0..<($0 + horizon)]) }
        return methods.compactMap { method in
            if let h = method.maximumHorizon, h < horizon { return nil }
            guard origins[0] >= method.minimumHistory else { return nil }
            let forecasts = method.forecasts(series, origins: origins, horizon: horizon)
            return ForecastScore(method: method.name, accuracy: ForecastAccuracy(forecasts: forecasts, actuals: actuals,
                                                                                 scale: scale))
        }
    }

    /// The MASE scale for these windows: the in-sample seasonal-naive error of the history
    /// before the first origin (the naive error without a season).
    public func maseScale(_ series: [Double], season: Int?) -> Double? {
        guard let first = origins.first else { return nil }
        return ForecastAccuracy.maseScale(training: series[..<first], season: season ?? 1)
    }
}
