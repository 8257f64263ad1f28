import Foundation
@testable import Recurrent
import Testing

/// Data-parallel training without MPI: N trainers on N threads of one process, summing through
/// `ThreadGroup` (a fixed, rank-ordered sum, as MPI's allreduce gives every rank the same
/// bits). This is the math `mpirun -np N recurrent train --distributed` runs; .ci/run's `mpi`
/// stage runs the real thing.
///
/// Tolerance against the single-process run with the same global batch: a rank's loss is the
/// mean over its T·b tokens weighted by b/B instead of one mean over T·B, so sums are
/// rounded in another order. Losses agree within 1e-5 relative (+1e-6), weights within 1e-4
/// relative (+1e-5) after the steps here (Adam divides by √v, so a weight whose gradient is
/// nearly zero moves by a rounding-sized relative amount).
@Suite struct DataParallelTests {
    typealias S = EngineTestSupport

    static func configuration(batchSize: Int, steps: Int, microBatches: Int = 1) -> TrainingConfiguration {
        TrainingConfiguration(sequenceLength: 5, batchSize: batchSize, microBatches: microBatches,
                              optimizer: OptimizerConfiguration(kind: .adam, learningRate: 0.01),
                              clipping: .norm(maxNorm: 0.5, type: .l2), totalSteps: steps, evaluationInterval: 4, seed: 21)
    }

    static let tokens = S.stream(count: 600, vocabulary: 7)

    /// The test model; `awd` adds AWD-LSTM's regularisers (locked dropout on the embedding
    /// output, between layers and on the top output; embedding dropout; weight drop).
    static func model(dropout: Float, awd: Bool = false) throws -> LanguageModel {
        guard awd else { return try S.model(dropout: dropout) }
        var c = LanguageModelConfiguration(cell: .lstm, vocabularySize: 7, embeddingSize: 5, hiddenSize: 8, numLayers: 2,
                                           dropout: dropout)
        c.inputDropout = 0.2
        c.hiddenDropout = 0.25
        c.weightDrop = 0.3
        c.embeddingDropout = 0.15
        var g = RandomGenerator(seed: 1)
        return try LanguageModel(configuration: c, generator: &g)
    }

    static func trainer(_ model: LanguageModel, batchSize: Int, steps: Int) throws -> LanguageModelTrainer {
        let source = try #require(StreamBatcher(tokens: tokens, batchSize: batchSize, sequenceLength: 5))
        return try LanguageModelTrainer(model: model, configuration: configuration(batchSize: batchSize, steps: steps),
                                        training: source, validation: nil, generator: RandomGenerator(seed: 5))
    }

