import Foundation
import Recurrent

/// Renders an `Inspection` as one self-contained HTML page: inline CSS, inline SVG and a little
/// JavaScript, no network. Without JavaScript the text is still coloured by the chosen unit
/// (values on hover) and every table and plot is there; with it, clicking a unit or a signal
/// recolours the text.
///
/// The page embeds every signal of each listed unit (the best units per feature and the
/// chosen one) as JSON, rounded to 3 decimals, so its size grows with tokens × listed units.
public struct InspectionPage: Sendable {
    public var inspection: Inspection
    /// Shown in the title, e.g. the checkpoint's file name.
    public var modelName: String
    /// One line about the model, e.g. "lstm, 2 layers × 512 units, char level".
    public var modelSummary: String
    /// Where the text came from, e.g. its file name.
    public var textName: String
    /// The unit the text is coloured by at first; nil takes the best unit found.
    public var chosen: UnitLocation?
    /// The run's learning curve: (step, training loss, validation loss if measured).
    public var history: [(step: Int, training: Double, validation: Double?)]

    public init(inspection: Inspection, modelName: String, modelSummary: String, textName: String,
                chosen: UnitLocation? = nil, history: [(step: Int, training: Double, validation: Double?)] = []) {
        self.inspection = inspection
        self.modelName = modelName
        self.modelSummary = modelSummary
        self.textName = textName
        self.chosen = chosen
        self.history = history
    }

    /// The unit shown first: the chosen one, else the best match of the first feature found.
    public var initialUnit: UnitLocation {
        if let chosen { return chosen }
        for feature in TextFeature.allCases { if let best = inspection.matches[feature]?.first { return best.location } }
        return UnitLocation(layer: inspection.trace.numLayers - 1, unit: 0, signal: UnitSearch.searchedSignals(for: inspection.trace.cell)[0])
    }

    /// The page.
    public func render() -> String {
        let trace = inspection.trace
        let initial = initialUnit
        let listed = listedUnits()
        var html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape("Inside \(modelName)"))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <h1>What the memory of \(escape(modelName)) holds</h1>
        <p class="meta">\(escape(modelSummary)) · \(trace.steps) tokens of \(escape(textName))\(unknownNote())</p>

        <section id="text-view">
        <h2>The text, coloured by <span id="current">\(escape(describe(initial)))</span></h2>
        <p class="signals" id="signals">\(signalButtons(initial))</p>
        <div id="text" class="text">\(spans(for: initial))</div>
        <p class="legend">\(legend())</p>
        </section>

