import Foundation
import Recurrent
import RecurrentSeries

/// A forecast checkpoint of either kind — the LSTM's (`recurrent-forecast-1`) or the hybrid's
/// (`recurrent-hybrid-1`) — as `forecast predict` uses it.
struct LoadedForecaster {
    /// The trained model as a forecasting method.
    var network: any ForecastMethod
    var lookback: Int
    var horizon: Int
    var source: ForecastSource
    var season: Int?
    var frequency: SeriesFrequency?
    var recommended: ForecastMethodKind
    var hasChoice: Bool
    var testStart: Int?

    /// Reads `path`, whichever kind it is; other files are errors naming the command to use.
    init(contentsOf path: String) throws {
        if case .safetensors(let format) = SniffedFile.sniff(path), format == HybridCheckpoint.format {
            let stored = try HybridCheckpoint(contentsOf: path)
            network = stored.ensemble
            lookback = stored.ensemble.configuration.lookback
            horizon = stored.ensemble.configuration.horizon
            source = stored.source
            season = stored.season
            frequency = stored.frequency
            recommended = stored.recommended
            hasChoice = stored.choice != nil
            testStart = stored.training?.testStart
            return
        }
        try InputFileCheck.requireCheckpoint(path, format: ForecastCheckpoint.format, command: "forecast predict")
        let stored = try ForecastCheckpoint(contentsOf: path)
        network = NetworkMethod(model: stored.model, encoding: stored.encoding)
        lookback = stored.encoding.lookback
        horizon = stored.encoding.horizon
        source = stored.source
        season = stored.season
        frequency = stored.frequency
        recommended = stored.recommended
        hasChoice = stored.choice != nil
        testStart = stored.training?.testStart
    }
}
