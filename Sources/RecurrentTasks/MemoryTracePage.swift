import Foundation
import Recurrent

/// Renders `MemoryTrace`s of one experiment as one self-contained HTML page (inline CSS and SVG,
/// a few lines of JavaScript, no network), in the style of `recurrent inspect`'s page:
///
/// - for a few test sequences, the memory state of each network across the T steps, with the
///   marker steps drawn as dashed lines: the LSTM's cell state c of the units that hold each
///   marked value (written, held, read at the end), the plain RNN's hidden state h (fading),
///   and the input, forget and output gates of the LSTM's first memory unit;
/// - how long each network keeps the first marked value (the best unit's |r| by lag);
/// - the memory units per marker, and their gates at the marker steps, elsewhere and at the end.
///
/// Without JavaScript every sequence is shown one below the other; with it, buttons pick one.
public struct MemoryTracePage: Sendable {
    /// A traced network and one line about how its training ended.
    public struct Model: Sendable {
        public var trace: MemoryTrace
        public var outcome: String

        public init(trace: MemoryTrace, outcome: String) {
            self.trace = trace
            self.outcome = outcome
        }
    }

    public var taskName: String
    public var taskSettings: String
    public var taskSummary: String
    public var markerDescription: String
    /// Values shown as symbols (temporal order: +1 X, −1 Y) instead of numbers (adding).
    public var symbolicValues: Bool
    /// Where the models come from, e.g. "the models of seed 1, the first of 3 seeds".
    public var provenance: String
    /// The networks; the first one with a cell state is the memory shown with its gates.
    public var models: [Model]
    /// How many test sequences get their own plots.
    public var shownSequences: Int

    public init(task: some MemoryTask, provenance: String, models: [Model], shownSequences: Int = 3) {
        taskName = task.name
        taskSettings = task.settings
        taskSummary = task.summary
        markerDescription = MemoryMarkers.description(of: task)
        symbolicValues = task is TemporalOrderTask
        self.provenance = provenance
        self.models = models
        self.shownSequences = shownSequences
    }

    /// Colours of the units holding marker 1, 2, 3 (Okabe & Ito, as `SVGLinePlot`).
    static let markerColors = ["#0072B2", "#D55E00", "#009E73"]

    /// The page.
    public func render() -> String {
        let sequences = min(shownSequences, models.first?.trace.activations.batchSize ?? 0)
        let sampleCount = models.first?.trace.activations.batchSize ?? 0
        var html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e("Memory in \(taskName)"))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <h1>Memory in the \(e(taskName)) experiment (\(e(taskSettings)))</h1>
        <p class="meta">\(e(taskSummary))</p>
        <p class="meta">Shown: \(e(provenance)), run on \(sampleCount) sequence\(sampleCount == 1 ? "" : "s") of the fixed test set. \(modelLines())</p>

        <section id="over-time">
        <h2>Written, held and read</h2>
        <p>The values to remember are \(e(markerDescription)); dashed grey lines mark the steps where they are shown. \(memoryExplanation())</p>
        <p class="choose" hidden>\((0..<sequences).map { "<button type=\"button\" class=\"sequence\" data-sequence=\"\($0)\" aria-pressed=\"\($0 == 0)\">sequence \($0 + 1)</button>" }.joined(separator: " "))</p>
        \((0..<sequences).map(sequenceBlock).joined(separator: "\n"))
        </section>

        <section id="retention">
        <h2>How long the first marked value stays</h2>
        \(retentionPlot())
        </section>

        <section id="units">
        <h2>The memory units</h2>
        <p>For every unit, Pearson's r between its memory state (c for an LSTM, h otherwise) at every step from a marker to the end and the marked value, over the \(sampleCount) test sequences; the best units per marker (units count from 0).</p>
        \(unitTable())
        </section>

        <section id="gates">
        <h2>Gates at the marker steps</h2>
        \(gateTable())
        </section>

        <script>\(Self.script)</script>
        </body>
        </html>

