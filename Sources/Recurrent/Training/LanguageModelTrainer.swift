import Foundation

/// Trains a `LanguageModel` by truncated backpropagation through time.
///
/// Each optimizer step trains one batch of B streams × T steps (`TokenBatchSource`):
///
/// 1. the hidden state left by the previous batch is the initial state — carried across the
///    boundary but *detached*: no gradient flows into the previous batch. It restarts from
///    zeros at the start of each epoch, where every stream jumps back to its beginning;
/// 2. forward, fused softmax cross-entropy and backward (in K micro-batches of B/K streams,
///    gradients accumulated, when `microBatches` > 1);
/// 3. the gradient norm is measured and clipped, and a NaN/∞ loss or norm stops training with
///    `TrainingError` (nothing is written after divergence, so the last checkpoint stays good);
/// 4. the optimizer steps with the schedule's learning rate.
///
/// Steps 2–4 are one `TrainingStep`, the package's one optimizer step.
///
/// Every `evaluationInterval` steps and at the last step it validates in evaluation mode (no
/// dropout, no random draws) and saves a checkpoint; `shouldStop` is polled between steps (e.g.
/// Ctrl-C), and then a checkpoint is saved before returning.
///
/// Determinism: dropout masks — AWD-LSTM's locked, embedding and weight dropout too — are keyed
/// by (seed, step, global stream, time step) (`DropoutKeys`), so they do not depend on how the
/// batch is split into micro-batches or across processes; the step, the data position, the
/// schedule, the optimizer moments and the carried state are all in each checkpoint, so a run
/// resumed from step N (`restore(from:)`) continues exactly as if it had never stopped.
///
/// Data-parallel (`distribute(over:)`): each process computes its share of every batch and
/// the gradients are summed before clipping (`DataParallelShare`); only the process given
/// `checkpoints` and `metrics` (rank 0) writes them.
public final class LanguageModelTrainer {
    public let model: LanguageModel
    public internal(set) var configuration: TrainingConfiguration
    public let optimizer: any Optimizer
    /// Zero, forward/backward, clip, update: the optimizer step over `model.parameters`.
    private let trainingStep: TrainingStep
    /// Where training is (the generator words are current).
    public var state: TrainingState {
        var s = progress
        s.generator = generator.state.map { String($0, radix: 16) }
        s.interval = TrainingInterval(lossSum: lossSinceRecord, steps: stepsSinceRecord)
        return s
    }
    /// The mean training loss over the steps since the last history record (those before an
    /// interruption included), and their count; nil right after a record.
    public var lossSinceLastRecord: (loss: Double, steps: Int)? {
        stepsSinceRecord > 0 ? (lossSinceRecord / Double(stepsSinceRecord), stepsSinceRecord) : nil
    }
    var progress: TrainingState
    public let training: any TokenBatchSource
    public let validation: (any TokenBatchSource)?
    /// Extra metadata written into every checkpoint (e.g. the tokenizer).
    public var checkpointMetadata: [String: String] = [:]
    /// Where checkpoints go; nil writes none.
    public var checkpoints: CheckpointDirectory?
    /// Where each step's metrics go (`metrics.jsonl`); nil writes none.
    public var metrics: MetricsLog?
    /// The newest checkpoint written (or resumed from).
    public private(set) var lastCheckpoint: String?

    /// Seconds on a monotonic clock, for a time budget (`setBudget`); tests inject their own.
    public var clock: () -> Double = LanguageModelTrainer.monotonicSeconds
    /// Replaces the budget's throughput probe (seconds per step and per evaluation): costs
    /// measured before training (`useMeasuredCosts`), or a test's.
    public var costProbe: (() -> (step: Double, evaluation: Double))?
    /// The clock's reading when the budget was last charged (nil outside `train`).
    var budgetMark: Double?

