import Foundation
import Recurrent

/// Everything an experiment produced: per-run results, per-arm summaries, a text table and
/// SVG plots (libraries never print; the CLI writes these out).
public struct ExperimentReport: Sendable {
    public let taskName: String
    public let taskSummary: String
    public let taskSettings: String
    public let citation: String
    public let baseline: TaskBaseline
    public let solvedDescription: String
    public let scoreName: String
    /// "MSE" or "CE" (cross-entropy).
    public let lossName: String
    public let configuration: ExperimentConfiguration
    /// Ordered by seed, then arm.
    public let runs: [RunResult]

    public init(task: some MemoryTask, configuration: ExperimentConfiguration, runs: [RunResult]) {
        taskName = task.name
        taskSummary = task.summary
        taskSettings = task.settings
        citation = task.citation
        baseline = task.baseline
        solvedDescription = task.solvedDescription
        scoreName = task.scoreName
        lossName = task.usesCrossEntropy ? "CE" : "MSE"
        self.configuration = configuration
        self.runs = runs
    }

    /// One summary per arm, in the configuration's order.
    public var arms: [ArmSummary] {
        let labels = configuration.arms.map { $0.label(showClipping: configuration.compareClipping) }
        return zip(configuration.arms, labels).map { arm, label in
            ArmSummary(label: label, arm: arm, runs: runs.filter { $0.arm == arm })
        }
    }

    /// The header lines: task, settings, training budget, baseline, criterion.
    public var header: String {
        let c = configuration
        let clip = c.compareClipping ? "clip off/\(compact(c.clipNorm ?? 0))" : (c.clipNorm.map { "clip \(compact($0))" } ?? "no clip")
        var lines = ["\(taskName) (\(taskSettings)): \(taskSummary)",
                     "  \(citation)",
                     "  \(c.seeds.count) seed\(c.seeds.count == 1 ? "" : "s") (\(seedList(c.seeds))) × \(grouped(c.steps)) steps, batch \(c.batchSize), hidden \(c.hiddenSize), \(c.optimizer.rawValue) lr \(compact(c.learningRate)), \(clip)"
                        + (c.recurrentGain.map { ", W_hh ~ N(0, \(compact(Double($0)))²/H)" } ?? "")
                        + (c.cells.contains { $0 == .lstm || $0 == .peephole }
                            ? (c.forgetBias.map { ", forget bias \(compact(Double($0)))" } ?? ", PyTorch forget-bias init")
                              + (c.inputBias.map { ", input-gate bias \(compact(Double($0)))" } ?? "") : "")
                        + (c.stopWhenSolved ? ", runs stop when solved" : "")]
        lines.append("  baseline: test \(lossName) \(format(baseline.loss)), \(scoreName) \(format(baseline.score)) (\(baseline.explanation))")
        lines.append("  solved: \(solvedDescription), judged at the last evaluation")
        return lines.joined(separator: "\n")
    }

    /// The summary table (medians over seeds) and the per-seed final losses.
    public func table() -> String {
        var rows: [[String]] = [["cell", "params", "test \(lossName)", scoreName, "solved", "first solved at", "diverged", "max ‖g‖", "time/run"]]
        for a in arms {
            rows.append([a.label, grouped(a.parameterCount), format(a.medianLoss), format(a.medianScore),
                         "\(a.solvedCount)/\(a.seeds)", a.medianFirstSolvedStep.map(grouped) ?? "—",
                         "\(a.divergedCount)/\(a.seeds)", format(a.medianMaxGradientNorm),
                         String(format: "%.1f s", a.meanWallSeconds)])
        }
        var out = header + "\n\n" + render(rows, rightAligned: Set(1..<rows[0].count))
        out += "\n(solved at the end of training; \"first solved at\": median step the criterion was first met;"
            + " diverged: a NaN/∞ loss or a collapse above \(compact(Outcome.collapseFactor))× the baseline;"
            + " max ‖g‖: largest raw gradient norm; medians over seeds)\n\n"
        var perSeed: [[String]] = [["test \(lossName) / \(scoreName)"] + configuration.seeds.map { "seed \($0)" }]
        for a in arms {
            perSeed.append([a.label] + configuration.seeds.map { seed in
                guard let r = a.runs.first(where: { $0.seed == seed }) else { return "—" }
                return "\(format(r.final.loss)) / \(format(r.final.score))\(Self.mark(r))"
            })
        }
        out += render(perSeed, rightAligned: Set(1..<perSeed[0].count))
        out += "\n(✓ solved at the end, first at step N; ○ met the criterion at step N but not at the end;"
            + " ✗ diverged (NaN/∞); ↯ collapsed; … stopped at its budget unsolved)\n"
        for w in warnings { out += "warning: \(w)\n" }
        return out
    }

    /// " ✓ 400", " ○ 400", " ✗", " ↯", " …": a run's outcome in one mark.
    static func mark(_ r: RunResult) -> String {
        if r.divergedAtStep != nil { return " ✗" }
        if r.collapsed { return " ↯" }
        if r.solved { return " ✓ \(grouped(r.firstSolvedAtStep ?? r.stepsRun))" }
        if let first = r.firstSolvedAtStep { return " ○ \(grouped(first))" }
        return r.stoppedAtBudget ? " …" : ""
    }

