import Foundation
import Recurrent

/// Exploding gradients and norm clipping: a tanh RNN whose recurrent matrix starts large
/// enough to be chaotic, trained by plain SGD with and without global-norm clipping.
///
/// Pascanu, Mikolov & Bengio 2013, "On the difficulty of training recurrent neural networks":
/// §2.1 shows that gradients can explode only when the largest singular value of W_hh exceeds
/// 1/γ (γ = 1 for tanh); §3.2 (Algorithm 1) rescales the gradient g to θ·g/‖g‖ whenever
/// ‖g‖ > θ. Here W_hh is drawn N(0, g²/H), whose spectral radius is ≈ g (the circular law) and
/// largest singular value ≈ 2g, so for g > 1 the untrained network is chaotic and its
/// gradients spike. The data are the adding problem (Arjovsky et al. 2016 form, `AddingTask`)
/// with a linear output and MSE, short by default (T = 10) so that a plain RNN can learn it:
/// the clipped arm then shows real learning, not just survival. The runner trains each cell
/// with clipping off and on and records the raw gradient norm of every step.
///
/// Differences from the paper: Pascanu et al. used the pathological tasks with small or
/// spectral-radius-0.95 initialisations and compared SGD with SGD-C on success rates; this
/// experiment provokes the explosion on purpose to show what clipping prevents.
public struct ClippingTask: MemoryTask {
    /// The data: the adding problem of this length.
    public let adding: AddingTask
    /// g: W_hh ~ N(0, g²/H) at initialisation.
    public let recurrentGain: Float

    public init(length: Int = 10, recurrentGain: Float = 3, testSize: Int = 500, testSeed: UInt64 = defaultTestSeed) {
        precondition(recurrentGain > 0, "clipping: the gain must be positive")
        self.adding = AddingTask(form: .arjovsky2016, length: length, testSize: testSize, testSeed: testSeed)
        self.recurrentGain = recurrentGain
    }

    public var name: String { "clipping" }
    public var length: Int { adding.length }
    public var summary: String {
        "The adding problem (T = \(length)) for an RNN whose W_hh ~ N(0, g²/H), g = \(formatted(Double(recurrentGain))), trained by SGD with and without global-norm clipping; reports the raw gradient norms."
    }
    public var citation: String {
        "Pascanu, Mikolov & Bengio 2013, On the difficulty of training RNNs, §2.1 (explosion needs ‖W_hh‖ > 1) and §3.2 (Algorithm 1, norm clipping); data from Arjovsky et al. 2016 §4.2."
    }
    public var inputSize: Int { adding.inputSize }
    public var outputSize: Int { adding.outputSize }
    public var scoreName: String { adding.scoreName }
    public var settings: String { "T = \(length), g = \(formatted(Double(recurrentGain)))" }
    public var solvedDescription: String { "test MSE finite and below the 0.167 baseline (it learned something)" }
    public var baseline: TaskBaseline { adding.baseline }

    public func makeBatch(batchSize: Int, generator: inout RandomGenerator) throws -> TaskBatch {
        try adding.makeBatch(batchSize: batchSize, generator: &generator)
    }

    public func testSet() throws -> [TaskBatch] { try adding.testSet() }

    public func score(outputs: Matrix, batch: TaskBatch, into evaluation: inout TaskEvaluation) {
        adding.score(outputs: outputs, batch: batch, into: &evaluation)
    }

    public func isSolved(_ evaluation: TaskEvaluation) -> Bool {
        evaluation.loss.isFinite && evaluation.loss < baseline.loss
    }
}
