import Foundation

/// A line plot of several named series, rendered as a self-contained SVG document: the one
/// SVG writer of the package.
///
/// Used for learning curves (loss against step, often on a log scale) and forecasts (value
/// against time, with shaded `bands` for prediction intervals). Points whose y is not finite —
/// or not positive on a log axis — break the line instead of bending the scale; lines are
/// clipped to the plot frame, so a fixed `yRange` can zoom in on the interesting part while a
/// diverging series leaves through the top.
///
/// ```swift
/// var plot = SVGLinePlot(title: "adding, T = 100", xLabel: "step", yLabel: "test MSE", logY: true)
/// plot.series.append(.init(name: "lstm", points: [(0, 0.4), (100, 0.02)]))
/// try plot.render().write(toFile: "adding.svg", atomically: true, encoding: .utf8)
/// ```
public struct SVGLinePlot: Sendable {
    /// One polyline and its legend entry.
    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        /// A CSS colour; nil takes the next colour of the palette.
        public var color: String?
        /// Dashed (e.g. for a baseline or a reference).
        public var dashed: Bool
        /// Stroke opacity (lighter lines for individual seeds under a mean).
        public var opacity: Double
        /// Whether the legend lists this series (several seeds can share one entry).
        public var inLegend: Bool
        /// A dot at each point and no line (a scatter plot).
        public var markers: Bool

        public init(name: String, points: [Point], color: String? = nil, dashed: Bool = false,
                    opacity: Double = 1, inLegend: Bool = true, markers: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.opacity = opacity
            self.inLegend = inLegend
            self.markers = markers
        }

