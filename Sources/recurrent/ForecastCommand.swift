import ArgumentParser
import Foundation
import Recurrent
import RecurrentSeries

struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast a numeric series from a CSV file with an LSTM.",
        discussion: """
        The network reads the last --lookback values and predicts the next --horizon values at \
        once (direct multi-step). The series is split in time into training, validation and \
        test parts (70/15/15 %), normalised on the training part only, and the test part is \
        scored (MAE, RMSE, MASE) next to the last-value and seasonal-naive baselines, ETS \
        and ARIMA (each chosen by AICc) and theta. Rolling origins in the validation part pick the model \
        predict uses: the network only when it beats every baseline.
        """,
        subcommands: [Train.self, Predict.self]
    )
}

/// How to read a series from a CSV file.
struct SeriesInputOptions: ParsableArguments {
    @Option(help: "The column holding the values (a header name; a 1-based number without header).")
    var column: String?

    @Option(name: .customLong("date-column"),
            help: "The column of dates (default: the first column if it holds dates). With --wide, the period (year) column.")
    var dateColumn: String?

    @Flag(help: "Wide format: one row per year (period), one column per month (season); unrolled row by row.")
    var wide = false

    @Option(help: "Missing values: interpolate (linear) or skip (drop the time steps).")
    var missing: MissingValuePolicy = .interpolate
}

