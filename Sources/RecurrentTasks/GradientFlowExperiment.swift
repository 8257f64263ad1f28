import Recurrent

/// `recurrent experiment gradient-flow`: ‖∂L/∂h_{T−k}‖ against k for each cell at
/// initialisation and after training on the adding task, and for an RNN whose recurrent
/// weights start at a high gain (the exploding case).
///
/// Training uses the adding task's experiment defaults (`ExperimentConfiguration.defaults`)
/// with `configuration`'s overrides, run by `ExperimentRunner.train`, so a trained curve
/// belongs to exactly the model a `recurrent experiment adding` run of that seed would train.
/// Each figure is the median over seeds of `GradientFlow.gradientNorms` on one fixed batch of
/// `probeSize` test sequences.
public struct GradientFlowExperiment: Sendable {
    /// One measured curve.
    public struct Curve: Sendable, Codable, Equatable {
        public var label: String
        public var cell: String
        /// "initialisation" or "trained".
        public var stage: String
        /// W_hh ~ N(0, g²/H) at initialisation (nil: the cell's default initialisation).
        public var recurrentGain: Float?
        public var lags: [Int]
        /// Median over seeds of the mean over sequences of ‖∂L_b/∂h_{T−k}‖₂.
        public var norms: [Double]
        /// Final test loss of each seed's training (trained curves only).
        public var finalTestLosses: [Double]
    }

    public let task: AddingTask
    public var configuration: ExperimentConfiguration
    /// The recurrent gain of the exploding case (an RNN, at initialisation).
    public var explodingGain: Float
    public var probeSize: Int

    /// g = 3: W_hh ~ N(0, g²/H) has spectral radius ≈ 3, well into the exploding regime.
    public static let defaultExplodingGain: Float = 3

    public init(task: AddingTask, configuration: ExperimentConfiguration, explodingGain: Float = defaultExplodingGain,
                probeSize: Int = 100) {
        self.task = task
        self.configuration = configuration
        self.explodingGain = explodingGain
        self.probeSize = probeSize
    }

    /// Every curve: for each cell, at initialisation and trained; then the exploding RNN.
    /// `progress` gets one line per finished measurement.
    public func run(progress: (String) -> Void = { _ in }) throws -> [Curve] {
        var c = configuration
        c.stopWhenSolved = false
        let testSet = try task.testSet()
        var probeGenerator = RandomGenerator(seed: task.testSeed &+ 1)
        let probe = try task.makeBatch(batchSize: probeSize, generator: &probeGenerator)
        let lags = GradientFlow.lagGrid(maxLag: task.length - 1)
        var curves: [Curve] = []
        for cell in c.cells {
            var initial: [[Double]] = [], trained: [[Double]] = [], losses: [Double] = []
            for seed in c.seeds {
                var generator = RandomGenerator(seed: ExperimentRunner.stream(seed, 2))
                let fresh = SequenceModel(cell: cell, inputSize: task.inputSize, hiddenSize: c.hiddenSize,
                                          outputSize: task.outputSize, forgetBias: c.forgetBias,
                                          inputBias: c.inputBias, recurrentGain: c.recurrentGain, generator: &generator)
                initial.append(GradientFlow.gradientNorms(model: fresh, batch: probe, lags: lags))
                let arm = ExperimentArm(cell: cell, clipNorm: c.clipNorm)
                let result = try ExperimentRunner.train(task: task, arm: arm, seed: seed, configuration: c,
                                                        testSet: testSet, label: cell.rawValue)
                guard let model = result.model else { continue }
                trained.append(GradientFlow.gradientNorms(model: model, batch: probe, lags: lags))
                losses.append(result.final.loss)
                progress("\(cell.rawValue) seed \(seed): trained \(result.stepsRun) steps, test MSE "
                         + format(result.final.loss))
            }
            curves.append(Curve(label: "\(cell.rawValue), initialisation", cell: cell.rawValue, stage: "initialisation",
                                recurrentGain: c.recurrentGain, lags: lags, norms: medians(initial), finalTestLosses: []))
            curves.append(Curve(label: "\(cell.rawValue), trained \(grouped(c.steps)) steps", cell: cell.rawValue,
                                stage: "trained", recurrentGain: c.recurrentGain, lags: lags, norms: medians(trained),
                                finalTestLosses: losses))
        }
        var exploding: [[Double]] = []
        for seed in c.seeds {
            var generator = RandomGenerator(seed: ExperimentRunner.stream(seed, 2))
            let rnn = SequenceModel(cell: .rnn, inputSize: task.inputSize, hiddenSize: c.hiddenSize,
                                    outputSize: task.outputSize, forgetBias: nil, recurrentGain: explodingGain,
                                    generator: &generator)
            exploding.append(GradientFlow.gradientNorms(model: rnn, batch: probe, lags: lags))
        }
        curves.append(Curve(label: "rnn, gain \(compact(Double(explodingGain))), initialisation", cell: "rnn",
                            stage: "initialisation", recurrentGain: explodingGain, lags: lags, norms: medians(exploding),
                            finalTestLosses: []))
        return curves
    }

