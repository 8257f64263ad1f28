import Recurrent
import RecurrentSeries

/// The series command a shared option group serves (`SeriesModelOptions`,
/// `SeriesOptimizerOptions`, `SeriesRunOptions`): its defaults, which are the library's, and
/// the words its help uses where `forecast train` and `classify train` differ.
protocol SeriesTask {
    static var cell: RecurrentCellKind { get }
    static var hiddenSize: Int { get }
    static var hiddenSizeHelp: String { get }
    static var layers: Int { get }
    /// What one training step takes: "Windows" or "Examples".
    static var examples: String { get }
    static var patience: Int { get }
    static var testFraction: Double { get }
    static var testHelp: String { get }
    static var validationFraction: Double { get }
    static var validationHelp: String { get }
    static var seedHelp: String { get }
    static var output: String { get }
    static var outputHelp: String { get }
}

/// `forecast train`.
enum ForecastTask: SeriesTask {
    typealias Defaults = ForecastTrainingOptions.Defaults
    static let cell = Defaults.cell
    static let hiddenSize = Defaults.hiddenSize
    static let hiddenSizeHelp = "Hidden units of the recurrent layer."
    static let layers = Defaults.layers
    static let examples = "Windows"
    static let patience = Defaults.patience
    static let testFraction = Defaults.testFraction
    static let testHelp = "Fraction of the series (at its end) for the test part."
    static let validationFraction = Defaults.validationFraction
    static let validationHelp = "Fraction of the series (before the test part) for validation."
    static let seedHelp = "Random seed (initialisation and window order)."
    static let output = "forecast-run"
    static let outputHelp = "Directory for the checkpoint, metrics (metrics.jsonl, test-metrics.csv) and plot."
}

/// `classify train`.
enum ClassifyTask: SeriesTask {
    typealias Defaults = ClassifierTrainingOptions.Defaults
    static let cell = Defaults.cell
    static let hiddenSize = Defaults.hiddenSize
    static let hiddenSizeHelp = "Hidden units per direction."
    static let layers = Defaults.layers
    static let examples = "Examples"
    static let patience = Defaults.patience
    static let testFraction = Defaults.testFraction
    static let testHelp = "Fraction of each class held out for the test part."
    static let validationFraction = Defaults.validationFraction
    static let validationHelp = "Fraction of each class held out for validation (early stopping)."
    static let seedHelp = "Random seed (split, initialisation, order)."
    static let output = "classify-run"
    static let outputHelp = "Directory for the checkpoint, the metrics log (metrics.jsonl) and the confusion matrix."
}
