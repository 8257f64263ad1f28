/// What `--model` and a checkpoint call a way of forecasting.
public enum ForecastMethodKind: String, Codable, Sendable, CaseIterable {
    /// The trained recurrent network.
    case network
    case lastValue = "last-value"
    case seasonalNaive = "seasonal-naive"
    /// ETS chosen by AICc at each origin (`ExponentialSmoothing.select`).
    case ets
    /// The theta method (`Theta`).
    case theta
    /// ARIMA chosen by AICc at each origin (`ARIMAMethod`).
    case arima
    /// The ES-RNN hybrid (`HybridEnsemble`): learnt Holt-Winters smoothing and an LSTM.
    case hybrid
}

/// A way of forecasting that can be judged on rolling origins and chosen between: the
/// network, the naive baselines and the classical statistics all answer the same question —
/// the next `horizon` values after `origin`, from `series[..<origin]` only. Statistical methods
/// refit at every origin; the network reads its lookback window with fixed weights.
public protocol ForecastMethod {
    /// The label in tables, e.g. `LSTM`, `ETS (AICc)`, `theta`, `last value`.
    var name: String { get }
    var kind: ForecastMethodKind { get }
    /// The longest horizon it forecasts at once (`nil`: any).
    var maximumHorizon: Int? { get }
    /// The history it needs before the first origin.
    var minimumHistory: Int { get }
    /// `horizon` forecasts from `origin`, using only `series[..<origin]`.
    func forecast(_ series: [Double], origin: Int, horizon: Int) -> [Double]
    /// One forecast per origin (the network batches them).
    func forecasts(_ series: [Double], origins: [Int], horizon: Int) -> [[Double]]
}

extension ForecastMethod {
    public var maximumHorizon: Int? { nil }
    public var minimumHistory: Int { 1 }

    public func forecasts(_ series: [Double], origins: [Int], horizon: Int) -> [[Double]] {
        origins.map { forecast(series, origin: $0, horizon: horizon) }
    }
}

extension Baseline: ForecastMethod {
    public var name: String { description }

    public var kind: ForecastMethodKind {
        switch self {
        case .lastValue: .lastValue
        case .seasonalNaive: .seasonalNaive
        }
    }
}

/// ETS or theta, refitted to the history before each origin (ETS at most `maximumFits` times
/// over many origins, `RefitSchedule`; theta, a closed form and a one-parameter fit, at every
/// origin).
public enum StatisticalMethod: ForecastMethod, Equatable, Sendable {
    /// The ETS model of lowest AICc among `ExponentialSmoothing.candidates(period:)`, chosen
    /// and fitted anew at most `maximumFits` times per `forecasts` call.
    case ets(period: Int?, maximumFits: Int = RefitSchedule.maximumFits)
    /// Theta with classical seasonal adjustment when `period` passes its seasonal test.
    case theta(period: Int?)

    public var name: String {
        switch self {
        case .ets: "ETS (AICc)"
        case .theta: "theta"
        }
    }

    public var kind: ForecastMethodKind {
        switch self {
        case .ets: .ets
        case .theta: .theta
        }
    }

    public var minimumHistory: Int { 2 }

    /// Falls back to the last value when the history is too short for any ETS model (≤ 4 values).
    public func forecast(_ series: [Double], origin: Int, horizon: Int) -> [Double] {
        let history = Array(series[..<origin])
        switch self {
        case .ets(let period, _):
            guard let model = ExponentialSmoothing.select(history, period: period) else {
                return Baseline.lastValue.forecast(series, origin: origin, horizon: horizon)
            }
            return model.forecast(horizon: horizon)
        case .theta(let period):
            guard history.count >= 2 else { return Baseline.lastValue.forecast(series, origin: origin, horizon: horizon) }
            return Theta(history, period: period).forecast(horizon: horizon)
        }
    }

    /// ETS is chosen and fitted at the origins `RefitSchedule` names and run on at the others.
    public func forecasts(_ series: [Double], origins: [Int], horizon: Int) -> [[Double]] {
        guard case .ets(let period, let maximumFits) = self else {
            return origins.map { forecast(series, origin: $0, horizon: horizon) }
        }
        return RefitSchedule(origins: origins, maximumFits: maximumFits).forecasts(
            series, origins: origins, horizon: horizon, fit: { ExponentialSmoothing.select($0, period: period) },
            extend: { $0.applied(to: $1) }, forecast: { $0.forecast(horizon: $1) },
            fallback: { Baseline.lastValue.forecast(series, origin: $0, horizon: horizon) })
    }
}

/// A trained `ForecastModel` with its window encoding.
public struct NetworkMethod: ForecastMethod {
    public let model: ForecastModel
    public let encoding: WindowEncoding

    public init(model: ForecastModel, encoding: WindowEncoding) {
        self.model = model
        self.encoding = encoding
    }

    public var name: String { model.configuration.cell.rawValue.uppercased() }
    public var kind: ForecastMethodKind { .network }
    public var maximumHorizon: Int? { encoding.horizon }
    public var minimumHistory: Int { encoding.lookback }

    public func forecast(_ series: [Double], origin: Int, horizon: Int) -> [Double] {
        forecasts(series, origins: [origin], horizon: horizon)[0]
    }

    public func forecasts(_ series: [Double], origins: [Int], horizon: Int) -> [[Double]] {
        precondition(horizon <= encoding.horizon, "the network forecasts at most \(encoding.horizon) values")
        return model.forecast(series, origins: origins, encoding: encoding).map { Array($0.prefix(horizon)) }
    }
}

extension ForecastMethodKind {
    /// The methods every forecast is compared with, for a series of season `season`: last
    /// value, seasonal naive (with a season), ETS by AICc, theta and ARIMA by AICc (ETS and
    /// ARIMA fitted anew at most `maximumFits` times per set of origins).
    public static func baselines(season: Int?, maximumFits: Int = RefitSchedule.maximumFits) -> [any ForecastMethod] {
        var methods: [any ForecastMethod] = [Baseline.lastValue]
        if let m = season { methods.append(Baseline.seasonalNaive(season: m)) }
        methods.append(StatisticalMethod.ets(period: season, maximumFits: maximumFits))
        methods.append(StatisticalMethod.theta(period: season))
        methods.append(ARIMAMethod(period: season, maximumFits: maximumFits))
        return methods
    }
}