    var generator: RandomGenerator
    /// The state carried between batches, (L·B, H); its own storage.
    let carried: RecurrentState
    let inputs: UnsafeMutableBufferPointer<Int32>                  // (T·B) ids
    let targets: UnsafeMutableBufferPointer<Int32>                 // (T·B) ids
    private let microInputs: UnsafeMutableBufferPointer<Int32>     // (T·B/K)
    private let microTargets: UnsafeMutableBufferPointer<Int32>
    private let microState: RecurrentState                         // (L·B/K, H)
    private var lossSinceRecord: Double = 0
    private var stepsSinceRecord = 0
    /// This process's share of every batch in a data-parallel run; nil trains the whole batch.
    private(set) var share: DataParallelShare?

    /// A trainer at step 0. `generator` continues from wherever the caller left it (usually
    /// just after initialising the model from the same seed).
    ///
    /// - Throws: `TrainingError.invalidConfiguration` when the settings are out of range or do
    ///   not match the batch source, `.optimizer` when the optimizer rejects them.
    public init(model: LanguageModel, configuration: TrainingConfiguration, training: any TokenBatchSource,
                validation: (any TokenBatchSource)?, generator: RandomGenerator) throws(TrainingError) {
        var problems = configuration.problems()
        if training.batchSize != configuration.batchSize || training.sequenceLength != configuration.sequenceLength {
            problems.append("the batch source has \(training.batchSize) streams × \(training.sequenceLength) steps, the settings say \(configuration.batchSize) × \(configuration.sequenceLength)")
        }
        guard problems.isEmpty else { throw .invalidConfiguration(problems) }
        self.model = model
        self.configuration = configuration
        self.training = training
        self.validation = validation
        self.generator = generator
        do {
            optimizer = try configuration.optimizer.makeOptimizer(parameters: model.parameters)
        } catch {
            throw .optimizer(error)
        }
        trainingStep = TrainingStep(parameters: model.parameters, optimizer: optimizer, clipping: configuration.clipping)
        progress = TrainingState(generator: generator, schedule: configuration.schedule.makeSchedule(
            initialRate: configuration.optimizer.learningRate, totalSteps: configuration.totalSteps))
        let b = configuration.batchSize, t = configuration.sequenceLength, k = configuration.microBatches
        carried = model.zeroState(batchSize: b)
        microState = model.zeroState(batchSize: b / k)
        inputs = .allocate(capacity: t * b)
        targets = .allocate(capacity: t * b)
        microInputs = .allocate(capacity: t * b / k)
        microTargets = .allocate(capacity: t * b / k)
        for buffer in [inputs, targets, microInputs, microTargets] { buffer.initialize(repeating: 0) }
    }

    deinit {
        inputs.deallocate(); targets.deallocate(); microInputs.deallocate(); microTargets.deallocate()
    }

    /// Trains only this process's share of every batch from now on, summing gradients over
    /// `group` (see `DataParallelShare`). Every process of the group must do the same, with the
    /// same model, configuration and data.
    ///
    /// - Throws: `TrainingError.invalidConfiguration` when the batch cannot be shared out (fewer
    ///   streams than processes, micro-batches, a source that cannot read a stream range).
    ///
    /// Every dropout mask, AWD-LSTM's included, is keyed by (seed, step, global stream), so
    /// splitting the batch changes none. A time budget (`setBudget`) is planned and charged on
    /// rank 0's clock alone: every reading of `clock` becomes rank 0's reading, broadcast, so
    /// every process makes the same plans and stops at the same step.
    /// `mode`: how the gradients are summed (`AllReduceMode`; every process must use the same).
    public func distribute(over group: any DataParallelGroup, mode: AllReduceMode = .overlap) throws(TrainingError) {
        share = try DataParallelShare(group: group, model: model, configuration: configuration, source: training, mode: mode)
        let local = clock
        clock = { LanguageModelTrainer.rankZeroReading(local(), group: group) }
    }

