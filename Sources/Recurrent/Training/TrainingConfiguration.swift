import Foundation

/// Everything that fixes how a language model is trained, apart from the model's own sizes:
/// stored in each checkpoint (metadata key `training_config`) so `--resume` continues with the
/// same settings.
///
/// Letters: T `sequenceLength`, B `batchSize`, K `microBatches`.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// T: time steps per batch, the truncation length of backpropagation through time.
    public var sequenceLength: Int
    /// B: independent streams per batch.
    public var batchSize: Int
    /// K: each batch of B streams runs as K micro-batches of B/K streams whose gradients are
    /// accumulated before one optimizer step. The gradient is the same as one batch of B (the
    /// loss is a mean over all T·B tokens either way); activations take 1/K of the memory.
    public var microBatches: Int
    public var optimizer: OptimizerConfiguration
    public var schedule: ScheduleConfiguration
    /// nil: no clipping (the gradient norm is still measured and reported).
    public var clipping: GradientClipping?
    /// Optimizer steps (= batches) to train in all, counted from step 0 of the first run.
    public var totalSteps: Int
    /// Every this many steps (and at the last step): validate and save a checkpoint.
    public var evaluationInterval: Int
    /// Validate on at most this many validation batches (nil: all of them).
    public var maxValidationBatches: Int?
    /// Seeds initialisation, dropout and everything else random.
    public var seed: UInt64

    public init(sequenceLength: Int = 64, batchSize: Int = 32, microBatches: Int = 1,
                optimizer: OptimizerConfiguration = OptimizerConfiguration(),
                schedule: ScheduleConfiguration = ScheduleConfiguration(),
                clipping: GradientClipping? = .norm(maxNorm: 5, type: .l2), totalSteps: Int, evaluationInterval: Int = 1000,
                maxValidationBatches: Int? = nil, seed: UInt64 = 0) {
        self.sequenceLength = sequenceLength
        self.batchSize = batchSize
        self.microBatches = microBatches
        self.optimizer = optimizer
        self.schedule = schedule
        self.clipping = clipping
        self.totalSteps = totalSteps
        self.evaluationInterval = evaluationInterval
        self.maxValidationBatches = maxValidationBatches
        self.seed = seed
    }

    /// The problems with these settings, one message each (empty when valid).
    public func problems() -> [String] {
        var out: [String] = []
        if sequenceLength < 1 { out.append("--seq-length must be at least 1, got \(sequenceLength)") }
        if batchSize < 1 { out.append("--batch-size must be at least 1, got \(batchSize)") }
        if microBatches < 1 || (batchSize >= 1 && batchSize % microBatches != 0) {
            out.append("--micro-batches must divide the batch size \(batchSize), got \(microBatches)")
        }
        if !(optimizer.learningRate > 0 && optimizer.learningRate.isFinite) {
            out.append("--learning-rate must be a positive number, got \(optimizer.learningRate)")
        }
        if totalSteps < 1 { out.append("training needs at least 1 step, got \(totalSteps)") }
        if evaluationInterval < 1 { out.append("--eval-every must be at least 1, got \(evaluationInterval)") }
        if let m = maxValidationBatches, m < 1 { out.append("the validation batch limit must be at least 1, got \(m)") }
        switch clipping {
        case .norm(let n, _)? where !(n > 0): out.append("--clip must be positive, got \(n)")
        case .value(let v)? where !(v > 0): out.append("--clip-value must be positive, got \(v)")
        default: break
        }
        out += schedule.problems(totalSteps: totalSteps)
        return out
    }

    /// Compact JSON with sorted keys, as stored in checkpoint metadata.
    public func jsonString() throws(MetadataJSONError) -> String { try MetadataJSON.encode(self) }

    /// Parses `jsonString()` output.
    public init(jsonString: String) throws {
        self = try MetadataJSON.decode(TrainingConfiguration.self, from: jsonString)
    }
}

