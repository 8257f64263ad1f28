import RecurrentSeries

/// An SVG line chart of `series` around forecasts made into it: the history from
/// `historyStart` up to `cut`, the actual values from `cut` to the end (when `showsActual`),
/// and one line per forecast from its origin on (one legend entry for them all).
///
/// `forecast train` draws the test part with a forecast every H steps; `forecast predict`
/// draws one forecast past the end of the data, or of its last H values (backtest).
func seriesForecastPlot(title: String, series: FilledSeries, frequency: SeriesFrequency?, historyStart: Int, cut: Int,
                        showsActual: Bool, forecasts: [(origin: Int, values: [Double])],
                        intervals: [PredictionInterval] = [], intervalName: String = "80% interval") -> String {
    let values = series.values, dates = series.dates
    func x(_ i: Int) -> Double { seriesPlotX(dates, i, frequency: frequency) }
    var plot = ForecastPlot(title: title, xLabel: dates == nil ? "step" : "year", yLabel: series.name)
    plot.lines.append(.init(name: "history", points: (historyStart..<cut).map { (x($0), values[$0]) },
                            color: ForecastPlot.historyColor))
    if showsActual {
        plot.lines.append(.init(name: "actual", points: (cut..<values.count).map { (x($0), values[$0]) },
                                color: ForecastPlot.actualColor))
    }
    for (k, forecast) in forecasts.enumerated() {
        plot.lines.append(.init(name: "forecast",
                                points: forecast.values.enumerated().map { (x(forecast.origin + $0.offset), $0.element) },
                                color: ForecastPlot.forecastColor, inLegend: k == 0))
    }
    for (k, (forecast, interval)) in zip(forecasts, intervals).enumerated() {
        let xs = interval.lower.indices.map { x(forecast.origin + $0) }
        plot.bands.append(.init(name: intervalName, lower: zip(xs, interval.lower).map { ($0, $1) },
                                upper: zip(xs, interval.upper).map { ($0, $1) }, color: ForecastPlot.forecastColor,
                                inLegend: k == 0))
    }
    return plot.render()
}

/// Time as a plot's x value: the fractional year of a date, or the step index when undated
/// (or past the end of the dates without a frequency to extend them).
func seriesPlotX(_ dates: [CalendarDate]?, _ index: Int, frequency: SeriesFrequency?) -> Double {
    guard let dates, !dates.isEmpty, let date = seriesDate(dates, index, frequency: frequency) else { return Double(index) }
    let start = CalendarDate(year: date.year, month: 1, day: 1)!.daysSinceEpoch
    let length = CalendarDate(year: date.year + 1, month: 1, day: 1)!.daysSinceEpoch - start
    return Double(date.year) + Double(date.daysSinceEpoch - start) / Double(length)
}

/// Where `forecast train` plots the test part: the history shown before it (three lookbacks
/// or seasons) and a forecast origin every H steps through it.
func testPlotWindow(_ problem: ForecastProblem) -> (historyStart: Int, origins: [Int]) {
    let testStart = problem.split.test.lowerBound
    let historyStart = max(0, testStart - max(3 * problem.lookback, 3 * (problem.season ?? 0)))
    let origins = Array(stride(from: max(testStart, problem.lookback), through: problem.series.values.count - problem.horizon,
                               by: problem.horizon))
    return (historyStart, origins)
}

/// `forecast train`'s text report: the scores on the test part, an extra line (the hybrid's
/// interval coverage), then the validation model choice and its verdict.
func printTestReport(problem: ForecastProblem, horizon: Int, scores: [ForecastScore], extra: String? = nil,
                     choice: ModelChoice?) {
    print("test part: \(problem.testOrigins.count) windows × horizon \(horizon) "
        + "(values \(problem.split.test.lowerBound)..<\(problem.split.test.upperBound))")
    print(scores.formattedTable())
    if let extra { print(extra) }
    if let choice {
        print("validation (model choice): \(choice.origins.count) origins × horizon \(choice.horizon) at values "
            + "\(choice.origins.map(String.init).joined(separator: ", "))")
        print(choice.scores.formattedTable())
        print(choice.verdict)
    }
}