    /// Rank 0's `reading` on every rank. The clock cannot throw: should the broadcast fail (a
    /// rank died or hangs), this rank's own reading stands in, and the step's gradient sum,
    /// which fails the same way, stops training right after.
    static func rankZeroReading(_ reading: Double, group: any DataParallelGroup) -> Double {
        let bytes = withUnsafeBytes(of: reading.bitPattern.littleEndian) { Array($0) }
        guard let agreed = try? group.broadcastFromRankZero(bytes), agreed.count == 8 else { return reading }
        let bits = agreed.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// Bytes each process adds into the per-step allreduce (nil when not distributed).
    public var allReduceBytesPerStep: Int? { share?.bytesPerStep }

    /// When each bucket of the gradient sum became ready in the steps so far (nil when not distributed).
    public var dataParallelProfile: DataParallelProfile? { share?.profile }

    /// The learning rate the next step will use.
    public var learningRate: Double { progress.schedule.learningRate }

    /// Records an identifier of the training data in the state (and so in every checkpoint).
    public func setDataFingerprint(_ fingerprint: String?) {
        progress.dataFingerprint = fingerprint
    }

    /// Rebuilds the schedule from the configuration (after a change of learning rate or
    /// schedule on resume), advanced to where the run is: per-epoch schedules by the epochs
    /// done, per-step ones by the steps done; a plateau schedule starts afresh.
    public func restartSchedule() {
        var schedule = configuration.schedule.makeSchedule(initialRate: configuration.optimizer.learningRate,
                                                           totalSteps: configuration.totalSteps)
        let units: Int
        switch configuration.schedule.unit {
        case .epoch: units = progress.epoch
        case .optimizerStep: units = progress.step
        case .validation, .never: units = 0
        }
        for _ in 0..<units { schedule.step() }
        progress.schedule = schedule
    }

    // MARK: Training

    /// Trains until `configuration.totalSteps` steps are done or `shouldStop()` returns true.
    ///
    /// - Parameters:
    ///   - onEvent: called after each step, evaluation and checkpoint.
    ///   - shouldStop: polled before each step; true saves a checkpoint and returns `.interrupted`.
    public func train(onEvent: (TrainingEvent) -> Void = { _ in },
                      shouldStop: () -> Bool = { false }) throws(TrainingError) -> TrainingOutcome {
        let clock = ContinuousClock()
        let b = configuration.batchSize, t = configuration.sequenceLength
        startBudget()
        defer { budgetMark = nil }
        while progress.step < configuration.totalSteps {
            // Distributed, every process stops at the same step: the votes summed in the last step.
            if share.map({ $0.stopAgreed }) ?? shouldStop() {
                chargeBudget(step: false)
                try saveCheckpoint(validationLoss: nil, reason: .interrupted, onEvent: onEvent)
                return .interrupted(step: progress.step)
            }
            let started = clock.now
            if progress.batchInEpoch == 0 {
                // Every stream starts again from its beginning: no context to carry.
                carried.h.fill(0)
                carried.c?.fill(0)
            }
            let rate = progress.schedule.learningRate
            let batchIndex = progress.batchInEpoch
            var failure: DataParallelError?
            let result = trainingStep(learningRate: rate) {
                guard let share else { return trainBatch(batchIndex) }
                model.isTraining = true
                do throws(DataParallelError) {
                    return try share.lossAndGradients(model: model, carried: carried, batch: batchIndex,
                                                      keys: DropoutKeys(seed: configuration.seed, step: progress.step),
                                                      wantsToStop: shouldStop())
                } catch {
                    failure = error
                    return .nan
                }
            }
            if let failure { throw .dataParallel(failure) }
            let loss = result.loss, norm = result.gradientNorm
            let stepNumber = progress.step + 1
            guard loss.isFinite else {
                throw .nonFiniteLoss(step: stepNumber, loss: loss, lastCheckpoint: lastCheckpoint)
            }
            guard norm.isFinite else {
                throw .nonFiniteGradient(step: stepNumber, norm: norm, lastCheckpoint: lastCheckpoint)
            }

            progress.step = stepNumber
            progress.optimizerSteps = optimizer.stepCount
            progress.tokens += t * b
            let batch = progress.batchInEpoch, epoch = progress.epoch
            progress.batchInEpoch += 1
            if configuration.schedule.unit == .optimizerStep { progress.schedule.step() }
            if progress.batchInEpoch == training.batchesPerEpoch {
                progress.batchInEpoch = 0
                progress.epoch += 1
                if configuration.schedule.unit == .epoch { progress.schedule.step() }
            }
            lossSinceRecord += Double(loss)
            stepsSinceRecord += 1
            let elapsed = started.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            progress.seconds += seconds
            chargeBudget(step: true)
            onEvent(.step(StepReport(step: stepNumber, totalSteps: configuration.totalSteps, epoch: epoch, batch: batch,
                                     batchesPerEpoch: training.batchesPerEpoch, loss: Double(loss),
                                     gradientNorm: Double(norm), learningRate: rate,
                                     tokensPerSecond: seconds > 0 ? Double(t * b) / seconds : 0,
                                     seconds: progress.seconds)))

            let evaluates = stepNumber % configuration.evaluationInterval == 0 || stepNumber == configuration.totalSteps
            let validationLoss = evaluates ? validation.map { evaluate($0, maxBatches: configuration.maxValidationBatches) } : nil
            // Before the checkpoint: a run resumed from it finds this step's line already there.
            do {
                try metrics?.append(MetricsRecord(step: stepNumber, epoch: epoch + 1, trainingLoss: Double(loss),
                                                  validationLoss: validationLoss, learningRate: rate,
                                                  gradientNorm: Double(norm), tokens: progress.tokens,
                                                  tokensPerSecond: seconds > 0 ? Double(t * b) / seconds : 0,
                                                  elapsedSeconds: progress.seconds))
            } catch {
                throw .metrics(error)
            }
            if evaluates {
                recordEvaluation(epoch: epoch, validationLoss: validationLoss, learningRate: rate, onEvent: onEvent)
                try saveCheckpoint(validationLoss: validationLoss,
                                   reason: stepNumber == configuration.totalSteps ? .finished : .evaluation,
                                   onEvent: onEvent)
                replanAfterEvaluation()
            }
        }
        return .finished
    }

    /// Forward/backward of batch `index` into the (zeroed) gradients, carrying the state;
    /// returns the mean loss over its T·B tokens.
    private func trainBatch(_ index: Int) -> Float {
        model.isTraining = true
        training.fillBatch(index, inputs: inputs, targets: targets)
        defer { model.dropoutKeys = nil }              // the model's own draws again outside training
        let k = configuration.microBatches
        if k == 1 {
            model.dropoutKeys = DropoutKeys(seed: configuration.seed, step: progress.step)
            let (loss, final) = model.lossAndGradients(inputs: UnsafeBufferPointer(inputs), targets: UnsafeBufferPointer(targets),
                                                       batchSize: configuration.batchSize, initialState: carried,
                                                       generator: &generator)
            carried.h.assign(final.h)
            if let c = carried.c, let fc = final.c { c.assign(fc) }
            return loss
        }
        // K micro-batches of streams j·b ..< (j+1)·b; each mean is over T·b tokens, so the
        // sum of their gradients / K is the gradient of the mean over all T·B.
        let b = configuration.batchSize / k, t = configuration.sequenceLength, bb = configuration.batchSize
        let layers = model.configuration.numLayers
        var total: Double = 0
        for j in 0..<k {
            for step in 0..<t {
                for i in 0..<b {
                    microInputs[step * b + i] = inputs[step * bb + j * b + i]
                    microTargets[step * b + i] = targets[step * bb + j * b + i]
                }
            }
            for layer in 0..<layers {
                let rows = layer * bb + j * b..<layer * bb + (j + 1) * b, micro = layer * b..<(layer + 1) * b
                microState.h.rows(micro).assign(carried.h.rows(rows))
                if let c = microState.c, let cc = carried.c { c.rows(micro).assign(cc.rows(rows)) }
            }
            model.dropoutKeys = DropoutKeys(seed: configuration.seed, step: progress.step, firstStream: j * b)
            let (loss, final) = model.lossAndGradients(inputs: UnsafeBufferPointer(microInputs),
                                                       targets: UnsafeBufferPointer(microTargets),
                                                       batchSize: b, initialState: microState, generator: &generator)
            total += Double(loss)
            for layer in 0..<layers {
                let rows = layer * bb + j * b..<layer * bb + (j + 1) * b, micro = layer * b..<(layer + 1) * b
                carried.h.rows(rows).assign(final.h.rows(micro))
                if let c = carried.c, let fc = final.c { c.rows(rows).assign(fc.rows(micro)) }
            }
        }
        let scale = 1 / Float(k)
        for p in model.parameters { p.gradient.scale(by: scale) }
        return Float(total / Double(k))
    }

    // MARK: Evaluation

    /// Mean loss (nats per token) over the first `maxBatches` batches of `source` (all when
    /// nil), in evaluation mode, the state carried from zeros across consecutive batches.
    /// Leaves the model in training mode and the training state untouched.
    public func evaluate(_ source: any TokenBatchSource, maxBatches: Int? = nil) -> Double {
        LanguageModelTrainer.evaluate(model, on: source, maxBatches: maxBatches)
    }

    /// Mean loss of `model` on `source` in evaluation mode (see the instance method).
    public static func evaluate(_ model: LanguageModel, on source: any TokenBatchSource, maxBatches: Int? = nil) -> Double {
        let wasTraining = model.isTraining
        model.isTraining = false
        defer { model.isTraining = wasTraining }
        let n = source.batchSize * source.sequenceLength
        let inputs = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        let targets = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        defer { inputs.deallocate(); targets.deallocate() }
        let state = model.zeroState(batchSize: source.batchSize)
        var unused = RandomGenerator(seed: 0)      // evaluation mode draws nothing
        let batches = min(source.batchesPerEpoch, maxBatches ?? .max)
        var total: Double = 0
        for i in 0..<batches {
            source.fillBatch(i, inputs: inputs, targets: targets)
            let (loss, final) = model.loss(inputs: UnsafeBufferPointer(inputs), targets: UnsafeBufferPointer(targets),
                                           batchSize: source.batchSize, initialState: state, generator: &unused)
            total += Double(loss)
            state.h.assign(final.h)
            if let c = state.c, let fc = final.c { c.assign(fc) }
        }
        return total / Double(batches)
    }

    /// Appends a history record for the step just trained (of epoch `epoch`) and feeds a
    /// plateau schedule.
    private func recordEvaluation(epoch: Int, validationLoss: Double?, learningRate: Double, onEvent: (TrainingEvent) -> Void) {
        let trainingLoss = stepsSinceRecord > 0 ? lossSinceRecord / Double(stepsSinceRecord) : .nan
        lossSinceRecord = 0
        stepsSinceRecord = 0
        var isBest = false
        if let v = validationLoss, v.isFinite, progress.bestValidationLoss.map({ v < $0 }) ?? true {
            progress.bestValidationLoss = v
            isBest = true
        }
        if configuration.schedule.unit == .validation, let v = validationLoss { progress.schedule.step(metric: v) }
        progress.history.append(TrainingRecord(step: progress.step, epoch: epoch, trainingLoss: trainingLoss,
                                            validationLoss: validationLoss, learningRate: learningRate,
                                            seconds: progress.seconds))
        onEvent(.evaluation(EvaluationReport(step: progress.step, epoch: epoch, trainingLoss: trainingLoss,
                                             validationLoss: validationLoss, isBest: isBest)))
    }

    // MARK: Checkpoints

    /// Saves the current state to `checkpoints` (if any) as step `progress.step`.
    private func saveCheckpoint(validationLoss: Double?, reason: CheckpointReport.Reason,
                                onEvent: (TrainingEvent) -> Void) throws(TrainingError) {
        // Every process takes part in making the carried state whole; rank 0 writes it.
        if let share {
            do { try share.gather(carried) } catch { throw .dataParallel(error) }
        }
        guard let checkpoints else { return }
        let file: SafeTensors
        do { file = try makeCheckpoint() } catch { throw .checkpoint(.unencodableMetadata(error)) }
        do {
            let result = try checkpoints.save(file, step: progress.step, validationLoss: validationLoss)
            lastCheckpoint = result.path
            onEvent(.checkpoint(CheckpointReport(step: progress.step, path: result.path, isBest: result.isBest, reason: reason)))
        } catch {
            throw .checkpoint(.file(error))
        }
    }

    /// The whole training state as one safetensors file: the model (PyTorch names), the
    /// optimizer moments, the carried hidden state, and in the metadata the model and training
    /// configurations, the training state and `checkpointMetadata`.
    public func makeCheckpoint() throws(MetadataJSONError) -> SafeTensors {
        var file = SafeTensors()
        try model.write(into: &file)
        for tensor in optimizer.state { file.put(tensor.name, matrix: tensor.value, shape: tensor.shape) }
        file.put(TrainerTensor.hidden, matrix: carried.h)
        if let c = carried.c { file.put(TrainerTensor.cell, matrix: c) }
        let saved = state
        for (key, value) in checkpointMetadata { file.metadata[key] = value }
        file.metadata[CheckpointKey.trainingConfiguration] = try configuration.jsonString()
        file.metadata[CheckpointKey.trainingState] = try saved.jsonString()
        return file
    }

    /// Continues from a checkpoint written by `makeCheckpoint()`: loads the model's weights,
    /// the optimizer moments, the carried state, the generator, the schedule and the position.
    /// The trainer must have been built with the same model and data shape (the caller checks
    /// the configurations; this checks every tensor). Nothing changes when it throws.
    public func restore(from file: SafeTensors) throws(CheckpointError) {
        guard let json = file.metadata[CheckpointKey.trainingState] else { throw .missingTrainingState(file: file.origin) }
        let saved: TrainingState
        do { saved = try MetadataJSON.decode(TrainingState.self, from: json) } catch {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.trainingState, reason: "\(error)")
        }
        guard let restoredGenerator = saved.restoredGenerator() else {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.trainingState, reason: "the generator state is not four hexadecimal words")
        }
        guard saved.step >= 0, saved.epoch >= 0, saved.batchInEpoch >= 0, saved.batchInEpoch < training.batchesPerEpoch else {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.trainingState,
                                   reason: "position step \(saved.step), epoch \(saved.epoch), batch \(saved.batchInEpoch) is outside the data (\(training.batchesPerEpoch) batches per epoch)")
        }
        let h: Matrix, c: Matrix?
        var moments: [String: Matrix] = [:]
        do {
            h = try file.matrix(TrainerTensor.hidden, shape: [carried.h.rows, carried.h.cols])
            c = carried.c == nil ? nil : try file.matrix(TrainerTensor.cell, shape: [carried.c!.rows, carried.c!.cols])
            for tensor in optimizer.state {
                moments[tensor.name] = try file.matrix(tensor.name, shape: tensor.shape)
            }
        } catch {
            throw .tensor(error)
        }
        try model.loadParameters(from: file)
        do { try optimizer.loadState(moments) } catch {
            throw .invalidMetadata(file: file.origin, key: "optimizer", reason: error.description)
        }
        optimizer.stepCount = saved.optimizerSteps
        carried.h.assign(h)
        if let cc = carried.c, let c { cc.assign(c) }
        generator = restoredGenerator
        progress = saved
        // The interval's running loss, so the next history record is the uninterrupted run's
        // (checkpoints written before it was saved resume with an empty interval).
        lossSinceRecord = saved.interval?.lossSum ?? 0
        stepsSinceRecord = saved.interval?.steps ?? 0
        progress.interval = nil
        lastCheckpoint = file.origin
    }
}

/// Names of the trainer's own tensors in a checkpoint.
public enum TrainerTensor {
    /// The hidden state carried to the next batch, (L·B, H).
    public static let hidden = "trainer.state.h"
    /// The LSTM cell state carried to the next batch, (L·B, H) (h has P columns with a projection).
    public static let cell = "trainer.state.c"
}
