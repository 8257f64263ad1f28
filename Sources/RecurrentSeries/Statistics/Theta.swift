import Foundation

/// The theta method (Assimakopoulos & Nikolopoulos, 2000) in its standard form, simple
/// exponential smoothing with drift (Hyndman & Billah, 2003), as statsmodels' `ThetaModel`
/// computes it with θ = 2:
///
/// 1. Seasonal test at lag m: n·ρ(m)² / Σ_{k<m} ρ(k)² > 2.7055 (χ²(1) at 10 %), ρ the
///    autocorrelation of the series.
/// 2. When seasonal, classical decomposition: a centred moving average of m (2×m when m is
///    even) is the trend; the mean ratio y/trend (or difference, when some value is not
///    positive) at each position in the season, normalised to mean 1 (or 0), is the seasonal
///    index; the series is divided by it (or has it subtracted).
/// 3. b₀ = the least-squares slope of the adjusted series on time; simple exponential
///    smoothing from ℓ = y₀ with the α of least squares gives the level ℓₙ.
/// 4. ŷ(n+h) = ℓₙ + ½·b₀·(h − 1 + 1/α − (1 − α)ⁿ/α), re-seasonalised by the index of its position.
public struct Theta: Sendable {
    public let alpha: Double
    /// The slope b₀ of the adjusted series.
    public let slope: Double
    /// The SES level after the last value.
    public let level: Double
    /// The seasonal index by position (t mod m); empty when the series was not adjusted.
    public let seasonalIndex: [Double]
    public let multiplicative: Bool
    public let count: Int

    /// Fits the method to `values`; `period` is the season length (nil or < 2: no season; the
    /// test and adjustment need at least two full seasons).
    public init(_ values: [Double], period: Int?) {
        precondition(values.count >= 2, "theta needs two values")
        count = values.count
        var adjusted = values
        var index: [Double] = []
        var multiplicative = values.allSatisfy { $0 > 0 }
        if let m = period, m >= 2, values.count >= 2 * m, Self.isSeasonal(values, period: m) {
            index = Self.seasonalIndex(values, period: m, multiplicative: multiplicative)
            if multiplicative, index.contains(where: { $0 <= 0 }) {
                multiplicative = false
                index = Self.seasonalIndex(values, period: m, multiplicative: false)
            }
            adjusted = values.indices.map { multiplicative ? values[$0] / index[$0 % m] : values[$0] - index[$0 % m] }
        }
        self.multiplicative = multiplicative
        seasonalIndex = index
        slope = Self.leastSquaresSlope(adjusted)
        let (a, l) = Self.simpleExponentialSmoothing(adjusted)
        alpha = a
        level = l
    }

    public func forecast(horizon: Int) -> [Double] {
        let n = Double(count)
        // (1 − (1 − α)ⁿ)/α → n as α → 0.
        let start = alpha > 1e-12 ? 1 / alpha - pow(1 - alpha, n) / alpha : n
        return (0..<horizon).map { k in
            let value = level + 0.5 * slope * (Double(k) + start)
            guard !seasonalIndex.isEmpty else { return value }
            let s = seasonalIndex[(count + k) % seasonalIndex.count]
            return multiplicative ? value * s : value + s
        }
    }

    /// statsmodels' test: n·ρ(m)² / Σ_{k=0}^{m−1} ρ(k)² above the 10 % point of χ²(1).
    static func isSeasonal(_ values: [Double], period m: Int) -> Bool {
        let rho = SeasonDetection.autocorrelation(values, maxLag: m)
        let denominator = rho[0..<m].reduce(0) { $0 + $1 * $1 }
        return Double(values.count) * rho[m] * rho[m] / denominator > 2.705543454095404
    }

    /// The classical decomposition's seasonal index, by position t mod m.
    static func seasonalIndex(_ y: [Double], period m: Int, multiplicative: Bool) -> [Double] {
        let n = y.count
        // Centred moving average: weights 1/m over m values (m odd), or ½, 1, …, 1, ½ over m + 1 (m even).
        let half = m / 2
        let weights = m % 2 == 1 ? [Double](repeating: 1 / Double(m), count: m)
            : [0.5 / Double(m)] + [Double](repeating: 1 / Double(m), count: m - 1) + [0.5 / Double(m)]
        var sums = [Double](repeating: 0, count: m), counts = [Int](repeating: 0, count: m)
        for t in half..<(n - half) {
            var trend = 0.0
            for (k, w) in weights.enumerated() { trend += w * y[t - half + k] }
            sums[t % m] += multiplicative ? y[t] / trend : y[t] - trend
            counts[t % m] += 1
        }
        let averages = (0..<m).map { sums[$0] / Double(counts[$0]) }
        let mean = averages.reduce(0, +) / Double(m)
        return averages.map { multiplicative ? $0 / mean : $0 - mean }
    }

    static func leastSquaresSlope(_ y: [Double]) -> Double {
        let n = Double(y.count)
        let meanT = (n - 1) / 2, meanY = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (t, v) in y.enumerated() {
            sxy += (Double(t) - meanT) * (v - meanY)
            sxx += (Double(t) - meanT) * (Double(t) - meanT)
        }
        return sxy / sxx
    }

    /// The α ∈ [0, 1] of least one-step squared error for SES started at ℓ = y₀ (a grid of
    /// 0.01, then golden-section search around the best point), and the final level.
    static func simpleExponentialSmoothing(_ y: [Double]) -> (alpha: Double, level: Double) {
        func run(_ alpha: Double) -> (sse: Double, level: Double) {
            var level = y[0], sse = 0.0
            for v in y {
                let e = v - level
                sse += e * e
                level += alpha * e
            }
            return (sse, level)
        }
        let grid = (0...100).map { Double($0) / 100 }
        let bestIndex = grid.indices.min { run(grid[$0]).sse < run(grid[$1]).sse }!
        var lo = grid[max(bestIndex - 1, 0)], hi = grid[min(bestIndex + 1, 100)]
        let ratio = (5.0.squareRoot() - 1) / 2
        var x1 = hi - ratio * (hi - lo), x2 = lo + ratio * (hi - lo)
        var f1 = run(x1).sse, f2 = run(x2).sse
        for _ in 0..<60 {
            if f1 < f2 {
                hi = x2; x2 = x1; f2 = f1
                x1 = hi - ratio * (hi - lo); f1 = run(x1).sse
            } else {
                lo = x1; x1 = x2; f1 = f2
                x2 = lo + ratio * (hi - lo); f2 = run(x2).sse
            }
        }
        let candidates = [lo, hi, (lo + hi) / 2, grid[bestIndex]]
        let alpha = candidates.min { run($0).sse < run($1).sse }!
        return (alpha, run(alpha).level)
    }
}
