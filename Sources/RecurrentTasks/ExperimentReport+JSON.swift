import Recurrent

/// The machine-readable report: every setting, every per-seed figure and every learning-curve
/// point, as one JSON document (`recurrent experiment … --json`). Non-finite numbers are
/// written as the strings "nan", "inf", "-inf" (MetadataJSON's convention).
public struct ExperimentJSON: Codable, Sendable, Equatable {
    public struct Configuration: Codable, Sendable, Equatable {
        public var cells: [String]
        public var seeds: [UInt64]
        public var steps: Int
        public var batchSize: Int
        public var hiddenSize: Int
        public var optimizer: String
        public var learningRate: Double
        public var clipNorm: Double?
        public var compareClipping: Bool
        public var recurrentGain: Float?
        public var forgetBias: Float?
        public var inputBias: Float?
        public var evaluateEvery: Int
        public var stopWhenSolved: Bool
    }

    public struct Point: Codable, Sendable, Equatable {
        public var step: Int
        /// Mean training loss since the previous point (NaN at step 0).
        public var trainLoss: Double
        public var testLoss: Double
        public var testScore: Double
    }

    public struct Run: Codable, Sendable, Equatable {
        public var arm: String
        public var cell: String
        public var clipNorm: Double?
        public var seed: UInt64
        public var parameterCount: Int
        /// Judged at the last evaluation.
        public var solved: Bool
        public var firstSolvedAtStep: Int?
        public var diverged: Bool
        /// The step whose loss or gradient was not finite.
        public var nonFiniteAtStep: Int?
        public var collapsed: Bool
        public var stoppedAtBudget: Bool
        public var stepsRun: Int
        public var finalTestLoss: Double
        public var finalTestScore: Double
        public var maxGradientNorm: Double
        public var wallSeconds: Double
        public var curve: [Point]
    }

    public struct Arm: Codable, Sendable, Equatable {
        public var arm: String
        public var parameterCount: Int
        public var seeds: Int
        public var solved: Int
        public var diverged: Int
        public var medianTestLoss: Double
        public var medianTestScore: Double
        public var medianFirstSolvedStep: Int?
    }

    public var task: String
    public var settings: String
    public var citation: String
    public var lossName: String
    public var scoreName: String
    public var solvedCriterion: String
    public var baselineLoss: Double
    public var baselineScore: Double
    public var configuration: Configuration
    public var arms: [Arm]
    public var runs: [Run]
    public var warnings: [String]
}

extension ExperimentReport {
    /// The report as `ExperimentJSON`.
    public var json: ExperimentJSON {
        let c = configuration
        return ExperimentJSON(
            task: taskName, settings: taskSettings, citation: citation, lossName: lossName, scoreName: scoreName,
            solvedCriterion: solvedDescription, baselineLoss: baseline.loss, baselineScore: baseline.score,
            configuration: .init(cells: c.cells.map(\.rawValue), seeds: c.seeds, steps: c.steps, batchSize: c.batchSize,
                                 hiddenSize: c.hiddenSize, optimizer: c.optimizer.rawValue, learningRate: c.learningRate,
                                 clipNorm: c.clipNorm, compareClipping: c.compareClipping, recurrentGain: c.recurrentGain,
                                 forgetBias: c.forgetBias, inputBias: c.inputBias, evaluateEvery: c.evaluateEvery, stopWhenSolved: c.stopWhenSolved),
            arms: arms.map { a in
                .init(arm: a.label, parameterCount: a.parameterCount, seeds: a.seeds, solved: a.solvedCount,
                      diverged: a.divergedCount, medianTestLoss: a.medianLoss, medianTestScore: a.medianScore,
                      medianFirstSolvedStep: a.medianFirstSolvedStep)
            },
            runs: runs.map { r in
                .init(arm: r.label, cell: r.arm.cell.rawValue, clipNorm: r.arm.clipNorm, seed: r.seed,
                      parameterCount: r.parameterCount, solved: r.solved, firstSolvedAtStep: r.firstSolvedAtStep,
                      diverged: r.diverged, nonFiniteAtStep: r.divergedAtStep, collapsed: r.collapsed,
                      stoppedAtBudget: r.stoppedAtBudget, stepsRun: r.stepsRun, finalTestLoss: r.final.loss,
                      finalTestScore: r.final.score, maxGradientNorm: Double(r.maxGradientNorm), wallSeconds: r.wallSeconds,
                      curve: r.curve.map { .init(step: $0.step, trainLoss: $0.trainLoss, testLoss: $0.test.loss, testScore: $0.test.score) })
            },
            warnings: warnings)
    }

    /// The report as one JSON document (sorted keys, no trailing newline).
    public func jsonText() throws(MetadataJSONError) -> String {
        try MetadataJSON.encode(json)
    }
}
