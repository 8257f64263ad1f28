import Foundation
import Recurrent
import Testing

/// The truncated-BPTT trainer: learning, carried state, accumulation, exact resume, schedules,
/// divergence.
@Suite struct TrainerTests {
    typealias S = EngineTestSupport

    static func trainer(_ model: LanguageModel, tokens: [Int32], batchSize: Int = 4, sequenceLength: Int = 6,
                        steps: Int, microBatches: Int = 1, learningRate: Double = 0.01,
                        schedule: ScheduleConfiguration = ScheduleConfiguration(), validation: [Int32]? = nil,
                        evaluationInterval: Int = 1000, seed: UInt64 = 9) throws -> LanguageModelTrainer {
        let source = try #require(StreamBatcher(tokens: tokens, batchSize: batchSize, sequenceLength: sequenceLength))
        let validationSource = validation.flatMap { StreamBatcher(tokens: $0, batchSize: 2, sequenceLength: sequenceLength) }
        let configuration = TrainingConfiguration(
            sequenceLength: sequenceLength, batchSize: batchSize, microBatches: microBatches,
            optimizer: OptimizerConfiguration(kind: .adam, learningRate: learningRate), schedule: schedule,
            clipping: .norm(maxNorm: 5, type: .l2), totalSteps: steps, evaluationInterval: evaluationInterval)
        return try LanguageModelTrainer(model: model, configuration: configuration, training: source,
                                        validation: validationSource, generator: RandomGenerator(seed: seed))
    }

    @Test func batcherCutsStreamsLikeCharRNN() throws {
        let tokens = (0..<50).map { Int32($0) }
        let b = try #require(StreamBatcher(tokens: tokens, batchSize: 2, sequenceLength: 3))
        #expect(b.batchesPerEpoch == 8)          // 49 usable / 6 per batch
        #expect(b.streamLength == 24)
        var x = [Int32](repeating: 0, count: 6), y = x
        x.withUnsafeMutableBufferPointer { xs in y.withUnsafeMutableBufferPointer { ys in b.fillBatch(1, inputs: xs, targets: ys) } }
        #expect(x == [3, 27, 4, 28, 5, 29])      // time-major: (t0 s0, t0 s1, t1 s0, …)
        #expect(y == [4, 28, 5, 29, 6, 30])
        #expect(StreamBatcher(tokens: Array(tokens.prefix(6)), batchSize: 2, sequenceLength: 3) == nil)
        #expect(StreamBatcher(tokens: Array(tokens.prefix(7)), batchSize: 2, sequenceLength: 3) != nil)
    }

    /// A tiny LSTM learns a deterministic sequence with period 12 over 6 symbols (each next
    /// token is determined by context longer than one step) to a loss below 0.05 nats.
    @Test func tinyModelOverfitsTinySequence() throws {
        let period: [Int32] = [0, 1, 2, 3, 4, 5, 0, 2, 4, 1, 3, 5]
        let tokens = (0..<(12 * 20 + 1)).map { period[$0 % 12] }
        let model = try S.model(cell: .lstm, vocabulary: 6, embedding: 6, hidden: 24, layers: 1)
        let trainer = try Self.trainer(model, tokens: tokens, batchSize: 4, sequenceLength: 12, steps: 250, learningRate: 0.02)
        var last: Double = .infinity
        _ = try trainer.train { if case .step(let r) = $0 { last = r.loss } }
        #expect(last < 0.05, "final training loss \(last)")
    }

    /// The state carried between batches is the previous batch's final state, detached:
    /// the trainer gives bit for bit what doing it by hand gives.
    @Test func stateIsCarriedAndDetached() throws {
        let tokens = S.stream(count: 200, vocabulary: 7)
        let a = try S.model(dropout: 0.25), b = try S.model(dropout: 0.25)
        let trainer = try Self.trainer(a, tokens: tokens, batchSize: 3, sequenceLength: 5, steps: 3)
        _ = try trainer.train()

        let source = try #require(StreamBatcher(tokens: tokens, batchSize: 3, sequenceLength: 5))
        let optimizer = try OptimizerConfiguration(kind: .adam, learningRate: 0.01).makeOptimizer(parameters: b.parameters)
        var g = RandomGenerator(seed: 9)
        var state: RecurrentState? = nil
        var x = [Int32](repeating: 0, count: 15), y = x
        for i in 0..<3 {
            b.zeroGradients()
            x.withUnsafeMutableBufferPointer { xs in y.withUnsafeMutableBufferPointer { ys in source.fillBatch(i, inputs: xs, targets: ys) } }
            b.dropoutKeys = DropoutKeys(seed: 0, step: i)          // the configuration's seed, this step
            let (_, final) = x.withUnsafeBufferPointer { xs in y.withUnsafeBufferPointer { ys in
                b.lossAndGradients(inputs: xs, targets: ys, batchSize: 3, initialState: state ?? b.zeroState(batchSize: 3), generator: &g)
            } }
            state = final.copy()
            try clipGradientNorm(b.parameters, maxNorm: 5)
            optimizer.step()
        }
        #expect(S.values(a) == S.values(b))
    }