    /// The per-step losses of a run over `ranks` threads (rank 0's, which every rank shares),
    /// and every rank's trainer. `prepare` runs on each trainer before it trains (a restore).
    /// `clocks`: each rank's own clock (seconds per reading) and a time budget of `budget` s.
    static func distributedRun(ranks: Int, batchSize: Int, steps: Int, dropout: Float = 0.25, awd: Bool = false,
                               clocks: [Double]? = nil, budget: Double = 0, mode: AllReduceMode = .overlap,
                               model makeModel: (() throws -> LanguageModel)? = nil,
                               prepare: (LanguageModelTrainer) throws -> Void = { _ in }) throws -> (losses: [Double], trainers: [LanguageModelTrainer]) {
        let group = ThreadGroup(size: ranks)
        let trainers = try (0..<ranks).map { rank in
            let trainer = try Self.trainer(try makeModel?() ?? Self.model(dropout: dropout, awd: awd), batchSize: batchSize, steps: steps)
            if let clocks {
                trainer.clock = TimeBudgetTests.FakeClock(tick: clocks[rank]).read
                trainer.setBudget(seconds: budget)
            }
            try prepare(trainer)
            try trainer.distribute(over: group.member(rank), mode: mode)
            return trainer
        }
        let losses = Locked([[Double]](repeating: [], count: ranks))
        let errors = Locked([String]())
        let shared = Locked(trainers)       // each thread uses only its own trainer
        try runThreads(ranks) { rank in
            let trainer = shared.value[rank]
            do {
                _ = try trainer.train { event in
                    if case .step(let r) = event { losses.update { $0[rank].append(r.loss) } }
                }
            } catch {
                errors.update { $0.append("rank \(rank): \(error)") }
            }
        }
        #expect(errors.value.isEmpty, "\(errors.value)")
        let all = losses.value
        for rank in 1..<ranks { #expect(all[rank] == all[0], "rank \(rank) reports other losses") }
        return (all[0], trainers)
    }

    static func singleRun(batchSize: Int, steps: Int, dropout: Float = 0.25, awd: Bool = false,
                          microBatches: Int = 1, model makeModel: (() throws -> LanguageModel)? = nil) throws -> (losses: [Double], model: LanguageModel) {
        let model = try makeModel?() ?? Self.model(dropout: dropout, awd: awd)
        let source = try #require(StreamBatcher(tokens: tokens, batchSize: batchSize, sequenceLength: 5))
        let trainer = try LanguageModelTrainer(model: model, configuration: configuration(batchSize: batchSize, steps: steps,
                                                                                          microBatches: microBatches),
                                               training: source, validation: nil, generator: RandomGenerator(seed: 5))
        var losses: [Double] = []
        _ = try trainer.train { if case .step(let r) = $0 { losses.append(r.loss) } }
        return (losses, model)
    }

    static func expectClose(_ a: [Double], _ b: [Double], relative: Double = 1e-5, absolute: Double = 1e-6) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= absolute + relative * abs(x), "\(x) vs \(y)") }
    }

    static func expectClose(_ a: LanguageModel, _ b: LanguageModel) {
        for (x, y) in zip(S.values(a), S.values(b)) { #expect(abs(x - y) <= 1e-5 + 1e-4 * abs(x), "\(x) vs \(y)") }
    }

    /// 2 ranks × 2 streams against 1 process × 4 streams, dropout on (keyed by global stream):
    /// the same loss curve and weights, and every rank ends with the same weights bit for bit.
    @Test func twoRanksMatchTheSingleProcessRun() throws {
        let single = try Self.singleRun(batchSize: 4, steps: 12)
        let split = try Self.distributedRun(ranks: 2, batchSize: 4, steps: 12)
        Self.expectClose(single.losses, split.losses)
        Self.expectClose(single.model, split.trainers[0].model)
        #expect(S.values(split.trainers[0].model) == S.values(split.trainers[1].model))
        #expect(single.losses != (try Self.singleRun(batchSize: 4, steps: 12, dropout: 0)).losses, "dropout must matter here")
    }

    /// AWD-LSTM's regularisers are keyed like dropout — locked masks by global stream, the
    /// embedding's word mask and weight drop's matrix by step — so 2 ranks, 4 ranks (uneven
    /// shares of 1, 2, 1, 2 streams) and 3 micro-batches all train the single-process run within
    /// the tolerance.
    @Test func awdRegularisersMatchTheSingleProcessRun() throws {
        let single = try Self.singleRun(batchSize: 6, steps: 10, awd: true)
        for ranks in [2, 4] {
            let split = try Self.distributedRun(ranks: ranks, batchSize: 6, steps: 10, awd: true)
            Self.expectClose(single.losses, split.losses)
            Self.expectClose(single.model, split.trainers[ranks - 1].model)
        }
        let micro = try Self.singleRun(batchSize: 6, steps: 10, awd: true, microBatches: 3)
        Self.expectClose(single.losses, micro.losses)
        Self.expectClose(single.model, micro.model)
        let plain = try Self.singleRun(batchSize: 6, steps: 10)
        #expect(zip(single.losses, plain.losses).contains { abs($0 - $1) > 1e-3 * abs($0) }, "the regularisers must matter here")
        // Repeatable bit for bit for a fixed N.
        #expect(try Self.distributedRun(ranks: 2, batchSize: 6, steps: 4, awd: true).losses
                == (try Self.distributedRun(ranks: 2, batchSize: 6, steps: 4, awd: true).losses))
    }

    /// A time budget over ranks: every clock reading is rank 0's, so ranks whose own clocks
    /// disagree (rank 1's runs 3× as fast, rank 2's 2× as slow) plan and stop as rank 0's clock
    /// says — the run of ranks that share one clock — and within the budget.
    @Test func aTimeBudgetIsPlannedOnRankZerosClock() throws {
        let agreeing = try Self.distributedRun(ranks: 3, batchSize: 6, steps: 1, clocks: [1, 1, 1], budget: 40)
        let disagreeing = try Self.distributedRun(ranks: 3, batchSize: 6, steps: 1, clocks: [1, 3, 0.5], budget: 40)
        #expect(disagreeing.losses == agreeing.losses)
        let budgets = disagreeing.trainers.map { $0.state.budget }
        #expect(budgets.allSatisfy { $0 == budgets[0] } && budgets[0] == agreeing.trainers[0].state.budget)
        let spent = try #require(budgets[0]).spent
        #expect(agreeing.losses.count > 10 && spent <= 40, "\(agreeing.losses.count) steps, \(spent) s")
    }

    /// 5 streams over 2 ranks (2 and 3) and 3 ranks (1, 2, 2): each share weighted b_r/B.
    @Test func unevenSharesMatchTheSingleProcessRun() throws {
        let single = try Self.singleRun(batchSize: 5, steps: 8)
        for ranks in [2, 3] {
            let split = try Self.distributedRun(ranks: ranks, batchSize: 5, steps: 8)
            Self.expectClose(single.losses, split.losses)
            Self.expectClose(single.model, split.trainers[ranks - 1].model)
        }
    }

    /// For a fixed N the run is bit-for-bit repeatable.
    @Test func fixedRankCountIsRepeatable() throws {
        let a = try Self.distributedRun(ranks: 3, batchSize: 6, steps: 6)
        let b = try Self.distributedRun(ranks: 3, batchSize: 6, steps: 6)
        #expect(a.losses == b.losses)
        #expect(S.values(a.trainers[0].model) == S.values(b.trainers[0].model))
    }

    /// The overlapped sum — one bucket per stage of the backward pass (output layer, each
    /// recurrent layer top down, embedding with the loss and vote), each started as soon as its
    /// gradients are final and all waited for before clipping — gives the blocking sum's bits:
    /// the same numbers are summed in the same places. With AWD-LSTM's regularisers (weight drop
    /// finishes W_hh's gradient at the end of its layer), uneven shares (3 ranks over 5
    /// streams), a GRU, and tied weights (the decoder's weight is the embedding's, final last).
    @Test func overlappedAndBlockingSumsAgreeBitForBit() throws {
        func tiedGRU() throws -> LanguageModel {
            var c = LanguageModelConfiguration(cell: .gru, vocabularySize: 7, embeddingSize: 6, hiddenSize: 6, numLayers: 3,
                                               dropout: 0.2, tieWeights: true)
            c.inputDropout = 0.1
            var g = RandomGenerator(seed: 3)
            return try LanguageModel(configuration: c, generator: &g)
        }
        let cases: [(ranks: Int, batchSize: Int, awd: Bool, model: (() throws -> LanguageModel)?)] = [
            (2, 4, true, nil), (3, 5, true, nil), (2, 4, false, tiedGRU),
        ]
        for c in cases {
            let overlap = try Self.distributedRun(ranks: c.ranks, batchSize: c.batchSize, steps: 6, awd: c.awd, mode: .overlap, model: c.model)
            let blocking = try Self.distributedRun(ranks: c.ranks, batchSize: c.batchSize, steps: 6, awd: c.awd, mode: .blocking, model: c.model)
            #expect(overlap.losses == blocking.losses, "\(c.ranks) ranks")
            for rank in 0..<c.ranks {
                #expect(S.values(overlap.trainers[rank].model) == S.values(blocking.trainers[rank].model), "\(c.ranks) ranks, rank \(rank)")
            }
            let single = try Self.singleRun(batchSize: c.batchSize, steps: 6, awd: c.awd, model: c.model)
            Self.expectClose(single.losses, overlap.losses)
            let layers = overlap.trainers[0].model.configuration.numLayers
            let profile = try #require(overlap.trainers[0].dataParallelProfile)
            #expect(profile.steps == 6 && profile.bucketBytes.count == layers + 2 && profile.mode == .overlap)
            #expect(zip(profile.readySeconds, profile.readySeconds.dropFirst()).allSatisfy { $0 <= $1 }, "buckets become ready in order")
            let bytes = try #require(overlap.trainers[0].allReduceBytesPerStep)
            #expect(profile.bucketBytes.reduce(0, +) == bytes)
        }
    }

    /// Every parameter is in exactly one stage, in backward order, for every kind of model.
    @Test func gradientStagesHoldEveryParameterOnce() throws {
        var configurations: [LanguageModelConfiguration] = [
            LanguageModelConfiguration(cell: .lstm, vocabularySize: 9, embeddingSize: 4, hiddenSize: 6, numLayers: 3, dropout: 0),
            LanguageModelConfiguration(cell: .gru, vocabularySize: 9, embeddingSize: 6, hiddenSize: 6, numLayers: 2, dropout: 0, tieWeights: true),
            LanguageModelConfiguration(cell: .lstm, vocabularySize: 9, embeddingSize: 4, hiddenSize: 6, numLayers: 2, dropout: 0,
                                       adaptiveSoftmax: AdaptiveSoftmaxConfiguration(cutoffs: [3, 6], divValue: 2)),
        ]
        configurations[0].peepholes = true
        configurations.append(LanguageModelConfiguration(cell: .lstm, vocabularySize: 9, embeddingSize: 4, hiddenSize: 6, numLayers: 2,
                                                         dropout: 0, projectionSize: 3))
        for c in configurations {
            var g = RandomGenerator(seed: 1)
            let model = try LanguageModel(configuration: c, generator: &g)
            let stages = model.gradientStages
            #expect(stages.count == c.numLayers + 2)
            #expect(stages.joined().map(\.name).sorted() == model.parameters.map(\.name).sorted())
            for (i, k) in stride(from: c.numLayers - 1, through: 0, by: -1).enumerated() {
                #expect(stages[i + 1].allSatisfy { $0.name.hasPrefix("rnn.") && $0.name.contains("_l\(k)") }, "stage \(i + 1)")
            }
            #expect(stages.first!.allSatisfy { $0.name.hasPrefix("decoder.") })
        }
    }

    /// Dropout keyed by global stream: K micro-batches see the masks of the whole batch.
    @Test func microBatchesWithDropoutMatchTheWholeBatch() throws {
        let whole = try Self.singleRun(batchSize: 4, steps: 6)
        let model = try S.model(dropout: 0.25)
        let source = try #require(StreamBatcher(tokens: Self.tokens, batchSize: 4, sequenceLength: 5))
        var losses: [Double] = []
        _ = try LanguageModelTrainer(model: model, configuration: Self.configuration(batchSize: 4, steps: 6, microBatches: 2),
                                     training: source, validation: nil, generator: RandomGenerator(seed: 5))
            .train { if case .step(let r) = $0 { losses.append(r.loss) } }
        Self.expectClose(whole.losses, losses)
    }

    /// A checkpoint written by a 2-rank run (after its carried state was gathered) resumes in
    /// one process and in 3, and both continue the uninterrupted single-process run: the global
    /// batch order and the carried state of every stream survive a change of N.
    @Test func resumeWithAnotherRankCountKeepsTheBatchOrder() throws {
        let straight = try Self.singleRun(batchSize: 6, steps: 12)
        let firstHalf = try Self.distributedRun(ranks: 2, batchSize: 6, steps: 6)
        let bytes = try firstHalf.trainers[0].makeCheckpoint().serialized()
        Self.expectClose(Array(straight.losses.prefix(6)), firstHalf.losses)

        let model = try LanguageModel(checkpoint: try SafeTensors(bytes: bytes))
        let resumed = try Self.trainer(model, batchSize: 6, steps: 12)
        try resumed.restore(from: try SafeTensors(bytes: bytes))
        var losses: [Double] = []
        _ = try resumed.train { if case .step(let r) = $0 { losses.append(r.loss) } }
        Self.expectClose(Array(straight.losses.suffix(6)), losses)
        Self.expectClose(straight.model, model)

        let three = try Self.distributedRun(ranks: 3, batchSize: 6, steps: 12, prepare: { trainer in
            try trainer.restore(from: try SafeTensors(bytes: bytes))
        })
        Self.expectClose(Array(straight.losses.suffix(6)), three.losses)
        Self.expectClose(straight.model, three.trainers[2].model)
    }

    /// The carried state in a distributed checkpoint is every stream's, not only rank 0's.
    @Test func checkpointHoldsEveryRanksCarriedState() throws {
        let model = try S.model(dropout: 0.25)
        let single = try Self.trainer(model, batchSize: 4, steps: 3)
        _ = try single.train()
        let split = try Self.distributedRun(ranks: 2, batchSize: 4, steps: 3)
        let a = try single.makeCheckpoint(), b = try split.trainers[0].makeCheckpoint()
        let h = try a.matrix(TrainerTensor.hidden, shape: [8, 8]).toArray()
        let g = try b.matrix(TrainerTensor.hidden, shape: [8, 8]).toArray()
        for (x, y) in zip(h, g) { #expect(abs(x - y) <= 1e-5 + 1e-4 * abs(x)) }
        #expect(g.suffix(16).contains { $0 != 0 }, "rank 1's streams are in rank 0's checkpoint")
    }

    @Test func sharesThatCannotBeMadeAreRefused() throws {
        let group = ThreadGroup(size: 3)
        let narrow = try Self.trainer(try S.model(), batchSize: 2, steps: 1)
        #expect(throws: TrainingError.self) { try narrow.distribute(over: group.member(0)) }
        let source = try #require(StreamBatcher(tokens: Self.tokens, batchSize: 6, sequenceLength: 5))
        let micro = try LanguageModelTrainer(model: try S.model(), configuration: Self.configuration(batchSize: 6, steps: 1, microBatches: 2),
                                             training: source, validation: nil, generator: RandomGenerator(seed: 5))
        do {
            try micro.distribute(over: group.member(0))
            Issue.record("micro-batches with a group were accepted")
        } catch {
            #expect(error.description.contains("--micro-batches"))
        }
        #expect(dataParallelStreams(rank: 0, size: 2, batchSize: 5) == 0..<2)
        #expect(dataParallelStreams(rank: 1, size: 2, batchSize: 5) == 2..<5)
    }

    /// A failing collective (a rank died) stops training with the group's message.
    @Test func aFailedCollectiveStopsTraining() throws {
        let trainer = try Self.trainer(try S.model(), batchSize: 4, steps: 5)
        try trainer.distribute(over: FailingGroup())
        do {
            _ = try trainer.train()
            Issue.record("training went on")
        } catch {
            #expect(error == .dataParallel(DataParallelError("rank 1 is gone")))
        }
    }
}

