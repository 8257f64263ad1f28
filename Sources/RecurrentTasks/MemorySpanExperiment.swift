import Recurrent

/// `recurrent experiment memory-span`: each cell trained on `MemorySpanTask` at every lag k of
/// a grid with the same budget, and a discrete HMM trained by Baum–Welch on the same task;
/// test accuracy against k.
///
/// The networks run through `ExperimentRunner` (its seeds, batches and outcome rules). The HMM
/// of seed s learns from `hmmTrainingSize` sequences drawn from the same training stream the
/// networks' batches come from, starts from `DiscreteHMM(states:symbols:generator:)` with
/// weights from the seed's initialisation stream, runs `hmmIterations` Baum–Welch steps, and
/// answers each test sequence with the argmax of its predictive distribution of the next
/// symbol after the k + 1 inputs (it is trained on sequences that end with the answer).
public struct MemorySpanExperiment: Sendable {
    /// Accuracies at one lag.
    public struct Point: Sendable, Codable, Equatable {
        public var lag: Int
        /// Test accuracy of every seed, per arm ("rnn", "gru", "lstm", …, "hmm").
        public var accuracies: [String: [Double]]
        /// Median test accuracy over seeds, per arm.
        public var medianAccuracy: [String: Double]
    }

    public var lags: [Int]
    public var symbolCount: Int
    public var configuration: ExperimentConfiguration
    /// N: the HMM's states; nil: the fewest with at least as many parameters as the LSTM.
    public var hmmStates: Int?
    public var hmmIterations: Int
    public var hmmTrainingSize: Int
    public var testSize: Int

    public init(lags: [Int] = MemorySpanExperiment.defaultLags, symbolCount: Int = MemorySpanExperiment.defaultSymbolCount,
                configuration: ExperimentConfiguration = MemorySpanExperiment.defaultConfiguration,
                hmmStates: Int? = nil, hmmIterations: Int = MemorySpanExperiment.defaultHMMIterations,
                hmmTrainingSize: Int = 1000, testSize: Int = 500) {
        self.lags = lags
        self.symbolCount = symbolCount
        self.configuration = configuration
        self.hmmStates = hmmStates
        self.hmmIterations = hmmIterations
        self.hmmTrainingSize = hmmTrainingSize
        self.testSize = testSize
    }

    /// k = 1, 2, 5, 10, 15, 20, 30, 50, 75, 100: dense where the RNN is expected to fall off.
    public static let defaultLags = [1, 2, 5, 10, 15, 20, 30, 50, 75, 100]

    /// S = 4 symbols (chance 1/4).
    public static let defaultSymbolCount = 4

    /// Baum–Welch iterations of the HMM baseline.
    public static let defaultHMMIterations = 30

    /// RNN, GRU, LSTM; 1 seed × 2,000 steps per lag, batch 32, hidden 32, Adam lr 0.01, clip 1;
    /// a run stops when it reaches 99% test accuracy.
    ///
    /// The LSTM's gates start as the lags of the grid ask: forget bias 5, so σ(5)¹⁰⁰ ≈ 0.51 of
    /// the first symbol is still in the cell at k = 100 (the experiments' usual 3 leaves
    /// σ(3)¹⁰⁰ ≈ 0.006), and input-gate bias −3, Hochreiter & Schmidhuber's remedy for state
    /// drift: every distractor is a symbol of the same alphabet, and a cell that lets each one
    /// in fills with them before it learns which to keep. With forget bias 3 the LSTM was at
    /// chance from k = 50 (with or without the input bias), with bias 5 alone at k = 100, and
    /// with both it solved k = 100 in 3 of 3 seeds in 1,100 steps (docs/experiments.md).
    public static var defaultConfiguration: ExperimentConfiguration {
        ExperimentConfiguration(cells: [.rnn, .gru, .lstm], seeds: [1], steps: 2000, forgetBias: 5, inputBias: -3,
                                evaluateEvery: 100)
    }

    /// The HMM's state count: `hmmStates`, or the smallest N with N² + N·S + N ≥ the LSTM's parameters.
    public var resolvedHMMStates: Int {
        if let hmmStates { return hmmStates }
        let lstm = RecurrentCellKind.lstm.parameterCount(inputSize: symbolCount, hiddenSize: configuration.hiddenSize)
            + (configuration.hiddenSize + 1) * symbolCount
        var n = 1
        while n * n + n * symbolCount + n < lstm { n += 1 }
        return n
    }

