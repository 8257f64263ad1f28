import Recurrent

/// How a window of history becomes model inputs and how model outputs become forecasts.
///
/// A window at origin `t` has history x = y[t−L ..< t] (lookback L) and targets
/// y[t ..< t+H] (horizon H). With a scale σ fitted on the training part:
///
///     input     x'ᵢ = (xᵢ − a) / σ
///     target    z_h = (y[t+h] − r_h) / σ
///     forecast  ŷ[t+h] = r_h + σ · output_h
///
/// where the input anchor a and the per-step reference r_h depend on `reference`
/// (m is the season):
///
/// | reference    | a        | r_h                              | σ                                   |
/// |--------------|----------|----------------------------------|-------------------------------------|
/// | `.mean`      | μ        | μ                                | sd of training values               |
/// | `.lastValue` | y[t−1]   | y[t−1]                           | sd of training values               |
/// | `.seasonal`  | y[t−1]   | y[t+h − m(⌊h/m⌋+1)] (seasonal naive) | sd of training y[t] − y[t−m]    |
///
/// With `.seasonal` each step also has a second input feature, the seasonal difference
/// (xᵢ − y[i−m]) / σ (0 where the series has no value m steps earlier): how this year differs
/// from last year, which is what the correction must extrapolate. Inputs are (L·B, F) with
/// F = `featureCount` (1, or 2 for `.seasonal`).
///
/// `.lastValue` keeps a trending series (CO₂ rises every year) inside the range the network
/// saw in training even when the test part lies above every training value. `.seasonal` makes
/// the network forecast the *correction to the seasonal-naive forecast* (as seasonal
/// differencing does in SARIMA): an untrained network, outputting 0, already is that baseline,
/// and training learns what it misses (trend, level shifts). It needs L ≥ m, so the reference
/// comes from the window itself. μ, σ come from the training part only.
public struct WindowEncoding: Codable, Equatable, Sendable {
    public enum Reference: String, Codable, Sendable, CaseIterable {
        case mean
        case lastValue
        case seasonal
    }

    public var lookback: Int
    public var horizon: Int
    /// Mean and standard deviation of the training values.
    public var standardizer: Standardizer
    public var reference: Reference
    /// m, for `.seasonal`.
    public var season: Int?
    /// σ: the divisor of inputs and targets (see the table above).
    public var scale: Double

    /// Fits the encoding on `training` (the training part of the series).
    public init(lookback: Int, horizon: Int, training: [Double], reference: Reference = .lastValue,
                season: Int? = nil) {
        precondition(lookback >= 1 && horizon >= 1 && !training.isEmpty)
        let standardizer = Standardizer(fitting: training)
        var scale = standardizer.standardDeviation[0]
        if reference == .seasonal {
            guard let m = season, m >= 1, m <= lookback else {
                preconditionFailure("the seasonal reference needs a season m with 1 ≤ m ≤ lookback")
            }
            if training.count > m {
                let differences = (m..<training.count).map { training[$0] - training[$0 - m] }
                scale = Standardizer(fitting: differences).standardDeviation[0]
            }
        }
        self.init(lookback: lookback, horizon: horizon, standardizer: standardizer, reference: reference,
                  season: season, scale: scale)
    }

    public init(lookback: Int, horizon: Int, standardizer: Standardizer, reference: Reference, season: Int?,
                scale: Double) {
        self.lookback = lookback
        self.horizon = horizon
        self.standardizer = standardizer
        self.reference = reference
        self.season = season
        self.scale = scale
    }

    /// F: input features per time step.
    public var featureCount: Int { reference == .seasonal ? 2 : 1 }

    /// The input anchor a of the window at `origin`.
    public func anchor(_ series: [Double], origin: Int) -> Double {
        reference == .mean ? standardizer.mean[0] : series[origin - 1]
    }

    /// The references r_h, h = 0 ..< H, of the window at `origin` (read from `series[..<origin]` only).
    public func references(_ series: [Double], origin: Int) -> [Double] {
        switch reference {
        case .mean: return Array(repeating: standardizer.mean[0], count: horizon)
        case .lastValue: return Array(repeating: series[origin - 1], count: horizon)
        case .seasonal: return Baseline.seasonalNaive(season: season!).forecast(series, origin: origin, horizon: horizon)
        }
    }

    /// Fills batch column `b` of time-major `inputs` (L·B, F) with the encoded history before
    /// `origin`, and row `b` of `targets` (B, H) with the encoded targets when given.
    /// Returns the references r_h, needed to decode the forecast.
    @discardableResult
    public func encode(_ series: [Double], origin: Int, batchIndex b: Int, batchSize: Int,
                       inputs: Matrix, targets: Matrix? = nil) -> [Double] {
        precondition(origin >= lookback && origin <= series.count, "origin \(origin) outside \(lookback)...\(series.count)")
        precondition(inputs.rows == lookback * batchSize && inputs.cols == featureCount && b < batchSize)
        let a = anchor(series, origin: origin)
        for step in 0..<lookback {
            let i = origin - lookback + step
            inputs[step * batchSize + b, 0] = Float((series[i] - a) / scale)
            if reference == .seasonal {
                let m = season!
                inputs[step * batchSize + b, 1] = i >= m ? Float((series[i] - series[i - m]) / scale) : 0
            }
        }
        let r = references(series, origin: origin)
        if let targets {
            precondition(targets.rows == batchSize && targets.cols == horizon && origin + horizon <= series.count)
            for h in 0..<horizon { targets[b, h] = Float((series[origin + h] - r[h]) / scale) }
        }
        return r
    }

    /// The forecast in the units of the series from one row of model outputs.
    public func decode(_ outputs: Matrix, row: Int, references r: [Double]) -> [Double] {
        precondition(outputs.cols == horizon && r.count == horizon)
        return (0..<horizon).map { h in r[h] + scale * Double(outputs[row, h]) }
    }
}
