import Recurrent

/// How a classifier reads its data: what `predict` needs to read new data the same way.
public struct ClassifierInputSpecification: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// CSV rows of numbers reshaped to T × F.
        case numeric
        /// `label<TAB>text` lines, tokenized.
        case text
    }

    public var kind: Kind
    /// T.
    public var steps: Int
    /// F (numeric; 1 for text, whose features come from the embedding).
    public var features: Int
    /// The label column's name (numeric with a header); `nil` means the last column.
    public var labelColumn: String?
    /// Per-feature standardisation fitted on the training examples (numeric).
    public var standardizer: Standardizer?
    /// The training vocabulary (text).
    public var vocabulary: TextVocabulary?
    public var classNames: [String]

    public init(kind: Kind, steps: Int, features: Int, labelColumn: String?, standardizer: Standardizer?,
                vocabulary: TextVocabulary?, classNames: [String]) {
        self.kind = kind
        self.steps = steps
        self.features = features
        self.labelColumn = labelColumn
        self.standardizer = standardizer
        self.vocabulary = vocabulary
        self.classNames = classNames
    }
}

/// How a classifier was trained and how well it did on its held-out test examples.
public struct ClassifierTrainingRecord: Codable, Equatable, Sendable {
    public var options: ClassifierTrainingOptions
    public var epochsRun: Int
    public var bestEpoch: Int
    public var testAccuracy: Double
    public var testConfusion: ConfusionMatrix

    public init(options: ClassifierTrainingOptions, epochsRun: Int, bestEpoch: Int, testAccuracy: Double,
                testConfusion: ConfusionMatrix) {
        self.options = options
        self.epochsRun = epochsRun
        self.bestEpoch = bestEpoch
        self.testAccuracy = testAccuracy
        self.testConfusion = testConfusion
    }
}

/// A trained sequence classifier in one safetensors file.
///
/// Tensors: `embedding.weight` (text), `rnn.*` (PyTorch names), `head.weight`, `head.bias`, F32.
/// Metadata (JSON strings): `format` (`recurrent-classify-1`), `model`
/// (`SequenceClassifierConfiguration`), `input` (`ClassifierInputSpecification`), `training`.
public struct ClassifierCheckpoint: SeriesCheckpoint {
    public static let format = "recurrent-classify-1"

    public var model: SequenceClassifier
    public var input: ClassifierInputSpecification
    public var training: ClassifierTrainingRecord?

    public init(model: SequenceClassifier, input: ClassifierInputSpecification, training: ClassifierTrainingRecord?) {
        self.model = model
        self.input = input
        self.training = training
    }

    public var safeTensors: SafeTensors {
        get throws(MetadataJSONError) {
            try Self.safeTensors(configuration: model.configuration, entries: [
                "input": try CheckpointMetadata.encode(input),
                "training": try CheckpointMetadata.encode(training),
            ], parameters: model.parameters)
        }
    }

    public init(_ file: SafeTensors) throws {
        try CheckpointMetadata.requireFormat(Self.format, in: file, what: "classifier")
        let configuration = try CheckpointMetadata.decode(SequenceClassifierConfiguration.self, key: "model", from: file)
        input = try CheckpointMetadata.decode(ClassifierInputSpecification.self, key: "input", from: file)
        training = try CheckpointMetadata.decode(ClassifierTrainingRecord?.self, key: "training", from: file)
        let consistent = configuration.inputSize >= 1 && configuration.hiddenSize >= 1 && configuration.numLayers >= 1
            && configuration.classCount == input.classNames.count && configuration.classCount >= 2 && input.steps >= 1
            && (input.kind == .numeric
                ? configuration.vocabularySize == nil && configuration.inputSize == input.features
                    && input.standardizer?.featureCount ?? input.features == input.features
                : configuration.vocabularySize != nil && configuration.vocabularySize == input.vocabulary?.count)
        guard consistent else {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "its model and input descriptions do not match")
        }
        model = try Self.loadNetwork(from: file) { SequenceClassifier(configuration: configuration, generator: &$0) }
    }
}

/// New data read for a trained classifier: its inputs, and whether the file had labels.
public struct ClassifierData: Sendable {
    public var inputs: ClassificationInputs
    public var hasLabels: Bool
}

extension ClassifierCheckpoint {
    /// Reads `path` the way the training data was read. Numeric rows hold T·F values and, when
    /// they have one more column (or the named label column), a label; text lines are
    /// `label<TAB>text` when every line has a tab, else unlabelled text. Labels must be classes
    /// the model knows.
    public func read(contentsOf path: String) throws -> ClassifierData {
        switch input.kind {
        case .numeric:
            let table = try CSVTable.read(contentsOf: path, header: .auto)
            let valueCount = input.steps * input.features
            let labelled: Bool
            var label = LabelColumn.last
            if let name = input.labelColumn, table.header != nil, (try? table.columnIndex(name)) != nil {
                labelled = true
                label = .named(name)
            } else if table.columnCount == valueCount + 1 {
                labelled = true
            } else if table.columnCount == valueCount {
                labelled = false
            } else {
                throw SeriesError.shapeMismatch(file: path, row: table.rowNumbers[0], values: table.columnCount,
                                                steps: input.steps, features: input.features)
            }
            var data: SequenceDataset
            if labelled {
                data = try SequenceDataset(table: table, label: label, steps: input.steps, features: input.features,
                                           classNames: input.classNames)
            } else {
                let inputs = try table.rows.indices.map { r in
                    try (0..<valueCount).map { c in Float(try table.number(row: r, column: c, allowMissing: false)!) }
                }
                data = SequenceDataset(file: path, steps: input.steps, features: input.features, inputs: inputs,
                                       labels: Array(repeating: 0, count: inputs.count), classNames: input.classNames)
            }
            if let standardizer = input.standardizer { data = data.standardized(by: standardizer) }
            return ClassifierData(inputs: .numeric(data), hasLabels: labelled)
        case .text:
            let text = try readText(contentsOf: path)
            let lines = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
            guard !lines.isEmpty else { throw SeriesError.emptyFile(file: path) }
            let labelled = lines.allSatisfy { $0.contains("\t") }
            let examples: TextExamples
            if labelled {
                examples = try TextExamples(tsv: text, file: path, classNames: input.classNames)
            } else {
                examples = TextExamples(file: path, texts: lines.map(String.init),
                                        labels: Array(repeating: 0, count: lines.count), classNames: input.classNames)
            }
            let sequences = examples.tokenSequences(vocabulary: input.vocabulary!, steps: input.steps,
                                                    padding: model.configuration.textPadding)
            return ClassifierData(inputs: .tokens(sequences: sequences, labels: examples.labels,
                                                  classNames: input.classNames), hasLabels: labelled)
        }
    }
}
