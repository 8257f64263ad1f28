import Testing
@testable import RecurrentSeries

@Suite struct ForecastPlotTests {
    @Test func rendersLinesLegendTicksAndEscapedText() {
        var plot = ForecastPlot(title: "co2 <weekly> & more", xLabel: "year", yLabel: "ppm")
        plot.lines.append(.init(name: "history", points: [(1990, 350), (1990.5, 352), (1991, 351)], color: ForecastPlot.historyColor))
        plot.lines.append(.init(name: "forecast", points: [(1991, 351), (1991.5, .nan), (1992, 355), (1992.5, 356)],
                                color: ForecastPlot.forecastColor))
        plot.lines.append(.init(name: "forecast", points: [(1993, 1), (1994, 2)], color: ForecastPlot.forecastColor, inLegend: false))
        let svg = plot.render()
        #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("co2 &lt;weekly&gt; &amp; more"))
        // The NaN splits the forecast: its first point alone draws nothing, the rest is one polyline.
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(svg.components(separatedBy: ">forecast</text>").count - 1 == 1)
        #expect(svg.contains(">1990</text>") && svg.contains(">1994</text>"))
    }

    @Test func niceSteps() {
        #expect(ForecastPlot.niceStep(0.7) == 1 && ForecastPlot.niceStep(1.3) == 2 && ForecastPlot.niceStep(3) == 5)
        #expect(ForecastPlot.niceStep(40) == 50 && ForecastPlot.niceStep(0.013) == 0.02)
        #expect(ForecastPlot.ticks(0.5, 3.2, 1) == [1, 2, 3])
    }
}
