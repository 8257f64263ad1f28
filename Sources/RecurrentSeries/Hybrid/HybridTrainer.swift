import Recurrent

/// Trains one `HybridModel` on a `ForecastProblem`: seeded mini-batches of training windows,
/// pinball loss (plus the level penalty), Adam over the LSTM *and* the smoothing parameters,
/// global-norm clipping, early stopping on the validation MAE of the median forecast (the
/// best epoch's weights are kept) — the same loop as `ForecastTrainer` (`EarlyStoppingTraining`).
public final class HybridTrainer {
    public let problem: ForecastProblem
    public let model: HybridModel
    public let options: ForecastTrainingOptions
    private var generator: RandomGenerator
    private let training: EarlyStoppingTraining<HybridModel>

    /// The training windows: those of the training part with `model.configuration.lookback` values of history.
    public let trainOrigins: [Int]

    /// - Parameters:
    ///   - lookback: the values of history this model reads (default: the problem's).
    ///   - season: the smoothing's season (default: the problem's; 1 for none).
    ///   - levelPenalty: λ (default: `HybridConfiguration.defaultLevelPenalty(season:)`).
    public init(problem: ForecastProblem, lookback: Int? = nil, season: Int? = nil,
                hiddenSize: Int = HybridConfiguration.defaultHiddenSize, numLayers: Int = 1,
                quantiles: [Double] = HybridConfiguration.defaultQuantiles, levelPenalty: Double? = nil,
                options: ForecastTrainingOptions = ForecastTrainingOptions()) throws {
        guard options.epochs >= 1, options.batchSize >= 1, options.patience >= 1, hiddenSize >= 1, numLayers >= 1 else {
            throw SeriesError.invalidArgument("--epochs, --batch-size, --patience, --hidden-size and --layers must be at least 1.")
        }
        try options.checkLearningRateAndClip()
        let lookback = lookback ?? problem.lookback
        guard lookback >= 1 else { throw SeriesError.invalidArgument("a lookback must be at least 1 (got \(lookback)).") }
        // Every training window lies before the validation and test parts, so a lookback that
        // leaves one training window leaves every later window its history too.
        trainOrigins = ChronologicalSplit.origins(in: problem.split.train, lookback: lookback, horizon: problem.horizon)
        guard !trainOrigins.isEmpty else {
            throw SeriesError.invalidArgument("\(problem.file): no complete training window of lookback \(lookback) + horizon "
                + "\(problem.horizon); use a smaller --lookback (or --lookbacks) or --horizon.")
        }
        let training = Array(problem.series.values[problem.split.train])
        let smoothingSeason = season ?? problem.season ?? 1
        let configuration = HybridConfiguration(lookback: lookback, horizon: problem.horizon,
                                                season: smoothingSeason, hiddenSize: hiddenSize, numLayers: numLayers,
                                                quantiles: quantiles,
                                                levelPenalty: levelPenalty ?? HybridConfiguration.defaultLevelPenalty(season: smoothingSeason),
                                                offset: HybridConfiguration.offset(for: training))
        guard configuration.isValid else {
            throw SeriesError.invalidArgument("--quantiles must be distinct values in (0, 1) and include 0.5, and "
                + "--level-penalty must be ≥ 0.")
        }
        self.problem = problem
        self.options = options
        var generator = RandomGenerator(seed: options.seed)
        let positiveTraining = training.map { $0 + configuration.offset }
        model = HybridModel(configuration: configuration,
                            smoothing: HoltWintersSmoothing(initialFor: positiveTraining, season: configuration.season),
                            generator: &generator)
        self.generator = generator
        self.training = try EarlyStoppingTraining(network: model, options: options)
    }

    /// What training did.
    public struct Outcome: Sendable {
        public var epochsRun: Int
        public var bestEpoch: Int
        public var bestValidationMAE: Double
    }

    /// Trains until `options.epochs` or early stopping, calling `onEpoch` after each epoch.
    public func train(metrics: MetricsLog? = nil, onEpoch: (ForecastEpoch) -> Void = { _ in }) throws -> Outcome {
        let values = model.positive(problem.series.values)
        let smoothed = problem.split.train.upperBound
        let outcome = try training.run(
            examples: trainOrigins, generator: &generator,
            lossAndGradient: { batch, generator in
                let (outputs, targets, penalty) = model.forward(values, origins: Array(batch), smoothed: smoothed,
                                                                generator: &generator)
                let dOutputs = Matrix(rows: outputs.rows, cols: outputs.cols)
                let loss = model.pinballLoss(outputs: outputs, targets: targets!, dOutputs: dOutputs) + penalty
                return (Float(loss), dOutputs)
            },
            validate: { _ in validationMAE() },
            score: { $0 },
            metrics: metrics,
            onEpoch: { e in
                onEpoch(ForecastEpoch(epoch: e.epoch, trainingLoss: e.trainingLoss, validationMAE: e.validation,
                                      improved: e.improved))
            })
        return Outcome(epochsRun: outcome.epochsRun, bestEpoch: outcome.bestEpoch, bestValidationMAE: outcome.bestScore)
    }

    /// MAE of the median forecast on the validation windows (the training windows when there
    /// is no validation part), in the units of the series.
    public func validationMAE() -> Double {
        let origins = problem.validationOrigins.isEmpty ? trainOrigins : problem.validationOrigins
        let median = model.configuration.medianIndex
        let forecasts = model.quantileForecasts(problem.series.values, origins: origins).map { $0[median] }
        return ForecastAccuracy(forecasts: forecasts, actuals: problem.actuals(origins), scale: nil).mae
    }
}
