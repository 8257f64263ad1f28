/// A trained forecaster's checkpoint, whichever model it holds — `ForecastCheckpoint`'s
/// network or `HybridCheckpoint`'s ES-RNN ensemble: the model as a forecasting method, its
/// window, and the record both kinds keep beside it (the `source`, `season`, `frequency`,
/// `training` and `choice` metadata entries), so a reader takes them from either in one place.
public protocol ForecasterCheckpoint: SeriesCheckpoint {
    /// The trained model as a forecasting method.
    var method: any ForecastMethod { get }
    /// Values each forecast reads.
    var lookback: Int { get }
    /// Values it forecasts at most, from one origin.
    var horizon: Int { get }
    var source: ForecastSource { get }
    var season: Int? { get }
    var frequency: SeriesFrequency? { get }
    var training: ForecastTrainingRecord? { get }
    var choice: ModelChoice? { get }
    /// The model `predict` uses unless told otherwise.
    var recommended: ForecastMethodKind { get }
}

extension ForecastCheckpoint: ForecasterCheckpoint {
    public var method: any ForecastMethod { NetworkMethod(model: model, encoding: encoding) }
    public var lookback: Int { encoding.lookback }
    public var horizon: Int { encoding.horizon }
}

extension HybridCheckpoint: ForecasterCheckpoint {
    public var method: any ForecastMethod { ensemble }
    public var lookback: Int { ensemble.configuration.lookback }
    public var horizon: Int { ensemble.configuration.horizon }
}
