import Recurrent
@testable import RecurrentSeries
import Testing

/// The loop both series trainers share, driven with scripted validation scores.
@Suite struct EarlyStoppingTrainingTests {
    static func network() -> ForecastModel {
        var generator = RandomGenerator(seed: 4)
        return ForecastModel(configuration: ForecastModelConfiguration(hiddenSize: 3, lookback: 2, horizon: 1),
                             generator: &generator)
    }

    /// A forward pass on constant windows (L·B, 1) and a constant gradient (B, 1), so every
    /// Adam step moves the weights.
    static func constantStep(_ network: ForecastModel, loss: Float) -> (ArraySlice<Int>, inout RandomGenerator)
        -> (loss: Float, dOutputs: Matrix) {
        { batch, generator in
            let x = Matrix(rows: 2 * batch.count, cols: 1)
            x.fill(0.5)
            let y = network.forward(x, batchSize: batch.count, generator: &generator)
            y.fill(0.1)
            return (loss, y)
        }
    }

    @Test func stopsAfterPatienceEpochsWithoutImprovementAndRestoresTheBestWeights() throws {
        let model = Self.network()
        let training = try EarlyStoppingTraining(network: model, options: ForecastTrainingOptions(
            epochs: 10, batchSize: 2, patience: 2))
        let scores = [3.0, 1.0, 2.0, 1.0, 5.0]        // epoch 2 is best; 3 and 4 are not lower
        var weightsAfter: [[[Float]]] = []
        var epochs: [EarlyStoppingEpoch<Double>] = []
        var generator = RandomGenerator(seed: 1)
        let outcome = try training.run(
            examples: Array(0..<5), generator: &generator, lossAndGradient: Self.constantStep(model, loss: 0.25),
            validate: { _ in
                weightsAfter.append(model.parameters.map { $0.value.toArray() })
                return scores[weightsAfter.count - 1]
            },
            score: { $0 }, onEpoch: { epochs.append($0) })
        #expect(outcome.epochsRun == 4 && outcome.bestEpoch == 2 && outcome.bestScore == 1)
        #expect(epochs.map(\.improved) == [true, true, false, false])
        #expect(epochs.map(\.trainingLoss) == [0.25, 0.25, 0.25, 0.25])
        #expect(weightsAfter[1] != weightsAfter[3], "the weights moved after the best epoch")
        #expect(model.parameters.map { $0.value.toArray() } == weightsAfter[1])
        #expect(!model.isTraining)
    }

    @Test func aNonFiniteLossIsATypedErrorNamingTheEpoch() throws {
        let model = Self.network()
        let training = try EarlyStoppingTraining(network: model, options: ForecastTrainingOptions(epochs: 3, batchSize: 4))
        var generator = RandomGenerator(seed: 1)
        #expect(throws: SeriesError.trainingDiverged(epoch: 1, loss: .infinity)) {
            _ = try training.run(examples: [0, 1, 2], generator: &generator,
                                 lossAndGradient: Self.constantStep(model, loss: .infinity),
                                 validate: { _ in 0.0 }, score: { $0 }, onEpoch: { _ in })
        }
    }
}
