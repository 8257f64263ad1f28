import ArgumentParser
import RecurrentSeries

/// Batches, Adam's learning rate, gradient clipping and early stopping of `forecast train` and
/// `classify train`, which train the same way (`EarlyStoppingTraining` in RecurrentSeries).
struct SeriesOptimizerOptions<Task: SeriesTask>: ParsableArguments {
    @Option(name: .customLong("batch-size"), help: ArgumentHelp("\(Task.examples) per training step."))
    var batchSize = SeriesTrainingDefaults.batchSize

    @Option(name: .customLong("learning-rate"), help: "Adam learning rate.")
    var learningRate = SeriesTrainingDefaults.learningRate

    @Option(name: .customLong("clip"), help: "Clip the gradient's global L2 norm to this value (0, like --no-clip: no clipping).")
    var clipOption = SeriesTrainingDefaults.clipNorm

    @Flag(name: .customLong("no-clip"), help: "Do not clip gradients.")
    var noClip = false

    @Option(help: "Stop after this many epochs without a better validation loss.")
    var patience = Task.patience

    /// The clipping norm the trainer uses; 0 means none.
    var clip: Double { noClip ? 0 : clipOption }

    /// The commands call this from their `validate()` after their own checks. It is not named
    /// `validate()`: ArgumentParser would run that while parsing, before the command's checks,
    /// and change which of several mistakes is reported.
    func check() throws {
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive.") }
        guard clipOption >= 0 else { throw ValidationError("--clip must be ≥ 0.") }
    }
}
