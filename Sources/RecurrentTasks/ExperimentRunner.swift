import Foundation
import Recurrent

/// Something that happened during an experiment, for a progress display. Delivered from the
/// worker threads, one at a time.
public enum ExperimentEvent: Sendable {
    /// A run began.
    case started(arm: String, seed: UInt64)
    /// A run was evaluated on the test set after `step` steps (`trainLoss`: mean since the last one).
    case evaluated(arm: String, seed: UInt64, step: Int, trainLoss: Double, test: TaskEvaluation)
    /// A run ended (solved, diverged, or out of steps); its `model` is the trained network.
    case finished(RunResult)
}

/// Trains every arm (cell, clipping) of an experiment on every seed and collects the results.
///
/// Each run draws its training batches from `RandomGenerator(seed: stream(seed, 1))` — the
/// same batches for every cell — and its initial weights from `stream(seed, 2)`, so a run is
/// deterministic for its seed whatever the thread scheduling. A run is one full-BPTT step per
/// fresh batch: forward, loss, backward, global-norm clip (when the arm clips; the raw norm is
/// recorded either way), optimizer step. A non-finite loss or gradient ends the run as diverged.
public struct ExperimentRunner: Sendable {
    public let task: any MemoryTask
    public let configuration: ExperimentConfiguration

    public init(task: any MemoryTask, configuration: ExperimentConfiguration) throws(ExperimentError) {
        try configuration.validate()
        self.task = task
        self.configuration = configuration
    }

