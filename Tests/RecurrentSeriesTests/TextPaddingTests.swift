import Foundation
import Recurrent
import Testing
@testable import RecurrentSeries

/// Text classification with variable-length batches, and classifiers trained before them.
@Suite struct TextPaddingTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RecurrentTests/Fixtures/classifier_left_padded")

    /// A classifier checkpoint written before variable-length batches (by the `recurrent` of
    /// commit 1067a48: no `padding` in its model description, left-padded lines) keeps reading
    /// its data and predicting exactly as it did: the same labels and probabilities as that
    /// binary's predictions.csv, and bit for bit the full-T run over left-padded ids.
    @Test func leftPaddedCheckpointPredictsAsBefore() throws {
        let checkpoint = try ClassifierCheckpoint(contentsOf: Self.fixture.appendingPathComponent("classifier.safetensors").path)
        #expect(checkpoint.model.configuration.padding == nil)
        #expect(checkpoint.model.configuration.textPadding == .left)
        let data = try checkpoint.read(contentsOf: Self.fixture.appendingPathComponent("data.tsv").path)
        guard case .tokens(let sequences, _, _) = data.inputs else { Issue.record("not text"); return }
        let padding = Int32(checkpoint.model.configuration.vocabularySize! - 1)
        #expect(sequences.contains { $0.first == padding }, "short lines are left-padded")
        let predictions = checkpoint.model.predict(data.inputs)

        let csv = try String(contentsOf: Self.fixture.appendingPathComponent("predictions.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == predictions.count)
        for (row, prediction) in zip(rows, predictions) {
            #expect(row[1] == checkpoint.input.classNames[prediction.label])
            #expect(row[2] == String(format: "%.4f", prediction.probability))
        }

        // The old computation, spelled out: all T steps over the left-padded ids.
        let model = checkpoint.model
        model.isTraining = false
        let steps = sequences[0].count, n = sequences.count
        var ids = [Int32](repeating: 0, count: steps * n)
        for b in 0..<n { for t in 0..<steps { ids[t * n + b] = sequences[b][t] } }
        let logits = model.forward(tokens: ids, batchSize: n)
        logits.softmaxRows()
        for b in 0..<n { #expect(logits[b, predictions[b].label] == predictions[b].probability) }
    }

    /// A new text classifier right-pads and runs each line with its own length: a line's
    /// logits do not depend on how many padding steps follow it.
    @Test func newClassifierIgnoresPadding() throws {
        var g = RandomGenerator(seed: 2)
        let examples = TextExamples(texts: ["good film", "the plot was awful and dull", "fine"], labels: [0, 1, 0],
                                    classNames: ["pos", "neg"])
        let vocabulary = TextVocabulary(texts: examples.texts, minimumCount: 1)
        let configuration = SequenceClassifierConfiguration(inputSize: 4, hiddenSize: 5, bidirectional: true, classCount: 2,
                                                            vocabularySize: vocabulary.count)
        #expect(configuration.padding == .lengths)
        let model = SequenceClassifier(configuration: configuration, generator: &g)
        func logits(steps: Int) -> [Float] {
            let sequences = examples.tokenSequences(vocabulary: vocabulary, steps: steps, padding: .lengths)
            var generator = RandomGenerator(seed: 0)
            model.isTraining = false
            return model.logits(.tokens(sequences: sequences, labels: examples.labels, classNames: examples.classNames),
                                0..<3, generator: &generator).toArray()
        }
        let short = logits(steps: 7), long = logits(steps: 12)
        #expect(zip(short, long).allSatisfy { abs($0 - $1) <= 1e-6 })
        // Left padding (the old convention) lets the padding into the state.
        let left = SequenceClassifier(configuration: SequenceClassifierConfiguration(
            inputSize: 4, hiddenSize: 5, bidirectional: true, classCount: 2, vocabularySize: vocabulary.count, padding: .left),
            generator: &g)
        try left.load(stateDict: model.stateDict())
        var generator = RandomGenerator(seed: 0)
        let leftLogits = left.logits(.tokens(sequences: examples.tokenSequences(vocabulary: vocabulary, steps: 12, padding: .left),
                                             labels: examples.labels, classNames: examples.classNames), 0..<3,
                                     generator: &generator).toArray()
        #expect(!zip(leftLogits, long).allSatisfy { abs($0 - $1) <= 1e-6 })
    }
}
