import Foundation

/// A line chart of a series and its forecasts as a self-contained SVG document: history,
/// actual values and forecast segments against time (fractional years, or steps).
///
/// Deliberately small: linear axes with "nice" ticks (1, 2, 5 × 10ⁿ), one polyline per line,
/// a legend for lines that ask for one. Non-finite points break a line.
public struct ForecastPlot: Sendable {
    public struct Line: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// A CSS colour.
        public var color: String
        /// Whether the legend lists it (several forecast segments share one entry).
        public var inLegend: Bool

        public init(name: String, points: [(x: Double, y: Double)], color: String, inLegend: Bool = true) {
            self.name = name
            self.points = points
            self.color = color
            self.inLegend = inLegend
        }
    }

    /// A shaded band between two curves sampled at the same x (a prediction interval).
    public struct Band: Sendable {
        public var name: String
        public var lower: [(x: Double, y: Double)]
        public var upper: [(x: Double, y: Double)]
        public var color: String
        public var inLegend: Bool

        public init(name: String, lower: [(x: Double, y: Double)], upper: [(x: Double, y: Double)], color: String,
                    inLegend: Bool = true) {
            self.name = name
            self.lower = lower
            self.upper = upper
            self.color = color
            self.inLegend = inLegend
        }
    }

    /// Colours for history, actual values and forecasts (Okabe & Ito, colour-blind safe).
    public static let historyColor = "#777777", actualColor = "#000000", forecastColor = "#D55E00"

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var lines: [Line]
    /// Drawn under the lines, translucent.
    public var bands: [Band] = []
    public var width = 760
    public var height = 440

    public init(title: String, xLabel: String, yLabel: String, lines: [Line] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.lines = lines
    }

    /// The SVG document.
    public func render() -> String {
        let left = 72.0, right = 170.0, top = 40.0, bottom = 56.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let points = (lines.flatMap(\.points) + bands.flatMap { $0.lower + $0.upper }).filter { $0.x.isFinite && $0.y.isFinite }
        var (x0, x1) = (points.map(\.x).min() ?? 0, points.map(\.x).max() ?? 1)
        var (y0, y1) = (points.map(\.y).min() ?? 0, points.map(\.y).max() ?? 1)
        if x1 - x0 < 1e-12 { x0 -= 0.5; x1 += 0.5 }
        if y1 - y0 < 1e-12 { y0 -= 0.5; y1 += 0.5 }
        let yStep = Self.niceStep((y1 - y0) / 5)
        y0 = (y0 / yStep).rounded(.down) * yStep
        y1 = (y1 / yStep).rounded(.up) * yStep
        let xStep = Self.niceStep((x1 - x0) / 6)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - y0) / (y1 - y0) * plotHeight }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
        font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(left + plotWidth / 2))" y="22" text-anchor="middle" font-size="15">\(Self.escape(title))</text>

        """
        for y in Self.ticks(y0, y1, yStep) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(y)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(y)))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(Self.label(y, step: yStep))</text>\n"
        }
        for x in Self.ticks(x0, x1, xStep) where x >= x0 - 1e-9 && x <= x1 + 1e-9 {
            svg += "<line x1=\"\(f(px(x)))\" y1=\"\(f(top))\" x2=\"\(f(px(x)))\" y2=\"\(f(top + plotHeight))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(f(px(x)))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(Self.label(x, step: xStep))</text>\n"
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(height - 14)\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(18 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for band in bands {
            let outline = (band.lower + band.upper.reversed()).filter { $0.x.isFinite && $0.y.isFinite }
            guard outline.count > 2 else { continue }
            svg += "<polygon fill=\"\(band.color)\" fill-opacity=\"0.25\" stroke=\"none\" points=\""
                + outline.map { f(px($0.x)) + "," + f(py($0.y)) }.joined(separator: " ") + "\"/>\n"
        }
        for line in lines {
            // A non-finite point ends one polyline and starts the next.
            var run: [String] = []
            func flush() {
                if run.count > 1 {
                    svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.6\" points=\"\(run.joined(separator: " "))\"/>\n"
                }
                run.removeAll()
            }
            for p in line.points {
                if p.x.isFinite && p.y.isFinite { run.append(f(px(p.x)) + "," + f(py(p.y))) } else { flush() }
            }
            flush()
        }
        var legendY = top + 10
        for line in lines where line.inLegend {
            let x = left + plotWidth + 16
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(legendY))\" x2=\"\(f(x + 22))\" y2=\"\(f(legendY))\" stroke=\"\(line.color)\" stroke-width=\"2\"/>\n"
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(legendY + 4))\">\(Self.escape(line.name))</text>\n"
            legendY += 20
        }
        for band in bands where band.inLegend {
            let x = left + plotWidth + 16
            svg += "<rect x=\"\(f(x))\" y=\"\(f(legendY - 6))\" width=\"22\" height=\"12\" fill=\"\(band.color)\" fill-opacity=\"0.25\"/>\n"
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(legendY + 4))\">\(Self.escape(band.name))</text>\n"
            legendY += 20
        }
        return svg + "</svg>\n"
    }

    /// 1, 2 or 5 × 10ⁿ, the smallest not below `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * magnitude >= raw * (1 - 1e-9) { return m * magnitude }
        return 10 * magnitude
    }

    static func ticks(_ low: Double, _ high: Double, _ step: Double) -> [Double] {
        var result: [Double] = []
        var v = (low / step).rounded(.up) * step
        while v <= high + step * 1e-9 && result.count < 50 {
            result.append(v)
            v += step
        }
        return result
    }

    static func label(_ v: Double, step: Double) -> String {
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        return String(format: "%.\(decimals)f", abs(v) < step * 1e-9 ? 0 : v)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