    /// Runs everything, `configuration.jobs` runs at a time, and returns the report.
    /// `progress` is called from worker threads (serialised by a lock). With `logDirectory`,
    /// each run appends its steps to `logDirectory/<task>/<arm>-seed-<seed>/metrics.jsonl`
    /// (`logFolder`).
    public func run(logDirectory: String? = nil,
                    progress: @escaping @Sendable (ExperimentEvent) -> Void = { _ in }) throws -> ExperimentReport {
        let task = self.task, configuration = self.configuration
        let testSet = try task.testSet()
        let arms = configuration.arms
        let jobs = configuration.seeds.flatMap { seed in arms.map { (arm: $0, seed: seed) } }
        let collector = Collector(count: jobs.count, progress: progress)
        let workers = min(configuration.jobs, jobs.count)
        let showClipping = configuration.compareClipping
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = collector.nextJob() {
                let job = jobs[index]
                do {
                    let label = job.arm.label(showClipping: showClipping)
                    let metrics = try logDirectory.map { directory in
                        try MetricsLog(path: Self.logFolder(directory, task: task.name, arm: label, seed: job.seed)
                                       + "/" + MetricsLog.fileName)
                    }
                    let result = try Self.train(task: task, arm: job.arm, seed: job.seed, configuration: configuration,
                                                testSet: testSet, label: label, metrics: metrics,
                                                report: collector.report)
                    collector.store(result, at: index)
                } catch {
                    collector.fail(error)
                }
            }
        }
        if let error = collector.error { throw error }
        return ExperimentReport(task: task, configuration: configuration, runs: collector.results.map { $0! })
    }

    /// One run: `arm` trained from `seed` for `configuration.steps` steps (fewer when solved
    /// and `stopWhenSolved`, or diverged).
    public static func train(task: some MemoryTask, arm: ExperimentArm, seed: UInt64,
                             configuration c: ExperimentConfiguration, testSet: [TaskBatch], label: String,
                             metrics: MetricsLog? = nil,
                             report: (ExperimentEvent) -> Void = { _ in }) throws -> RunResult {
        let clock = ContinuousClock()
        let start = clock.now
        var data = RandomGenerator(seed: stream(seed, 1))
        var initial = RandomGenerator(seed: stream(seed, 2))
        let model = SequenceModel(cell: arm.cell, inputSize: task.inputSize, hiddenSize: c.hiddenSize,
                                  outputSize: task.outputSize, forgetBias: c.forgetBias,
                                  inputBias: c.inputBias, recurrentGain: c.recurrentGain, generator: &initial)
        let optimizer: any Optimizer
        do {
            switch c.optimizer {
            case .adam: optimizer = try Adam(parameters: model.parameters, learningRate: c.learningRate)
            case .sgd: optimizer = try SGD(parameters: model.parameters, learningRate: c.learningRate)
            case .rmsprop: optimizer = try RMSprop(parameters: model.parameters, learningRate: c.learningRate)
            }
        } catch {
            throw ExperimentError.optimizer(error.description)
        }
        let trainingStep = TrainingStep(parameters: model.parameters, optimizer: optimizer,
                                        clipping: arm.clipNorm.map { .norm(maxNorm: $0, type: .l2) })

        report(.started(arm: label, seed: seed))
        var result = RunResult(arm: arm, label: label, seed: seed, parameterCount: model.parameterCount)
        result.gradientNorms.reserveCapacity(c.steps)
        result.trainLosses.reserveCapacity(c.steps)
        func evaluate(at step: Int, trainLoss: Double) -> TaskEvaluation {
            let e = model.evaluate(task, on: testSet)
            result.curve.append(CurvePoint(step: step, trainLoss: trainLoss, test: e))
            report(.evaluated(arm: label, seed: seed, step: step, trainLoss: trainLoss, test: e))
            return e
        }
        var test = evaluate(at: 0, trainLoss: .nan)
        if task.isSolved(test) { result.firstSolvedAtStep = 0 }

        var lossSinceEvaluation = 0.0, stepsSinceEvaluation = 0
        /// Seconds since the run started.
        func elapsed() -> Double {
            let d = (clock.now - start).components
            return Double(d.seconds) + Double(d.attoseconds) * 1e-18
        }
        for step in 1...c.steps {
            let stepStarted = clock.now
            let batch = try task.makeBatch(batchSize: c.batchSize, generator: &data)
            let trained = trainingStep {
                let y = model.forward(batch, training: true)
                let loss = model.lossAndGradient(y, targets: batch.targets)
                model.backward(y)
                return loss
            }
            let loss = trained.loss
            // A clipped run records a non-finite norm as NaN (the norm it could not clip).
            let norm = arm.clipNorm != nil && !trained.gradientNorm.isFinite ? .nan : trained.gradientNorm
            result.trainLosses.append(loss)
            result.gradientNorms.append(norm)
            result.stepsRun = step
            let stepSeconds = (clock.now - stepStarted).components
            var record = MetricsRecord(step: step, epoch: nil, trainingLoss: Double(loss), learningRate: c.learningRate,
                                       gradientNorm: Double(norm), samples: step * c.batchSize,
                                       samplesPerSecond: Double(c.batchSize) / max(1e-9, Double(stepSeconds.seconds)
                                           + Double(stepSeconds.attoseconds) * 1e-18),
                                       elapsedSeconds: elapsed())
            if !trained.updated {
                result.divergedAtStep = step
                test = evaluate(at: step, trainLoss: Double(loss))
                record.validationLoss = test.loss
                try metrics?.append(record)
                break
            }
            lossSinceEvaluation += Double(loss)
            stepsSinceEvaluation += 1
            let evaluates = step % c.evaluateEvery == 0 || step == c.steps
            if evaluates {
                test = evaluate(at: step, trainLoss: lossSinceEvaluation / Double(stepsSinceEvaluation))
                lossSinceEvaluation = 0
                stepsSinceEvaluation = 0
                record.validationLoss = test.loss
            }
            try metrics?.append(record)
            if evaluates && result.firstSolvedAtStep == nil && task.isSolved(test) {
                result.firstSolvedAtStep = step
                if c.stopWhenSolved { break }
            }
        }
        result.final = test
        result.solvedAtEnd = result.divergedAtStep == nil && task.isSolved(test)
        result.collapsed = Outcome.collapsed(losses: result.curve.map(\.test.loss), baselineLoss: task.baseline.loss)
        result.stoppedAtBudget = result.stepsRun == c.steps && !result.solved && !result.diverged
        result.model = model
        let elapsed = (clock.now - start).components
        result.wallSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        report(.finished(result))
        return result
    }

    /// The run folder of `arm` and `seed` under `directory`: `directory/<task>/<arm>-seed-<seed>`
    /// (spaces in the arm's label, as in "rnn clip 1", become hyphens).
    public static func logFolder(_ directory: String, task: String, arm: String, seed: UInt64) -> String {
        directory + "/" + task + "/" + arm.replacingOccurrences(of: " ", with: "-") + "-seed-\(seed)"
    }

    /// Independent streams from one seed (SplitMix64 of seed and stream number).
    static func stream(_ seed: UInt64, _ n: UInt64) -> UInt64 {
        var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ n &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hands out jobs, stores results and forwards progress under one lock.
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var results: [RunResult?]
    private(set) var error: Error?
    private let progress: @Sendable (ExperimentEvent) -> Void

    init(count: Int, progress: @escaping @Sendable (ExperimentEvent) -> Void) {
        results = Array(repeating: nil, count: count)
        self.progress = progress
    }

    func nextJob() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, next < results.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ result: RunResult, at index: Int) {
        lock.lock(); defer { lock.unlock() }
        results[index] = result
    }

    func fail(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }

    func report(_ event: ExperimentEvent) {
        lock.lock(); defer { lock.unlock() }
        progress(event)
    }
}
