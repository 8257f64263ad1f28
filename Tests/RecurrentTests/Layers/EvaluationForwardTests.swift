import Testing
@testable import Recurrent

/// The generator-free forward is the training-mode forward with dropout off, and it leaves
/// `isTraining` as it found it.
@Suite struct EvaluationForwardTests {
    typealias S = LayerTestSupport

    @Test(arguments: RecurrentInvariantTests.allKinds)
    func evaluationForwardEqualsEvaluationModeForward(_ config: S.Config) {
        var withDropout = config
        withDropout.dropout = 0.5
        withDropout.initialState = true
        let layer = S.makeLayer(withDropout)
        let problem = S.makeProblem(withDropout, for: layer)
        layer.isTraining = false
        var g = RandomGenerator(seed: 3)
        let reference = layer.forward(problem.input, batchSize: config.batch, initialState: problem.state, generator: &g)
        let (output, h, c) = (reference.output.toArray(), reference.finalState.h.toArray(), reference.finalState.c?.toArray())
        layer.isTraining = true
        let run = layer.forward(problem.input, batchSize: config.batch, initialState: problem.state)
        #expect(run.output.toArray() == output)
        #expect(run.finalState.h.toArray() == h)
        #expect(run.finalState.c?.toArray() == c)
        #expect(layer.isTraining, "isTraining must be restored")
        // In training mode with a generator, dropout changes the output (the test can fail).
        let trained = layer.forward(problem.input, batchSize: config.batch, initialState: problem.state, generator: &g)
        #expect(trained.output.toArray() != output)
    }

    @Test func languageModelLossWithoutGenerator() throws {
        var g = RandomGenerator(seed: 5)
        let model = try LanguageModel(configuration: LanguageModelConfiguration(vocabularySize: 11, embeddingSize: 6,
                                                                                hiddenSize: 8, numLayers: 2, dropout: 0.3),
                                      generator: &g)
        let inputs: [Int32] = [1, 2, 3, 4, 5, 6, 7, 8], targets: [Int32] = [2, 3, 4, 5, 6, 7, 8, 9]
        model.isTraining = false
        let reference = inputs.withUnsafeBufferPointer { i in
            targets.withUnsafeBufferPointer { t in
                model.loss(inputs: i, targets: t, batchSize: 2, initialState: nil, generator: &g).loss
            }
        }
        model.isTraining = true
        let loss = inputs.withUnsafeBufferPointer { i in
            targets.withUnsafeBufferPointer { t in model.loss(inputs: i, targets: t, batchSize: 2).loss }
        }
        #expect(loss == reference)
        #expect(model.isTraining)
    }
}
