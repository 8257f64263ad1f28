import Recurrent
import RecurrentSeries

/// An SVG line chart of `series` around forecasts made into it: the history from
/// `historyStart` up to `cut`, the actual values from `cut` to the end (when `showsActual`),
/// one line per forecast from its origin on and its prediction interval as a shaded band (one
/// legend entry for all the forecasts, one for all the bands).
///
/// `forecast train` draws the test part with a forecast every H steps; `forecast predict`
/// draws one forecast past the end of the data, or of its last H values (backtest).
func seriesForecastPlot(title: String, series: FilledSeries, frequency: SeriesFrequency?, historyStart: Int, cut: Int,
                        showsActual: Bool, forecasts: [(origin: Int, values: [Double])],
                        intervals: [PredictionInterval] = [], intervalName: String = "80% interval") -> String {
    let values = series.values, dates = series.dates
    func point(_ i: Int, _ y: Double) -> SVGLinePlot.Point { .init(x: seriesPlotX(dates, i, frequency: frequency), y: y) }
    var plot = SVGLinePlot(title: title, xLabel: dates == nil ? "step" : "year", yLabel: series.name)
    plot.series.append(.init(name: "history", points: (historyStart..<cut).map { point($0, values[$0]) },
                             color: ForecastPlotColor.history))
    if showsActual {
        plot.series.append(.init(name: "actual", points: (cut..<values.count).map { point($0, values[$0]) },
                                 color: ForecastPlotColor.actual))
    }
    for (k, forecast) in forecasts.enumerated() {
        plot.series.append(.init(name: "forecast", points: forecast.values.enumerated().map { point(forecast.origin + $0, $1) },
                                 color: ForecastPlotColor.forecast, inLegend: k == 0))
    }
    for (k, (forecast, interval)) in zip(forecasts, intervals).enumerated() {
        plot.bands.append(.init(name: intervalName, lower: interval.lower.enumerated().map { point(forecast.origin + $0, $1) },
                                upper: interval.upper.enumerated().map { point(forecast.origin + $0, $1) },
                                color: ForecastPlotColor.forecast, inLegend: k == 0))
    }
    return plot.render()
}

/// Colours of the forecast plots: grey history, black actual values, forecasts and their
/// intervals in vermilion (Okabe & Ito, colour-blind safe).
enum ForecastPlotColor {
    static let history = "#777777", actual = "#000000", forecast = "#D55E00"
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
