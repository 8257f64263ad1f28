import Recurrent

/// What the `model` entry of a hybrid checkpoint holds: the members' shared configuration,
/// how many there are, the interval widening calibrated on the validation windows and where
/// the windows for calibrating later origins start (absent in checkpoints written before it:
/// those use the one widening everywhere).
public struct HybridEnsembleDescription: Codable, Equatable, Sendable {
    public var configuration: HybridConfiguration
    public var members: Int
    public var intervalWidening: Double
    public var calibrationStart: Int?
    /// Each member's lookback when they differ (`configuration.lookback` is the longest); absent when all read it.
    public var lookbacks: [Int]?
    /// How the members are combined when not by their median; absent: the median (older checkpoints too).
    public var combination: HybridCombination?
    /// How later origins' intervals are calibrated when not on every known window, step by step;
    /// absent: that (older checkpoints too).
    public var calibration: HybridCalibration?
}

/// A trained ES-RNN hybrid ensemble in one safetensors file, read and written like
/// `ForecastCheckpoint` (whose `source`, `season`, `frequency`, `training` and `choice` entries
/// it shares). Format `recurrent-hybrid-1`; `model` is a `HybridEnsembleDescription`; tensors
/// are each member's parameters under `member<k>.` (`member0.smoothing.level_logit`,
/// `member0.rnn.weight_ih_l0`, …, `member0.head.bias`), F32.
public struct HybridCheckpoint: SeriesCheckpoint {
    public static let format = "recurrent-hybrid-1"
    public static let trainingCommand = "recurrent forecast train --model hybrid"

    public var ensemble: HybridEnsemble
    public var source: ForecastSource
    public var season: Int?
    public var frequency: SeriesFrequency?
    public var training: ForecastTrainingRecord?
    public var choice: ModelChoice?

    /// The model `predict` uses unless told otherwise.
    public var recommended: ForecastMethodKind { choice?.recommended ?? .hybrid }

    public init(ensemble: HybridEnsemble, source: ForecastSource, season: Int?, frequency: SeriesFrequency?,
                training: ForecastTrainingRecord?, choice: ModelChoice? = nil) {
        self.ensemble = ensemble
        self.source = source
        self.season = season
        self.frequency = frequency
        self.training = training
        self.choice = choice
    }

    /// Every member's parameters under `member<k>.`.
    struct Members: ParameterContainer {
        var models: [HybridModel]
        var parameters: [Parameter] {
            models.enumerated().flatMap { k, model in model.parameters.map { $0.prefixed("member\(k)") } }
        }
    }

    public var safeTensors: SafeTensors {
        get throws(MetadataJSONError) {
            var entries = [
                "source": try CheckpointMetadata.encode(source),
                "season": try CheckpointMetadata.encode(season),
                "frequency": try CheckpointMetadata.encode(frequency),
                "training": try CheckpointMetadata.encode(training),
            ]
            if let choice { entries["choice"] = try CheckpointMetadata.encode(choice) }
            let description = HybridEnsembleDescription(configuration: ensemble.configuration,
                                                        members: ensemble.members.count,
                                                        intervalWidening: ensemble.intervalWidening,
                                                        calibrationStart: ensemble.calibrationStart,
                                                        lookbacks: Set(ensemble.lookbacks).count > 1 ? ensemble.lookbacks : nil,
                                                        combination: ensemble.combination == .median ? nil : ensemble.combination,
                                                        calibration: ensemble.calibration == .everyWindowPerStep ? nil
                                                                                                                 : ensemble.calibration)
            return try Self.safeTensors(configuration: description, entries: entries,
                                        parameters: Members(models: ensemble.members).parameters)
        }
    }

    public init(_ file: SafeTensors) throws {
        try CheckpointMetadata.requireFormat(Self.format, in: file, what: "hybrid forecast")
        let description = try CheckpointMetadata.decode(HybridEnsembleDescription.self, key: "model", from: file)
        let c = description.configuration
        let validLookbacks = description.lookbacks.map {
            $0.count == description.members && $0.allSatisfy { $0 >= 1 } && $0.max() == c.lookback
        } ?? true
        guard c.isValid, description.members >= 1, description.intervalWidening.isFinite,
              (description.calibrationStart ?? 0) >= 0, validLookbacks, description.calibration?.isValid ?? true else {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "its model description is invalid")
        }
        let h = Double(c.hiddenSize)
        let perMember = 2 + Double(c.season) + h * (1 + h * Double(c.numLayers)) + h * Double(c.horizon * c.quantileCount)
        try CheckpointMetadata.requireValues(Double(description.members) * perMember, in: file)
        let lookbacks = description.lookbacks ?? Array(repeating: c.lookback, count: description.members)
        var generator = RandomGenerator(seed: 0)        // the initial weights are overwritten
        let members = lookbacks.map { lookback in
            var c = c
            c.lookback = lookback
            return HybridModel(configuration: c, smoothing: HoltWintersSmoothing(
                levelLogit: 0, seasonLogit: 0, initialLogSeason: Array(repeating: 0, count: c.season)), generator: &generator)
        }
        try Members(models: members).load(from: file)
        ensemble = HybridEnsemble(members: members, intervalWidening: description.intervalWidening,
                                  calibrationStart: description.calibrationStart)
        ensemble.combination = description.combination ?? .median
        ensemble.calibration = description.calibration ?? .everyWindowPerStep
        source = try CheckpointMetadata.decode(ForecastSource.self, key: "source", from: file)
        season = try CheckpointMetadata.decode(Int?.self, key: "season", from: file)
        frequency = try CheckpointMetadata.decode(SeriesFrequency?.self, key: "frequency", from: file)
        training = try CheckpointMetadata.decode(ForecastTrainingRecord?.self, key: "training", from: file)
        choice = file.metadata["choice"] == nil ? nil : try CheckpointMetadata.decode(ModelChoice.self, key: "choice", from: file)
        if let choice, choice.recommended == .seasonalNaive, season == nil {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "it recommends seasonal naive but records no season")
        }
    }
}