/// N ranks in one process, one thread each: `allReduceSum` waits for all, then the last to
/// arrive sums the buffers in rank order and writes the result into every one.
final class ThreadGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var buffers: [UnsafeMutableBufferPointer<Float>?]
    private var arrived = 0
    private var generation = 0

    init(size: Int) {
        self.size = size
        buffers = Array(repeating: nil, count: size)
    }

    func member(_ rank: Int) -> Member { Member(rank: rank, group: self) }

    func allReduceSum(rank: Int, _ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {
        condition.lock()
        defer { condition.unlock() }
        buffers[rank] = buffer
        arrived += 1
        if arrived == size {
            let all = buffers.map { $0! }
            precondition(all.allSatisfy { $0.count == buffer.count }, "ranks reduce different counts")
            for i in 0..<buffer.count {
                var sum = all[0][i]
                for r in 1..<size { sum += all[r][i] }
                for r in 0..<size { all[r][i] = sum }
            }
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            // A rank that never arrives (ranks that disagree on the steps) fails the test, not hangs it.
            let mine = generation, deadline = Date().addingTimeInterval(30)
            while generation == mine {
                guard condition.wait(until: deadline) || generation != mine else {
                    arrived -= 1
                    throw DataParallelError("rank \(rank): the other ranks did not arrive within 30 s")
                }
            }
        }
    }

    /// Sums started with `startAllReduceSum` run only in `waitForSums`, in the order started:
    /// a share that read a bucket before waiting would read this rank's own gradients.
    final class Member: DataParallelGroup {
        let rank: Int
        let group: ThreadGroup
        private var pending: [UnsafeMutableBufferPointer<Float>] = []
        init(rank: Int, group: ThreadGroup) { self.rank = rank; self.group = group }
        var size: Int { group.size }
        func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {
            try waitForSums()
            try group.allReduceSum(rank: rank, buffer)
        }
        func startAllReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {
            pending.append(buffer)
        }
        func waitForSums() throws(DataParallelError) {
            defer { pending.removeAll(keepingCapacity: true) }
            for buffer in pending { try group.allReduceSum(rank: rank, buffer) }
        }
    }
}

/// Rank 0 of 2 whose partner never answers.
final class FailingGroup: DataParallelGroup {
    var rank: Int { 0 }
    var size: Int { 2 }
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {
        throw DataParallelError("rank 1 is gone")
    }
}

/// A value shared between threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

/// Runs `body(i)` for i in 0..<count, each on its own thread (all at once: the ranks wait for
/// one another), and returns when all have finished.
func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) throws {
    let done = DispatchGroup()
    for i in 0..<count {
        done.enter()
        let thread = Thread { body(i); done.leave() }
        thread.stackSize = 8 << 20
        thread.start()
    }
    done.wait()
}
