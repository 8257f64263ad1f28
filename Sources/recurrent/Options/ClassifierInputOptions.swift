import ArgumentParser
import RecurrentSeries

/// How `classify train` reads its examples: numeric rows (where the label is, T steps of F
/// features) or text lines (`--text`, and how words become tokens).
struct ClassifierInputOptions: ParsableArguments {
    @Option(name: .customLong("label-column"), help: "The column holding the class label.")
    var labelColumn: String?

    @Flag(name: .customLong("label-last"), help: "The class label is the last column.")
    var labelLast = false

    @Option(help: "T: steps per example.")
    var steps: Int?

    @Option(help: "F: features per step (numeric data).")
    var features: Int?

    @Flag(help: "The data is text: 'label<TAB>text' lines.")
    var text = false

    @Option(name: .customLong("min-count"), help: "Text: words seen fewer times in training become <unk>.")
    var minCount = ClassifierTrainingOptions.Defaults.minimumCount

    @Option(name: .customLong("embedding-size"), help: "Text: size of the word vectors.")
    var embeddingSize = ClassifierTrainingOptions.Defaults.embeddingSize
}
