import ArgumentParser
import Foundation
import Recurrent
import RecurrentTasks

/// `recurrent experiment gradient-flow`: ‖∂L/∂h_{T−k}‖ against k for RNN, GRU and LSTM on the
/// adding task, at initialisation and after training, plus an RNN at high recurrent gain.
struct GradientFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradient-flow",
        abstract: "Measure how the loss gradient reaches back k steps: ‖∂L/∂h(T−k)‖ against k, per cell.",
        discussion: """
        On the adding task (T steps, loss at the last step) each cell's gradient with respect to the
        hidden state k steps before the end is measured at initialisation and after training with
        `recurrent experiment adding`'s settings, and for a plain RNN whose recurrent weights are drawn
        at gain --gain (W_hh ~ N(0, g²/H): spectral radius ≈ g, the exploding case). Figures are the
        mean over 100 fixed test sequences of ‖∂L_b/∂h(T−k)‖₂, the median over seeds. Example:
          recurrent experiment gradient-flow --steps 1500 --plot gradient-flow.svg
        """
    )

    @Option(help: "Sequence length T of the adding task.")
    var length = 100

    @Option(help: "Cells, comma-separated: rnn, gru, lstm, peephole.")
    var cells = "rnn,gru,lstm"

    @Option(help: "Number of seeds (figures are medians over them).")
    var seeds = 1

    @Option(help: "First seed; runs use seed, seed+1, ...")
    var seed: UInt64 = 1

    @Option(help: "Training steps per cell (default: the adding experiment's budget for this T).")
    var steps: Int?

    @Option(help: "Hidden size H (default: the adding experiment's).")
    var hiddenSize: Int?

    @Option(help: "Learning rate (default: the adding experiment's).")
    var learningRate: Double?

    @Option(help: "Sequences per training batch (default: the adding experiment's).")
    var batchSize: Int?

    @Option(help: "Recurrent gain g of the exploding RNN.")
    var gain = GradientFlowExperiment.defaultExplodingGain

    @Option(help: "Write the plot (log scale) to this SVG file.")
    var plot: String?

    @Flag(help: "Print one JSON document with every curve on stdout instead of the table.")
    var json = false

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        guard (3...100_000).contains(length) else { throw ValidationError("--length must be in 3...100000, got \(length)") }
        guard (1...1000).contains(seeds) else { throw ValidationError("--seeds must be in 1...1000, got \(seeds)") }
        guard gain > 0 && gain.isFinite else { throw ValidationError("--gain must be a positive number, got \(gain)") }
        try requireSVGPlot(plot)
        do { _ = try experiment() } catch { throw ValidationError(String(describing: error)) }
    }

    func experiment() throws -> GradientFlowExperiment {
        let task = AddingTask(length: length)
        var c = ExperimentConfiguration.defaults(for: task)
        c.cells = try parseCells(cells)
        c.seeds = try seedRange(count: seeds, first: seed)
        if let steps { c.steps = steps }
        if let hiddenSize { c.hiddenSize = hiddenSize }
        if let learningRate { c.learningRate = learningRate }
        if let batchSize { c.batchSize = batchSize }
        c.evaluateEvery = min(c.evaluateEvery, c.steps)
        try c.validate()
        return GradientFlowExperiment(task: task, configuration: c, explodingGain: gain)
    }

    @OptionGroup(title: "Computation") var computation: ThreadOptions

    func run() throws {
        computation.apply()
        try runReportingErrors {
            let experiment = try experiment()
            computation.useOneThreadPerRun()
            let curves = try experiment.run(progress: progressLines(quiet: quiet))
            if json {
                Console.out(try MetadataJSON.encode(curves))
            } else {
                Console.out(GradientFlowExperiment.table(curves, task: experiment.task, configuration: experiment.configuration))
            }
            if let plot {
                try writeText(GradientFlowExperiment.plot(curves, task: experiment.task).render(), to: plot)
            }
        }
    }
}
