/// The shape of an ES-RNN hybrid (`HybridModel`): everything needed to rebuild it from a checkpoint.
public struct HybridConfiguration: Codable, Equatable, Sendable {
    /// L: values of history the network reads.
    public var lookback: Int
    /// H: values forecast at once.
    public var horizon: Int
    /// m of the Holt-Winters seasonality; 1 for level only.
    public var season: Int
    public var hiddenSize: Int
    /// Stacked LSTM layers.
    public var numLayers: Int
    /// The quantiles the network forecasts (pinball loss), ascending; 0.5 is the point forecast.
    public var quantiles: [Double]
    /// λ of the level-wiggliness penalty λ · mean((Δlog ℓ[t+1] − Δlog ℓ[t])²) (Smyl 2020); 0: none.
    public var levelPenalty: Double
    /// Added to every value before smoothing so that the training part is positive (0 for
    /// positive series); subtracted from forecasts.
    public var offset: Double

    public static let defaultQuantiles = [0.1, 0.5, 0.9]
    public static let defaultHiddenSize = 32
    /// The level penalty's λ when none is given: Smyl's value for his monthly M4 models (50; 80
    /// for quarterly ones) when the smoothing has a season, none without one. With a season, a
    /// level free to follow every wiggle takes over what the LSTM should forecast (on elnino
    /// λ = 50 cut the ensemble's backtest MASE from 0.78 to 0.58); without one the level is the
    /// only smoothing and must follow the series (on yearly lynx λ = 50 made it worse, 0.97 →
    /// 1.08; docs/series.md).
    public static func defaultLevelPenalty(season: Int) -> Double { season > 1 ? 50 : 0 }

    public init(lookback: Int, horizon: Int, season: Int = 1, hiddenSize: Int = defaultHiddenSize, numLayers: Int = 1,
                quantiles: [Double] = defaultQuantiles, levelPenalty: Double = 0, offset: Double = 0) {
        self.lookback = lookback
        self.horizon = horizon
        self.season = season
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.quantiles = quantiles
        self.levelPenalty = levelPenalty
        self.offset = offset
    }

    /// Whether the configuration can be built (checked on checkpoints before allocating).
    public var isValid: Bool {
        lookback >= 1 && horizon >= 1 && season >= 1 && hiddenSize >= 1 && numLayers >= 1 && levelPenalty >= 0
            && offset.isFinite && !quantiles.isEmpty && quantiles.contains(0.5) && quantiles == quantiles.sorted()
            && quantiles.allSatisfy { $0 > 0 && $0 < 1 } && Set(quantiles).count == quantiles.count
    }

    /// Q: quantiles per step.
    public var quantileCount: Int { quantiles.count }
    /// The column block of the median (the point forecast).
    public var medianIndex: Int { quantiles.firstIndex(of: 0.5)! }

    /// The season of the smoothing: `given` (`--season`) when there is one; none (1) for yearly
    /// or coarser data, as Smyl's ES-RNN has no seasonality for yearly series — a cycle in
    /// yearly data (lynx, ~10 years) is not a calendar season, and a fixed index per position
    /// misfits a cycle whose length wanders; else the detected season.
    public static func smoothingSeason(given: Int?, detected: Int?, frequency: SeriesFrequency?) -> Int {
        if let given { return given }
        if case .months(let n)? = frequency, n >= 12 { return 1 }
        return detected ?? 1
    }

    /// The offset that makes `training` positive: 0 when it already is, else −min plus a tenth
    /// of its range (so later values a little below the training minimum stay positive).
    public static func offset(for training: [Double]) -> Double {
        guard let low = training.min(), let high = training.max(), low <= 0 else { return 0 }
        return -low + max(0.1 * (high - low), 1e-6)
    }
}
