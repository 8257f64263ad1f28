import ArgumentParser
import Foundation
import Recurrent
import RecurrentTasks

/// `recurrent experiment TASK`: the memory experiments — each cell trained on a task with the
/// same budget and seeds, a table on stdout, learning curves as SVG, progress on stderr.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Train RNN, GRU and LSTM cells on a memory task and compare them.",
        discussion: """
        Tasks: \(TaskCatalog.names.joined(separator: ", ")). `recurrent experiment --list` describes each,
        with its paper, baseline and success criterion. Every option not given takes the task's default.
        Results are deterministic for a seed. A task's default budget grows with its lag (T, or the
        copy delay) as (lag / default lag)²; a run that ends its budget unsolved is warned about.
        Two studies are subcommands: `gradient-flow` (how far back the gradient reaches) and
        `memory-span` (recall accuracy against the lag k). Example:
          recurrent experiment adding --cells rnn,lstm --seeds 3 --plot adding.svg
        """
    )

    /// The studies run as `recurrent experiment NAME` (routed by `RecurrentCommand.main`, not
    /// registered as subcommands: the positional task name would shadow them).
    static let studies: [any ParsableCommand.Type] = [GradientFlowCommand.self, MemorySpanCommand.self]

    @Argument(help: "The task (see --list).")
    var task: String?

    @Flag(help: "Describe every task and exit.")
    var list = false

    @Option(help: "Cells to compare, comma-separated: rnn, gru, lstm, peephole.")
    var cells: String?

    @Option(help: "Number of seeds (runs per cell).")
    var seeds: Int?

    @Option(help: "First seed; runs use seed, seed+1, ...")
    var seed: UInt64 = 1

    @Option(help: "Training steps per run (one batch each; default: the task's, grown with the lag).")
    var steps: Int?

    @Option(help: "Sequence length T (delay T for copy).")
    var length: Int?

    @Option(help: "Spike period F (timing).")
    var period: Int?

    @Option(help: "Recurrent gain g: W_hh ~ N(0, g²/H) (clipping).")
    var gain: Float?

    @Option(name: .customLong("hidden-size"), help: "Hidden size H, the same for every cell.")
    var hidden: Int?

    @Option(name: .customLong("learning-rate"), help: "Learning rate.")
    var lr: Double?

    @Option(name: .customLong("batch-size"), help: "Sequences per training batch.")
    var batch: Int?

    @Option(help: "Optimizer: adam, sgd or rmsprop.")
    var optimizer: String?

    @Option(help: "Global-norm gradient clipping threshold.")
    var clip: Double?

    @Flag(help: "Train without gradient clipping.")
    var noClip = false

    @Option(help: "LSTM forget-gate bias at start (b_ih = b, b_hh = 0).")
    var forgetBias: Float?

    @Flag(help: "Keep PyTorch's uniform initialisation of the LSTM forget-gate bias.")
    var defaultForgetBias = false

    @Option(parsing: .unconditional, help: "LSTM input-gate bias at start (b_ih = b, b_hh = 0); negative keeps the cells closed to distractors at first.")
    var inputBias: Float?

    @Option(help: "Steps between test evaluations.")
    var evalEvery: Int?

    @Flag(inversion: .prefixedNo, help: "Stop a run once it meets the task's criterion.")
    var stopWhenSolved: Bool?

    @Option(help: "Runs trained at the same time (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Test-set size (sequences).")
    var testSize: Int?

    @Option(help: "The digits CSV (sequential-digits; a path or a bundled name; default: the bundled digits.csv).")
    var data: String?

    @Option(help: "Pixels per step (sequential-digits): 1 or 8.")
    var pixelsPerStep: Int?

    @Option(help: "Write the learning curves (test loss per step) to this SVG file.")
    var plot: String?

    @Option(name: .customLong("log-dir"),
            help: ArgumentHelp("Write each run's metrics.jsonl (every step; val_loss is the test loss) under this folder.",
                               discussion: "One folder per run: DIR/<task>/<cell>-seed-<seed>/metrics.jsonl; draw them with recurrent plot DIR/<task>/*.",
                               valueName: "dir"))
    var logDirectory: String?

    @Option(help: "Write the raw gradient norms per step to this SVG file.")
    var normPlot: String?

    @Option(help: ArgumentHelp("Write a page showing the first seed's LSTM and RNN memory on test sequences (adding, temporal-order).",
                               discussion: "The LSTM's cell state writing, holding and reading the marked values beside the RNN's fading hidden state, and the LSTM's gates at the marker steps.",
                               valueName: "file.html"))
    var inspect: String?

    @Flag(help: "Print one JSON document with every setting, per-seed figure and learning-curve point on stdout instead of the table.")
    var json = false

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        if list { return }
        guard let task else { throw ValidationError("Name a task, or pass --list. Tasks: \(TaskCatalog.names.joined(separator: ", ")).") }
        do {
            let built = try makeTask(task)
            try validateInspect(task: built, configuration: try configuration(for: built))
        } catch let error as TaskError {
            throw ValidationError(error.description)
        } catch let error as ExperimentError {
            throw ValidationError(error.description)
        } catch let error as BundledDataError {
            throw ValidationError(error.description)
        }
        for path in [plot, normPlot].compactMap({ $0 }) where !path.hasSuffix(".svg") {
            throw ValidationError("--plot and --norm-plot write SVG files; '\(path)' should end in .svg")
        }
    }

    @OptionGroup(title: "Computation") var computation: ThreadOptions

    func run() throws {
        computation.apply()
        if list {
            print(Self.listing())
            return
        }
        try runReportingErrors {
            let task = try makeTask(self.task!)
            let config = try configuration(for: task)
            computation.useOneThreadPerRun(if: config.jobs > 1)
            let quiet = self.quiet
            let runner = try ExperimentRunner(task: task, configuration: config)
            let report = try runner.run(logDirectory: logDirectory) { event in
                guard !quiet else { return }
                Console.message(Self.progressLine(event))
            }
            if json {
                for w in report.warnings { Console.message("warning: \(w)") }
                Console.out(try report.jsonText())
            } else {
                Console.out(report.table())
            }
            if let plot { try writeText(report.learningCurves().render(), to: plot) }
            if let normPlot { try writeText(report.gradientNormPlot().render(), to: normPlot) }
            if let inspect { try writeInspection(report: report, task: task, to: inspect) }
            if let logDirectory { Console.message("wrote each run's metrics.jsonl under \(logDirectory)/\(task.name)") }
        }
    }

    // MARK: building

    func makeTask(_ name: String) throws -> any MemoryTask {
        let dataPath: String?
        if let bundledName = TaskCatalog.defaultDataName(for: name) {
            dataPath = try BundledData.path(data ?? bundledName)
        } else {
            dataPath = data                 // a synthetic task: TaskCatalog rejects --data
        }
        return try TaskCatalog.make(name, options: TaskOptions(length: length, period: period, recurrentGain: gain, dataPath: dataPath,
                                                               pixelsPerStep: pixelsPerStep, testSize: testSize))
    }

    func configuration(for task: some MemoryTask) throws -> ExperimentConfiguration {
        var c = ExperimentConfiguration.defaults(for: task)
        if let cells { c.cells = try parseCells(cells) }
        c.seeds = try seedRange(count: seeds ?? c.seeds.count, first: seed)
        if let steps { c.steps = steps }
        if let hidden { c.hiddenSize = hidden }
        if let lr { c.learningRate = lr }
        if let batch { c.batchSize = batch }
        if let optimizer {
            guard let kind = OptimizerKind(rawValue: optimizer) else {
                throw ExperimentError.invalidOption(option: "--optimizer", message: "must be adam, sgd or rmsprop, got '\(optimizer)'")
            }
            c.optimizer = kind
        }
        if noClip && clip != nil { throw ExperimentError.invalidOption(option: "--no-clip", message: "and --clip contradict each other") }
        if noClip {
            if c.compareClipping { throw ExperimentError.invalidOption(option: "--no-clip", message: "does not apply: the clipping task trains with and without clipping") }
            c.clipNorm = nil
        }
        if let clip { c.clipNorm = clip }
        if defaultForgetBias && forgetBias != nil {
            throw ExperimentError.invalidOption(option: "--default-forget-bias", message: "and --forget-bias contradict each other")
        }
        if let forgetBias { c.forgetBias = forgetBias }
        if defaultForgetBias { c.forgetBias = nil }
        if let inputBias { c.inputBias = inputBias }
        if let gain { c.recurrentGain = gain }
        if let evalEvery { c.evaluateEvery = evalEvery }
        if let stopWhenSolved { c.stopWhenSolved = stopWhenSolved }
        c.jobs = jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        try c.validate()
        return c
    }

    // MARK: output

    static func listing() -> String {
        TaskCatalog.descriptions.map { d in
            """
            \(d.name)
              \(d.summary)
              source:   \(d.citation)
              baseline: \(d.baseline)
              solved:   \(d.solved)
            """
        }.joined(separator: "\n\n")
    }

    static func progressLine(_ event: ExperimentEvent) -> String {
        switch event {
        case .started(let arm, let seed):
            return "\(arm) seed \(seed): started"
        case .evaluated(let arm, let seed, let step, let trainLoss, let test):
            let train = trainLoss.isNaN ? "" : String(format: "train %.4g, ", trainLoss)
            return "\(arm) seed \(seed) step \(step): \(train)" + String(format: "test loss %.4g, score %.3f", test.loss, test.score)
        case .finished(let r):
            let outcome: String
            if let step = r.divergedAtStep {
                outcome = "diverged at step \(step)"
            } else if r.collapsed {
                outcome = "collapsed above the baseline"
            } else if r.solved {
                outcome = "solved (first at step \(r.firstSolvedAtStep ?? r.stepsRun))"
            } else if let first = r.firstSolvedAtStep {
                outcome = "not solved at the end (met the criterion at step \(first))"
            } else {
                outcome = "not solved"
            }
            return "\(r.label) seed \(r.seed): \(outcome) after \(r.stepsRun) steps, " + String(format: "%.1f s", r.wallSeconds)
        }
    }
}
