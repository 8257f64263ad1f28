import Recurrent

/// How a window of history becomes model inputs and how model outputs become forecasts.
///
/// A window at origin `t` has history x = y[t−L ..< t] (lookback L) and targets
/// y[t ..< t+H] (horizon H). With scale σ and the training mean μ from `standardizer`:
///
///     reference r = μ             (`.mean`)        or  y[t−1]  (`.lastValue`)
///     input   x'ᵢ = (xᵢ − r) / σ        target z_h = (y[t+h] − r) / σ
///     forecast ŷ[t+h] = r + σ · output_h
///
/// `.lastValue` (the default) expresses each window relative to its last observed value, so
/// a trending series (CO₂ rises every year) stays in the range the network saw in training
/// even when the test part lies above every training value; `.mean` is plain standardisation.
/// Either way μ and σ come from the training part only.
public struct WindowEncoding: Codable, Equatable, Sendable {
    public enum Reference: String, Codable, Sendable, CaseIterable {
        case mean
        case lastValue
    }

    public var lookback: Int
    public var horizon: Int
    public var standardizer: Standardizer
    public var reference: Reference

    public init(lookback: Int, horizon: Int, standardizer: Standardizer, reference: Reference = .lastValue) {
        precondition(lookback >= 1 && horizon >= 1 && standardizer.featureCount == 1)
        self.lookback = lookback
        self.horizon = horizon
        self.standardizer = standardizer
        self.reference = reference
    }

    var scale: Double { standardizer.standardDeviation[0] }

    /// The reference value r for the window at `origin` of `series`.
    public func reference(_ series: [Double], origin: Int) -> Double {
        switch reference {
        case .mean: return standardizer.mean[0]
        case .lastValue: return series[origin - 1]
        }
    }

    /// Fills batch column `b` of time-major `inputs` (L·B, 1) with the encoded history before
    /// `origin`, and row `b` of `targets` (B, H) with the encoded targets when given.
    /// Returns the reference r, needed to decode the forecast.
    @discardableResult
    public func encode(_ series: [Double], origin: Int, batchIndex b: Int, batchSize: Int,
                       inputs: Matrix, targets: Matrix? = nil) -> Double {
        precondition(origin >= lookback && origin <= series.count, "origin \(origin) outside \(lookback)...\(series.count)")
        precondition(inputs.rows == lookback * batchSize && inputs.cols == 1 && b < batchSize)
        let r = reference(series, origin: origin)
        let s = scale
        for step in 0..<lookback {
            inputs[step * batchSize + b, 0] = Float((series[origin - lookback + step] - r) / s)
        }
        if let targets {
            precondition(targets.rows == batchSize && targets.cols == horizon && origin + horizon <= series.count)
            for h in 0..<horizon { targets[b, h] = Float((series[origin + h] - r) / s) }
        }
        return r
    }

    /// The forecast in the units of the series from one row of model outputs.
    public func decode(_ outputs: Matrix, row: Int, reference r: Double) -> [Double] {
        precondition(outputs.cols == horizon)
        return (0..<horizon).map { h in r + scale * Double(outputs[row, h]) }
    }
}
