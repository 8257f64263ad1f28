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
        scored (MAE, RMSE, MASE) next to the last-value and seasonal-naive baselines.
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

            Example: recurrent forecast train ../shared/series/co2.csv --column co2 --lookback 104 --horizon 52
            """
        )

        @Argument(help: "The CSV file.")
        var data: String

        @OptionGroup var input: SeriesInputOptions

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

        @Option(help: "Directory for the checkpoint, metrics and plot.")
        var output = "forecast-run"

        func validate() throws {
            guard lookback >= 1 else { throw ValidationError("--lookback must be at least 1.") }
            guard horizon >= 1 else { throw ValidationError("--horizon must be at least 1.") }
            guard epochs >= 1, hidden >= 1, layers >= 1, batchSize >= 1, patience >= 1 else {
                throw ValidationError("--epochs, --hidden-size, --layers, --batch-size and --patience must be at least 1.")
            }
            try optimizer.check()
            if let season, season < 1 { throw ValidationError("--season must be at least 1.") }
            guard input.wide || input.column != nil else {
                throw ValidationError("name the value column with --column (or give --wide for one row per year).")
            }
        }

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            try InputFileCheck.requireDataFile(data, role: "CSV file")
            let raw = try TimeSeries.read(contentsOf: data, column: input.column, dateColumn: input.dateColumn,
                                          wide: input.wide)
            let series = try raw.filled(input.missing)
            let frequency = series.frequency
            seriesNote("\(data): \(raw.values.count) values of '\(series.name)'"
                + (series.dates.map { " from \($0.first!) to \($0.last!)" } ?? "")
                + (frequency.map { ", \($0)" } ?? "")
                + "; \(series.missingCount) missing, \(input.missing == .interpolate ? "interpolated" : "skipped").")
            let problem = try ForecastProblem(series: series, file: data, lookback: lookback, horizon: horizon,
                                              season: season, validationFraction: validation, testFraction: test,
                                              reference: reference.reference)
            seriesNote("split: train \(problem.split.train.count), validation \(problem.split.validation.count), "
                + "test \(problem.split.test.count) values; windows: \(problem.trainOrigins.count) / "
                + "\(problem.validationOrigins.count) / \(problem.testOrigins.count).")
            seriesNote("season: " + (problem.season.map { "\($0)\(problem.seasonDetected ? " (detected)" : "")" }
                                     ?? "none detected (seasonal naive = last value; MASE scale m = 1)")
                + "; the network forecasts relative to " + [WindowEncoding.Reference.seasonal: "the seasonal-naive forecast",
                    .lastValue: "the last value of each window", .mean: "the training mean"][problem.encoding.reference]! + ".")
            try seriesMakeDirectory(output)
            let options = ForecastTrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: optimizer.learningRate,
                                                  clipNorm: optimizer.clip, patience: patience, seed: seed)
            let trainer = try ForecastTrainer(problem: problem, cell: cell.kind, hiddenSize: hidden, numLayers: layers,
                                              options: options)
            let start = Date()
            let summary = try trainer.train { e in
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
                                                 testScores: summary.testScores))
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
            seriesNote("wrote \(checkpointPath), \(output)/test-metrics.csv, \(output)/test-forecast.svg")
            print("test part: \(problem.testOrigins.count) windows × horizon \(horizon) "
                + "(values \(problem.split.test.lowerBound)..<\(problem.split.test.upperBound))")
            print(summary.testScores.formattedTable())
        }

        /// History before the test part, the test part's actual values, and forecasts made every
        /// H steps through it (each from the actual history before it).
        func testPlot(problem: ForecastProblem, model: ForecastModel, frequency: SeriesFrequency?) -> String {
            let values = problem.series.values
            let testStart = problem.split.test.lowerBound
            let historyStart = max(0, testStart - max(3 * problem.lookback, 3 * (problem.season ?? 0)))
            let origins = Array(stride(from: max(testStart, problem.lookback), through: values.count - problem.horizon,
                                       by: problem.horizon))
            let forecasts = model.forecast(values, origins: origins, encoding: problem.encoding)
            return seriesForecastPlot(title: "\(problem.series.name): test part, \(model.configuration.cell.rawValue.uppercased()) "
                                          + "forecasts every \(problem.horizon) steps",
                                      series: problem.series, frequency: frequency, historyStart: historyStart, cut: testStart,
                                      showsActual: true, forecasts: zip(origins, forecasts).map { (origin: $0, values: $1) })
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forecast the values after the end of a CSV file with a trained checkpoint.",
            discussion: """
            Reads DATA the way the checkpoint's training data was read (column, date column, \
            wide format, missing values), unless overridden. Writes the forecast as CSV \
            (date,forecast — step,forecast for undated data) and an SVG plot of the recent \
            history and the forecast. With --backtest the last H values of DATA are held out \
            and forecast from what precedes them: the CSV gains an actual column, the plot shows \
            the actual values, and the errors are printed next to the baselines'.

            Example: recurrent forecast predict forecast-run/forecast.safetensors ../shared/series/co2.csv --horizon 26
            """
        )

        @Argument(help: "The checkpoint (forecast.safetensors from forecast train).")
        var checkpoint: String

        @Argument(help: "The CSV file.")
        var data: String

        @Option(help: "Values to forecast (at most the trained horizon; default: the trained horizon).")
        var horizon: Int?

        @Option(help: "Override the value column stored in the checkpoint.")
        var column: String?

        @Option(name: .customLong("date-column"), help: "Override the date column stored in the checkpoint.")
        var dateColumn: String?

        @Option(help: "Override how missing values are handled: interpolate or skip.")
        var missing: MissingValuePolicy?

        @Flag(help: "Hold out the last H values and forecast them, to compare with the actual values.")
        var backtest = false

        @Option(help: "Where to write the forecast CSV.")
        var output = "forecast.csv"

        @Option(help: "Where to write the SVG plot.")
        var plot = "forecast.svg"

        func validate() throws {
            if let horizon, horizon < 1 { throw ValidationError("--horizon must be at least 1.") }
        }

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            try InputFileCheck.requireCheckpoint(checkpoint, format: ForecastCheckpoint.format, command: "forecast predict")
            try InputFileCheck.requireDataFile(data, role: "CSV file")
            let stored = try ForecastCheckpoint(contentsOf: checkpoint)
            let model = stored.model, encoding = stored.encoding
            let h = horizon ?? encoding.horizon
            guard h <= encoding.horizon else {
                throw SeriesError.invalidArgument("this model forecasts at most \(encoding.horizon) values at once (direct "
                    + "multi-step); ask for --horizon \(encoding.horizon) or less, or train with a longer --horizon.")
            }
            let source = stored.source
            let raw = try TimeSeries.read(contentsOf: data, column: column ?? source.column,
                                          dateColumn: dateColumn ?? source.dateColumn, wide: source.wide)
            let policy = missing ?? source.missing
            let series = try raw.filled(policy)
            let values = series.values
            let needed = encoding.lookback + (backtest ? h : 0)
            guard values.count >= needed else {
                throw SeriesError.tooFewValues(file: data, column: series.name, count: values.count, needed: needed,
                                               reason: "lookback \(encoding.lookback)" + (backtest ? " + horizon \(h) held out" : ""))
            }
            seriesNote("\(data): \(values.count) values of '\(series.name)'; \(series.missingCount) missing, "
                + (policy == .interpolate ? "interpolated." : "skipped."))
            let origin = backtest ? values.count - h : values.count
            let forecast = Array(model.forecast(values, origins: [origin], encoding: encoding)[0].prefix(h))
            let frequency = series.frequency ?? stored.frequency
            let dates = series.dates

            func dateText(_ i: Int) -> String {
                guard let dates, !dates.isEmpty else { return String(i + 1) }
                return seriesDate(dates, i, frequency: frequency)?.description ?? ""
            }
            var csv = (dates == nil ? "step" : "date") + ",forecast" + (backtest ? ",actual" : "") + "\n"
            for (k, f) in forecast.enumerated() {
                csv += dateText(origin + k) + "," + seriesCSVNumber(f)
                    + (backtest ? "," + seriesCSVNumber(values[origin + k]) : "") + "\n"
            }
            try seriesWrite(csv, to: output)

            let historyStart = max(0, origin - max(3 * encoding.lookback, 3 * (stored.season ?? 0), 3 * h))
            let title = "\(series.name): " + (backtest ? "backtest of the last \(h) values" : "forecast of \(h) values")
            let svg = seriesForecastPlot(title: title, series: series, frequency: frequency, historyStart: historyStart,
                                         cut: origin, showsActual: backtest, forecasts: [(origin: origin, values: forecast)])
            try seriesWrite(svg, to: plot)
            seriesNote("wrote \(output) and \(plot)")

            if backtest {
                let actual = [Array(values[origin..<(origin + h)])]
                let training = Array(values[..<origin])
                let scale = ForecastAccuracy.maseScale(training: training, season: stored.season ?? 1)
                var scores = [ForecastScore(method: model.configuration.cell.rawValue.uppercased(),
                                            accuracy: ForecastAccuracy(forecasts: [forecast], actuals: actual, scale: scale))]
                var baselines: [Baseline] = [.lastValue]
                if let m = stored.season { baselines.append(.seasonalNaive(season: m)) }
                for b in baselines {
                    scores.append(ForecastScore(method: b.description, accuracy: ForecastAccuracy(
                        forecasts: [b.forecast(values, origin: origin, horizon: h)], actuals: actual, scale: scale)))
                }
                print("backtest: the last \(h) values, forecast from the \(origin) before them")
                print(scores.formattedTable())
            } else {
                print(csv, terminator: "")
            }
        }
    }
}
