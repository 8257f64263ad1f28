import ArgumentParser
import RecurrentSeries

/// Adam's learning rate and the gradient clipping of `forecast train` and `classify train`,
/// which train the same way (`EarlyStoppingTraining` in RecurrentSeries).
struct SeriesOptimizerOptions: ParsableArguments {
    @Option(name: .customLong("learning-rate"), help: "Adam learning rate.")
    var learningRate = SeriesTrainingDefaults.learningRate

    @Option(help: "Clip the global gradient norm to this (0: no clipping).")
    var clip = SeriesTrainingDefaults.clipNorm

    /// The commands call this from their `validate()` after their own checks. It is not named
    /// `validate()`: ArgumentParser would run that while parsing, before the command's checks,
    /// and change which of several mistakes is reported.
    func check() throws {
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive.") }
        guard clip >= 0 else { throw ValidationError("--clip must be ≥ 0.") }
    }
}
