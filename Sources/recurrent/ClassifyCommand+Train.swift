import Foundation
import Recurrent
import RecurrentSeries

/// A classification task as `classify train` prepares it: the examples, how they were read
/// (for the checkpoint), their stratified split and the network's shape.
struct ClassificationTask {
    var inputs: ClassificationInputs
    var specification: ClassifierInputSpecification
    var split: StratifiedSplit
    var configuration: SequenceClassifierConfiguration
}

extension ClassifyCommand.Train {
    /// `--text`: 'label<TAB>text' lines, split, then tokenized with a vocabulary of the
    /// training part; T is --steps or the 95th percentile of the lengths.
    func readText(_ file: String, generator: inout RandomGenerator) throws -> ClassificationTask {
        let examples = try TextExamples.read(contentsOf: file)
        let split = try StratifiedSplit(labels: examples.labels, validationFraction: runOptions.validation,
                                        testFraction: runOptions.test, generator: &generator)
        let vocabulary = TextVocabulary(texts: split.train.map { examples.texts[$0] }, minimumCount: input.minCount)
        let lengths = examples.texts.map { vocabulary.split($0).count }.sorted()
        let t = input.steps ?? max(1, lengths[min(lengths.count - 1, lengths.count * 95 / 100)])
        seriesNote("\(file): \(examples.count) lines, \(examples.classNames.count) classes; vocabulary "
            + "\(vocabulary.count) tokens; \(t) tokens per example (longer lines keep their last \(t), shorter run with their own length).")
        return ClassificationTask(
            inputs: .tokens(sequences: examples.tokenSequences(vocabulary: vocabulary, steps: t, padding: .lengths),
                            labels: examples.labels, classNames: examples.classNames),
            specification: ClassifierInputSpecification(kind: .text, steps: t, features: 1, labelColumn: nil, standardizer: nil,
                                                        vocabulary: vocabulary, classNames: examples.classNames),
            split: split,
            configuration: SequenceClassifierConfiguration(
                cell: model.cell.kind, inputSize: input.embeddingSize, hiddenSize: model.hidden, numLayers: model.layers,
                bidirectional: bidirectional, pooling: pooling, classCount: examples.classNames.count,
                vocabularySize: vocabulary.count, padding: .lengths))
    }

    /// Numeric rows: T steps of F features and a label each, split, standardised on the
    /// training part.
    func readNumeric(_ file: String, generator: inout RandomGenerator) throws -> ClassificationTask {
        let raw = try SequenceDataset.read(contentsOf: file, label: input.labelColumn.map { .named($0) } ?? .last,
                                           steps: input.steps, features: input.features)
        let split = try StratifiedSplit(labels: raw.labels, validationFraction: runOptions.validation,
                                        testFraction: runOptions.test, generator: &generator)
        let standardizer = Standardizer(fitting: split.train.map { raw.inputs[$0] }, featureCount: raw.features)
        seriesNote("\(file): \(raw.count) examples of \(raw.steps) steps × \(raw.features) features, "
            + "\(raw.classNames.count) classes.")
        return ClassificationTask(
            inputs: .numeric(raw.standardized(by: standardizer)),
            specification: ClassifierInputSpecification(kind: .numeric, steps: raw.steps, features: raw.features,
                                                        labelColumn: input.labelColumn, standardizer: standardizer,
                                                        vocabulary: nil, classNames: raw.classNames),
            split: split,
            configuration: SequenceClassifierConfiguration(
                cell: model.cell.kind, inputSize: raw.features, hiddenSize: model.hidden, numLayers: model.layers,
                bidirectional: bidirectional, pooling: pooling, classCount: raw.classNames.count))
    }

    /// Trains with early stopping, writes the checkpoint and the test part's confusion matrix,
    /// and prints the test accuracy (or one JSON document).
    func train(_ task: ClassificationTask, generator: RandomGenerator) throws {
        let output = runOptions.output
        let options = ClassifierTrainingOptions(epochs: epochs, batchSize: optimization.batchSize,
                                                learningRate: optimization.learningRate, clipNorm: optimization.clip,
                                                patience: optimization.patience, seed: runOptions.seed)
        let trainer = try ClassifierTrainer(inputs: task.inputs, split: task.split, configuration: task.configuration,
                                            options: options, generator: generator)
        let start = Date()
        let metrics = try MetricsLog(path: output + "/" + MetricsLog.fileName)
        let summary = try trainer.train(metrics: metrics) { e in
            seriesNote(String(format: "epoch %4d  train loss %.4f  validation loss %.4f  accuracy %.2f%%%@  (%.1fs)",
                              e.epoch, e.trainingLoss, e.validationLoss, 100 * e.validationAccuracy,
                              e.improved ? " *" : "", Date().timeIntervalSince(start)))
        }
        seriesNote("best epoch \(summary.bestEpoch) of \(summary.epochsRun); weights of the best epoch kept.")
        let checkpoint = ClassifierCheckpoint(
            model: trainer.model, input: task.specification,
            training: ClassifierTrainingRecord(options: options, epochsRun: summary.epochsRun, bestEpoch: summary.bestEpoch,
                                               testAccuracy: summary.test.accuracy, testConfusion: summary.test))
        let path = output + "/classifier.safetensors"
        try checkpoint.write(to: path)
        let report = accuracyReport("test accuracy", summary.test)
        try seriesWrite(report, to: output + "/test-confusion.txt")
        seriesNote("wrote \(path), \(output)/test-confusion.txt and \(metrics.path)")
        if runOptions.json {
            try JSONOutput.print(ClassifyTrainJSON(test: AccuracyJSON(summary.test), epochsRun: summary.epochsRun,
                                                   bestEpoch: summary.bestEpoch, checkpoint: path, metrics: metrics.path))
        } else {
            print(report, terminator: "")
        }
    }
}