        public init(name: String, points: [(Double, Double)], color: String? = nil, dashed: Bool = false,
                    opacity: Double = 1, inLegend: Bool = true, markers: Bool = false) {
            self.init(name: name, points: points.map { Point(x: $0.0, y: $0.1) }, color: color, dashed: dashed,
                      opacity: opacity, inLegend: inLegend, markers: markers)
        }
    }

    /// A shaded area between two curves (a prediction interval's lower and upper bounds),
    /// drawn under the lines, translucent; its legend entry is a swatch after the lines'.
    public struct Band: Sendable {
        public var name: String
        /// The lower curve, left to right; `upper` is sampled at the same x.
        public var lower: [Point]
        public var upper: [Point]
        /// A CSS colour.
        public var color: String
        /// Whether the legend lists this band (several intervals can share one entry).
        public var inLegend: Bool

        public init(name: String, lower: [Point], upper: [Point], color: String, inLegend: Bool = true) {
            self.name = name
            self.lower = lower
            self.upper = upper
            self.color = color
            self.inLegend = inLegend
        }
    }

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Logarithmic y axis (base 10).
    public var logY: Bool
    public var series: [Series]
    /// Shaded areas under the lines; their points count in the fitted ranges.
    public var bands: [Band] = []
    /// A fixed y range; nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// A fixed x range; nil fits the data.
    public var xRange: ClosedRange<Double>?
    public var width: Int
    public var height: Int

    /// Colour-blind-safe palette (Okabe & Ito), used in order.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, series: [Series] = [],
                yRange: ClosedRange<Double>? = nil, width: Int = 760, height: Int = 440) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
        self.yRange = yRange
        self.width = width
        self.height = height
    }

    /// The SVG document.
    public func render() -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element(attributes: "xmlns=\"http://www.w3.org/2000/svg\"", clipID: "frame")
    }

    /// Several plots one above the other in one SVG document (e.g. loss, learning rate and
    /// gradient norm panels sharing an x axis), each as wide as the widest.
    public static func stacked(_ plots: [SVGLinePlot]) -> String {
        let width = plots.map(\.width).max() ?? 0, height = plots.map(\.height).reduce(0, +)
        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">

        """
        var y = 0
        for (i, plot) in plots.enumerated() {
            svg += plot.element(attributes: "x=\"0\" y=\"\(y)\"", clipID: "frame\(i)")
            y += plot.height
        }
        return svg + "</svg>\n"
    }

    /// The `<svg>` element of this plot with extra `attributes` on its opening tag; its clip
    /// path is named `clipID` (unique within a document).
    private func element(attributes: String, clipID: String) -> String {
        // Room for the longest legend entry (about 7 px a character at 12 px; 170 at least).
        let longest = (series.filter(\.inLegend).map(\.name) + bands.filter(\.inLegend).map(\.name)).map(\.count).max()
        let legendWidth = longest.map { max(170, Double($0) * 7 + 44) } ?? 20.0
        let left = 72.0, top = 40.0, bottom = 56.0
        let plotW = max(Double(width) - left - legendWidth, 50), plotH = max(Double(height) - top - bottom, 50)

        // Data ranges over the drawable points.
        let points = series.flatMap { $0.points } + bands.flatMap { $0.lower + $0.upper }
        let ys = points.map(\.y).filter { $0.isFinite && (!logY || $0 > 0) }
        let xs = points.filter { $0.x.isFinite }.map(\.x)
        var (x0, x1) = xRange.map { ($0.lowerBound, $0.upperBound) } ?? (xs.min() ?? 0, xs.max() ?? 1)
        if x0 == x1 { x0 -= 0.5; x1 += 0.5 }
        var (y0, y1): (Double, Double)
        if let r = yRange {
            (y0, y1) = (r.lowerBound, r.upperBound)
        } else {
            (y0, y1) = (ys.min() ?? (logY ? 0.1 : 0), ys.max() ?? 1)
        }
        let yTicks: [Double]
        if logY {
            if y0 <= 0 { y0 = min(y1, 1) / 10 }
            if y1 <= y0 { y1 = y0 * 10 }
            var lo = log10(y0), hi = log10(y1)
            if yRange == nil { lo = floor(lo); hi = ceil(hi) }
            if hi - lo < 1e-9 { hi = lo + 1 }
            (y0, y1) = (pow(10, lo), pow(10, hi))
            yTicks = Self.logTicks(lo, hi)
        } else {
            if y0 == y1 { y0 -= 0.5; y1 += 0.5 }
            let step = Self.niceStep((y1 - y0) / 5)
            if yRange == nil { y0 = floor(y0 / step) * step; y1 = ceil(y1 / step) * step }
            yTicks = Self.linearTicks(y0, y1, step)
        }
        let xStep = Self.niceStep((x1 - x0) / 6)
        let xTicks = Self.linearTicks(x0, x1, xStep)

        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double {
            let f = logY ? (log10(y) - log10(y0)) / (log10(y1) - log10(y0)) : (y - y0) / (y1 - y0)
            // Keep far-out values representable; the clip path hides them.
            return top + plotH - max(-10, min(10, f)) * plotH
        }

        var svg = """
        <svg \(attributes) width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>
        <defs><clipPath id="\(clipID)"><rect x="\(f(left))" y="\(f(top))" width="\(f(plotW))" height="\(f(plotH))"/></clipPath></defs>
        <text x="\(f(left + plotW / 2))" y="22" text-anchor="middle" font-size="15">\(Self.escape(title))</text>

        """
        // Grid and ticks.
        for t in yTicks {
            let y = py(t)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Self.escape(Self.label(t)))</text>\n"
        }
        for t in xTicks {
            let x = px(t)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Self.escape(Self.label(t)))</text>\n"
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(Double(height) - 14))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel + (logY ? " (log)" : "")))</text>\n"

        // Lines, broken at undrawable points.
        var paletteIndex = 0
        var legend: [(String, String, Bool)] = []
        svg += "<g clip-path=\"url(#\(clipID))\" fill=\"none\" stroke-width=\"1.8\" stroke-linejoin=\"round\">\n"
        for band in bands {
            // The outline: along the lower curve, back along the upper one; undrawable points left out.
            let outline = (band.lower + band.upper.reversed()).filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
            guard outline.count > 2 else { continue }
            svg += "<polygon points=\"" + outline.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                + "\" fill=\"\(Self.escape(band.color))\" fill-opacity=\"0.25\" stroke=\"none\"><title>\(Self.escape(band.name))</title></polygon>\n"
        }
        for s in series {
            let color = s.color ?? Self.palette[paletteIndex % Self.palette.count]
            if s.color == nil { paletteIndex += 1 }
            var d = ""
            var penDown = false
            for p in s.points {
                guard p.x.isFinite, p.y.isFinite, !logY || p.y > 0 else { penDown = false; continue }
                d += (penDown ? " L" : (d.isEmpty ? "M" : " M")) + "\(f(px(p.x))) \(f(py(p.y)))"
                penDown = true
            }
            if s.inLegend { legend.append((s.name, color, s.dashed)) }
            if s.markers {
                let opacity = s.opacity < 1 ? " fill-opacity=\"\(f(s.opacity))\"" : ""
                svg += "<g fill=\"\(Self.escape(color))\" stroke=\"none\"\(opacity)><title>\(Self.escape(s.name))</title>"
                for p in s.points where p.x.isFinite && p.y.isFinite && (!logY || p.y > 0) {
                    svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.5\"/>"
                }
                svg += "</g>\n"
                continue
            }
            guard !d.isEmpty else { continue }
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            let opacity = s.opacity < 1 ? " stroke-opacity=\"\(f(s.opacity))\"" : ""
            svg += "<path d=\"\(d)\" stroke=\"\(Self.escape(color))\"\(dash)\(opacity)><title>\(Self.escape(s.name))</title></path>\n"
        }
        svg += "</g>\n"

        // Legend, to the right of the frame.
        let lx = left + plotW + 14
        for (i, entry) in legend.enumerated() {
            let y = top + 8 + Double(i) * 18
            let dash = entry.2 ? " stroke-dasharray=\"6 4\"" : ""
            svg += "<line x1=\"\(f(lx))\" y1=\"\(f(y))\" x2=\"\(f(lx + 22))\" y2=\"\(f(y))\" stroke=\"\(Self.escape(entry.1))\" stroke-width=\"2\"\(dash)/>\n"
            svg += "<text x=\"\(f(lx + 28))\" y=\"\(f(y + 4))\">\(Self.escape(entry.0))</text>\n"
        }
        for (i, band) in bands.filter(\.inLegend).enumerated() {
            let y = top + 8 + Double(legend.count + i) * 18
            svg += "<rect x=\"\(f(lx))\" y=\"\(f(y - 6))\" width=\"22\" height=\"12\" fill=\"\(Self.escape(band.color))\" fill-opacity=\"0.25\"/>\n"
            svg += "<text x=\"\(f(lx + 28))\" y=\"\(f(y + 4))\">\(Self.escape(band.name))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    // MARK: helpers

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// 1, 2 or 5 × 10^k nearest above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        let m = raw / magnitude
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * magnitude
    }

    static func linearTicks(_ lo: Double, _ hi: Double, _ step: Double) -> [Double] {
        var ticks: [Double] = []
        var t = ceil(lo / step - 1e-9) * step
        while t <= hi + step * 1e-9, ticks.count < 50 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return ticks
    }

    /// Decades (every k-th when the axis spans more than eight, so labels never crowd); with 1,
    /// 2 and 5 within them when it spans fewer than three.
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let multipliers: [Double] = hi - lo < 3 ? [1, 2, 5] : [1]
        let every = max(1, Int(ceil((hi - lo) / 8)))
        var ticks: [Double] = []
        var k = floor(lo)
        while k <= ceil(hi), ticks.count < 60 {
            if Int(k).isMultiple(of: every) {
                for m in multipliers {
                    let v = m * pow(10, k)
                    let e = log10(v)
                    if e >= lo - 1e-9 && e <= hi + 1e-9 { ticks.append(v) }
                }
            }
            k += 1
        }
        return ticks
    }

    /// Short tick label: 0.001, 0.5, 20, 1e+05.
    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return String(format: "%.0e", v) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
