import Foundation
import Recurrent

/// Something that happened during an experiment, for a progress display. Delivered from the
/// worker threads, one at a time.
public enum ExperimentEvent: Sendable {
    /// A run began.
    case started(arm: String, seed: UInt64)
    /// A run was evaluated on the test set after `step` steps (`trainLoss`: mean since the last one).
    case evaluated(arm: String, seed: UInt64, step: Int, trainLoss: Double, test: TaskEvaluation)
    /// A run ended (solved, diverged, or out of steps).
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
    /// `progress` is called from worker threads (serialised by a lock).
    public func run(progress: @escaping @Sendable (ExperimentEvent) -> Void = { _ in }) throws -> ExperimentReport {
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
                    let result = try Self.train(task: task, arm: job.arm, seed: job.seed, configuration: configuration,
                                                testSet: testSet, label: job.arm.label(showClipping: showClipping),
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
                             report: (ExperimentEvent) -> Void = { _ in }) throws -> RunResult {
        let clock = ContinuousClock()
        let start = clock.now
        var data = RandomGenerator(seed: stream(seed, 1))
        var initial = RandomGenerator(seed: stream(seed, 2))
        let model = SequenceModel(cell: arm.cell, inputSize: task.inputSize, hiddenSize: c.hiddenSize,
                                  outputSize: task.outputSize, forgetBias: c.forgetBias,
                                  recurrentGain: c.recurrentGain, generator: &initial)
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
        if task.isSolved(test) { result.solvedAtStep = 0 }

        var lossSinceEvaluation = 0.0, stepsSinceEvaluation = 0
        for step in 1...c.steps {
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
            if !trained.updated {
                result.divergedAtStep = step
                test = evaluate(at: step, trainLoss: Double(loss))
                break
            }
            lossSinceEvaluation += Double(loss)
            stepsSinceEvaluation += 1
            if step % c.evaluateEvery == 0 || step == c.steps {
                test = evaluate(at: step, trainLoss: lossSinceEvaluation / Double(stepsSinceEvaluation))
                lossSinceEvaluation = 0
                stepsSinceEvaluation = 0
                if result.solvedAtStep == nil && task.isSolved(test) {
                    result.solvedAtStep = step
                    if c.stopWhenSolved { break }
                }
            }
        }
        result.final = test
        let elapsed = (clock.now - start).components
        result.wallSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        report(.finished(result))
        return result
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
