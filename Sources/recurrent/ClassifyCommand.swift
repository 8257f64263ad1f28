import ArgumentParser
import Foundation
import Recurrent
import RecurrentSeries

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify whole sequences (numeric rows or text lines) with an LSTM.",
        discussion: """
        The network reads each sequence step by step; its last hidden state (or the mean over \
        time) goes through a linear layer to class scores (softmax). The examples are split \
        into training, validation and test parts, stratified by class and seeded; accuracy and \
        a confusion matrix are reported on the test part.
        """,
        subcommands: [Train.self, Predict.self]
    )
}

extension ClassifyCommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a sequence classifier and save a checkpoint.",
            discussion: """
            Numeric data: a CSV file, one example per row; every column but the label is a value, \
            and the values are read as --steps steps of --features features (give one and the \
            other is inferred; neither: one value per step). Text data (--text): one example per \
            line, 'label<TAB>text', tokenized into lowercase words and punctuation.

            Writes to --output: classifier.safetensors and test-confusion.txt. Accuracy and the \
            confusion matrix (rows: true class, columns: predicted) go to stdout, progress to stderr.

            Example: recurrent classify train digits.csv --label-last --steps 8 --features 8
            """
        )

        @Argument(help: "The CSV file (or, with --text, the label<TAB>text file); a path, or a bundled name.")
        var data: String

        @OptionGroup var input: ClassifierInputOptions

        @Option(help: "How the hidden states become one vector: last or mean.")
        var pooling = ClassifierTrainingOptions.Defaults.pooling

        @Flag(help: "Also read each sequence backwards (a second recurrent direction).")
        var bidirectional = false

        @OptionGroup var model: SeriesModelOptions<ClassifyTask>

        @Option(help: "Maximum number of epochs.")
        var epochs = ClassifierTrainingOptions.Defaults.epochs

        @OptionGroup var optimization: SeriesOptimizerOptions<ClassifyTask>
        @OptionGroup var runOptions: SeriesRunOptions<ClassifyTask>

        func validate() throws {
            if input.text {
                guard input.labelColumn == nil, !input.labelLast else {
                    throw ValidationError("--text files are 'label<TAB>text' lines; --label-column and --label-last do not apply.")
                }
                guard input.features == nil else { throw ValidationError("--features does not apply to --text.") }
            } else {
                guard (input.labelColumn != nil) != input.labelLast else {
                    throw ValidationError("say where the label is: --label-column NAME or --label-last (one of them).")
                }
            }
            if let steps = input.steps, steps < 1 { throw ValidationError("--steps must be at least 1.") }
            if let features = input.features, features < 1 { throw ValidationError("--features must be at least 1.") }
            guard epochs >= 1, model.hidden >= 1, model.layers >= 1, optimization.batchSize >= 1, optimization.patience >= 1,
                  input.minCount >= 1, input.embeddingSize >= 1 else {
                throw ValidationError("--epochs, --hidden-size, --layers, --batch-size, --patience, --min-count and --embedding-size must be at least 1.")
            }
            try optimization.check()
            guard runOptions.test >= 0, runOptions.validation >= 0, runOptions.test + runOptions.validation < 1 else {
                throw ValidationError("--test and --validation must be ≥ 0 and add up to less than 1.")
            }
        }

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            let data = try BundledData.path(self.data)
            try InputFileCheck.requireDataFile(data, role: "data file")
            var generator = RandomGenerator(seed: runOptions.seed)
            let task = try input.text ? readText(data, generator: &generator) : readNumeric(data, generator: &generator)
            seriesNote("split (stratified, seed \(runOptions.seed)): train \(task.split.train.count), validation \(task.split.validation.count), "
                + "test \(task.split.test.count).")
            try seriesMakeDirectory(runOptions.output)
            let lock = try RunFolderLock(directory: runOptions.output)   // one run per folder at a time
            defer { lock.release() }
            try train(task, generator: generator)
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify the examples of a file with a trained checkpoint.",
            discussion: """
            Reads DATA the way the training data was read. Writes one line per example to \
            --output (CSV: example, predicted, probability, and true when DATA has labels); with \
            labels, also prints the accuracy and confusion matrix.

            Example: recurrent classify predict classify-run/classifier.safetensors digits.csv
            """
        )

        @Argument(help: "The checkpoint (classifier.safetensors from classify train).")
        var checkpoint: String

        @Argument(help: "The data file, in the training data's format (labels optional); a path, or a bundled name.")
        var data: String

        @Option(help: "Where to write the predictions CSV.")
        var output = "predictions.csv"

        @Flag(help: "Print the predictions (and, with labels, the accuracy) as one JSON document on stdout.")
        var json = false

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            try InputFileCheck.requireCheckpoint(checkpoint, format: ClassifierCheckpoint.format, command: "classify predict")
            let data = try BundledData.path(self.data)
            try InputFileCheck.requireDataFile(data, role: "data file")
            let stored = try ClassifierCheckpoint(contentsOf: checkpoint)
            let read = try stored.read(contentsOf: data)
            let predictions = stored.model.predict(read.inputs)
            let names = stored.input.classNames
            let truth = read.hasLabels ? read.inputs.labels.map { names[$0] } : nil
            let csv = predictionsCSV(predictions.map { (names[$0.label], $0.probability) }, truth: truth)
            try seriesWrite(csv, to: output)
            seriesNote("\(data): \(predictions.count) examples classified; wrote \(output).")
            let confusion = read.hasLabels
                ? ConfusionMatrix(classNames: names, truth: read.inputs.labels, predicted: predictions.map(\.label)) : nil
            if json {
                try JSONOutput.print(ClassifyPredictJSON(
                    predictions: predictions.enumerated().map { i, p in
                        .init(example: i + 1, predicted: names[p.label], probability: Double(p.probability), true: truth?[i])
                    },
                    accuracy: confusion.map(AccuracyJSON.init)))
            } else if let confusion {
                print(accuracyReport("accuracy", confusion), terminator: "")
            } else {
                print(csv, terminator: "")
            }
        }

        /// `example,predicted,probability[,true]`, one line per example (names quoted when they
        /// hold a comma, a quote or a line break).
        func predictionsCSV(_ predicted: [(name: String, probability: Float)], truth: [String]?) -> String {
            func cell(_ s: String) -> String {
                s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            }
            var csv = "example,predicted,probability" + (truth != nil ? ",true" : "") + "\n"
            for (i, p) in predicted.enumerated() {
                csv += "\(i + 1),\(cell(p.name)),\(String(format: "%.4f", p.probability))"
                    + (truth.map { "," + cell($0[i]) } ?? "") + "\n"
            }
            return csv
        }
    }
}

