import ArgumentParser
import RecurrentSeries

/// `forecast predict`'s overrides of how the checkpoint's training data was read.
struct SeriesInputOverrides: ParsableArguments {
    @Option(help: "Override the value column stored in the checkpoint.")
    var column: String?

    @Option(name: .customLong("date-column"), help: "Override the date column stored in the checkpoint.")
    var dateColumn: String?

    @Option(help: "Override how missing values are handled: interpolate or skip.")
    var missing: MissingValuePolicy?
}