    /// Every lag in turn; `progress` gets one line per finished run.
    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [Point] {
        try lags.map { k in
            let task = MemorySpanTask(lag: k, symbolCount: symbolCount, testSize: testSize)
            let report = try ExperimentRunner(task: task, configuration: configuration).run { event in
                if case .finished(let r) = event {
                    progress("k = \(k) \(r.label) seed \(r.seed): accuracy \(format(r.final.score)) after \(r.stepsRun) steps")
                }
            }
            var accuracies: [String: [Double]] = [:]
            for arm in report.arms { accuracies[arm.label] = arm.runs.map(\.final.score) }
            accuracies["hmm"] = try configuration.seeds.map { seed in
                let accuracy = try hmmAccuracy(task: task, seed: seed)
                progress("k = \(k) hmm (\(resolvedHMMStates) states) seed \(seed): accuracy \(format(accuracy))")
                return accuracy
            }
            return Point(lag: k, accuracies: accuracies, medianAccuracy: accuracies.mapValues { median($0) })
        }
    }

    /// Trains the HMM of `seed` on `task` and returns its test accuracy.
    func hmmAccuracy(task: MemorySpanTask, seed: UInt64) throws -> Double {
        var data = RandomGenerator(seed: ExperimentRunner.stream(seed, 1))
        var initial = RandomGenerator(seed: ExperimentRunner.stream(seed, 2))
        let training = MemorySpanTask.symbolSequences(try task.makeBatch(batchSize: hmmTrainingSize, generator: &data))
        var hmm = DiscreteHMM(states: resolvedHMMStates, symbols: symbolCount, generator: &initial)
        for _ in 0..<hmmIterations { hmm.baumWelchStep(training) }
        var correct = 0, total = 0
        for batch in try task.testSet() {
            for sequence in MemorySpanTask.symbolSequences(batch) {
                let p = hmm.predictNext(Array(sequence.dropLast()))
                let guess = p.indices.max { p[$0] < p[$1] } ?? 0
                if guess == sequence.last! { correct += 1 }
                total += 1
            }
        }
        return Double(correct) / Double(max(total, 1))
    }

    /// The arms in plot and table order: the cells, then "hmm".
    public var armLabels: [String] { configuration.cells.map(\.rawValue) + ["hmm"] }

    /// Median test accuracy against k, with chance dashed.
    public func plot(_ points: [Point]) -> SVGLinePlot {
        var plot = SVGLinePlot(title: "Memory span: recall the symbol seen k steps earlier (S = \(symbolCount))",
                               xLabel: "k (steps back)", yLabel: "test accuracy", yRange: 0...1)
        for (i, label) in armLabels.enumerated() {
            let name = label == "hmm" ? "HMM, \(resolvedHMMStates) states, Baum–Welch" : label
            plot.series.append(.init(name: name, points: points.compactMap { p in p.medianAccuracy[label].map { SVGLinePlot.Point(x: Double(p.lag), y: $0) } },
                                     color: SVGLinePlot.palette[i % SVGLinePlot.palette.count], markers: true))
        }
        let last = Double(lags.max() ?? 1)
        plot.series.append(.init(name: "chance", points: [(Double(lags.min() ?? 1), 1 / Double(symbolCount)), (last, 1 / Double(symbolCount))],
                                 color: "#777777", dashed: true))
        return plot
    }

    /// Budget line, then one row per k with each arm's median accuracy.
    public func table(_ points: [Point]) -> String {
        let c = configuration
        var out = "memory-span (S = \(symbolCount), test \(testSize) sequences per k): test accuracy, median over seeds\n"
            + "  networks: \(c.seeds.count) seed\(c.seeds.count == 1 ? "" : "s") (\(seedList(c.seeds))) × \(grouped(c.steps)) steps per k, batch \(c.batchSize), hidden \(c.hiddenSize), "
            + "\(c.optimizer.rawValue) lr \(compact(c.learningRate))" + (c.clipNorm.map { ", clip \(compact($0))" } ?? "")
            + (c.forgetBias.map { ", LSTM forget bias \(compact(Double($0)))" } ?? "")
            + (c.inputBias.map { ", input-gate bias \(compact(Double($0)))" } ?? "") + (c.stopWhenSolved ? ", runs stop at 99%" : "") + "\n"
        let lstmParameters = RecurrentCellKind.lstm.parameterCount(inputSize: symbolCount, hiddenSize: c.hiddenSize) + (c.hiddenSize + 1) * symbolCount
        let n = resolvedHMMStates
        out += "  hmm: \(n) states (\(grouped(n * n + n * symbolCount + n)) probabilities; the LSTM has \(grouped(lstmParameters)) parameters), "
            + "\(hmmIterations) Baum–Welch steps on \(grouped(hmmTrainingSize)) sequences, answer = argmax of the forward predictive distribution\n"
            + "  chance: \(format(1 / Double(symbolCount)))\n\n"
        var rows: [[String]] = [["k"] + armLabels]
        for p in points { rows.append([String(p.lag)] + armLabels.map { p.medianAccuracy[$0].map(format) ?? "—" }) }
        out += render(rows, rightAligned: Set(0..<rows[0].count))
        return out + "\n"
    }
}
