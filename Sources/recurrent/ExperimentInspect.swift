import ArgumentParser
import Foundation
import Recurrent
import RecurrentTasks

/// `recurrent experiment TASK --inspect FILE.html`: after training, the first seed's LSTM and
/// plain RNN read test sequences, and a page shows the LSTM's cell state writing, holding and
/// reading the marked values beside the RNN's fading hidden state (see `MemoryTracePage`).
extension ExperimentCommand {
    /// Refuses --inspect before any training when the page could not be made.
    func validateInspect(task: some MemoryTask, configuration c: ExperimentConfiguration) throws {
        guard let inspect else { return }
        guard inspect.hasSuffix(".html") else {
            throw ValidationError("--inspect writes an HTML page; '\(inspect)' should end in .html")
        }
        guard MemoryMarkers.supports(task) else {
            throw ValidationError("--inspect shows how a network keeps the marked inputs of a task, and \(task.name) has none; "
                + "it works with " + MemoryMarkers.supportedTasks.joined(separator: ", "))
        }
        guard c.cells.contains(where: \.hasCellState) else {
            throw ValidationError("--inspect shows an LSTM's cell state: add lstm (or peephole) to --cells")
        }
    }

    /// The networks shown: the first seed's LSTM (the plain one if trained, else the peephole
    /// one), then its plain RNN if trained.
    static func inspectedRuns(_ report: ExperimentReport) -> [RunResult] {
        guard let seed = report.configuration.seeds.first else { return [] }
        let runs = report.runs.filter { $0.seed == seed && $0.model != nil }
        let lstm = runs.first { $0.arm.cell == .lstm } ?? runs.first { $0.arm.cell == .peephole }
        let rnn = runs.first { $0.arm.cell == .rnn } ?? runs.first { $0.arm.cell == .rnnRelu }
        return [lstm, rnn].compactMap { $0 }
    }

    func writeInspection(report: ExperimentReport, task: some MemoryTask, to path: String) throws {
        let runs = Self.inspectedRuns(report)
        guard let batch = try task.testSet().first, !runs.isEmpty else {
            throw CommandFailure("--inspect: no trained LSTM to inspect")
        }
        let models = try runs.map { run in
            MemoryTracePage.Model(trace: try MemoryTrace(label: run.label, model: run.model!, task: task, batch: batch),
                                  outcome: Self.outcome(run, report: report))
        }
        let seeds = report.configuration.seeds
        var provenance = seeds.count == 1 ? "the networks trained from seed \(seeds[0])"
                                          : "the networks of seed \(seeds[0]), the first of \(seeds.count) seeds"
        let others = report.configuration.cells.filter { cell in !runs.contains { $0.arm.cell == cell } }
        if !others.isEmpty { provenance += " (\(others.map(\.rawValue).joined(separator: ", ")) also trained, not shown)" }
        if !runs.contains(where: { !$0.arm.cell.hasCellState }) { provenance += " (no plain RNN trained: add rnn to --cells to compare)" }
        let page = MemoryTracePage(task: task, provenance: provenance, models: models)
        try writeText(page.render(), to: path)
        Console.message("wrote \(path)")
    }

    /// "test MSE 0.0012, |err|<0.04 0.981, solved (first at step 800)".
    static func outcome(_ r: RunResult, report: ExperimentReport) -> String {
        let figures = "test \(report.lossName) " + String(format: "%.4g", r.final.loss)
            + ", \(report.scoreName) " + String(format: "%.3f", r.final.score)
        if r.diverged { return figures + ", diverged" }
        if r.solved { return figures + ", solved (first at step \(r.firstSolvedAtStep ?? r.stepsRun))" }
        return figures + ", not solved after \(r.stepsRun) steps"
    }
}