        <section id="units">
        <h2>Units that track the text</h2>
        <p>Every unit's \(escape(UnitSearch.searchedSignals(for: trace.cell).map(\.title).joined(separator: " and "))) is correlated (Pearson's r over the \(trace.steps) tokens) with simple features of the text; the best units per feature are listed. Click one to colour the text by it. Layers count from 1, units from 0.</p>
        \(unitTable())
        </section>

        <section id="saturation">
        <h2>Gate saturation</h2>
        \(saturationPlots())
        </section>

        <section id="curves">
        <h2>Learning curves</h2>
        \(learningCurves())
        </section>

        <script type="application/json" id="unit-values">\(valuesJSON(listed))</script>
        <script>\(Self.script)</script>
        </body>
        </html>

        """
        html = html.replacingOccurrences(of: "\n\n\n", with: "\n\n")
        return html
    }

    // MARK: parts

    /// The units whose values the page embeds: the chosen one and every match, each with all signals.
    func listedUnits() -> [(layer: Int, unit: Int)] {
        var seen = Set<[Int]>(), units: [(layer: Int, unit: Int)] = []
        func add(_ l: UnitLocation) { if seen.insert([l.layer, l.unit]).inserted { units.append((l.layer, l.unit)) } }
        add(initialUnit)
        for feature in TextFeature.allCases { for match in inspection.matches[feature] ?? [] { add(match.location) } }
        return units
    }

    func describe(_ l: UnitLocation) -> String { "layer \(l.layer + 1), unit \(l.unit), \(l.signal.title)" }

    func unknownNote() -> String {
        guard !inspection.unknown.isEmpty else { return "" }
        let shown = inspection.unknown.prefix(10).map { "“\($0)”" }.joined(separator: " ")
        return " · not in the vocabulary, skipped: " + escape(shown)
    }

    func signalButtons(_ initial: UnitLocation) -> String {
        inspection.trace.signals.map { signal in
            let pressed = signal == initial.signal ? "true" : "false"
            return "<button type=\"button\" class=\"signal\" data-signal=\"\(signal.rawValue)\" aria-pressed=\"\(pressed)\">\(escape(signal.title))</button>"
        }.joined(separator: " ")
    }

    func spans(for unit: UnitLocation) -> String {
        let values = inspection.trace.series(layer: unit.layer, signal: unit.signal, unit: unit.unit) ?? []
        let scale = Self.scale(values, signal: unit.signal)
        var out = ""
        out.reserveCapacity(inspection.tokenTexts.count * 48)
        for (i, text) in inspection.tokenTexts.enumerated() {
            let v = i < values.count ? values[i] : 0
            out += "<span data-i=\"\(i)\" style=\"background:\(Self.color(v, scale: scale, signal: unit.signal))\" title=\"\(Self.format(v))\">\(escape(text))</span>"
        }
        return out
    }

    func legend() -> String {
        "States: <span class=\"swatch\" style=\"background:\(Self.color(-1, scale: 1, signal: .hidden))\"></span> negative, "
            + "<span class=\"swatch\" style=\"background:\(Self.color(1, scale: 1, signal: .hidden))\"></span> positive (scaled by the unit's largest |value| in this text). "
            + "Gates: <span class=\"swatch\" style=\"background:\(Self.color(0, scale: 1, signal: .forget))\"></span> 0 to "
            + "<span class=\"swatch\" style=\"background:\(Self.color(1, scale: 1, signal: .forget))\"></span> 1. Hover a token for its value."
    }

    func unitTable() -> String {
        var rows = ""
        for feature in TextFeature.allCases {
            let cells: String
            if let matches = inspection.matches[feature], !matches.isEmpty {
                cells = matches.map { m in
                    let l = m.location
                    return "<button type=\"button\" class=\"unit\" data-unit=\"\(l.layer + 1):\(l.unit)\" data-signal=\"\(l.signal.rawValue)\" title=\"\(escape(describe(l)))\">\(l.layer + 1):\(l.unit) \(l.signal.rawValue) <span class=\"r\">r = \(String(format: "%+.2f", m.correlation))</span></button>"
                }.joined(separator: " ")
            } else {
                cells = "<span class=\"none\">does not vary in this text</span>"
            }
            rows += "<tr data-feature=\"\(feature.rawValue)\"><th>\(escape(feature.summary))</th><td>\(cells)</td></tr>\n"
        }
        return "<table class=\"matches\">\n\(rows)</table>"
    }

    func saturationPlots() -> String {
        let gates = inspection.trace.signals.filter(\.isGate)
        guard !gates.isEmpty else { return "<p>A plain RNN has no gates.</p>" }
        var out = "<p>For each gate, one dot per unit: the fraction of tokens at which it is left-saturated (below 0.1) against right-saturated (above 0.9), as in Karpathy, Johnson &amp; Fei-Fei (2015). Dots near the right edge are units almost always near 0 for this gate; near the top, almost always near 1 (a forget gate there remembers).</p>\n<div class=\"plots\">"
        for gate in gates {
            var plot = SVGLinePlot(title: gate.title, xLabel: "fraction left-saturated (< 0.1)", yLabel: "fraction right-saturated (> 0.9)",
                                   yRange: 0...1, width: 520, height: 420)
            plot.xRange = 0...1
            for layer in 0..<inspection.trace.numLayers {
                let points = (inspection.saturation.points[gate] ?? []).filter { $0.layer == layer }.map { ($0.left, $0.right) }
                plot.series.append(.init(name: "layer \(layer + 1)", points: points, opacity: 0.6, markers: true))
            }
            out += Self.inline(plot.render(), id: "saturation-\(gate.rawValue)")
        }
        return out + "</div>"
    }

    func learningCurves() -> String {
        guard !history.isEmpty else { return "<p>This checkpoint holds no training history.</p>" }
        var plot = SVGLinePlot(title: "loss", xLabel: "step", yLabel: "loss (nats per token)", width: 640, height: 360)
        plot.series.append(.init(name: "training", points: history.map { (Double($0.step), $0.training) }))
        let validation = history.compactMap { r in r.validation.map { (Double(r.step), $0) } }
        if !validation.isEmpty { plot.series.append(.init(name: "validation", points: validation)) }
        return Self.inline(plot.render(), id: "curves")
    }

    /// `{"2:117": {"c": [..], "h": [..], …}, …}` for the listed units.
    func valuesJSON(_ units: [(layer: Int, unit: Int)]) -> String {
        let trace = inspection.trace
        var json = "{"
        for (n, u) in units.enumerated() {
            json += (n == 0 ? "" : ",") + "\"\(u.layer + 1):\(u.unit)\":{"
            for (k, signal) in trace.signals.enumerated() {
                let values = trace.series(layer: u.layer, signal: signal, unit: u.unit) ?? []
                json += (k == 0 ? "" : ",") + "\"\(signal.rawValue)\":[" + values.map(Self.format).joined(separator: ",") + "]"
            }
            json += "}"
        }
        json += ",\"_initial\":{\"unit\":\"\(initialUnit.layer + 1):\(initialUnit.unit)\",\"signal\":\"\(initialUnit.signal.rawValue)\"}}"
        return json
    }

    // MARK: colours and formatting (the script below mirrors these)

    /// The value that maps to full colour: the largest |value| for states, 1 for gates.
    public static func scale(_ values: [Float], signal: StateSignal) -> Float {
        if signal.isGate { return 1 }
        return max(values.map(abs).max() ?? 1, 1e-6)
    }

    /// Red for positive, blue for negative states; green for open gates: (red, green, blue).
    public static func rgb(_ value: Float, scale: Float, signal: StateSignal) -> (Int, Int, Int) {
        if signal.isGate {
            let s = max(0, min(1, value))
            let v = Int((255 * (1 - 0.65 * s)).rounded())
            return (v, 255, v)
        }
        let s = max(-1, min(1, value / scale))
        let v = Int((255 * (1 - 0.7 * abs(s))).rounded())
        return s >= 0 ? (255, v, v) : (v, v, 255)
    }

    static func color(_ value: Float, scale: Float, signal: StateSignal) -> String {
        let (r, g, b) = rgb(value, scale: scale, signal: signal)
        return "rgb(\(r),\(g),\(b))"
    }

    static func format(_ v: Float) -> String { HTMLReport.format(v) }

    static func inline(_ svg: String, id: String) -> String { HTMLReport.inline(svg, id: id) }

    func escape(_ s: String) -> String { HTMLReport.escape(s) }

    /// The base report style and the coloured text.
    static let css = HTMLReport.css + """

    .text{font-family:Menlo,Consolas,"DejaVu Sans Mono",monospace;white-space:pre-wrap;line-height:1.5;border:1px solid #ddd;padding:10px;max-height:32em;overflow:auto}
    .text span{border-radius:2px}
    .r{color:#666}button[aria-pressed=true] .r{color:#ddd}.none{color:#999}
    """

    static let script = """
    (function () {
      var data = JSON.parse(document.getElementById('unit-values').textContent);
      var current = {unit: data._initial.unit, signal: data._initial.signal};
      var titles = {};
      document.querySelectorAll('button.signal').forEach(function (b) { titles[b.dataset.signal] = b.textContent; });
      var gates = {i: 1, f: 1, o: 1, r: 1, z: 1};
      function color(v, scale, signal) {
        if (gates[signal]) { var g = Math.max(0, Math.min(1, v)); var c = Math.round(255 * (1 - 0.65 * g)); return 'rgb(' + c + ',255,' + c + ')'; }
        var s = Math.max(-1, Math.min(1, v / scale)); var w = Math.round(255 * (1 - 0.7 * Math.abs(s)));
        return s >= 0 ? 'rgb(255,' + w + ',' + w + ')' : 'rgb(' + w + ',' + w + ',255)';
      }
      function paint() {
        var values = (data[current.unit] || {})[current.signal];
        if (!values) { return; }
        var scale = 1;
        if (!gates[current.signal]) { scale = 1e-6; values.forEach(function (v) { scale = Math.max(scale, Math.abs(v)); }); }
        document.querySelectorAll('#text span').forEach(function (span) {
          var v = values[+span.dataset.i];
          span.style.background = color(v, scale, current.signal);
          span.title = String(v);
        });
        var parts = current.unit.split(':');
        document.getElementById('current').textContent = 'layer ' + parts[0] + ', unit ' + parts[1] + ', ' + (titles[current.signal] || current.signal);
        document.querySelectorAll('button.signal').forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.signal === current.signal)); });
        document.querySelectorAll('button.unit').forEach(function (b) {
          b.setAttribute('aria-pressed', String(b.dataset.unit === current.unit && b.dataset.signal === current.signal));
        });
      }
      document.querySelectorAll('button.unit').forEach(function (b) {
        b.addEventListener('click', function () { current = {unit: b.dataset.unit, signal: b.dataset.signal}; paint(); });
      });
      document.querySelectorAll('button.signal').forEach(function (b) {
        b.addEventListener('click', function () { current.signal = b.dataset.signal; paint(); });
      });
      paint();
    })();
    """
}
