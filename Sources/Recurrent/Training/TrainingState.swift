/// Where a training run is: everything besides tensors that a resumed run needs to continue
/// bit for bit. Stored in each checkpoint (metadata key `training_state`, JSON).
///
/// The tensors that go with it: the optimizer moments (`optimizer.<buffer>.<parameter>`) and
/// the hidden state carried between batches (`trainer.state.h`, `trainer.state.c`, (L·B, H)).
public struct TrainingState: Codable, Sendable, Equatable {
    /// Optimizer steps completed (= batches trained).
    public var step: Int = 0
    /// The epoch in progress (0-based).
    public var epoch: Int = 0
    /// The next batch within the epoch: the position in the data.
    public var batchInEpoch: Int = 0
    /// Tokens trained on so far.
    public var tokens: Int = 0
    /// The random generator's xoshiro256** state, four 64-bit words in hexadecimal.
    public var generator: [String]
    /// The learning-rate schedule, with its own state.
    public var schedule: AnyLearningRateSchedule
    /// The optimizer's step count (PyTorch's per-parameter `step`; Adam's bias correction reads it).
    public var optimizerSteps: Int = 0
    /// One record per evaluation.
    public var history: [TrainingRecord] = []
    /// The lowest validation loss so far.
    public var bestValidationLoss: Double?
    /// Seconds spent training (all runs together).
    public var seconds: Double = 0
    /// An identifier of the training data (set by the caller, e.g. token count and checksum), to
    /// tell on resume whether the data is the same.
    public var dataFingerprint: String?
    /// The training loss summed since the last history record, so that a run resumed between
    /// two evaluations writes the same next record as an uninterrupted one. Set in checkpoints
    /// (nil in older ones: resumed as an empty interval).
    public var interval: TrainingInterval?
    /// The wall-clock budget and its plan, for a run trained to a time (`--time`); nil otherwise.
    public var budget: TimeBudget?

    public init(generator: RandomGenerator, schedule: AnyLearningRateSchedule) {
        self.generator = generator.state.map { String($0, radix: 16) }
        self.schedule = schedule
    }

    /// The generator this state holds, or nil when the words are malformed.
    public func restoredGenerator() -> RandomGenerator? {
        let words = generator.compactMap { UInt64($0, radix: 16) }
        guard words.count == 4, generator.count == 4, words.contains(where: { $0 != 0 }) else { return nil }
        return RandomGenerator(state: words)
    }

    /// Compact JSON with sorted keys.
    public func jsonString() throws(MetadataJSONError) -> String { try MetadataJSON.encode(self) }

    /// Parses `jsonString()` output.
    public init(jsonString: String) throws {
        self = try MetadataJSON.decode(TrainingState.self, from: jsonString)
    }
}

/// The training and validation loss at one evaluation.
public struct TrainingRecord: Codable, Sendable, Equatable {
    public var step: Int
    /// The epoch (0-based) the step belonged to.
    public var epoch: Int
    /// Mean training loss over the steps since the previous record (nats per token).
    public var trainingLoss: Double
    /// Validation loss (nats per token), nil without validation data.
    public var validationLoss: Double?
    public var learningRate: Double
    public var seconds: Double
}

/// The steps since the last history record: their summed training loss (nats per token, the
/// sum of each step's mean) and their count.
public struct TrainingInterval: Codable, Sendable, Equatable {
    public var lossSum: Double
    public var steps: Int

    public init(lossSum: Double, steps: Int) {
        self.lossSum = lossSum
        self.steps = steps
    }
}
