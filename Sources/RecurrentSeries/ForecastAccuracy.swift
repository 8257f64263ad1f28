/// Point-forecast accuracy over every step of every window:
///
///     MAE  = mean |y − ŷ|
///     RMSE = √ mean (y − ŷ)²
///     MASE = MAE / Q,   Q = mean over the training part of |y[t] − y[t−m]|
///
/// MASE (Hyndman & Koehler, 2006) divides by the in-sample error of the seasonal-naive
/// forecast (season m; m = 1, the naive forecast, for a series without season), so it is
/// unit-free and below 1 means better than that in-sample benchmark. `mase` is `nil` when
/// Q is 0 (a constant training part).
public struct ForecastAccuracy: Codable, Equatable, Sendable {
    public var mae: Double
    public var rmse: Double
    public var mase: Double?
    /// How many forecast values were scored (windows × horizon).
    public var count: Int

    public init(mae: Double, rmse: Double, mase: Double?, count: Int) {
        self.mae = mae
        self.rmse = rmse
        self.mase = mase
        self.count = count
    }

    /// Scores `forecasts[i]` against `actuals[i]` (equal lengths) with MASE scale `scale`.
    public init(forecasts: [[Double]], actuals: [[Double]], scale: Double?) {
        precondition(forecasts.count == actuals.count, "one actual per forecast")
        var absolute = 0.0, squared = 0.0, n = 0
        for (f, a) in zip(forecasts, actuals) {
            precondition(f.count == a.count, "forecast and actual lengths differ")
            for (x, y) in zip(f, a) {
                absolute += abs(y - x)
                squared += (y - x) * (y - x)
                n += 1
            }
        }
        precondition(n > 0, "nothing to score")
        let mae = absolute / Double(n)
        self.init(mae: mae, rmse: (squared / Double(n)).squareRoot(),
                  mase: scale.flatMap { $0 > 0 ? mae / $0 : nil }, count: n)
    }

    /// The MASE denominator Q: mean |y[t] − y[t−m]| over `training` (m = 1 when the part is
    /// not longer than one season), `nil` when it is 0 or there are fewer than two values.
    public static func maseScale<C: RandomAccessCollection>(training: C, season: Int) -> Double?
    where C.Element == Double, C.Index == Int {
        let m = season >= 1 && season < training.count ? season : 1
        guard training.count > m else { return nil }
        var sum = 0.0
        for t in (training.startIndex + m)..<training.endIndex { sum += abs(training[t] - training[t - m]) }
        let q = sum / Double(training.count - m)
        return q > 0 ? q : nil
    }
}

/// One row of a metrics table: a method and its accuracy.
public struct ForecastScore: Codable, Equatable, Sendable {
    public var method: String
    public var accuracy: ForecastAccuracy

    public init(method: String, accuracy: ForecastAccuracy) {
        self.method = method
        self.accuracy = accuracy
    }
}

extension Baseline {
    /// This baseline's accuracy over the windows at `origins` (each scored on `horizon` steps).
    public func accuracy(_ series: [Double], origins: [Int], horizon: Int, scale: Double?) -> ForecastAccuracy {
        let forecasts = origins.map { forecast(series, origin: $0, horizon: horizon) }
        let actuals = origins.map { Array(series[$0..<($0 + horizon)]) }
        return ForecastAccuracy(forecasts: forecasts, actuals: actuals, scale: scale)
    }
}

extension Array where Element == ForecastScore {
    /// A fixed-width text table (method, MAE, RMSE, MASE), for terminals and docs.
    public func formattedTable() -> String {
        let width = Swift.max(6, map(\.method.count).max() ?? 0)
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            s.count >= w ? s : (left ? s + String(repeating: " ", count: w - s.count) : String(repeating: " ", count: w - s.count) + s)
        }
        func number(_ x: Double?) -> String {
            guard let x else { return "–" }
            let rounded = (x * 10_000).rounded() / 10_000
            return String(rounded)
        }
        var lines = [pad("method", width, left: true) + "  " + pad("MAE", 10) + "  " + pad("RMSE", 10) + "  " + pad("MASE", 8)]
        for s in self {
            lines.append(pad(s.method, width, left: true) + "  " + pad(number(s.accuracy.mae), 10) + "  "
                         + pad(number(s.accuracy.rmse), 10) + "  " + pad(number(s.accuracy.mase), 8))
        }
        return lines.joined(separator: "\n")
    }
}