    /// One line per arm whose runs used their whole budget without being solved.
    public var warnings: [String] {
        arms.compactMap { a in
            let stopped = a.runs.filter(\.stoppedAtBudget)
            guard !stopped.isEmpty else { return nil }
            return "\(a.label): \(stopped.count) of \(a.seeds) run\(a.seeds == 1 ? "" : "s") (seed\(stopped.count == 1 ? "" : "s") "
                + stopped.map { String($0.seed) }.joined(separator: ", ")
                + ") stopped at the budget of \(grouped(configuration.steps)) steps without being solved; a larger --steps may solve \(stopped.count == 1 ? "it" : "them")"
        }
    }

    /// Test loss against step for every run (one colour per arm), with the baseline dashed.
    public func learningCurves() -> SVGLinePlot {
        var plot = SVGLinePlot(title: "\(taskName) (\(taskSettings)): test \(lossName)", xLabel: "training step",
                               yLabel: "test \(lossName)", logY: true)
        for (i, a) in arms.enumerated() {
            let color = SVGLinePlot.palette[i % SVGLinePlot.palette.count]
            for (k, r) in a.runs.enumerated() {
                plot.series.append(.init(name: k == 0 ? a.label : "\(a.label) seed \(r.seed)",
                                         points: r.curve.map { SVGLinePlot.Point(x: Double($0.step), y: $0.test.loss) },
                                         color: color, opacity: 0.75, inLegend: k == 0))
            }
        }
        let lastStep = Double(runs.map(\.stepsRun).max() ?? configuration.steps)
        plot.series.append(.init(name: "memoryless baseline", points: [(0, baseline.loss), (lastStep, baseline.loss)],
                                 color: "#777777", dashed: true))
        return plot
    }

    /// The raw gradient norm (before clipping) against step, with the clipping threshold dashed.
    /// Long runs are drawn as the maximum over buckets of k steps (at most `maxPoints` points
    /// per run), which keeps every spike and keeps the file small.
    public func gradientNormPlot(maxPoints: Int = 400) -> SVGLinePlot {
        let longest = runs.map(\.gradientNorms.count).max() ?? 0
        let k = max(1, (longest + maxPoints - 1) / maxPoints)
        var plot = SVGLinePlot(title: "\(taskName) (\(taskSettings)): gradient norm before clipping"
                                   + (k > 1 ? ", max per \(k) steps" : ""),
                               xLabel: "training step", yLabel: "‖g‖₂", logY: true)
        for (i, a) in arms.enumerated() {
            let color = SVGLinePlot.palette[i % SVGLinePlot.palette.count]
            for (n, r) in a.runs.enumerated() {
                let points = stride(from: 0, to: r.gradientNorms.count, by: k).map { start -> SVGLinePlot.Point in
                    let bucket = r.gradientNorms[start..<min(start + k, r.gradientNorms.count)]
                    let peak = bucket.contains { !$0.isFinite } ? Float.infinity : (bucket.max() ?? 0)
                    return SVGLinePlot.Point(x: Double(start + bucket.count), y: Double(peak))
                }
                plot.series.append(.init(name: n == 0 ? a.label : "\(a.label) seed \(r.seed)", points: points,
                                         color: color, opacity: 0.6, inLegend: n == 0))
            }
        }
        if let clip = configuration.clipNorm {
            let last = Double(runs.map(\.stepsRun).max() ?? configuration.steps)
            plot.series.append(.init(name: "clip threshold", points: [(1, clip), (last, clip)], color: "#777777", dashed: true))
        }
        return plot
    }
}

extension MemoryTask {
    /// True when the targets are classes (softmax cross-entropy), false for MSE.
    public var usesCrossEntropy: Bool {
        var g = RandomGenerator(seed: 0)
        return (try? makeBatch(batchSize: 1, generator: &g).targets.isClassification) ?? false
    }
}

/// Left-aligned first column, the rest right-aligned, two spaces apart.
func render(_ rows: [[String]], rightAligned: Set<Int>) -> String {
    let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { c, cell in
            let pad = String(repeating: " ", count: widths[c] - cell.count)
            return rightAligned.contains(c) ? pad + cell : cell + pad
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}

/// Four significant digits; "NaN"/"∞" for non-finite values.
func format(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "∞" : "-∞" }
    if x != 0 && (abs(x) >= 1e5 || abs(x) < 1e-3) { return String(format: "%.2e", x) }
    return String(format: "%.4g", x)
}

/// "1001–1005", or "1, 3, 7" when not consecutive.
func seedList(_ seeds: [UInt64]) -> String {
    guard let first = seeds.first, let last = seeds.last else { return "" }
    if seeds.count > 2 && seeds == Array(first...last) { return "\(first)–\(last)" }
    return seeds.map(String.init).joined(separator: ", ")
}

/// 12,345.
func grouped(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, ch) in s.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return String(out.reversed())
}