        """
        html = html.replacingOccurrences(of: "\n\n\n", with: "\n\n")
        return html
    }

    // MARK: parts

    private func e(_ s: String) -> String { HTMLReport.escape(s) }

    /// The first network with a cell state: its gates are shown.
    var gated: Model? { models.first { $0.trace.cell.hasCellState } }

    func modelLines() -> String {
        models.map { "\(e($0.trace.label)): \(e($0.outcome))." }.joined(separator: " ")
    }

    func memoryExplanation() -> String {
        var parts: [String] = []
        if gated != nil {
            parts.append("An LSTM should write each value into its cell state c when it is shown (input gate i open), keep it unchanged while the distractors pass (forget gate f near 1, i near 0), and still have it at the last step, where the answer is read (output gate o).")
        }
        if models.contains(where: { !$0.trace.cell.hasCellState }) {
            parts.append("A network without a cell state keeps it in its hidden state h, where it fades as new inputs arrive.")
        }
        parts.append("Each state panel draws, for its network, the unit that best holds each marked value (see the table below); the gate panel, the LSTM memory unit whose input gate opens most at its marker.")
        return e(parts.joined(separator: " "))
    }

    func value(_ v: Float) -> String { symbolicValues ? (v > 0 ? "X" : "Y") : String(format: "%.3f", v) }

    func sequenceBlock(_ s: Int) -> String {
        guard let first = models.first else { return "" }
        let marks = first.trace.markers[s]
        let shown = marks.map { "\(value($0.value)) at step \($0.step)" }
        var caption = "Sequence \(s + 1): marked " + shown.joined(separator: ", ")
            + "; target \(first.trace.targets[s]); answers: "
        caption += models.map { "\($0.trace.label) \($0.trace.answers[s])" }.joined(separator: ", ")
        var out = "<div class=\"sequence-block\" id=\"sequence-\(s)\">\n<h3>\(e(caption))</h3>\n<div class=\"plots\">"
        for (n, model) in models.enumerated() {
            out += HTMLReport.inline(statePlot(model.trace, sequence: s).render(), id: "state-\(s)-\(n)")
        }
        if let gated { out += HTMLReport.inline(gatePlot(gated.trace, sequence: s).render(), id: "gates-\(s)") }
        return out + "</div>\n</div>"
    }

    /// The best unit of each marker, each unit once with the markers it is best for (one unit
    /// often holds both values of the adding task, as their sum).
    func shownUnits(_ trace: MemoryTrace) -> [(unit: Int, best: [MemoryUnit])] {
        var shown: [(unit: Int, best: [MemoryUnit])] = []
        for ranked in trace.memoryUnits {
            guard let best = ranked.first else { continue }
            if let i = shown.firstIndex(where: { $0.unit == best.unit }) {
                shown[i].best.append(best)
            } else {
                shown.append((best.unit, [best]))
            }
        }
        return shown
    }

    /// "unit 3: marker 1", "unit 3: markers 1, 2" (their r is in the unit table).
    func unitName(_ u: (unit: Int, best: [MemoryUnit])) -> String {
        "unit \(u.unit): marker\(u.best.count > 1 ? "s" : "") " + u.best.map { "\($0.marker + 1)" }.joined(separator: ", ")
    }

    /// Dashed vertical lines at the marker steps of sequence `s`, spanning `range`.
    func markerLines(_ trace: MemoryTrace, sequence s: Int, range: ClosedRange<Double>) -> [SVGLinePlot.Series] {
        trace.markers[s].enumerated().map { n, m in
            SVGLinePlot.Series(name: "marked step", points: [(Double(m.step), range.lowerBound), (Double(m.step), range.upperBound)],
                               color: "#999999", dashed: true, inLegend: n == 0)
        }
    }

    func statePlot(_ trace: MemoryTrace, sequence s: Int) -> SVGLinePlot {
        let signal = trace.memorySignal
        var series: [SVGLinePlot.Series] = shownUnits(trace).map { u in
            let values = trace.series(signal, sequence: s, unit: u.unit)
            return SVGLinePlot.Series(name: unitName(u), points: values.enumerated().map { (Double($0.offset), Double($0.element)) },
                                      color: Self.markerColors[u.best[0].marker % Self.markerColors.count])
        }
        let ys = series.flatMap(\.points).map(\.y)
        var lo = ys.min() ?? -1, hi = ys.max() ?? 1
        if hi - lo < 1e-6 { lo -= 0.5; hi += 0.5 }
        let pad = (hi - lo) * 0.05
        let range = (lo - pad)...(hi + pad)
        series += markerLines(trace, sequence: s, range: range)
        var plot = SVGLinePlot(title: "\(trace.label): \(signal.title)", xLabel: "step", yLabel: signal.title,
                               series: series, yRange: range, width: 540, height: 300)
        plot.xRange = 0...Double(trace.steps - 1)
        return plot
    }

    /// Of the shown units, the one whose input gate opens most at its marker compared with
    /// elsewhere (mean i at the marker steps − mean i at other steps): the clearest writer.
    func writingUnit(_ trace: MemoryTrace) -> Int {
        func contrast(_ u: (unit: Int, best: [MemoryUnit])) -> Float {
            u.best.compactMap { trace.gateMeans(.input, unit: u.unit, marker: $0.marker) }.map { $0.atMarker - $0.elsewhere }.max() ?? -.infinity
        }
        return shownUnits(trace).max { contrast($0) < contrast($1) }?.unit ?? 0
    }

    func gatePlot(_ trace: MemoryTrace, sequence s: Int) -> SVGLinePlot {
        let unit = writingUnit(trace)
        var series = [StateSignal.input, .forget, .output].enumerated().map { n, gate in
            SVGLinePlot.Series(name: gate.title, points: trace.series(gate, sequence: s, unit: unit).enumerated().map { (Double($0.offset), Double($0.element)) },
                               color: ["#009E73", "#CC79A7", "#E69F00"][n])
        }
        series += markerLines(trace, sequence: s, range: 0...1)
        var plot = SVGLinePlot(title: "\(trace.label) unit \(unit): gates", xLabel: "step", yLabel: "gate value",
                               series: series, yRange: 0...1, width: 540, height: 300)
        plot.xRange = 0...Double(trace.steps - 1)
        return plot
    }

    func retentionPlot() -> String {
        guard let first = models.first else { return "" }
        var plot = SVGLinePlot(title: "the first marked value, k steps later", xLabel: "steps k since the first marker",
                               yLabel: "best unit's |r| with the value", yRange: 0...1, width: 760, height: 360)
        func points(_ values: [Float?]) -> [(Double, Double)] {
            values.enumerated().map { (Double($0.offset), $0.element.map(Double.init) ?? .nan) }
        }
        for model in models {
            plot.series.append(.init(name: "\(model.trace.label) (\(model.trace.memorySignal.rawValue))", points: points(model.trace.retention(marker: 0))))
        }
        plot.series.append(.init(name: "chance (\(first.trace.label), shuffled)", points: points(first.trace.retention(marker: 0, shuffled: true)),
                                 color: "#999999", dashed: true))
        let text = "<p>For each k, the largest |r| over units between the memory state k steps after the first marker and the marked value, over the test sequences that run that long. Near 1: some unit still holds the value; falling to the dashed line: it is gone (the dashed line pairs each sequence's state with another sequence's value: what the measure finds by chance).</p>"
        return text + HTMLReport.inline(plot.render(), id: "retention")
    }

    func unitTable() -> String {
        let markers = models.first?.trace.markerCount ?? 0
        var rows = "<tr><th>network</th>" + (0..<markers).map { "<th>holds marker \($0 + 1)</th>" }.joined() + "</tr>\n"
        for model in models {
            rows += "<tr><th>\(e(model.trace.label)) (\(model.trace.memorySignal.rawValue))</th>"
            for ranked in model.trace.memoryUnits {
                rows += "<td>" + ranked.map { "unit \($0.unit) <span class=\"r\">r = \(String(format: "%+.2f", $0.correlation))</span>" }.joined(separator: "<br>") + "</td>"
            }
            rows += "</tr>\n"
        }
        return "<table class=\"units\">\n\(rows)</table>"
    }

    func gateTable() -> String {
        guard let gated else { return "<p>No LSTM was trained: its gates cannot be shown.</p>" }
        let trace = gated.trace
        var rows = "<tr><th>unit</th><th>gate</th><th class=\"num\">at its marker</th><th class=\"num\">elsewhere</th><th class=\"num\">at the last step</th></tr>\n"
        for u in shownUnits(trace) {
            for best in u.best {
                for gate in [StateSignal.input, .forget, .output] {
                    guard let m = trace.gateMeans(gate, unit: u.unit, marker: best.marker) else { continue }
                    rows += "<tr><th>\(u.unit) (marker \(best.marker + 1))</th><td>\(e(gate.title))</td>"
                        + [m.atMarker, m.elsewhere, m.atEnd].map { "<td class=\"num\">\(String(format: "%.2f", $0))</td>" }.joined() + "</tr>\n"
                }
            }
        }
        return "<p>The mean gate of the \(e(trace.label))'s memory units over the test sequences: at the step where its marker is shown, at every other step but the last, and at the last step, where the answer is read. A unit that writes at its marker has i high there and low elsewhere; one that holds has f near 1 elsewhere.</p>\n"
            + "<table class=\"gates\">\n\(rows)</table>"
    }

    static let css = HTMLReport.css + """

    .r{color:#666}.choose{margin:.6em 0}
    table.units td,table.gates td{border-top:1px solid #eee}
    """

    /// Shows one sequence at a time once JavaScript runs (all are shown without it).
    static let script = """
    (function () {
      var buttons = document.querySelectorAll('button.sequence');
      function show(n) {
        document.querySelectorAll('.sequence-block').forEach(function (block) {
          block.style.display = block.id === 'sequence-' + n ? '' : 'none';
        });
        buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.sequence === String(n))); });
      }
      buttons.forEach(function (b) { b.addEventListener('click', function () { show(b.dataset.sequence); }); });
      if (buttons.length) { document.querySelector('.choose').hidden = false; show('0'); }
    })();
    """
}