/// `title: 92.50% (37 of 40)`, then the confusion matrix (rows: true class, columns:
/// predicted), each line ending in a newline: what `train` prints and saves for its test
/// part and `predict` prints for labelled data.
func accuracyReport(_ title: String, _ confusion: ConfusionMatrix) -> String {
    "\(title): " + String(format: "%.2f%% (%d of %d)\n", 100 * confusion.accuracy, confusion.correct, confusion.total)
        + "confusion matrix (rows: true class, columns: predicted):\n" + confusion.formattedTable() + "\n"
}

/// Accuracy and confusion matrix in `--json` output (rows: true class, columns: predicted).
struct AccuracyJSON: Encodable {
    var accuracy: Double
    var correct: Int
    var total: Int
    var classNames: [String]
    var confusion: [[Int]]

    init(_ m: ConfusionMatrix) {
        accuracy = m.accuracy
        correct = m.correct
        total = m.total
        classNames = m.classNames
        confusion = m.counts
    }
}

/// `classify train --json`: the test part's accuracy and confusion matrix.
struct ClassifyTrainJSON: Encodable {
    var test: AccuracyJSON
    var epochsRun: Int
    var bestEpoch: Int
    var checkpoint: String
    var metrics: String
}

/// `classify predict --json`: one row per example (as in the CSV); with labels, the accuracy.
struct ClassifyPredictJSON: Encodable {
    struct Row: Encodable {
        var example: Int
        var predicted: String
        var probability: Double
        var `true`: String?
    }
    var predictions: [Row]
    var accuracy: AccuracyJSON?
}
