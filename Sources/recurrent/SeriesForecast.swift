import Recurrent
import RecurrentSeries

/// What `forecast predict` computed: one model's forecasts of a series from its origins (past
/// the end, or the backtest's), with prediction intervals when the model gives them; written
/// as CSV, JSON rows and a plot.
struct SeriesForecast {
    let method: any ForecastMethod
    let series: FilledSeries
    /// The series' spacing, to date forecasts past its end.
    let frequency: SeriesFrequency?
    /// The index of each forecast's first value, oldest first.
    let origins: [Int]
    let horizon: Int
    /// Values between backtest origins.
    let step: Int
    let isBacktest: Bool
    /// (origins, horizon)
    let forecasts: [[Double]]
    /// One per origin; empty for a model without intervals.
    let intervals: [PredictionInterval]
    /// The intervals' probability in percent.
    let percent: Int

    init(method: any ForecastMethod, series: FilledSeries, frequency: SeriesFrequency?, origins: [Int], horizon: Int,
         step: Int, isBacktest: Bool) {
        self.method = method
        self.series = series
        self.frequency = frequency
        self.origins = origins
        self.horizon = horizon
        self.step = step
        self.isBacktest = isBacktest
        let withIntervals = (method as? any IntervalForecasting)?.forecastsWithIntervals(series.values, origins: origins, horizon: horizon)
        forecasts = withIntervals?.forecasts ?? method.forecasts(series.values, origins: origins, horizon: horizon)
        intervals = withIntervals?.intervals ?? []
        percent = (method as? any IntervalForecasting).map { Int(($0.intervalProbability * 100).rounded()) } ?? 80
    }

    /// The first origin: where the plotted history ends.
    var cut: Int { origins[0] }

    /// The date of value `i` (continued past the end at the series' spacing), or its 1-based
    /// step for undated data.
    func dateText(_ i: Int) -> String {
        guard let dates = series.dates, !dates.isEmpty else { return String(i + 1) }
        return seriesDate(dates, i, frequency: frequency)?.description ?? ""
    }

    /// `date,forecast` (`step,forecast` undated), then the interval's bounds, and with a
    /// backtest the actual value and the origin's date.
    func csv() -> String {
        let values = series.values
        var csv = (series.dates == nil ? "step" : "date") + ",forecast"
            + (intervals.isEmpty ? "" : ",lower\(percent),upper\(percent)") + (isBacktest ? ",actual,origin" : "") + "\n"
        for (o, (origin, forecast)) in zip(origins, forecasts).enumerated() {
            for (k, f) in forecast.enumerated() {
                csv += dateText(origin + k) + "," + seriesCSVNumber(f)
                    + (intervals.isEmpty ? "" : "," + seriesCSVNumber(intervals[o].lower[k]) + ","
                        + seriesCSVNumber(intervals[o].upper[k]))
                    + (isBacktest ? "," + seriesCSVNumber(values[origin + k]) + "," + dateText(origin) : "") + "\n"
            }
        }
        return csv
    }

    /// The forecast rows as `--json` shows them (every origin's, with --backtest).
    func jsonRows() -> [ForecastPredictJSON.Row] {
        let values = series.values
        return zip(origins, forecasts).enumerated().flatMap { o, pair in
            let (origin, forecast) = pair
            return forecast.enumerated().map { k, f in
                ForecastPredictJSON.Row(step: origin + k + 1, date: series.dates == nil ? nil : dateText(origin + k),
                                        forecast: f, actual: isBacktest ? values[origin + k] : nil,
                                        origin: isBacktest ? origin + 1 : nil,
                                        lower: intervals.isEmpty ? nil : intervals[o].lower[k],
                                        upper: intervals.isEmpty ? nil : intervals[o].upper[k])
            }
        }
    }

    /// The recent history (three lookbacks, seasons or horizons of it), the forecasts and
    /// their intervals, and with a backtest the actual values.
    func plot(stored: LoadedForecaster) -> String {
        let historyStart = max(0, cut - max(3 * stored.lookback, 3 * (stored.season ?? 0), 3 * horizon))
        let title = "\(series.name): " + (isBacktest ? "backtest of \(method.name) from \(origins.count) origins"
                                                     : "\(method.name) forecast of \(horizon) values")
        return seriesForecastPlot(title: title, series: series, frequency: frequency, historyStart: historyStart,
                                  cut: cut, showsActual: isBacktest,
                                  forecasts: zip(origins, forecasts).map { (origin: $0, values: $1) },
                                  intervals: intervals, intervalName: "\(percent)% interval")
    }
}
