import ArgumentParser
import Foundation
import Recurrent
import RecurrentTasks

/// `recurrent experiment memory-span`: recall accuracy against the lag k for each cell and a
/// Baum–Welch HMM, the same training budget at every k.
struct MemorySpanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-span",
        abstract: "Train each cell (and an HMM) to recall the symbol seen k steps earlier, for a grid of k; accuracy against k.",
        discussion: """
        Each sequence is k+1 random symbols; at the last step the network names the first. Every k gets
        the same budget. The HMM baseline is trained by Baum–Welch on the same task and answers with the
        argmax of the forward algorithm's predictive distribution; its state count defaults to the fewest
        states with at least as many probabilities as the LSTM has parameters. Example:
          recurrent experiment memory-span --lags 1,5,10,20 --steps 300 --plot memory-span.svg
        """
    )

    @Option(help: "The lags k, comma-separated.")
    var lags = MemorySpanExperiment.defaultLags.map(String.init).joined(separator: ",")

    @Option(help: "Alphabet size S (chance is 1/S).")
    var symbols = MemorySpanExperiment.defaultSymbolCount

    @Option(help: "Cells, comma-separated: rnn, gru, lstm, peephole.")
    var cells = "rnn,gru,lstm"

    @Option(help: "Number of seeds per cell and k (figures are medians over them).")
    var seeds = 1

    @Option(help: "First seed; runs use seed, seed+1, ...")
    var seed: UInt64 = 1

    @Option(help: "Training steps per cell and k (one batch each).")
    var steps = MemorySpanExperiment.defaultConfiguration.steps

    @Option(help: "Hidden size H.")
    var hiddenSize = MemorySpanExperiment.defaultConfiguration.hiddenSize

    @Option(help: "Learning rate (Adam).")
    var learningRate = MemorySpanExperiment.defaultConfiguration.learningRate

    @Option(help: "Sequences per training batch.")
    var batchSize = MemorySpanExperiment.defaultConfiguration.batchSize

    @Option(parsing: .unconditional, help: "LSTM forget-gate bias at start (b_ih = b, b_hh = 0; default 5: σ(5)^100 ≈ 0.5 of a stored symbol survives k = 100).")
    var forgetBias: Float?

    @Option(parsing: .unconditional, help: "LSTM input-gate bias at start (b_ih = b, b_hh = 0; default -3: the cells stay closed to the distractors at first).")
    var inputBias: Float?

    @Option(help: "HMM states (default: the fewest with at least as many probabilities as the LSTM has parameters).")
    var hmmStates: Int?

    @Option(help: "Baum–Welch iterations of the HMM.")
    var hmmIterations = MemorySpanExperiment.defaultHMMIterations

    @Option(help: "Runs trained at the same time (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Write accuracy against k to this SVG file.")
    var plot: String?

    @Flag(help: "Print one JSON document with every per-seed accuracy on stdout instead of the table.")
    var json = false

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        try requireSVGPlot(plot)
        do { _ = try experiment() } catch { throw ValidationError(String(describing: error)) }
    }

    func experiment() throws -> MemorySpanExperiment {
        let parsed = lags.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil && (1...10_000).contains($0!) }) else {
            throw ExperimentError.invalidOption(option: "--lags", message: "must be comma-separated integers in 1...10000, got '\(lags)'")
        }
        guard (2...1000).contains(symbols) else { throw ExperimentError.invalidOption(option: "--symbols", message: "must be in 2...1000, got \(symbols)") }
        let seedList = try seedRange(count: seeds, first: seed)
        if let n = hmmStates, !(1...2000).contains(n) { throw ExperimentError.invalidOption(option: "--hmm-states", message: "must be in 1...2000, got \(n)") }
        guard (1...10_000).contains(hmmIterations) else { throw ExperimentError.invalidOption(option: "--hmm-iterations", message: "must be in 1...10000, got \(hmmIterations)") }
        var c = MemorySpanExperiment.defaultConfiguration
        c.cells = try parseCells(cells)
        c.seeds = seedList
        c.steps = steps
        c.hiddenSize = hiddenSize
        c.learningRate = learningRate
        c.batchSize = batchSize
        if let forgetBias { c.forgetBias = forgetBias }
        if let inputBias { c.inputBias = inputBias }
        c.evaluateEvery = min(c.evaluateEvery, steps)
        c.jobs = jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        try c.validate()
        return MemorySpanExperiment(lags: parsed.map { $0! }, symbolCount: symbols, configuration: c, hmmStates: hmmStates,
                                    hmmIterations: hmmIterations)
    }

    @OptionGroup(title: "Computation") var computation: ThreadOptions

    func run() throws {
        computation.apply()
        try runReportingErrors {
            let experiment = try experiment()
            computation.useOneThreadPerRun(if: experiment.configuration.jobs > 1)
            let points = try experiment.run(progress: progressLines(quiet: quiet))
            if json {
                Console.out(try MetadataJSON.encode(points))
            } else {
                Console.out(experiment.table(points))
            }
            if let plot { try writeText(experiment.plot(points).render(), to: plot) }
        }
    }
}
