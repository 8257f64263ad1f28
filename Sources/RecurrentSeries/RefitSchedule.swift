/// Where a statistical method is refitted when it forecasts from many origins.
///
/// Choosing and fitting an ETS or ARIMA model is a search (18 ETS models; a stepwise walk over
/// ARIMA orders, each fit an optimisation over the whole history), so refitting at each of the
/// ~340 stride-1 windows of a long test part takes minutes to hours. Instead, from more than
/// `maximumFits` origins the method is chosen and fitted again at `maximumFits` origins spread
/// evenly over them (the first always among them); at every other origin the latest fit before
/// it — its model and parameters — is run over the longer history (the filter, not the search)
/// and forecasts from there. Each forecast still uses only the values before its origin. With
/// at most `maximumFits` origins (backtests, the model choice's validation origins) every
/// origin is refitted.
public struct RefitSchedule: Sendable, Equatable {
    /// The most fits per method for one set of origins.
    public static let maximumFits = 24

    /// Whether the origin at each position is refitted.
    public let refits: [Bool]

    /// The schedule for `origins` (ascending). Origins out of order are each refitted.
    public init(origins: [Int], maximumFits: Int = RefitSchedule.maximumFits) {
        let n = origins.count
        guard n > maximumFits, maximumFits >= 1, zip(origins, origins.dropFirst()).allSatisfy({ $0 < $1 }) else {
            refits = [Bool](repeating: true, count: n)
            return
        }
        // Positions ⌊k·n/F⌋, k = 0…F−1: F distinct positions, the first 0, gaps ⌊n/F⌋ or ⌈n/F⌉.
        var refits = [Bool](repeating: false, count: n)
        for k in 0..<maximumFits { refits[k * n / maximumFits] = true }
        self.refits = refits
    }

    /// Forecasts from each origin: `fit` at the scheduled origins, `extend` (the last fit run
    /// over the history before a later origin) at the others; `fallback` when no fit exists.
    public func forecasts<Model>(_ series: [Double], origins: [Int], horizon: Int,
                                 fit: ([Double]) -> Model?, extend: (Model, [Double]) -> Model,
                                 forecast: (Model, Int) -> [Double], fallback: (Int) -> [Double]) -> [[Double]] {
        var model: Model?
        return zip(origins, refits).map { origin, refit in
            let history = Array(series[..<origin])
            if refit {
                model = fit(history)
            } else if let fitted = model {
                model = extend(fitted, history)
            }
            guard let model else { return fallback(origin) }
            return forecast(model, horizon)
        }
    }
}