extension ForecastCommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a forecaster, score it on the test part, and save a checkpoint.",
            discussion: """
            Writes to --output: forecast.safetensors (the checkpoint), test-metrics.csv and \
            test-forecast.svg (the test part with forecasts made every --horizon steps). The \
            metrics table goes to stdout, progress to stderr.

            Example: recurrent forecast train co2.csv --column co2 --lookback 104 --horizon 52
            """
        )

        @Argument(help: "The CSV file (a path, or a bundled name: recurrent data list).")
        var data: String

        @OptionGroup var input: SeriesInputOptions

        @Option(help: ArgumentHelp("The network: lstm, or hybrid (ES-RNN: Holt-Winters smoothing learnt with an LSTM, with 80% intervals).",
                                   discussion: "hybrid ignores --reference and --cell; it handles the level and the season itself."))
        var model = ForecastNetworkKind.lstm

        @Option(help: "With --model hybrid: train N members (seeds --seed, --seed+1, …) side by side and forecast their median.")
        var ensemble = 1

        @Option(name: .customLong("level-penalty"),
                help: "With --model hybrid: weight of the penalty on a wiggly level (Smyl 2020); 0 turns it off.")
        var levelPenalty = 0.0

        @Option(help: "L: values of history the network reads.")
        var lookback: Int

        @Option(help: "H: values forecast at once.")
        var horizon: Int

        @Option(help: "Season length m for the seasonal-naive baseline and MASE (default: detected by autocorrelation).")
        var season: Int?

        @Option(help: "Maximum number of epochs.")
        var epochs = ForecastTrainingOptions().epochs

        @Option(name: .customLong("hidden-size"), help: "Hidden units of the recurrent layer.")
        var hidden = ForecastModelConfiguration.defaultHiddenSize

        @Option(help: "Stacked recurrent layers.")
        var layers = 1

        @Option(help: "Recurrent cell: lstm, gru or rnn.")
        var cell = CellArgument<SeriesCells>(.lstm)

        @Option(name: .customLong("batch-size"), help: "Windows per training step.")
        var batchSize = SeriesTrainingDefaults.batchSize

        @OptionGroup var optimizer: SeriesOptimizerOptions

        @Option(help: "Stop after this many epochs without a better validation loss.")
        var patience = ForecastTrainingOptions().patience

        @Option(help: ArgumentHelp("What the network forecasts relative to: seasonal (a correction to the seasonal-naive forecast), last (the window's last value) or mean (plain standardisation).", discussion: "auto: seasonal when a season ≤ --lookback is given or detected, else last."))
        var reference = ReferenceArgument(nil)

        @Option(help: "Fraction of the series (at its end) for the test part.")
        var test = 0.15

        @Option(help: "Fraction of the series (before the test part) for validation.")
        var validation = 0.15

        @Option(help: "Random seed (initialisation and window order).")
        var seed = SeriesTrainingDefaults.seed

        @Option(help: "Directory for the checkpoint, metrics (metrics.jsonl, test-metrics.csv) and plot.")
        var output = "forecast-run"

        @Flag(help: "Print the results as one JSON document on stdout (progress stays on stderr).")
        var json = false

        func validate() throws {
            guard lookback >= 1 else { throw ValidationError("--lookback must be at least 1.") }
            guard horizon >= 1 else { throw ValidationError("--horizon must be at least 1.") }
            guard epochs >= 1, hidden >= 1, layers >= 1, batchSize >= 1, patience >= 1 else {
                throw ValidationError("--epochs, --hidden-size, --layers, --batch-size and --patience must be at least 1.")
            }
            try optimizer.check()
            guard ensemble >= 1 else { throw ValidationError("--ensemble must be at least 1.") }
            guard ensemble == 1 || model == .hybrid else { throw ValidationError("--ensemble needs --model hybrid.") }
            guard levelPenalty >= 0 && levelPenalty.isFinite else { throw ValidationError("--level-penalty must be ≥ 0.") }
            if let season, season < 1 { throw ValidationError("--season must be at least 1.") }
            guard input.wide || input.column != nil else {
                throw ValidationError("name the value column with --column (or give --wide for one row per year).")
            }
        }

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            let data = try BundledData.path(self.data)
            try InputFileCheck.requireDataFile(data, role: "CSV file")
            let raw = try TimeSeries.read(contentsOf: data, column: input.column, dateColumn: input.dateColumn,
                                          wide: input.wide)
            let series = try raw.filled(input.missing)
            let frequency = series.frequency
            seriesNote("\(data): \(raw.values.count) values of '\(series.name)'"
                + (series.dates.map { " from \($0.first!) to \($0.last!)" } ?? "")
                + (frequency.map { ", \($0)" } ?? "")
                + "; " + seriesMissingNote(raw, policy: input.missing) + ".")
            let problem = try ForecastProblem(series: series, file: data, lookback: lookback, horizon: horizon,
                                              season: season, validationFraction: validation, testFraction: test,
                                              reference: model == .hybrid ? .lastValue : reference.reference)
            seriesNote("split: train \(problem.split.train.count), validation \(problem.split.validation.count), "
                + "test \(problem.split.test.count) values; windows: \(problem.trainOrigins.count) / "
                + "\(problem.validationOrigins.count) / \(problem.testOrigins.count).")
            seriesNote("season: " + (problem.season.map { "\($0)\(problem.seasonDetected ? " (detected)" : "")" }
                                     ?? "none detected (seasonal naive = last value; MASE scale m = 1)")
                + (model == .hybrid ? "." : "; the network forecasts relative to " + [WindowEncoding.Reference.seasonal: "the seasonal-naive forecast",
                    .lastValue: "the last value of each window", .mean: "the training mean"][problem.encoding.reference]! + "."))
            try seriesMakeDirectory(output)
            let lock = try RunFolderLock(directory: output)   // one run per folder at a time
            defer { lock.release() }
            let options = ForecastTrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: optimizer.learningRate,
                                                  clipNorm: optimizer.clip, patience: patience, seed: seed)
            if model == .hybrid {
                try trainHybrid(problem: problem, data: data, frequency: frequency, options: options)
                return
            }
            let trainer = try ForecastTrainer(problem: problem, cell: cell.kind, hiddenSize: hidden, numLayers: layers,
                                              options: options)
            let start = Date()
            let metrics = try MetricsLog(path: output + "/" + MetricsLog.fileName)
            let summary = try trainer.train(metrics: metrics) { e in
                seriesNote(String(format: "epoch %4d  train loss %.5f  validation MAE %.5f%@  (%.1fs)", e.epoch,
                                  e.trainingLoss, e.validationMAE, e.improved ? " *" : "", Date().timeIntervalSince(start)))
            }
            seriesNote("best epoch \(summary.bestEpoch) of \(summary.epochsRun) (validation MAE "
                + String(format: "%.5f", summary.bestValidationMAE) + "); weights of the best epoch kept.")

            let checkpoint = ForecastCheckpoint(
                model: trainer.model, encoding: problem.encoding,
                source: ForecastSource(file: data, column: input.column, dateColumn: input.dateColumn, wide: input.wide,
                                       missing: input.missing),
                season: problem.season, frequency: frequency,
                training: ForecastTrainingRecord(options: options, epochsRun: summary.epochsRun,
                                                 bestEpoch: summary.bestEpoch,
                                                 bestValidationMAE: summary.bestValidationMAE,
                                                 testScores: summary.testScores,
                                                 testStart: problem.split.test.lowerBound),
                choice: summary.choice)
            let checkpointPath = output + "/forecast.safetensors"
            try checkpoint.write(to: checkpointPath)

            var csv = "method,MAE,RMSE,MASE\n"
            for s in summary.testScores {
                csv += "\(s.method),\(seriesCSVNumber(s.accuracy.mae)),\(seriesCSVNumber(s.accuracy.rmse)),"
                    + "\(s.accuracy.mase.map(seriesCSVNumber) ?? "")\n"
            }
            try seriesWrite(csv, to: output + "/test-metrics.csv")
            try seriesWrite(testPlot(problem: problem, model: trainer.model, frequency: frequency),
                            to: output + "/test-forecast.svg")
            seriesNote("wrote \(checkpointPath), \(output)/test-metrics.csv, \(output)/test-forecast.svg, \(metrics.path)")
            if json {
                try JSONOutput.print(ForecastTrainJSON(
                    testWindows: problem.testOrigins.count, horizon: horizon,
                    testValues: [problem.split.test.lowerBound, problem.split.test.upperBound],
                    scores: summary.testScores.map(ForecastScoreJSON.init), epochsRun: summary.epochsRun,
                    bestEpoch: summary.bestEpoch, bestValidationMae: summary.bestValidationMAE,
                    checkpoint: checkpointPath, metrics: metrics.path,
                    choice: summary.choice.map { choice in
                        .init(recommended: choice.recommended.rawValue, origins: choice.origins, horizon: choice.horizon,
                              scores: choice.scores.map(ForecastScoreJSON.init), verdict: choice.verdict)
                    }))
                return
            }
            printTestReport(problem: problem, horizon: horizon, scores: summary.testScores, choice: summary.choice)
        }

        /// History before the test part, the test part's actual values, and forecasts made every
        /// H steps through it (each from the actual history before it).
        func testPlot(problem: ForecastProblem, model: ForecastModel, frequency: SeriesFrequency?) -> String {
            let values = problem.series.values
            let (historyStart, origins) = testPlotWindow(problem)
            let forecasts = model.forecast(values, origins: origins, encoding: problem.encoding)
            return seriesForecastPlot(title: "\(problem.series.name): test part, \(model.configuration.cell.rawValue.uppercased()) "
                                          + "forecasts every \(problem.horizon) steps",
                                      series: problem.series, frequency: frequency, historyStart: historyStart, cut: problem.split.test.lowerBound,
                                      showsActual: true, forecasts: zip(origins, forecasts).map { (origin: $0, values: $1) })
        }
    }

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

        @Option(help: "Override the value column stored in the checkpoint.")
        var column: String?

        @Option(name: .customLong("date-column"), help: "Override the date column stored in the checkpoint.")
        var dateColumn: String?

        @Option(help: "Override how missing values are handled: interpolate or skip.")
        var missing: MissingValuePolicy?

        @Flag(help: "Hold out the end of DATA and forecast it from several origins, to compare every model with the actual values.")
        var backtest = false

        @Option(help: "Backtest origins: forecasts of H values ending at the last value, then every --step values earlier.")
        var origins = 5

        @Option(help: "Values between backtest origins (default: half the horizon, rounded up).")
        var step: Int?

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
            guard origins >= 1 else { throw ValidationError("--origins must be at least 1.") }
            if let step, step < 1 { throw ValidationError("--step must be at least 1.") }
        }

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            let stored = try LoadedForecaster(contentsOf: checkpoint)
            let data = try BundledData.path(self.data)
            try InputFileCheck.requireDataFile(data, role: "CSV file")
            let network = stored.network
            let methods: [any ForecastMethod] = [network] + ForecastMethodKind.baselines(season: stored.season)
            let kind = model ?? stored.recommended
            guard let chosen = methods.first(where: { $0.kind == kind }) else {
                throw SeriesError.invalidArgument("--model \(kind.rawValue) is not in this checkpoint"
                    + (kind == .seasonalNaive ? " (it records no season)" : "") + "; use last-value, ets, theta, arima or "
                    + "\(network.kind.rawValue).")
            }
            let h = horizon ?? stored.horizon
            if let limit = chosen.maximumHorizon, h > limit {
                throw SeriesError.invalidArgument("this model forecasts at most \(limit) values at once (direct "
                    + "multi-step); ask for --horizon \(limit) or less, or train with a longer --horizon.")
            }
            let source = stored.source
            let raw = try TimeSeries.read(contentsOf: data, column: column ?? source.column,
                                          dateColumn: dateColumn ?? source.dateColumn, wide: source.wide)
            let policy = missing ?? source.missing
            let series = try raw.filled(policy)
            let values = series.values
            let history = max(chosen.minimumHistory, 2)
            let backtestStep = step ?? max(1, (h + 1) / 2)
            let needed = history + (backtest ? h + (origins - 1) * backtestStep : 0)
            guard values.count >= (backtest ? history + h : history) else {
                throw SeriesError.tooFewValues(file: data, column: series.name, count: values.count, needed: needed,
                                               reason: "\(chosen.name) needs \(history) values of history"
                                                   + (backtest ? " + horizon \(h) held out" : ""))
            }
            seriesNote("\(data): \(values.count) values of '\(series.name)'; " + seriesMissingNote(raw, policy: policy) + ".")
            seriesNote("model: \(chosen.name)" + (model == nil ? (!stored.hasChoice ? " (the checkpoint's network)"
                                                                  : " (recommended by forecast train; --model to choose)") : "") + ".")
            let starts = backtest
                ? (0..<origins).map { values.count - h - $0 * backtestStep }.filter { $0 >= history }.reversed()
                : [values.count]
            let withIntervals = (chosen as? any IntervalForecasting)?.forecastsWithIntervals(values, origins: Array(starts), horizon: h)
            let forecasts = withIntervals?.forecasts ?? chosen.forecasts(values, origins: Array(starts), horizon: h)
            let intervals = withIntervals?.intervals ?? []
            let percent = (chosen as? any IntervalForecasting).map { Int(($0.intervalProbability * 100).rounded()) } ?? 80
            let frequency = series.frequency ?? stored.frequency
            let dates = series.dates

            func dateText(_ i: Int) -> String {
                guard let dates, !dates.isEmpty else { return String(i + 1) }
                return seriesDate(dates, i, frequency: frequency)?.description ?? ""
            }
            var csv = (dates == nil ? "step" : "date") + ",forecast"
                + (intervals.isEmpty ? "" : ",lower\(percent),upper\(percent)") + (backtest ? ",actual,origin" : "") + "\n"
            for (o, (origin, forecast)) in zip(starts, forecasts).enumerated() {
                for (k, f) in forecast.enumerated() {
                    csv += dateText(origin + k) + "," + seriesCSVNumber(f)
                        + (intervals.isEmpty ? "" : "," + seriesCSVNumber(intervals[o].lower[k]) + ","
                            + seriesCSVNumber(intervals[o].upper[k]))
                        + (backtest ? "," + seriesCSVNumber(values[origin + k]) + "," + dateText(origin) : "") + "\n"
                }
            }
            try seriesWrite(csv, to: output)
            /// The forecast rows as `--json` shows them (every origin's, with --backtest).
            func forecastJSON() -> [ForecastPredictJSON.Row] {
                zip(starts, forecasts).enumerated().flatMap { o, pair in
                    let (origin, forecast) = pair
                    return forecast.enumerated().map { k, f in
                        ForecastPredictJSON.Row(step: origin + k + 1, date: dates == nil ? nil : dateText(origin + k),
                                                forecast: f, actual: backtest ? values[origin + k] : nil,
                                                origin: backtest ? origin + 1 : nil,
                                                lower: intervals.isEmpty ? nil : intervals[o].lower[k],
                                                upper: intervals.isEmpty ? nil : intervals[o].upper[k])
                    }
                }
            }

            let cut = starts.first!
            let historyStart = max(0, cut - max(3 * stored.lookback, 3 * (stored.season ?? 0), 3 * h))
            let title = "\(series.name): " + (backtest ? "backtest of \(chosen.name) from \(starts.count) origins"
                                                      : "\(chosen.name) forecast of \(h) values")
            let svg = seriesForecastPlot(title: title, series: series, frequency: frequency, historyStart: historyStart,
                                         cut: cut, showsActual: backtest,
                                         forecasts: zip(starts, forecasts).map { (origin: $0, values: $1) },
                                         intervals: intervals, intervalName: "\(percent)% interval")
            try seriesWrite(svg, to: plot)
            seriesNote("wrote \(output) and \(plot)")

            if backtest {
                let evaluation = RollingOrigin(origins: Array(starts), horizon: h)
                let scale = evaluation.maseScale(values, season: stored.season)
                let scores = evaluation.scores(methods, series: values, scale: scale)
                let coverage = intervals.isEmpty ? nil
                    : PredictionInterval.coverage(intervals, actuals: starts.map { Array(values[$0..<($0 + h)]) })
                if json {
                    try JSONOutput.print(ForecastPredictJSON(model: chosen.kind.rawValue, forecast: forecastJSON(), backtest: .init(
                        origins: starts.map { $0 + 1 }, horizon: h, step: backtestStep, scores: scores.map(ForecastScoreJSON.init),
                        intervalCoverage: coverage)))
                    return
                }
                print("backtest: \(starts.count) origins × horizon \(h) (values \(evaluation.span.lowerBound)..<"
                    + "\(evaluation.span.upperBound), origins every \(backtestStep)), each forecast from the values before it; "
                    + "statistics refit at each origin; MASE scaled by the in-sample "
                    + (stored.season.map { "seasonal-naive (m=\($0))" } ?? "naive") + " error before the first origin")
                print(scores.formattedTable())
                if let coverage {
                    let inside = Int((coverage * Double(starts.count * h)).rounded())
                    print(String(format: "%@ %d%% interval: %d of %d backtest values inside (coverage %.1f%%)", chosen.name,
                                 percent, inside, starts.count * h, 100 * coverage))
                }
                if let testStart = stored.testStart, cut < testStart {
                    print("note: on the training file the network's test part began at value \(testStart); earlier "
                        + "windows were seen in training or early stopping, which flatters it.")
                }
            } else if json {
                try JSONOutput.print(ForecastPredictJSON(model: chosen.kind.rawValue, forecast: forecastJSON(), backtest: nil))
            } else {
                print(csv, terminator: "")
            }
        }
    }
}

/// `forecast train --json`.
struct ForecastTrainJSON: Encodable {
    var testWindows: Int
    var horizon: Int
    /// The test part's value indices, [lower, upper).
    var testValues: [Int]
    var scores: [ForecastScoreJSON]
    var epochsRun: Int
    var bestEpoch: Int
    var bestValidationMae: Double
    var checkpoint: String
    var metrics: String
    /// The model choice on rolling origins in the validation part (absent when it could not be made).
    var choice: Choice?

    struct Choice: Encodable {
        /// `network`, `ets`, `theta`, `last-value` or `seasonal-naive`: what `predict` uses by default.
        var recommended: String
        var origins: [Int]
        var horizon: Int
        var scores: [ForecastScoreJSON]
        var verdict: String
    }
    /// `--model hybrid`: the share of the test values inside their 80 % intervals.
    var intervalCoverage: Double? = nil
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
