import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Recurrent

/// Well-formed SVG with every series, broken lines at undrawable points, tick placement.
@Suite struct SVGLinePlotTests {
    /// Parses `svg`, returning the element names and the text of every `<title>` and `<text>`.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var texts: [String] = []
        var current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(name)
            current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "title" || name == "text" { texts.append(current) }
            current = ""
        }
    }

    func parse(_ svg: String) -> (ok: Bool, collector: Collector) {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        return (parser.parse(), collector)
    }

    @Test func wellFormedWithEverySeries() {
        var plot = SVGLinePlot(title: "adding <T = 100> & friends", xLabel: "step", yLabel: "test MSE", logY: true)
        plot.series.append(.init(name: "lstm", points: [(0, 0.3), (100, 0.05), (200, 0.001)]))
        plot.series.append(.init(name: "rnn \"tanh\"", points: [(0, 0.3), (100, .nan), (150, 0.2), (200, 0)]))
        plot.series.append(.init(name: "baseline", points: [(0, 1.0 / 6), (200, 1.0 / 6)], dashed: true))
        plot.series.append(.init(name: "seed 2", points: [(0, 0.4), (200, 0.3)], color: "#0072B2", opacity: 0.3, inLegend: false))
        let svg = plot.render()
        let (ok, c) = parse(svg)
        #expect(ok)
        #expect(c.elements.first == "svg")
        #expect(c.elements.filter { $0 == "path" }.count == 4)
        for name in ["lstm", "rnn \"tanh\"", "baseline", "adding <T = 100> & friends", "step", "test MSE (log)"] {
            #expect(c.texts.contains(name), "\(name)")
        }
        #expect(!c.texts.contains { $0 == "seed 2" && c.texts.filter { $0 == "seed 2" }.count > 1 })
        #expect(svg.contains("stroke-dasharray"))
        // The NaN and the zero (undrawable on a log axis) break the rnn line into two pieces.
        let rnnPath = svg.components(separatedBy: "\n").first { $0.contains("<title>rnn") }!
        #expect(rnnPath.components(separatedBy: "M").count - 1 == 2)
    }

    @Test func linearAxisAndEmptyPlotsRender() {
        let empty = SVGLinePlot(title: "nothing", xLabel: "x", yLabel: "y").render()
        #expect(parse(empty).ok)
        var flat = SVGLinePlot(title: "forecast", xLabel: "month", yLabel: "value", series: [
            .init(name: "data", points: (0..<50).map { (Double($0), sin(Double($0) / 5)) }),
            .init(name: "constant", points: [(0, 2), (49, 2)]),
        ])
        flat.yRange = -1.5...1.5                          // the constant leaves the frame, clipped
        let (ok, c) = parse(flat.render())
        #expect(ok)
        #expect(c.texts.contains("-1") && c.texts.contains("1") && c.texts.contains("40"))
    }

    /// Bands (prediction intervals): one polygon each, under the lines, along the lower curve
    /// and back along the upper one; they widen the fitted range; one legend swatch for bands
    /// that share a name; a band without three drawable points draws nothing.
    @Test func bandsAreShadedUnderTheLinesAndWidenTheRange() {
        var plot = SVGLinePlot(title: "co2 <weekly> & more", xLabel: "year", yLabel: "ppm")
        plot.series.append(.init(name: "forecast", points: [(1990, 350), (1991, 352)], color: "#D55E00"))
        plot.bands.append(.init(name: "80% interval", lower: [.init(x: 1990, y: 340), .init(x: 1991, y: 345)],
                                upper: [.init(x: 1990, y: 360), .init(x: 1991, y: 371)], color: "#D55E00"))
        plot.bands.append(.init(name: "80% interval", lower: [.init(x: 1992, y: .nan), .init(x: 1993, y: 346)],
                                upper: [.init(x: 1992, y: 361), .init(x: 1993, y: .infinity)], color: "#D55E00", inLegend: false))
        let svg = plot.render()
        let (ok, c) = parse(svg)
        #expect(ok)
        #expect(c.elements.filter { $0 == "polygon" }.count == 1)
        #expect(svg.range(of: "<polygon")!.lowerBound < svg.range(of: "<path")!.lowerBound)
        #expect(c.texts.filter { $0 == "80% interval" }.count == 2)        // the polygon's title and one legend entry
        #expect(c.texts.contains("co2 <weekly> & more") && c.texts.contains("1990") && c.texts.contains("1993"))
        #expect(c.texts.contains("340") && c.texts.contains("380"))        // the band's 340…371, not the line's 350…352
        let polygon = svg.components(separatedBy: "\n").first { $0.hasPrefix("<polygon") }!
        #expect(polygon.components(separatedBy: ",").count - 1 == 4)
    }

    @Test func niceTicks() {
        #expect(SVGLinePlot.niceStep(0.37) == 0.5)
        #expect(SVGLinePlot.niceStep(180) == 200)
        #expect(SVGLinePlot.logTicks(-3, 0).count == 4)
        let sparse = SVGLinePlot.logTicks(-2, 21)                       // every third decade
        #expect(sparse.count == 8 && sparse.first == 1 && abs(log10(sparse.last!) - 21) < 1e-9)
        #expect(SVGLinePlot.logTicks(-1, 0) == [0.1, 0.2, 0.5, 1])
        #expect(SVGLinePlot.label(0.001) == "0.001" && SVGLinePlot.label(2500) == "2500" && SVGLinePlot.label(1e-5) == "1e-05")
    }

    /// Panels one above the other: one well-formed document, each panel offset by the heights
    /// above it, clip paths with distinct ids.
    @Test func stackedPanelsAreOneDocumentWithDistinctClipPaths() throws {
        var top = SVGLinePlot(title: "loss", xLabel: "step", yLabel: "loss", width: 600, height: 300)
        top.series.append(.init(name: "a", points: [(1, 4), (2, 3)]))
        var bottom = SVGLinePlot(title: "rate", xLabel: "step", yLabel: "rate", width: 500, height: 200)
        bottom.series.append(.init(name: "a", points: [(1, 0.1), (2, 0.05)]))
        let svg = SVGLinePlot.stacked([top, bottom])
        _ = try XMLDocument(data: Data(svg.utf8))
        #expect(svg.hasPrefix("<?xml") && svg.components(separatedBy: "<?xml").count == 2)
        #expect(svg.contains("width=\"600\" height=\"500\""))
        #expect(svg.contains("<svg x=\"0\" y=\"300\" width=\"500\""))
        #expect(svg.contains("id=\"frame0\"") && svg.contains("id=\"frame1\"") && svg.contains("url(#frame1)"))
        #expect(top.render().contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\""))
    }
}
