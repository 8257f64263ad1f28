import Recurrent

/// What a classifier reads: numeric sequences (T steps of F standardised features) or text as
/// token ids (T per example), with a class per example.
public enum ClassificationInputs: Sendable {
    case numeric(SequenceDataset)
    case tokens(sequences: [[Int32]], labels: [Int], classNames: [String])

    public var labels: [Int] {
        switch self {
        case .numeric(let d): d.labels
        case .tokens(_, let labels, _): labels
        }
    }

    public var classNames: [String] {
        switch self {
        case .numeric(let d): d.classNames
        case .tokens(_, _, let names): names
        }
    }

    public var count: Int { labels.count }

    /// T: steps per example.
    public var steps: Int {
        switch self {
        case .numeric(let d): d.steps
        case .tokens(let s, _, _): s.first?.count ?? 0
        }
    }
}

/// How a classifier is trained.
public struct ClassifierTrainingOptions: Codable, Equatable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    /// Maximum global L2 norm of the gradient; 0 turns clipping off.
    public var clipNorm: Double
    /// Stop after this many epochs without a lower validation loss; the best weights are kept.
    public var patience: Int
    public var seed: UInt64

    /// The defaults of `classify train`, in one place: this library's initialisers apply them
    /// and the command's help shows them (batch size, learning rate, clipping and seed:
    /// `SeriesTrainingDefaults`).
    public enum Defaults {
        public static let epochs = 100
        public static let patience = 10
        public static let cell = RecurrentCellKind.lstm
        public static let hiddenSize = SequenceClassifierConfiguration.defaultHiddenSize
        public static let layers = 1
        public static let pooling = SequencePooling.last
        /// The stratified split: 20 % of each class held out for test, 10 % for validation.
        public static let testFraction = 0.2
        public static let validationFraction = 0.1
        /// Text: the size of the word vectors.
        public static let embeddingSize = 32
        /// Text: words seen fewer times in training become <unk>.
        public static let minimumCount = 1
    }

    public init(epochs: Int = Defaults.epochs, batchSize: Int = SeriesTrainingDefaults.batchSize,
                learningRate: Double = SeriesTrainingDefaults.learningRate, clipNorm: Double = SeriesTrainingDefaults.clipNorm,
                patience: Int = Defaults.patience, seed: UInt64 = SeriesTrainingDefaults.seed) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.clipNorm = clipNorm
        self.patience = patience
        self.seed = seed
    }
}

/// One epoch: mean training cross-entropy, validation cross-entropy and accuracy.
public struct ClassifierEpoch: Sendable, Equatable {
    public var epoch: Int
    public var trainingLoss: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    public var improved: Bool
}

public struct ClassifierTrainingSummary: Sendable {
    public var epochsRun: Int
    public var bestEpoch: Int
    public var bestValidationLoss: Double
    /// On the held-out test examples, with the best epoch's weights.
    public var test: ConfusionMatrix
}

/// Trains a `SequenceClassifier`: seeded shuffling of the training examples each epoch,
/// softmax cross-entropy, Adam, global-norm clipping, early stopping on the validation loss
/// (best weights restored), then accuracy and a confusion matrix on the test examples.
public final class ClassifierTrainer {
    public let inputs: ClassificationInputs
    public let split: StratifiedSplit
    public let model: SequenceClassifier
    public let options: ClassifierTrainingOptions
    public private(set) var generator: RandomGenerator
    private let training: EarlyStoppingTraining<SequenceClassifier>
    private let loss = SoftmaxCrossEntropy()

    /// `split` names which examples of `inputs` train, validate and test; `generator` (already
    /// used for the split, if at all) then initialises the model and shuffles.
    public init(inputs: ClassificationInputs, split: StratifiedSplit, configuration: SequenceClassifierConfiguration,
                options: ClassifierTrainingOptions, generator: RandomGenerator) throws {
        guard options.epochs >= 1, options.batchSize >= 1, options.patience >= 1 else {
            throw SeriesError.invalidArgument("--epochs, --batch-size and --patience must be at least 1.")
        }
        try options.checkLearningRateAndClip()
        guard !split.train.isEmpty else { throw SeriesError.invalidArgument("no training examples after the split.") }
        self.inputs = inputs
        self.split = split
        self.options = options
        var generator = generator
        model = SequenceClassifier(configuration: configuration, generator: &generator)
        self.generator = generator
        training = try EarlyStoppingTraining(network: model, options: options)
    }

    /// Trains until `options.epochs` or early stopping, calling `onEpoch` after each epoch;
    /// `metrics` gets a line per batch (the epoch's last with the validation loss).
    public func train(metrics: MetricsLog? = nil, onEpoch: (ClassifierEpoch) -> Void = { _ in }) throws -> ClassifierTrainingSummary {
        let labels = inputs.labels
        let watched = split.validation.isEmpty ? split.train : split.validation
        let outcome = try training.run(
            examples: split.train, generator: &generator,
            lossAndGradient: { batch, generator in
                let z = model.logits(inputs, batch, generator: &generator)
                return (loss.lossAndGradient(logits: z, targets: batch.map { Int32(labels[$0]) }), z)
            },
            validate: { generator in evaluate(watched, generator: &generator) },
            score: { $0.loss },
            metrics: metrics,
            onEpoch: { e in
                onEpoch(ClassifierEpoch(epoch: e.epoch, trainingLoss: e.trainingLoss, validationLoss: e.validation.loss,
                                        validationAccuracy: e.validation.confusion.accuracy, improved: e.improved))
            })
        return ClassifierTrainingSummary(epochsRun: outcome.epochsRun, bestEpoch: outcome.bestEpoch,
                                         bestValidationLoss: outcome.bestScore, test: evaluate(split.test).confusion)
    }

    /// Mean cross-entropy and the confusion matrix over the examples at `indices`, in evaluation mode.
    public func evaluate(_ indices: [Int]) -> (loss: Double, confusion: ConfusionMatrix) {
        evaluate(indices, generator: &generator)
    }

    private func evaluate(_ indices: [Int], generator: inout RandomGenerator) -> (loss: Double, confusion: ConfusionMatrix) {
        let labels = inputs.labels
        var confusion = ConfusionMatrix(classNames: inputs.classNames)
        guard !indices.isEmpty else { return (.nan, confusion) }
        let wasTraining = model.isTraining
        model.isTraining = false
        defer { model.isTraining = wasTraining }
        var total = 0.0, start = 0
        while start < indices.count {
            let batch = indices[start..<min(start + 256, indices.count)]
            start += 256
            let z = model.logits(inputs, batch, generator: &generator)
            let targets = batch.map { Int32(labels[$0]) }
            total += Double(loss.loss(logits: z, targets: targets)) * Double(batch.count)
            for (b, i) in batch.enumerated() { confusion.add(truth: labels[i], predicted: argmax(z.row(b))) }
        }
        return (total / Double(indices.count), confusion)
    }
}
