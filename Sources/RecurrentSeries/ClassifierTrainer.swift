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

    public init(epochs: Int = 100, batchSize: Int = 32, learningRate: Double = 3e-3, clipNorm: Double = 1,
                patience: Int = 10, seed: UInt64 = 1) {
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
    private let optimizer: Adam
    private let loss = SoftmaxCrossEntropy()

    /// `split` names which examples of `inputs` train, validate and test; `generator` (already
    /// used for the split, if at all) then initialises the model and shuffles.
    public init(inputs: ClassificationInputs, split: StratifiedSplit, configuration: SequenceClassifierConfiguration,
                options: ClassifierTrainingOptions, generator: RandomGenerator) throws {
        guard options.epochs >= 1, options.batchSize >= 1, options.patience >= 1 else {
            throw SeriesError.invalidArgument("--epochs, --batch-size and --patience must be at least 1.")
        }
        guard options.learningRate > 0, options.clipNorm >= 0 else {
            throw SeriesError.invalidArgument("--learning-rate must be positive and --clip ≥ 0.")
        }
        guard !split.train.isEmpty else { throw SeriesError.invalidArgument("no training examples after the split.") }
        self.inputs = inputs
        self.split = split
        self.options = options
        var generator = generator
        model = SequenceClassifier(configuration: configuration, generator: &generator)
        self.generator = generator
        do {
            optimizer = try Adam(parameters: model.parameters, learningRate: options.learningRate)
        } catch {
            throw SeriesError.invalidArgument("\(error)")
        }
    }

    public func train(onEpoch: (ClassifierEpoch) -> Void = { _ in }) throws -> ClassifierTrainingSummary {
        let parameters = model.parameters
        let best = parameters.map { $0.value.copy() }
        var bestLoss = Double.infinity, bestEpoch = 0, epoch = 0
        var order = split.train
        let labels = inputs.labels
        while epoch < options.epochs && epoch - bestEpoch < options.patience {
            epoch += 1
            model.isTraining = true
            generator.shuffle(&order)
            var total = 0.0, batches = 0, start = 0
            while start < order.count {
                let batch = order[start..<min(start + options.batchSize, order.count)]
                start += options.batchSize
                model.zeroGradients()
                let z = model.logits(inputs, batch, generator: &generator)
                let value = loss.lossAndGradient(logits: z, targets: batch.map { Int32(labels[$0]) })
                guard value.isFinite else { throw SeriesError.trainingDiverged(epoch: epoch, loss: Double(value)) }
                model.backward(z)
                if options.clipNorm > 0 { _ = try? clipGradientNorm(parameters, maxNorm: options.clipNorm) }
                optimizer.step()
                total += Double(value)
                batches += 1
            }
            let watched = split.validation.isEmpty ? split.train : split.validation
            let (validationLoss, confusion) = evaluate(watched)
            let improved = validationLoss < bestLoss
            if improved {
                bestLoss = validationLoss
                bestEpoch = epoch
                for (p, keep) in zip(parameters, best) { keep.assign(p.value) }
            }
            onEpoch(ClassifierEpoch(epoch: epoch, trainingLoss: total / Double(batches), validationLoss: validationLoss,
                                    validationAccuracy: confusion.accuracy, improved: improved))
        }
        for (p, keep) in zip(parameters, best) { p.value.assign(keep) }
        model.isTraining = false
        return ClassifierTrainingSummary(epochsRun: epoch, bestEpoch: bestEpoch, bestValidationLoss: bestLoss,
                                         test: evaluate(split.test).confusion)
    }

    /// Mean cross-entropy and the confusion matrix over the examples at `indices`, in evaluation mode.
    public func evaluate(_ indices: [Int]) -> (loss: Double, confusion: ConfusionMatrix) {
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