    /// K micro-batches of B/K streams give the same update as one batch of B streams.
    @Test func microBatchesMatchWholeBatch() throws {
        let tokens = S.stream(count: 400, vocabulary: 7)
        let a = try S.model(), b = try S.model()
        _ = try Self.trainer(a, tokens: tokens, batchSize: 4, sequenceLength: 5, steps: 4).train()
        _ = try Self.trainer(b, tokens: tokens, batchSize: 4, sequenceLength: 5, steps: 4, microBatches: 2).train()
        for (x, y) in zip(S.values(a), S.values(b)) { #expect(abs(x - y) <= 1e-5 + 1e-4 * abs(x)) }
        #expect(S.values(a) != S.values(try S.model()))
    }

    /// N steps, a checkpoint through bytes, a new trainer restored from it, N more steps:
    /// bit-identical to 2N steps in one go (dropout on, so the generator must be restored too,
    /// and the epoch boundary and validation fall inside).
    @Test func resumeIsExact() throws {
        let tokens = S.stream(count: 130, vocabulary: 7)
        let validation = S.stream(count: 40, vocabulary: 7, seed: 4)
        let schedule = ScheduleConfiguration(kind: .step, factor: 0.5, decayAfter: 1, decayEvery: 1)
        let straight = try S.model(dropout: 0.3)
        let one = try Self.trainer(straight, tokens: tokens, steps: 12, schedule: schedule, validation: validation,
                                   evaluationInterval: 3)
        _ = try one.train()

        let first = try S.model(dropout: 0.3)
        let half = try Self.trainer(first, tokens: tokens, steps: 6, schedule: schedule, validation: validation,
                                    evaluationInterval: 3)
        _ = try half.train()
        let bytes = try half.makeCheckpoint().serialized()

        let resumedModel = try LanguageModel(checkpoint: try SafeTensors(bytes: bytes))
        let resumed = try Self.trainer(resumedModel, tokens: tokens, steps: 12, schedule: schedule, validation: validation,
                                       evaluationInterval: 3, seed: 12345)
        try resumed.restore(from: try SafeTensors(bytes: bytes))
        #expect(resumed.state.step == 6)
        _ = try resumed.train()
        #expect(S.values(resumedModel) == S.values(straight))
        #expect(resumed.state.history.map(\.validationLoss) == one.state.history.map(\.validationLoss))
        // Everything but wall-clock time is identical: optimizer moments, carried state, position…
        var a = try resumed.makeCheckpoint(), b = try one.makeCheckpoint()
        #expect(a.names == b.names)
        #expect(a.names.allSatisfy { a[$0] == b[$0] })
        a.metadata[CheckpointKey.trainingState] = nil
        b.metadata[CheckpointKey.trainingState] = nil
        #expect(a.metadata == b.metadata)
        func timeless(_ s: TrainingState) -> TrainingState {
            var s = s
            s.seconds = 0
            for i in s.history.indices { s.history[i].seconds = 0 }
            return s
        }
        #expect(timeless(resumed.state) == timeless(one.state))
    }

    /// Stopped between two evaluations (step 5 of an interval of 3) and resumed: every history
    /// record — the interval's running training loss included — is bit-equal to the
    /// uninterrupted run's, and the trainer reports the loss since the last record.
    @Test func interruptedBetweenEvaluationsResumesTheRunningLoss() throws {
        let tokens = S.stream(count: 130, vocabulary: 7)
        let validation = S.stream(count: 40, vocabulary: 7, seed: 4)
        let straight = try Self.trainer(try S.model(dropout: 0.3), tokens: tokens, steps: 12, validation: validation,
                                        evaluationInterval: 3)
        _ = try straight.train()

        let first = try Self.trainer(try S.model(dropout: 0.3), tokens: tokens, steps: 12, validation: validation,
                                     evaluationInterval: 3)
        var stepsRun = 0
        let outcome = try first.train(onEvent: { if case .step = $0 { stepsRun += 1 } }, shouldStop: { stepsRun == 5 })
        #expect(outcome == .interrupted(step: 5))
        let since = try #require(first.lossSinceLastRecord)
        #expect(since.steps == 2)
        let bytes = try first.makeCheckpoint().serialized()

        let resumed = try Self.trainer(try LanguageModel(checkpoint: try SafeTensors(bytes: bytes)), tokens: tokens,
                                       steps: 12, validation: validation, evaluationInterval: 3, seed: 777)
        try resumed.restore(from: try SafeTensors(bytes: bytes))
        #expect(resumed.lossSinceLastRecord?.loss == since.loss)
        _ = try resumed.train()
        let a = resumed.state.history, b = straight.state.history
        #expect(a.count == b.count)
        #expect(a.map(\.trainingLoss).map(\.bitPattern) == b.map(\.trainingLoss).map(\.bitPattern))
        #expect(a.map(\.learningRate) == b.map(\.learningRate))
        #expect(a.map(\.validationLoss) == b.map(\.validationLoss))
        #expect(a.map(\.step) == b.map(\.step))
    }

    /// A checkpoint written before the interval was saved (no `interval` in its state) still
    /// resumes, with an empty interval.
    @Test func olderCheckpointsWithoutTheIntervalResume() throws {
        let tokens = S.stream(count: 130, vocabulary: 7)
        let trainer = try Self.trainer(try S.model(), tokens: tokens, steps: 4)
        var stepsRun = 0
        _ = try trainer.train(onEvent: { if case .step = $0 { stepsRun += 1 } }, shouldStop: { stepsRun == 2 })
        var file = try trainer.makeCheckpoint()
        var state = try TrainingState(jsonString: try #require(file.metadata[CheckpointKey.trainingState]))
        state.interval = nil
        file.metadata[CheckpointKey.trainingState] = try state.jsonString()
        let resumed = try Self.trainer(try S.model(), tokens: tokens, steps: 4)
        try resumed.restore(from: try SafeTensors(bytes: try file.serialized()))
        #expect(resumed.lossSinceLastRecord == nil)
        #expect(resumed.state.step == 2)
    }

    @Test func scheduleAdvancesPerEpochAndValidation() throws {
        let tokens = S.stream(count: 4 * 6 * 3 + 1, vocabulary: 7)     // 3 batches per epoch
        let model = try S.model()
        let step = try Self.trainer(model, tokens: tokens, steps: 9, learningRate: 0.01,
                                    schedule: ScheduleConfiguration(kind: .step, factor: 0.5, decayAfter: 1, decayEvery: 1))
        var rates: [Double] = []
        _ = try step.train { if case .step(let r) = $0 { rates.append(r.learningRate) } }
        #expect(rates == [0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.0025])

        // Plateau with patience 0: any validation that does not improve halves the rate.
        let validation = S.stream(count: 40, vocabulary: 7, seed: 4)
        let plateau = try Self.trainer(try S.model(), tokens: tokens, steps: 8, learningRate: 0.5,
                                       schedule: ScheduleConfiguration(kind: .plateau, factor: 0.5, patience: 0),
                                       validation: validation, evaluationInterval: 1)
        _ = try plateau.train()
        var expected = 0.5, best = Double.infinity
        for record in plateau.state.history {
            #expect(record.learningRate == expected)
            let v = try #require(record.validationLoss)
            if v < best * (1 - 1e-4) { best = v } else { expected *= 0.5 }
        }
    }

    @Test func evaluationDrawsNothingAndUsesNoDropout() throws {
        let tokens = S.stream(count: 200, vocabulary: 7)
        let model = try S.model(dropout: 0.5)
        let trainer = try Self.trainer(model, tokens: tokens, steps: 2)
        let source = try #require(StreamBatcher(tokens: tokens, batchSize: 2, sequenceLength: 5))
        let before = try trainer.makeCheckpoint()
        let first = trainer.evaluate(source), second = trainer.evaluate(source)
        #expect(first == second)
        #expect(try trainer.makeCheckpoint() == before)
        #expect(model.isTraining)
    }

    @Test func divergenceIsATypedErrorThatKeepsTheLastCheckpoint() throws {
        let tokens = S.stream(count: 200, vocabulary: 7)
        let model = try S.model()
        let trainer = try Self.trainer(model, tokens: tokens, steps: 3)
        model.decoder!.weight.value[0, 0] = .nan
        do {
            _ = try trainer.train()
            Issue.record("a NaN loss must stop training")
        } catch let error {
            guard case .nonFiniteLoss(let step, _, let last) = error else { Issue.record("unexpected \(error)"); return }
            #expect(step == 1)
            #expect(last == nil)
            #expect(error.description.contains("--learning-rate"))
        }
    }

    @Test func invalidSettingsAreReported() throws {
        let tokens = S.stream(count: 200, vocabulary: 7)
        #expect(throws: TrainingError.self) {
            _ = try Self.trainer(try S.model(), tokens: tokens, batchSize: 4, steps: 3, microBatches: 3)
        }
        #expect(throws: TrainingError.self) {
            _ = try Self.trainer(try S.model(), tokens: tokens, steps: 0)
        }
    }
}
