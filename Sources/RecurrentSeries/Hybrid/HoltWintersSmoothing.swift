import Foundation

/// Holt-Winters level and multiplicative seasonality with learnable coefficients, as in the
/// exponential-smoothing half of Smyl's ES-RNN (2020), differentiable end to end.
///
/// For positive values y[0 ..< n] and season m (m = 1: level only, s ≡ 1):
///
///     α = sigmoid(a), γ = sigmoid(g), s[j] = exp(c_j)           j < m  (initial indices)
///     ℓ[0] = y[0] / s[0]
///     ℓ[t] = α · y[t] / s[t] + (1 − α) · ℓ[t−1]                t ≥ 1
///     s[t+m] = γ · y[t] / ℓ[t] + (1 − γ) · s[t]                 t ≥ 0
///
/// ℓ[t] and s[t+m] depend on y[...t] only, so a window at origin t that reads ℓ[t−1] and
/// s[... t−1+m] uses the past only. The raw parameters (a, g, c) are unconstrained; the
/// sigmoid keeps α, γ in (0, 1) and the exponential keeps the indices positive.
public struct HoltWintersSmoothing: Sendable, Equatable {
    /// Raw level coefficient a (α = sigmoid(a)).
    public var levelLogit: Double
    /// Raw seasonality coefficient g (γ = sigmoid(g)); unused when `season` is 1.
    public var seasonLogit: Double
    /// Logarithms c_j of the m initial seasonal indices.
    public var initialLogSeason: [Double]

    public init(levelLogit: Double, seasonLogit: Double, initialLogSeason: [Double]) {
        precondition(!initialLogSeason.isEmpty)
        self.levelLogit = levelLogit
        self.seasonLogit = seasonLogit
        self.initialLogSeason = initialLogSeason
    }

    /// m: 1 without a season.
    public var season: Int { initialLogSeason.count }
    public var alpha: Double { sigmoid(levelLogit) }
    public var gamma: Double { season > 1 ? sigmoid(seasonLogit) : 0 }

    /// Starting values for `values` (positive): α = 0.5, γ = 0.2 and, with a season, initial
    /// indices from the first full seasons (each position's mean ratio to its season's mean).
    public init(initialFor values: [Double], season m: Int) {
        var logSeason = [Double](repeating: 0, count: max(1, m))
        if m > 1, values.count >= m {
            let seasons = max(1, min(values.count / m, 3))
            var ratios = [Double](repeating: 0, count: m)
            for k in 0..<seasons {
                let block = values[(k * m)..<((k + 1) * m)]
                let mean = block.reduce(0, +) / Double(m)
                for j in 0..<m { ratios[j] += values[k * m + j] / mean / Double(seasons) }
            }
            logSeason = ratios.map { Foundation.log(max($0, 1e-3)) }
        }
        self.init(levelLogit: 0, seasonLogit: logit(0.2), initialLogSeason: logSeason)
    }

    /// The states of one pass: ℓ[0 ..< n] and s[0 ..< n + m].
    public struct States: Sendable {
        public var level: [Double]
        public var seasonality: [Double]

        /// The seasonal index at time `i` as known before `origin` (i ≥ origin reuses the last
        /// known index of the same position: s[origin + (i − origin) mod m]).
        public func index(_ i: Int, origin: Int, season m: Int) -> Int {
            i < origin + m ? i : origin + (i - origin) % m
        }
    }

    /// Runs the recursion over `values` (all positive).
    public func smooth(_ values: [Double]) -> States {
        let n = values.count, m = season
        let a = alpha, g = gamma
        var level = [Double](repeating: 0, count: n)
        var seasonality = [Double](repeating: 1, count: n + m)
        if m > 1 { for j in 0..<m { seasonality[j] = Foundation.exp(initialLogSeason[j]) } }
        for t in 0..<n {
            level[t] = t == 0 ? values[0] / seasonality[0]
                              : a * values[t] / seasonality[t] + (1 - a) * level[t - 1]
            if m > 1 { seasonality[t + m] = g * values[t] / level[t] + (1 - g) * seasonality[t] }
        }
        return States(level: level, seasonality: seasonality)
    }

    /// Gradients with respect to the raw parameters (a, g, c) of a loss whose gradients with
    /// respect to the states are `dLevel` (n) and `dSeasonality` (n + m). Both arrays are
    /// used as scratch space (backpropagation through the recursion, last step first).
    public func backward(_ values: [Double], states: States, dLevel: inout [Double], dSeasonality: inout [Double])
        -> (levelLogit: Double, seasonLogit: Double, initialLogSeason: [Double]) {
        let n = values.count, m = season
        let a = alpha, g = gamma
        let level = states.level, s = states.seasonality
        precondition(dLevel.count == n && dSeasonality.count == n + m)
        var dAlpha = 0.0, dGamma = 0.0
        for t in stride(from: n - 1, through: 0, by: -1) {
            if m > 1 {
                // s[t+m] = γ y[t]/ℓ[t] + (1 − γ) s[t]
                let d = dSeasonality[t + m]
                dGamma += d * (values[t] / level[t] - s[t])
                dLevel[t] -= d * g * values[t] / (level[t] * level[t])
                dSeasonality[t] += d * (1 - g)
            }
            let d = dLevel[t]
            if t == 0 {
                dSeasonality[0] -= d * values[0] / (s[0] * s[0])           // ℓ[0] = y[0]/s[0]
            } else {
                // ℓ[t] = α y[t]/s[t] + (1 − α) ℓ[t−1]
                dAlpha += d * (values[t] / s[t] - level[t - 1])
                dSeasonality[t] -= d * a * values[t] / (s[t] * s[t])
                dLevel[t - 1] += d * (1 - a)
            }
        }
        let dInitial = m > 1 ? (0..<m).map { dSeasonality[$0] * s[$0] } : [0]
        return (dAlpha * a * (1 - a), m > 1 ? dGamma * g * (1 - g) : 0, dInitial)
    }
}

fileprivate func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
fileprivate func logit(_ p: Double) -> Double { Foundation.log(p / (1 - p)) }
