import Recurrent

/// Where a forecaster's data came from and how it was read, so `predict` reads new data the same way.
public struct ForecastSource: Codable, Equatable, Sendable {
    public var file: String
    public var column: String?
    public var dateColumn: String?
    public var wide: Bool
    public var missing: MissingValuePolicy

    public init(file: String, column: String?, dateColumn: String?, wide: Bool, missing: MissingValuePolicy) {
        self.file = file
        self.column = column
        self.dateColumn = dateColumn
        self.wide = wide
        self.missing = missing
    }
}

/// How a forecaster was trained and how well it did (kept for the record).
public struct ForecastTrainingRecord: Codable, Equatable, Sendable {
    public var options: ForecastTrainingOptions
    public var epochsRun: Int
    public var bestEpoch: Int
    public var bestValidationMAE: Double
    public var testScores: [ForecastScore]

    public init(options: ForecastTrainingOptions, epochsRun: Int, bestEpoch: Int, bestValidationMAE: Double,
                testScores: [ForecastScore]) {
        self.options = options
        self.epochsRun = epochsRun
        self.bestEpoch = bestEpoch
        self.bestValidationMAE = bestValidationMAE
        self.testScores = testScores
    }
}

/// A trained forecaster in one safetensors file.
///
/// Tensors: the model's parameters under their PyTorch names (`rnn.weight_ih_l0`, …,
/// `head.weight`, `head.bias`), F32. Metadata (JSON strings): `format`
/// (`recurrent-forecast-1`), `model` (`ForecastModelConfiguration`), `encoding`
/// (`WindowEncoding`: lookback, horizon, the training part's mean and standard deviation,
/// the window reference), `source` (`ForecastSource`), `season`, `frequency`, `training`.
public struct ForecastCheckpoint: SeriesCheckpoint {
    public static let format = "recurrent-forecast-1"

    public var model: ForecastModel
    public var encoding: WindowEncoding
    public var source: ForecastSource
    public var season: Int?
    public var frequency: SeriesFrequency?
    public var training: ForecastTrainingRecord?

    public init(model: ForecastModel, encoding: WindowEncoding, source: ForecastSource, season: Int?,
                frequency: SeriesFrequency?, training: ForecastTrainingRecord?) {
        self.model = model
        self.encoding = encoding
        self.source = source
        self.season = season
        self.frequency = frequency
        self.training = training
    }

    /// The safetensors contents.
    public var safeTensors: SafeTensors {
        get throws(MetadataJSONError) {
            try Self.safeTensors(configuration: model.configuration, entries: [
                "encoding": try CheckpointMetadata.encode(encoding),
                "source": try CheckpointMetadata.encode(source),
                "season": try CheckpointMetadata.encode(season),
                "frequency": try CheckpointMetadata.encode(frequency),
                "training": try CheckpointMetadata.encode(training),
            ], parameters: model.parameters)
        }
    }

    /// Rebuilds the model from `file` and loads its weights.
    public init(_ file: SafeTensors) throws {
        try CheckpointMetadata.requireFormat(Self.format, in: file, what: "forecast")
        let configuration = try CheckpointMetadata.decode(ForecastModelConfiguration.self, key: "model", from: file)
        guard configuration.lookback >= 1, configuration.horizon >= 1, configuration.hiddenSize >= 1,
              configuration.numLayers >= 1, configuration.inputSize >= 1 else {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "its model configuration is invalid")
        }
        model = try Self.loadNetwork(from: file) { ForecastModel(configuration: configuration, generator: &$0) }
        encoding = try CheckpointMetadata.decode(WindowEncoding.self, key: "encoding", from: file)
        guard encoding.lookback == configuration.lookback, encoding.horizon == configuration.horizon,
              encoding.featureCount == configuration.inputSize,
              encoding.standardizer.featureCount == 1, encoding.scale > 0,
              encoding.reference != .seasonal || (encoding.season ?? 0) >= 1 && encoding.season! <= encoding.lookback else {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "its encoding does not match its model")
        }
        source = try CheckpointMetadata.decode(ForecastSource.self, key: "source", from: file)
        season = try CheckpointMetadata.decode(Int?.self, key: "season", from: file)
        frequency = try CheckpointMetadata.decode(SeriesFrequency?.self, key: "frequency", from: file)
        training = try CheckpointMetadata.decode(ForecastTrainingRecord?.self, key: "training", from: file)
    }
}
