import Recurrent

/// How a forecaster is trained.
public struct ForecastTrainingOptions: Codable, Equatable, Sendable {
    /// Upper bound on passes over the training windows.
    public var epochs: Int
    public var batchSize: Int
    /// Adam's learning rate (other Adam settings are PyTorch's defaults).
    public var learningRate: Double
    /// Maximum global L2 norm of the gradient (clipped every step); 0 turns clipping off.
    public var clipNorm: Double
    /// Stop after this many epochs without a lower validation MAE, and keep the best weights.
    public var patience: Int
    /// Seeds initialisation and the order of windows in each epoch.
    public var seed: UInt64

    /// The defaults of `forecast train`, in one place: this library's initialisers apply them
    /// and the command's help shows them (batch size, learning rate, clipping and seed:
    /// `SeriesTrainingDefaults`).
    public enum Defaults {
        public static let epochs = 200
        public static let patience = 20
        public static let cell = RecurrentCellKind.lstm
        public static let hiddenSize = ForecastModelConfiguration.defaultHiddenSize
        public static let layers = 1
        /// The chronological split: the last 15 % of the series for test, the 15 % before it
        /// for validation.
        public static let testFraction = 0.15
        public static let validationFraction = 0.15
    }

    public init(epochs: Int = Defaults.epochs, batchSize: Int = SeriesTrainingDefaults.batchSize,
                learningRate: Double = SeriesTrainingDefaults.learningRate, clipNorm: Double = SeriesTrainingDefaults.clipNorm,
                patience: Int = Defaults.patience, seed: UInt64 = SeriesTrainingDefaults.seed) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.clipNorm = clipNorm
        self.patience = patience
        self.seed = seed
    }
}

/// What one epoch did: the mean training loss (MSE on encoded values) and the validation MAE
/// (in the units of the series).
public struct ForecastEpoch: Sendable, Equatable {
    public var epoch: Int
    public var trainingLoss: Double
    public var validationMAE: Double
    /// Whether this epoch's validation MAE is the best so far (its weights are kept).
    public var improved: Bool
}

/// What training produced, scored on the test part next to the baselines.
public struct ForecastTrainingSummary: Sendable {
    public var epochsRun: Int
    public var bestEpoch: Int
    public var bestValidationMAE: Double
    /// Test scores: the model first, then each baseline.
    public var testScores: [ForecastScore]
    /// The network and the baselines judged on rolling origins of the validation part.
    public var choice: ModelChoice?
}

/// Trains a `ForecastModel` on a `ForecastProblem`: mini-batches of windows in a seeded random
/// order, mean squared error on the encoded targets, Adam, global-norm gradient clipping, and
/// early stopping on the validation MAE (the weights of the best epoch are restored at the end).
///
/// Early stopping watches the MAE in the series' units, the metric reported, rather than the
/// training loss: on small series a few large validation errors (a recession in the validation
/// years) dominate the squared error and would stop training after a couple of epochs.
public final class ForecastTrainer {
    public let problem: ForecastProblem
    public let model: ForecastModel
    public let options: ForecastTrainingOptions
    public private(set) var generator: RandomGenerator
    private let training: EarlyStoppingTraining<ForecastModel>
    private let loss = MeanSquaredError()

