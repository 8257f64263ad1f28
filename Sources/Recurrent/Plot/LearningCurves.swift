import Foundation

/// Learning curves of one or more runs from their `metrics.jsonl` records: a loss panel
/// (training loss solid, validation loss dashed, one colour per run) and optionally learning
/// rate and gradient norm panels below it, sharing the x axis (step, or tokens/samples trained).
///
/// The training loss of a single batch is noisy, so it is drawn as the mean of consecutive
/// blocks of `smoothing` steps (1: every step as logged). A y axis is logarithmic where the
/// values span more than a factor of `logThreshold` and are all positive.
public struct LearningCurves: Sendable {
    public enum XAxis: String, Sendable, CaseIterable {
        case step, tokens
    }

    /// A run's name (its legend entry) and records.
    public struct Run: Sendable {
        public var name: String
        public var records: [MetricsRecord]
        public init(name: String, records: [MetricsRecord]) {
            self.name = name
            self.records = records
        }
    }

    public var runs: [Run]
    /// What the runs are (e.g. the folder they share); the loss panel's title starts with it.
    public var title = ""
    public var x: XAxis = .step
    public var learningRate = false
    public var gradientNorm = false
    /// Steps averaged per point of the training-loss line; nil picks about 200 points per run.
    public var smoothing: Int?
    public var logThreshold = 10.0
    public var width = 900

    public init(runs: [Run]) { self.runs = runs }

    /// Why the curves cannot be drawn (e.g. `--x tokens` for records without token counts).
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The panels, top to bottom.
    public func panels() throws(Problem) -> [SVGLinePlot] {
        let hasTokens = runs.contains { $0.records.contains { $0.tokens != nil } }
        let xLabel = x == .step ? "step" : (hasTokens ? "tokens trained" : "samples trained")
        func xValue(_ r: MetricsRecord, _ run: Run) throws(Problem) -> Double {
            guard x == .tokens else { return Double(r.step) }
            guard let n = r.amountTrained else {
                throw Problem(description: "\(run.name) records no tokens or samples at step \(r.step); plot it with --x step")
            }
            return Double(n)
        }
        let what = !title.isEmpty ? title : runs.count == 1 ? runs[0].name : "\(runs.count) runs"
        var loss = SVGLinePlot(title: "\(what): loss", xLabel: xLabel, yLabel: "loss", width: width, height: 420)
        var rate = SVGLinePlot(title: "learning rate", xLabel: xLabel, yLabel: "learning rate", width: width, height: 260)
        var norm = SVGLinePlot(title: "gradient norm before clipping", xLabel: xLabel, yLabel: "‖g‖", width: width, height: 260)
        for (i, run) in runs.enumerated() {
            let color = SVGLinePlot.palette[i % SVGLinePlot.palette.count]
            let block = max(1, smoothing ?? run.records.count / 200)
            var training: [SVGLinePlot.Point] = []
            var start = 0
            while start < run.records.count {
                let slice = run.records[start..<min(start + block, run.records.count)]
                let mean = slice.map(\.trainingLoss).reduce(0, +) / Double(slice.count)
                training.append(.init(x: try xValue(slice.last!, run), y: mean))
                start += block
            }
            var validation: [SVGLinePlot.Point] = [], rates: [SVGLinePlot.Point] = [], norms: [SVGLinePlot.Point] = []
            for r in run.records {
                let xv = try xValue(r, run)
                if let v = r.validationLoss { validation.append(.init(x: xv, y: v)) }
                rates.append(.init(x: xv, y: r.learningRate))
                norms.append(.init(x: xv, y: r.gradientNorm))
            }
            let suffix = block > 1 ? " train (mean of \(block))" : " train"
            loss.series.append(.init(name: run.name + suffix, points: training, color: color))
            if !validation.isEmpty {
                loss.series.append(.init(name: run.name + " validation", points: validation, color: color, dashed: true))
            }
            rate.series.append(.init(name: run.name, points: rates, color: color))
            norm.series.append(.init(name: run.name, points: norms, color: color, opacity: 0.8))
        }
        var panels = [loss]
        if learningRate { panels.append(rate) }
        if gradientNorm { panels.append(norm) }
        for i in panels.indices { panels[i].logY = prefersLogScale(panels[i]) }
        return panels
    }

    /// The SVG document: the panels stacked.
    public func render() throws(Problem) -> String {
        let p = try panels()
        return p.count == 1 ? p[0].render() : SVGLinePlot.stacked(p)
    }

    /// True when every finite y is positive and they span more than `logThreshold`.
    func prefersLogScale(_ plot: SVGLinePlot) -> Bool {
        let ys = plot.series.flatMap(\.points).map(\.y).filter(\.isFinite)
        guard let low = ys.min(), let high = ys.max(), low > 0 else { return false }
        return high / low > logThreshold
    }
}
