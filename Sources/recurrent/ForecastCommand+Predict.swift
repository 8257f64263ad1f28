import ArgumentParser
import Foundation
import Recurrent
import RecurrentSeries

extension ForecastCommand {
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forecast the values after the end of a CSV file with a trained checkpoint.",
            discussion: """
            Reads DATA the way the checkpoint's training data was read (column, date column, \
            wide format, missing values), unless overridden, and forecasts with the model \
            forecast train recommended (--model to choose). Writes the forecast as CSV \
            (date,forecast — step,forecast for undated data) and an SVG plot of the recent \
            history and the forecast. With --backtest the end of DATA is forecast from \
            --origins origins --step values apart (rolling origin), each from the values \
            before it: the CSV gains actual and origin columns, the plot shows the actual \
            values, and every model's errors (the network, last value, seasonal naive, ETS, \
            theta, ARIMA) are printed side by side.

            Example: recurrent forecast predict forecast-run/forecast.safetensors co2.csv --horizon 26
            """
        )

        @Argument(help: "The checkpoint (forecast.safetensors from forecast train).")
        var checkpoint: String

        @Argument(help: "The CSV file (a path, or a bundled name: recurrent data list).")
        var data: String

        @Option(help: "Values to forecast (at most the trained horizon; default: the trained horizon).")
        var horizon: Int?

        @OptionGroup var input: SeriesInputOverrides
        @OptionGroup var backtest: BacktestOptions

        @Option(help: ArgumentHelp("The model to forecast with: network (or hybrid), ets, theta, arima, last-value or seasonal-naive.",
                                   discussion: "Default: the model forecast train recommended (the network for checkpoints written before it recommended one)."))
        var model: ForecastMethodKind?

        @Option(help: "Where to write the forecast CSV.")
        var output = "forecast.csv"

        @Option(help: "Where to write the SVG plot.")
        var plot = "forecast.svg"

        @Flag(help: "Print the forecast (and backtest errors) as one JSON document on stdout.")
        var json = false

        func validate() throws {
            if let horizon, horizon < 1 { throw ValidationError("--horizon must be at least 1.") }
            try backtest.check()
        }

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            let stored = try LoadedForecaster(contentsOf: checkpoint)
            let data = try BundledData.path(self.data)
            try InputFileCheck.requireDataFile(data, role: "CSV file")
            let methods: [any ForecastMethod] = [stored.network] + ForecastMethodKind.baselines(season: stored.season)
            let chosen = try method(among: methods, stored: stored)
            let h = horizon ?? stored.horizon
            let forecast = try forecastFile(data, with: chosen, horizon: h, stored: stored)
            try seriesWrite(forecast.csv(), to: output)
            try seriesWrite(forecast.plot(stored: stored), to: plot)
            seriesNote("wrote \(output) and \(plot)")
            try report(forecast, methods: methods, stored: stored)
        }

        /// The model `--model` names, or the one the checkpoint recommends; it must forecast `--horizon` values at once.
        func method(among methods: [any ForecastMethod], stored: LoadedForecaster) throws -> any ForecastMethod {
            let kind = model ?? stored.recommended
            guard let chosen = methods.first(where: { $0.kind == kind }) else {
                throw SeriesError.invalidArgument("--model \(kind.rawValue) is not in this checkpoint"
                    + (kind == .seasonalNaive ? " (it records no season)" : "") + "; use last-value, ets, theta, arima or "
                    + "\(stored.network.kind.rawValue).")
            }
            let h = horizon ?? stored.horizon
            if let limit = chosen.maximumHorizon, h > limit {
                throw SeriesError.invalidArgument("this model forecasts at most \(limit) values at once (direct "
                    + "multi-step); ask for --horizon \(limit) or less, or train with a longer --horizon.")
            }
            return chosen
        }

        /// Reads `file` as the checkpoint's data was read (unless overridden) and forecasts it with
        /// `chosen`: past its end, or from the backtest origins; says on stderr what was read.
        func forecastFile(_ file: String, with chosen: any ForecastMethod, horizon h: Int,
                          stored: LoadedForecaster) throws -> SeriesForecast {
            let source = stored.source
            let raw = try TimeSeries.read(contentsOf: file, column: input.column ?? source.column,
                                          dateColumn: input.dateColumn ?? source.dateColumn, wide: source.wide)
            let policy = input.missing ?? source.missing
            let series = try raw.filled(policy)
            let values = series.values
            let history = max(chosen.minimumHistory, 2)
            let backtestStep = backtest.step ?? max(1, (h + 1) / 2)
            let isBacktest = backtest.backtest
            let needed = history + (isBacktest ? h + (backtest.origins - 1) * backtestStep : 0)
            guard values.count >= (isBacktest ? history + h : history) else {
                throw SeriesError.tooFewValues(file: file, column: series.name, count: values.count, needed: needed,
                                               reason: "\(chosen.name) needs \(history) values of history"
                                                   + (isBacktest ? " + horizon \(h) held out" : ""))
            }
            seriesNote("\(file): \(values.count) values of '\(series.name)'; " + seriesMissingNote(raw, policy: policy) + ".")
            seriesNote("model: \(chosen.name)" + (model == nil ? (!stored.hasChoice ? " (the checkpoint's network)"
                                                                  : " (recommended by forecast train; --model to choose)") : "") + ".")
            let starts = isBacktest
                ? (0..<backtest.origins).map { values.count - h - $0 * backtestStep }.filter { $0 >= history }.reversed()
                : [values.count]
            return SeriesForecast(method: chosen, series: series, frequency: series.frequency ?? stored.frequency,
                                  origins: Array(starts), horizon: h, step: backtestStep, isBacktest: isBacktest)
        }

        /// Prints the results: with --backtest every model's errors (or one JSON document), else
        /// the forecast as CSV (or JSON).
        func report(_ forecast: SeriesForecast, methods: [any ForecastMethod], stored: LoadedForecaster) throws {
            let starts = forecast.origins, h = forecast.horizon, values = forecast.series.values
            let chosen = forecast.method
            guard forecast.isBacktest else {
                if json {
                    try JSONOutput.print(ForecastPredictJSON(model: chosen.kind.rawValue, forecast: forecast.jsonRows(), backtest: nil))
                } else {
                    print(forecast.csv(), terminator: "")
                }
                return
            }
            let evaluation = RollingOrigin(origins: starts, horizon: h)
            let scale = evaluation.maseScale(values, season: stored.season)
            let scores = evaluation.scores(methods, series: values, scale: scale)
            let coverage = forecast.intervals.isEmpty ? nil
                : PredictionInterval.coverage(forecast.intervals, actuals: starts.map { Array(values[$0..<($0 + h)]) })
            if json {
                try JSONOutput.print(ForecastPredictJSON(model: chosen.kind.rawValue, forecast: forecast.jsonRows(), backtest: .init(
                    origins: starts.map { $0 + 1 }, horizon: h, step: forecast.step, scores: scores.map(ForecastScoreJSON.init),
                    intervalCoverage: coverage)))
                return
            }
            print("backtest: \(starts.count) origins × horizon \(h) (values \(evaluation.span.lowerBound)..<"
                + "\(evaluation.span.upperBound), origins every \(forecast.step)), each forecast from the values before it; "
                + "statistics refit at each origin; MASE scaled by the in-sample "
                + (stored.season.map { "seasonal-naive (m=\($0))" } ?? "naive") + " error before the first origin")
            print(scores.formattedTable())
            if let coverage {
                let inside = Int((coverage * Double(starts.count * h)).rounded())
                print(String(format: "%@ %d%% interval: %d of %d backtest values inside (coverage %.1f%%)", chosen.name,
                             forecast.percent, inside, starts.count * h, 100 * coverage))
            }
            if let testStart = stored.testStart, forecast.cut < testStart {
                print("note: on the training file the network's test part began at value \(testStart); earlier "
                    + "windows were seen in training or early stopping, which flatters it.")
            }
        }
    }
}

/// `forecast predict --json`: the forecast rows (as in the CSV) and, with --backtest, the errors.
struct ForecastPredictJSON: Encodable {
    struct Row: Encodable {
        /// 1-based index of the value forecast.
        var step: Int
        var date: String?
        var forecast: Double
        var actual: Double?
        /// With --backtest: the 1-based index of the first value this row's forecast did not see.
        var origin: Int?
        /// The prediction interval, for models that give one (the hybrid).
        var lower: Double? = nil
        var upper: Double? = nil
    }
    struct Backtest: Encodable {
        /// 1-based index of each origin's first forecast value, oldest first.
        var origins: [Int]
        var horizon: Int
        /// Values between origins.
        var step: Int
        var scores: [ForecastScoreJSON]
        /// The share of backtest values inside the model's prediction intervals (when it gives them).
        var intervalCoverage: Double? = nil
    }
    /// The model that forecast (`network`, `ets`, `theta`, `last-value`, `seasonal-naive`).
    var model: String
    var forecast: [Row]
    var backtest: Backtest?
}
