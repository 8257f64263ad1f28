/// ARIMA chosen by AICc (`ARIMA.select`: differencing by seasonal strength and KPSS, then a
/// stepwise search of the orders), refitted to the history before each origin (at most
/// `maximumFits` of many origins). It models what
/// ETS and theta cannot: a cycle that is not a fixed season (lynx's ~10-year one) through its
/// AR terms.
public struct ARIMAMethod: ForecastMethod, Equatable, Sendable {
    /// The season m (nil: none).
    public let period: Int?
    /// The most origins of one `forecasts` call that are searched and fitted anew (`RefitSchedule`).
    public let maximumFits: Int

    public init(period: Int?, maximumFits: Int = RefitSchedule.maximumFits) {
        self.period = period
        self.maximumFits = maximumFits
    }

    public var name: String { "ARIMA (AICc)" }
    public var kind: ForecastMethodKind { .arima }
    public var minimumHistory: Int { 2 }

    /// Falls back to the last value when the history is too short for any ARIMA.
    public func forecast(_ series: [Double], origin: Int, horizon: Int) -> [Double] {
        guard let model = ARIMA.select(Array(series[..<origin]), period: period) else {
            return Baseline.lastValue.forecast(series, origin: origin, horizon: horizon)
        }
        return model.forecast(horizon: horizon)
    }

    /// Chosen and fitted at the origins `RefitSchedule` names, the latest fit run on at the others.
    public func forecasts(_ series: [Double], origins: [Int], horizon: Int) -> [[Double]] {
        RefitSchedule(origins: origins, maximumFits: maximumFits).forecasts(
            series, origins: origins, horizon: horizon, fit: { ARIMA.select($0, period: period) },
            extend: { $0.applied(to: $1) }, forecast: { $0.forecast(horizon: $1) },
            fallback: { Baseline.lastValue.forecast(series, origin: $0, horizon: horizon) })
    }
}
