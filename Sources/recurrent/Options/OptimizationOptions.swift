import ArgumentParser
import Recurrent

/// Batches, optimizer, learning-rate schedule and clipping.
struct OptimizationOptions: ParsableArguments {
    @Option(name: .customLong("seq-length"), help: "Time steps per batch (how far gradients flow back). (default: \(TextDefaults.sequenceLength(.char)) char/byte, \(TextDefaults.sequenceLength(.word)) word)")
    var sequenceLength: Int?

    @Option(name: .customLong("batch-size"), help: "Parallel streams per batch. \(defaultNote(TextDefaults.batchSize(.char)))")
    var batchSize: Int?

    @Option(name: .customLong("micro-batches"), help: "Split each batch into this many micro-batches whose gradients are accumulated (same result, less memory). \(defaultNote(TextDefaults.microBatches))")
    var microBatches: Int?

    @Option(help: "Optimizer: adam, adamw, sgd or rmsprop. \(defaultNote(TextDefaults.optimizer))")
    var optimizer: OptimizerConfiguration.Kind?

    @Option(name: .customLong("learning-rate"), help: "Initial learning rate. \(defaultNote(TextDefaults.learningRate))")
    var learningRate: Double?

    @Option(help: "Learning-rate schedule: constant, step (×factor per epoch after --decay-after epochs), exponential (×factor per epoch), cosine (to the last step), plateau (×factor when validation stalls). \(defaultNote(TextDefaults.schedule.kind))")
    var schedule: ScheduleConfiguration.Kind?

    @Option(name: .customLong("decay-factor"), help: "step/exponential/plateau: multiplier per decay. (default: \(plain(ScheduleConfiguration(kind: .step).factor)); plateau \(plain(ScheduleConfiguration(kind: .plateau).factor)))")
    var decayFactor: Double?

    @Option(name: .customLong("decay-after"), help: "step: epochs before the first decay. \(defaultNote(TextDefaults.schedule.decayAfter))")
    var decayAfter: Int?

    @Option(name: .customLong("decay-every"), help: "step: epochs between decays. \(defaultNote(TextDefaults.schedule.decayEvery))")
    var decayEvery: Int?

    @Option(name: .customLong("warmup-steps"), help: "cosine: steps of linear warm-up. \(defaultNote(TextDefaults.schedule.warmupSteps))")
    var warmupSteps: Int?

    @Option(name: .customLong("min-learning-rate"), help: "cosine/plateau: lowest learning rate. \(defaultNote(TextDefaults.schedule.minimumRate))")
    var minimumLearningRate: Double?

    @Option(help: "plateau: evaluations without improvement before a decay. \(defaultNote(TextDefaults.schedule.patience))")
    var patience: Int?

    @Option(help: "Clip the gradient's global L2 norm to this value. \(defaultNote(TextDefaults.maxNorm))")
    var clip: Double?

    @Option(name: .customLong("clip-value"), help: "Instead clamp every gradient element to [-v, v].")
    var clipValue: Double?

    @Flag(name: .customLong("no-clip"), help: "Do not clip gradients.")
    var noClip = false

    func validate() throws {
        try OptionCheck.atLeast(1, ["--seq-length": sequenceLength, "--batch-size": batchSize, "--micro-batches": microBatches])
        if let b = batchSize, let k = microBatches, b % k != 0 {
            throw ValidationError("--micro-batches \(k) must divide --batch-size \(b)")
        }
        if let lr = learningRate, !(lr > 0 && lr.isFinite) { throw ValidationError("--learning-rate must be positive, got \(lr)") }
        if [clip != nil, clipValue != nil, noClip].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --clip, --clip-value and --no-clip")
        }
        try OptionCheck.positive(["--clip": clip, "--clip-value": clipValue])
        let tuning = [decayFactor != nil, decayAfter != nil, decayEvery != nil, warmupSteps != nil,
                      minimumLearningRate != nil, patience != nil]
        if schedule == nil && tuning.contains(true) {
            throw ValidationError("--decay-factor, --decay-after, --decay-every, --warmup-steps, --min-learning-rate and --patience need --schedule")
        }
        if let schedule {
            let configuration = scheduleConfiguration(schedule)
            let problems = configuration.problems(totalSteps: Int.max)
            if let first = problems.first { throw ValidationError(first) }
        }
    }

    /// The schedule asked for, with defaults for what was not given.
    func scheduleConfiguration(_ kind: ScheduleConfiguration.Kind) -> ScheduleConfiguration {
        let base = ScheduleConfiguration(kind: kind)
        return ScheduleConfiguration(kind: kind, factor: decayFactor ?? base.factor, decayAfter: decayAfter ?? base.decayAfter,
                                     decayEvery: decayEvery ?? base.decayEvery, warmupSteps: warmupSteps ?? base.warmupSteps,
                                     minimumRate: minimumLearningRate ?? base.minimumRate, patience: patience ?? base.patience)
    }

    /// nil: not given; .some(nil): no clipping.
    var clipping: GradientClipping?? {
        if noClip { return .some(nil) }
        if let c = clip { return .some(.norm(maxNorm: c, type: .l2)) }
        if let v = clipValue { return .some(.value(v)) }
        return nil
    }
}
