import ArgumentParser

/// `forecast predict --backtest`: rolling origins at the end of the data.
struct BacktestOptions: ParsableArguments {
    @Flag(help: "Hold out the end of DATA and forecast it from several origins, to compare every model with the actual values.")
    var backtest = false

    @Option(help: "Backtest origins: forecasts of H values ending at the last value, then every --step values earlier.")
    var origins = 5

    @Option(help: "Values between backtest origins (default: half the horizon, rounded up).")
    var step: Int?

    /// Called from the command's `validate()`, after its own checks (as `SeriesOptimizerOptions.check()`).
    func check() throws {
        guard origins >= 1 else { throw ValidationError("--origins must be at least 1.") }
        if let step, step < 1 { throw ValidationError("--step must be at least 1.") }
    }
}
