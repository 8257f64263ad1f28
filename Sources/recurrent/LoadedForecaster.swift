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
        let stored: any ForecasterCheckpoint
        if case .safetensors(let format) = SniffedFile.sniff(path), format == HybridCheckpoint.format {
            stored = try HybridCheckpoint(contentsOf: path)
        } else {
            try InputFileCheck.requireCheckpoint(path, format: ForecastCheckpoint.format, command: "forecast predict")
            stored = try ForecastCheckpoint(contentsOf: path)
        }
        network = stored.method
        lookback = stored.lookback
        horizon = stored.horizon
        source = stored.source
        season = stored.season
        frequency = stored.frequency
        recommended = stored.recommended
        hasChoice = stored.choice != nil
        testStart = stored.training?.testStart
    }
}
