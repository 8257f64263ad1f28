import ArgumentParser

/// The windows `forecast train` learns from: L values in, H values out, and the season.
struct ForecastWindowOptions: ParsableArguments {
    @Option(help: "L: values of history the network reads.")
    var lookback: Int

    @Option(help: "H: values forecast at once.")
    var horizon: Int

    @Option(help: "Season length m for the seasonal-naive baseline and MASE (default: detected by autocorrelation).")
    var season: Int?
}
