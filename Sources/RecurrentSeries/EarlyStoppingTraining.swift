import Recurrent

/// What `EarlyStoppingTraining` needs of a series network: its parameters, the training /
/// evaluation switch (dropout), and backpropagation from the gradient of its outputs.
protocol TrainableSeriesNetwork: ParameterContainer, AnyObject {
    var isTraining: Bool { get set }
    /// Adds every parameter's gradient for ∂loss/∂outputs (B, O) of the last forward pass.
    func backward(_ dOutputs: Matrix)
}

extension ForecastModel: TrainableSeriesNetwork {}
extension SequenceClassifier: TrainableSeriesNetwork {}

/// The settings both series trainers read the same way. `ForecastTrainingOptions` and
/// `ClassifierTrainingOptions` stay two types: their defaults differ, and each is stored
/// (as JSON) in its own kind of checkpoint.
protocol EarlyStoppingOptions {
    var epochs: Int { get }
    var batchSize: Int { get }
    var learningRate: Double { get }
    /// Maximum global L2 norm of the gradient; 0 turns clipping off.
    var clipNorm: Double { get }
    var patience: Int { get }
}

extension ForecastTrainingOptions: EarlyStoppingOptions {}
extension ClassifierTrainingOptions: EarlyStoppingOptions {}

extension EarlyStoppingOptions {
    /// Throws unless Adam can use the learning rate and the clipping norm is not negative.
    func checkLearningRateAndClip() throws {
        guard learningRate > 0, clipNorm >= 0 else {
            throw SeriesError.invalidArgument("--learning-rate must be positive and --clip ≥ 0.")
        }
    }
}

/// The settings `forecast train` and `classify train` share unless told otherwise (epochs and
/// patience differ: `ForecastTrainingOptions`, `ClassifierTrainingOptions`).
public enum SeriesTrainingDefaults {
    public static let batchSize = 32
    /// Adam's learning rate.
    public static let learningRate = 3e-3
    /// Maximum global L2 norm of the gradient.
    public static let clipNorm = 1.0
    public static let seed: UInt64 = 1
}

/// What one epoch of `EarlyStoppingTraining` did: the mean training loss over its batches and
/// the validation result (whose score decides `improved`).
struct EarlyStoppingEpoch<Validation> {
    var epoch: Int
    var trainingLoss: Double
    var validation: Validation
    /// Whether the validation score is the lowest so far (this epoch's weights are kept).
    var improved: Bool
}

/// Mini-batch training with early stopping, shared by `ForecastTrainer` and
/// `ClassifierTrainer`, which supply the model-specific parts: how a batch of examples
/// becomes a loss and ∂loss/∂outputs, and how the network is validated.
///
/// Each epoch shuffles the training examples (seeded) and cuts them into batches of
/// `batchSize` (the last one shorter); every batch runs
///
///     zero gradients → forward, loss, ∂loss/∂outputs → backward → clip ‖g‖₂ ≤ clipNorm → Adam step
///
/// (one `TrainingStep`; a non-finite loss stops with `trainingDiverged`, a non-finite gradient
/// norm with `gradientDiverged`, before the weights change).
///
/// After each epoch the validation score (lower is better) is compared with the best so far;
/// training stops after `epochs`, or after `patience` epochs without a lower score, and the
/// weights of the best epoch are copied back into the network.
struct EarlyStoppingTraining<Network: TrainableSeriesNetwork> {
    /// How the training went: the epoch whose weights the network now holds, and its score.
    struct Outcome {
        var epochsRun: Int
        var bestEpoch: Int
        var bestScore: Double
    }

    let network: Network
    let epochs: Int
    let batchSize: Int
    let patience: Int
    /// Zero, forward/backward, clip ‖g‖₂ ≤ clipNorm (0: no clipping), Adam update.
    private let step: TrainingStep

    /// Adam (PyTorch's defaults but the learning rate) over every parameter of `network`.
    init(network: Network, options: some EarlyStoppingOptions) throws {
        self.network = network
        epochs = options.epochs
        batchSize = options.batchSize
        patience = options.patience
        do {
            step = TrainingStep(parameters: network.parameters,
                                optimizer: try Adam(parameters: network.parameters, learningRate: options.learningRate),
                                clipping: options.clipNorm > 0 ? .norm(maxNorm: options.clipNorm, type: .l2) : nil)
        } catch {
            throw SeriesError.invalidArgument("\(error)")
        }
    }

    /// Trains on `examples` (indices or window origins) and leaves the network in evaluation
    /// mode with the best epoch's weights.
    ///
    /// - Parameters:
    ///   - generator: shuffles the examples and is handed to the forward and validation passes.
    ///   - lossAndGradient: runs the network (in training mode) on one batch and returns the
    ///     mean loss and ∂loss/∂outputs (B, O) of that forward pass.
    ///   - validate: what `score` and `onEpoch` read after each epoch.
    ///   - score: the number early stopping watches; lower is better.
    /// - Throws: `SeriesError.trainingDiverged` when a batch's loss is not finite.
    func run<Example, Validation>(
        examples: [Example], generator: inout RandomGenerator,
        lossAndGradient: (_ batch: ArraySlice<Example>, _ generator: inout RandomGenerator) -> (loss: Float, dOutputs: Matrix),
        validate: (_ generator: inout RandomGenerator) -> Validation,
        score: (Validation) -> Double,
        onEpoch: (EarlyStoppingEpoch<Validation>) -> Void
    ) throws -> Outcome {
        let parameters = network.parameters
        let best = parameters.map { $0.value.copy() }
        var bestScore = Double.infinity, bestEpoch = 0, epoch = 0
        var order = examples
        while epoch < epochs && epoch - bestEpoch < patience {
            epoch += 1
            network.isTraining = true
            generator.shuffle(&order)
            var total = 0.0, batches = 0, start = 0
            while start < order.count {
                let batch = order[start..<min(start + batchSize, order.count)]
                start += batchSize
                let result = step {
                    let (value, dOutputs) = lossAndGradient(batch, &generator)
                    if value.isFinite { network.backward(dOutputs) }
                    return value
                }
                guard result.loss.isFinite else { throw SeriesError.trainingDiverged(epoch: epoch, loss: Double(result.loss)) }
                guard result.updated else { throw SeriesError.gradientDiverged(epoch: epoch, norm: Double(result.gradientNorm)) }
                total += Double(result.loss)
                batches += 1
            }
            let validation = validate(&generator)
            let improved = score(validation) < bestScore
            if improved {
                bestScore = score(validation)
                bestEpoch = epoch
                for (p, keep) in zip(parameters, best) { keep.assign(p.value) }
            }
            onEpoch(EarlyStoppingEpoch(epoch: epoch, trainingLoss: total / Double(batches), validation: validation,
                                       improved: improved))
        }
        for (p, keep) in zip(parameters, best) { p.value.assign(keep) }
        network.isTraining = false
        return Outcome(epochsRun: epoch, bestEpoch: bestEpoch, bestScore: bestScore)
    }
}
