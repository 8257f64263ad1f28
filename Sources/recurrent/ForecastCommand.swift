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
        @OptionGroup var network: ForecastNetworkOptions
        @OptionGroup var window: ForecastWindowOptions

        @Option(help: "Maximum number of epochs.")
        var epochs = ForecastTrainingOptions.Defaults.epochs

        @OptionGroup var model: SeriesModelOptions<ForecastTask>
        @OptionGroup var optimization: SeriesOptimizerOptions<ForecastTask>

        @Option(help: ArgumentHelp("What the network forecasts relative to: seasonal (a correction to the seasonal-naive forecast), last (the window's last value) or mean (plain standardisation).", discussion: "auto: seasonal when a season ≤ --lookback is given or detected, else last."))
        var reference = ReferenceArgument(nil)

        @OptionGroup var runOptions: SeriesRunOptions<ForecastTask>

        @Option(help: ArgumentHelp("ETS and ARIMA are chosen and fitted anew at most this many times over the test part, and again over the validation origins.", discussion: "Between those origins the latest fit runs on over the longer history. Fewer fits are faster and score the statistics a little less fairly.", valueName: "n"))
        var statisticsFits = RefitSchedule.maximumFits

        func validate() throws {
            guard window.lookback >= 1 else { throw ValidationError("--lookback must be at least 1.") }
            guard window.horizon >= 1 else { throw ValidationError("--horizon must be at least 1.") }
            guard epochs >= 1, model.hidden >= 1, model.layers >= 1, optimization.batchSize >= 1, optimization.patience >= 1 else {
                throw ValidationError("--epochs, --hidden-size, --layers, --batch-size and --patience must be at least 1.")
            }
            try optimization.check()
            guard network.ensemble >= 1 else { throw ValidationError("--ensemble must be at least 1.") }
            guard network.ensemble == 1 || network.model == .hybrid else { throw ValidationError("--ensemble needs --model hybrid.") }
            if let levelPenalty = network.levelPenalty, !(levelPenalty >= 0 && levelPenalty.isFinite) {
                throw ValidationError("--level-penalty must be ≥ 0.")
            }
            if let lookbacks = network.lookbacks {
                guard network.model == .hybrid else { throw ValidationError("--lookbacks needs --model hybrid.") }
                guard network.memberLookbacks != nil else {
                    throw ValidationError("--lookbacks must be whole numbers ≥ 1 separated by commas (got '\(lookbacks)').")
                }
            }
            if let season = window.season, season < 1 { throw ValidationError("--season must be at least 1.") }
            guard statisticsFits >= 1 else { throw ValidationError("--statistics-fits must be at least 1.") }
            guard input.wide || input.column != nil else {
                throw ValidationError("name the value column with --column (or give --wide for one row per year).")
            }
        }

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            let data = try BundledData.path(self.data)
            try InputFileCheck.requireDataFile(data, role: "CSV file")
            let series = try input.read(data)
            let frequency = series.frequency
            let problem = try self.problem(series, file: data)
            try seriesMakeDirectory(runOptions.output)
            let lock = try RunFolderLock(directory: runOptions.output)   // one run per folder at a time
            defer { lock.release() }
            switch network.model {
            case .lstm: try trainLSTM(problem: problem, data: data, frequency: frequency)
            case .hybrid: try trainHybrid(problem: problem, data: data, frequency: frequency)
            }
        }

        /// The task: `series` split, its season found, its windows encoded; says on stderr how.
        func problem(_ series: FilledSeries, file: String) throws -> ForecastProblem {
            var problem = try ForecastProblem(series: series, file: file, lookback: window.lookback, horizon: window.horizon,
                                              season: window.season, validationFraction: runOptions.validation, testFraction: runOptions.test,
                                              reference: network.model == .hybrid ? .lastValue : reference.reference)
            problem.statisticsFits = statisticsFits
            seriesNote("split: train \(problem.split.train.count), validation \(problem.split.validation.count), "
                + "test \(problem.split.test.count) values; windows: \(problem.trainOrigins.count) / "
                + "\(problem.validationOrigins.count) / \(problem.testOrigins.count).")
            seriesNote("season: " + (problem.season.map { "\($0)\(problem.seasonDetected ? " (detected)" : "")" }
                                     ?? "none detected (seasonal naive = last value; MASE scale m = 1)")
                + (network.model == .hybrid ? "." : "; the network forecasts relative to " + [WindowEncoding.Reference.seasonal: "the seasonal-naive forecast",
                    .lastValue: "the last value of each window", .mean: "the training mean"][problem.encoding.reference]! + "."))
            return problem
        }

        /// How either network trains: epochs, batches, Adam, clipping, early stopping, seed.
        var trainingOptions: ForecastTrainingOptions {
            ForecastTrainingOptions(epochs: epochs, batchSize: optimization.batchSize, learningRate: optimization.learningRate,
                                    clipNorm: optimization.clip, patience: optimization.patience, seed: runOptions.seed)
        }
    }
}
