import ArgumentParser
import Foundation
import RecurrentSeries

/// How `forecast train` reads a series from a CSV file.
struct SeriesInputOptions: ParsableArguments {
    @Option(help: "The column holding the values (a header name; a 1-based number without header).")
    var column: String?

    @Option(name: .customLong("date-column"),
            help: "The column of dates (default: the first column if it holds dates). With --wide, the period (year) column.")
    var dateColumn: String?

    @Flag(help: "Wide format: one row per year (period), one column per month (season); unrolled row by row.")
    var wide = false

    @Option(help: "Missing values: interpolate (linear) or skip (drop the time steps).")
    var missing: MissingValuePolicy = .interpolate

    /// The series in `file`, its gaps filled by `--missing`; says on stderr what was read.
    func read(_ file: String) throws -> FilledSeries {
        let raw = try TimeSeries.read(contentsOf: file, column: column, dateColumn: dateColumn, wide: wide)
        let series = try raw.filled(missing)
        seriesNote("\(file): \(raw.values.count) values of '\(series.name)'"
            + (series.dates.map { " from \($0.first!) to \($0.last!)" } ?? "")
            + (series.frequency.map { ", \($0)" } ?? "")
            + "; " + seriesMissingNote(raw, policy: missing) + ".")
        return series
    }

    /// How the series was read, for the checkpoint (`forecast predict` reads its data the same way).
    func source(file: String) -> ForecastSource {
        ForecastSource(file: file, column: column, dateColumn: dateColumn, wide: wide, missing: missing)
    }
}