    public init(problem: ForecastProblem, cell: RecurrentCellKind = ForecastTrainingOptions.Defaults.cell,
                hiddenSize: Int = ForecastTrainingOptions.Defaults.hiddenSize, numLayers: Int = ForecastTrainingOptions.Defaults.layers,
                dropout: Float = 0, options: ForecastTrainingOptions = ForecastTrainingOptions()) throws {
        guard options.epochs >= 1, options.batchSize >= 1, options.patience >= 1, hiddenSize >= 1, numLayers >= 1 else {
            throw SeriesError.invalidArgument("--epochs, --batch-size, --patience, --hidden and --layers must be at least 1.")
        }
        try options.checkLearningRateAndClip()
        guard !problem.trainOrigins.isEmpty, !problem.validationOrigins.isEmpty || problem.split.validation.isEmpty else {
            throw SeriesError.invalidArgument("\(problem.file): no complete training window; use a smaller --lookback or --horizon.")
        }
        self.problem = problem
        self.options = options
        var generator = RandomGenerator(seed: options.seed)
        model = ForecastModel(configuration: ForecastModelConfiguration(
            cell: cell, inputSize: problem.encoding.featureCount, hiddenSize: hiddenSize, numLayers: numLayers, dropout: dropout,
            lookback: problem.lookback, horizon: problem.horizon), generator: &generator)
        self.generator = generator
        training = try EarlyStoppingTraining(network: model, options: options)
    }

    /// Trains until `options.epochs` or early stopping, calling `onEpoch` after each epoch;
    /// `metrics` gets a line per batch (the epoch's last with the validation MAE as `val_loss`).
    public func train(metrics: MetricsLog? = nil, onEpoch: (ForecastEpoch) -> Void = { _ in }) throws -> ForecastTrainingSummary {
        let b = options.batchSize, features = problem.encoding.featureCount
        // Full batches reuse these; only a shorter last batch allocates its own.
        let inputs = Matrix(rows: problem.lookback * b, cols: features)        // (L·B, F), time-major
        let targets = Matrix(rows: b, cols: problem.horizon)                   // (B, H)
        let outcome = try training.run(
            examples: problem.trainOrigins, generator: &generator,
            lossAndGradient: { batch, generator in
                let n = batch.count
                let x = n == b ? inputs : Matrix(rows: problem.lookback * n, cols: features)
                let y = n == b ? targets : Matrix(rows: n, cols: problem.horizon)
                for (i, origin) in batch.enumerated() {
                    problem.encoding.encode(problem.series.values, origin: origin, batchIndex: i, batchSize: n,
                                            inputs: x, targets: y)
                }
                let prediction = model.forward(x, batchSize: n, generator: &generator)
                return (loss.lossAndGradient(prediction: prediction, target: y, dPrediction: prediction), prediction)
            },
            validate: { _ in validationMAE() },
            score: { $0 },
            metrics: metrics,
            onEpoch: { e in
                onEpoch(ForecastEpoch(epoch: e.epoch, trainingLoss: e.trainingLoss, validationMAE: e.validation,
                                      improved: e.improved))
            })
        return ForecastTrainingSummary(epochsRun: outcome.epochsRun, bestEpoch: outcome.bestEpoch,
                                       bestValidationMAE: outcome.bestScore,
                                       testScores: scores(problem.testOrigins),
                                       choice: ModelChoice(candidates: problem.baselineMethods + [network],
                                                           series: problem.series.values,
                                                           evaluation: ModelChoice.validationOrigins(problem),
                                                           season: problem.season))
    }

    /// Mean absolute error of the model on the validation windows (the training windows when
    /// there is no validation part), in the units of the series, in evaluation mode.
    public func validationMAE() -> Double {
        let origins = problem.validationOrigins.isEmpty ? problem.trainOrigins : problem.validationOrigins
        let forecasts = model.forecast(problem.series.values, origins: origins, encoding: problem.encoding)
        return ForecastAccuracy(forecasts: forecasts, actuals: problem.actuals(origins), scale: nil).mae
    }

    /// The trained network as a forecasting method.
    public var network: NetworkMethod { NetworkMethod(model: model, encoding: problem.encoding) }

    /// The model's and the baselines' accuracy on the windows at `origins` (model first).
    public func scores(_ origins: [Int]) -> [ForecastScore] {
        guard !origins.isEmpty else { return [] }
        return RollingOrigin(origins: origins, horizon: problem.horizon)
            .scores([network] + problem.baselineMethods, series: problem.series.values, scale: problem.maseScale)
    }
}