    /// The median over runs at every lag.
    func medians(_ runs: [[Double]]) -> [Double] {
        guard let first = runs.first else { return [] }
        return first.indices.map { i in median(runs.map { $0[i] }) }
    }

    /// ‖∂L/∂h_{T−k}‖ against k, log scale: initialisation dashed, trained solid, one colour per cell.
    public static func plot(_ curves: [Curve], task: AddingTask) -> SVGLinePlot {
        var plot = SVGLinePlot(title: "Gradient flow on adding (T = \(task.length)): ‖∂L/∂h(T−k)‖ against k",
                               xLabel: "k (steps back from the last)", yLabel: "‖∂L/∂h(T−k)‖₂, mean over sequences",
                               logY: true)
        var colors: [String: String] = [:]
        for curve in curves {
            let key = curve.cell + (curve.recurrentGain.map { "\($0)" } ?? "")
            let color = colors[key] ?? SVGLinePlot.palette[colors.count % SVGLinePlot.palette.count]
            colors[key] = color
            plot.series.append(.init(name: curve.label, points: zip(curve.lags, curve.norms).map { SVGLinePlot.Point(x: Double($0), y: $1) },
                                     color: color, dashed: curve.stage == "initialisation"))
        }
        return plot
    }

    /// A table: one row per curve, the norm at a few lags and the ratio of the farthest to k = 1.
    public static func table(_ curves: [Curve], task: AddingTask, configuration c: ExperimentConfiguration) -> String {
        guard let lags = curves.first?.lags, !lags.isEmpty else { return "" }
        let shown = [1, 10, 30, 50, lags.last!].filter { lags.contains($0) }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
        var rows: [[String]] = [["curve"] + shown.map { "k = \($0)" } + ["k=\(lags.last!) / k=1"]]
        for curve in curves {
            let at = { (k: Int) in curve.norms[lags.firstIndex(of: k)!] }
            rows.append([curve.label] + shown.map { format(at($0)) } + [format(at(lags.last!) / at(1))])
        }
        var out = "gradient-flow on adding (T = \(task.length)): mean over \(c.seeds.count == 1 ? "" : "the median of \(c.seeds.count) seeds of the ")"
            + "sequences' ‖∂L_b/∂h(T−k)‖₂\n"
            + "  trained: \(c.seeds.count) seed\(c.seeds.count == 1 ? "" : "s") (\(seedList(c.seeds))) × \(grouped(c.steps)) steps, batch \(c.batchSize), hidden \(c.hiddenSize), "
            + "\(c.optimizer.rawValue) lr \(compact(c.learningRate))" + (c.clipNorm.map { ", clip \(compact($0))" } ?? "")
            + (c.forgetBias.map { ", LSTM forget bias \(compact(Double($0)))" } ?? "") + "\n\n"
        out += render(rows, rightAligned: Set(1..<rows[0].count))
        out += "\n(a ratio far below 1: the gradient vanishes over k steps; far above 1: it explodes)\n"
        return out
    }
}
