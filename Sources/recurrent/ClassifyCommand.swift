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

            Example: recurrent classify train ../shared/series/digits.csv --label-last --steps 8 --features 8
            """
        )

        @Argument(help: "The CSV file (or, with --text, the label<TAB>text file).")
        var data: String

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
        var minCount = 1

        @Option(name: .customLong("embedding-size"), help: "Text: size of the word vectors.")
        var embeddingSize = 32

        @Option(help: "How the hidden states become one vector: last or mean.")
        var pooling: SequencePooling = .last

        @Flag(help: "Also read each sequence backwards (a second recurrent direction).")
        var bidirectional = false

        @Option(name: .customLong("hidden-size"), help: "Hidden units per direction.")
        var hidden = SequenceClassifierConfiguration.defaultHiddenSize

        @Option(help: "Stacked recurrent layers.")
        var layers = 1

        @Option(help: "Recurrent cell: lstm, gru or rnn.")
        var cell = CellArgument<SeriesCells>(.lstm)

        @Option(help: "Maximum number of epochs.")
        var epochs = ClassifierTrainingOptions().epochs

        @Option(name: .customLong("batch-size"), help: "Examples per training step.")
        var batchSize = SeriesTrainingDefaults.batchSize

        @OptionGroup var optimizer: SeriesOptimizerOptions

        @Option(help: "Stop after this many epochs without a better validation loss.")
        var patience = ClassifierTrainingOptions().patience

        @Option(help: "Fraction of each class held out for the test part.")
        var test = 0.2

        @Option(help: "Fraction of each class held out for validation (early stopping).")
        var validation = 0.1

        @Option(help: "Random seed (split, initialisation, order).")
        var seed = SeriesTrainingDefaults.seed

        @Option(help: "Directory for the checkpoint and the confusion matrix.")
        var output = "classify-run"

        func validate() throws {
            if text {
                guard labelColumn == nil, !labelLast else {
                    throw ValidationError("--text files are 'label<TAB>text' lines; --label-column and --label-last do not apply.")
                }
                guard features == nil else { throw ValidationError("--features does not apply to --text.") }
            } else {
                guard (labelColumn != nil) != labelLast else {
                    throw ValidationError("say where the label is: --label-column NAME or --label-last (one of them).")
                }
            }
            if let steps, steps < 1 { throw ValidationError("--steps must be at least 1.") }
            if let features, features < 1 { throw ValidationError("--features must be at least 1.") }
            guard epochs >= 1, hidden >= 1, layers >= 1, batchSize >= 1, patience >= 1, minCount >= 1, embeddingSize >= 1 else {
                throw ValidationError("--epochs, --hidden-size, --layers, --batch-size, --patience, --min-count and --embedding-size must be at least 1.")
            }
            try optimizer.check()
            guard test >= 0, validation >= 0, test + validation < 1 else {
                throw ValidationError("--test and --validation must be ≥ 0 and add up to less than 1.")
            }
        }

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            try InputFileCheck.requireDataFile(data, role: "data file")
            var generator = RandomGenerator(seed: seed)
            let inputs: ClassificationInputs
            let specification: ClassifierInputSpecification
            let split: StratifiedSplit
            let configuration: SequenceClassifierConfiguration
            if text {
                let examples = try TextExamples.read(contentsOf: data)
                split = try StratifiedSplit(labels: examples.labels, validationFraction: validation, testFraction: test,
                                            generator: &generator)
                let vocabulary = TextVocabulary(texts: split.train.map { examples.texts[$0] }, minimumCount: minCount)
                let lengths = examples.texts.map { vocabulary.split($0).count }.sorted()
                let t = steps ?? max(1, lengths[min(lengths.count - 1, lengths.count * 95 / 100)])
                inputs = .tokens(sequences: examples.tokenSequences(vocabulary: vocabulary, steps: t, padding: .lengths),
                                 labels: examples.labels, classNames: examples.classNames)
                specification = ClassifierInputSpecification(kind: .text, steps: t, features: 1, labelColumn: nil,
                                                             standardizer: nil, vocabulary: vocabulary,
                                                             classNames: examples.classNames)
                configuration = SequenceClassifierConfiguration(
                    cell: cell.kind, inputSize: embeddingSize, hiddenSize: hidden, numLayers: layers, bidirectional: bidirectional,
                    pooling: pooling, classCount: examples.classNames.count, vocabularySize: vocabulary.count,
                    padding: .lengths)
                seriesNote("\(data): \(examples.count) lines, \(examples.classNames.count) classes; vocabulary "
                    + "\(vocabulary.count) tokens; \(t) tokens per example (longer lines keep their last \(t), shorter run with their own length).")
            } else {
                let raw = try SequenceDataset.read(contentsOf: data, label: labelColumn.map { .named($0) } ?? .last,
                                                   steps: steps, features: features)
                split = try StratifiedSplit(labels: raw.labels, validationFraction: validation, testFraction: test,
                                            generator: &generator)
                let standardizer = Standardizer(fitting: split.train.map { raw.inputs[$0] }, featureCount: raw.features)
                inputs = .numeric(raw.standardized(by: standardizer))
                specification = ClassifierInputSpecification(kind: .numeric, steps: raw.steps, features: raw.features,
                                                             labelColumn: labelColumn, standardizer: standardizer,
                                                             vocabulary: nil, classNames: raw.classNames)
                configuration = SequenceClassifierConfiguration(
                    cell: cell.kind, inputSize: raw.features, hiddenSize: hidden, numLayers: layers, bidirectional: bidirectional,
                    pooling: pooling, classCount: raw.classNames.count)
                seriesNote("\(data): \(raw.count) examples of \(raw.steps) steps × \(raw.features) features, "
                    + "\(raw.classNames.count) classes.")
            }
            seriesNote("split (stratified, seed \(seed)): train \(split.train.count), validation \(split.validation.count), "
                + "test \(split.test.count).")
            try seriesMakeDirectory(output)
            let options = ClassifierTrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: optimizer.learningRate,
                                                    clipNorm: optimizer.clip, patience: patience, seed: seed)
            let trainer = try ClassifierTrainer(inputs: inputs, split: split, configuration: configuration,
                                                options: options, generator: generator)
            let start = Date()
            let summary = try trainer.train { e in
                seriesNote(String(format: "epoch %4d  train loss %.4f  validation loss %.4f  accuracy %.2f%%%@  (%.1fs)",
                                  e.epoch, e.trainingLoss, e.validationLoss, 100 * e.validationAccuracy,
                                  e.improved ? " *" : "", Date().timeIntervalSince(start)))
            }
            seriesNote("best epoch \(summary.bestEpoch) of \(summary.epochsRun); weights of the best epoch kept.")
            let checkpoint = ClassifierCheckpoint(
                model: trainer.model, input: specification,
                training: ClassifierTrainingRecord(options: options, epochsRun: summary.epochsRun, bestEpoch: summary.bestEpoch,
                                                   testAccuracy: summary.test.accuracy, testConfusion: summary.test))
            let path = output + "/classifier.safetensors"
            try checkpoint.write(to: path)
            let report = accuracyReport("test accuracy", summary.test)
            try seriesWrite(report, to: output + "/test-confusion.txt")
            seriesNote("wrote \(path) and \(output)/test-confusion.txt")
            print(report, terminator: "")
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify the examples of a file with a trained checkpoint.",
            discussion: """
            Reads DATA the way the training data was read. Writes one line per example to \
            --output (CSV: example, predicted, probability, and true when DATA has labels); with \
            labels, also prints the accuracy and confusion matrix.

            Example: recurrent classify predict classify-run/classifier.safetensors ../shared/series/digits.csv
            """
        )

        @Argument(help: "The checkpoint (classifier.safetensors from classify train).")
        var checkpoint: String

        @Argument(help: "The data file, in the training data's format (labels optional).")
        var data: String

        @Option(help: "Where to write the predictions CSV.")
        var output = "predictions.csv"

        @OptionGroup(title: "Computation") var computation: ThreadOptions

        func run() throws {
            computation.apply()
            try InputFileCheck.requireCheckpoint(checkpoint, format: ClassifierCheckpoint.format, command: "classify predict")
            try InputFileCheck.requireDataFile(data, role: "data file")
            let stored = try ClassifierCheckpoint(contentsOf: checkpoint)
            let read = try stored.read(contentsOf: data)
            let predictions = stored.model.predict(read.inputs)
            let names = stored.input.classNames
            func cell(_ s: String) -> String {
                s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            }
            var csv = "example,predicted,probability" + (read.hasLabels ? ",true" : "") + "\n"
            for (i, p) in predictions.enumerated() {
                csv += "\(i + 1),\(cell(names[p.label])),\(String(format: "%.4f", p.probability))"
                    + (read.hasLabels ? "," + cell(names[read.inputs.labels[i]]) : "") + "\n"
            }
            try seriesWrite(csv, to: output)
            seriesNote("\(data): \(predictions.count) examples classified; wrote \(output).")
            if read.hasLabels {
                let confusion = ConfusionMatrix(classNames: names, truth: read.inputs.labels, predicted: predictions.map(\.label))
                print(accuracyReport("accuracy", confusion), terminator: "")
            } else {
                print(csv, terminator: "")
            }
        }
    }
}

/// `title: 92.50% (37 of 40)`, then the confusion matrix (rows: true class, columns:
/// predicted), each line ending in a newline: what `train` prints and saves for its test
/// part and `predict` prints for labelled data.
private func accuracyReport(_ title: String, _ confusion: ConfusionMatrix) -> String {
    "\(title): " + String(format: "%.2f%% (%d of %d)\n", 100 * confusion.accuracy, confusion.correct, confusion.total)
        + "confusion matrix (rows: true class, columns: predicted):\n" + confusion.formattedTable() + "\n"
}
