import Foundation
import Testing
@testable import RecurrentTasks

/// The runner: determinism, independence from scheduling, divergence detection, options, and
/// the report's table and plots. Tiny shapes: these run in a debug build.
@Suite struct ExperimentRunnerTests {
    static func tiny(_ cells: [RecurrentCellKind] = [.rnn, .lstm], jobs: Int = 1) -> ExperimentConfiguration {
        ExperimentConfiguration(cells: cells, seeds: [1, 2], steps: 12, batchSize: 4, hiddenSize: 6,
                                evaluateEvery: 4, stopWhenSolved: false, jobs: jobs)
    }

    @Test func sameSeedSameRunWhateverTheThreads() throws {
        let task = CopyTask(delay: 3, symbolCount: 2, testSize: 20)
        let one = try ExperimentRunner(task: task, configuration: Self.tiny(ExperimentConfiguration.defaultCells, jobs: 1)).run()
        let two = try ExperimentRunner(task: task, configuration: Self.tiny(ExperimentConfiguration.defaultCells, jobs: 2)).run()
        #expect(one.runs.count == 8 && two.runs.count == 8)
        for (a, b) in zip(one.runs, two.runs) {
            #expect(a.arm == b.arm && a.seed == b.seed)
            #expect(a.trainLosses == b.trainLosses)
            #expect(a.gradientNorms == b.gradientNorms)
            #expect(a.curve.map(\.test) == b.curve.map(\.test))
            #expect(a.curve.dropFirst().map(\.trainLoss) == b.curve.dropFirst().map(\.trainLoss))   // step 0 has NaN
            #expect(a.curve.map(\.step) == [0, 4, 8, 12])
        }
        // Different seeds differ; every run recorded every step.
        #expect(one.runs[0].trainLosses != one.runs[4].trainLosses)
        #expect(one.runs.allSatisfy { $0.trainLosses.count == 12 && $0.stepsRun == 12 && !$0.diverged })
    }

    @Test func cellsOfOneSeedSeeTheSameBatches() throws {
        // Batches come from stream 1 of the seed, whatever the cell; weights from stream 2.
        var a = RandomGenerator(seed: ExperimentRunner.stream(7, 1)), b = a
        let task = AddingTask(length: 10)
        #expect(try task.makeBatch(batchSize: 3, generator: &a).inputs.toArray()
                == task.makeBatch(batchSize: 3, generator: &b).inputs.toArray())
        #expect(ExperimentRunner.stream(7, 1) != ExperimentRunner.stream(7, 2))
        #expect(ExperimentRunner.stream(7, 1) != ExperimentRunner.stream(8, 1))
    }

    @Test func parameterCountsMatchTheModels() {
        for cell in ExperimentConfiguration.defaultCells {
            var g = RandomGenerator(seed: 1)
            let model = SequenceModel(cell: cell, inputSize: 3, hiddenSize: 5, outputSize: 2, forgetBias: 1, generator: &g)
            #expect(model.parameterCount == cell.parameterCount(inputSize: 3, hiddenSize: 5) + 2 * (5 + 1))
        }
    }

    @Test func forgetBiasAndGainInitialise() {
        var g = RandomGenerator(seed: 1)
        let lstm = SequenceModel(cell: .lstm, inputSize: 2, hiddenSize: 4, outputSize: 1, forgetBias: 3, generator: &g)
        let bih = lstm.parameters.first { $0.name == "rnn.bias_ih_l0" }!.value.toArray()
        let bhh = lstm.parameters.first { $0.name == "rnn.bias_hh_l0" }!.value.toArray()
        #expect(Array(bih[4..<8]) == [3, 3, 3, 3] && Array(bhh[4..<8]) == [0, 0, 0, 0])
        let rnn = SequenceModel(cell: .rnn, inputSize: 2, hiddenSize: 400, outputSize: 1, forgetBias: nil,
                                recurrentGain: 2, generator: &g)
        let w = rnn.parameters.first { $0.name == "rnn.weight_hh_l0" }!.value
        // Entries N(0, g²/H): their variance times H is g².
        #expect(abs(w.sumOfSquares() / 400 - 4) < 0.1)
    }

    @Test func inputBiasSetsTheLSTMInputGatesOnly() {
        for cell in [RecurrentCellKind.lstm, .peephole] {
            var g = RandomGenerator(seed: 1)
            let lstm = SequenceModel(cell: cell, inputSize: 2, hiddenSize: 4, outputSize: 1, forgetBias: 20, inputBias: -3,
                                     generator: &g)
            let bih = lstm.parameters.first { $0.name == "rnn.bias_ih_l0" }!.value.toArray()
            let bhh = lstm.parameters.first { $0.name == "rnn.bias_hh_l0" }!.value.toArray()
            // Gate order i, f, g, o: i is -3 in total, f is 20, g and o keep their uniform draws.
            #expect(Array(bih[0..<4]) == [-3, -3, -3, -3] && Array(bhh[0..<4]) == [0, 0, 0, 0])
            #expect(Array(bih[4..<8]) == [20, 20, 20, 20] && Array(bhh[4..<8]) == [0, 0, 0, 0])
            #expect(bih[8..<16].allSatisfy { abs($0) <= 0.5 && $0 != -3 && $0 != 20 })
        }
        // Without it the input gates keep PyTorch's U(±1/√H) draws; the GRU and RNN ignore it.
        var g = RandomGenerator(seed: 1)
        let plain = SequenceModel(cell: .lstm, inputSize: 2, hiddenSize: 4, outputSize: 1, forgetBias: 3, generator: &g)
        #expect(plain.parameters.first { $0.name == "rnn.bias_ih_l0" }!.value.toArray()[0..<4].allSatisfy { abs($0) <= 0.5 })
        var h = RandomGenerator(seed: 1)
        let gru = SequenceModel(cell: .gru, inputSize: 2, hiddenSize: 4, outputSize: 1, forgetBias: 3, inputBias: -3, generator: &h)
        #expect(gru.parameters.first { $0.name == "rnn.bias_ih_l0" }!.value.toArray().allSatisfy { abs($0) <= 0.5 })
    }

    @Test func unclippedExplosionIsCaughtAndClippingPreventsIt() throws {
        // A chaotic tanh RNN (gain 4) with plain SGD at a large rate: unclipped, a gradient
        // spike throws the weights so far that the loss overflows; clipped, every step is finite.
        let task = ClippingTask(length: 30, recurrentGain: 4, testSize: 20)
        let config = ExperimentConfiguration(cells: [.rnn], seeds: [1], steps: 40, batchSize: 8, hiddenSize: 16,
                                             optimizer: .sgd, learningRate: 2, clipNorm: 1, compareClipping: true,
                                             recurrentGain: 4, evaluateEvery: 10, stopWhenSolved: false, jobs: 2)
        let report = try ExperimentRunner(task: task, configuration: config).run()
        let unclipped = try #require(report.runs.first { $0.arm.clipNorm == nil })
        let clipped = try #require(report.runs.first { $0.arm.clipNorm != nil })
        #expect(unclipped.diverged || unclipped.maxTrainLoss > 100)
        #expect(!clipped.diverged && clipped.trainLosses.allSatisfy(\.isFinite))
        #expect(unclipped.maxGradientNorm > 10)
        #expect(report.arms.map(\.label) == ["rnn no clip", "rnn clip 1"])
    }

    @Test func rejectsBadConfigurations() {
        func message(_ change: (inout ExperimentConfiguration) -> Void) -> String {
            var c = ExperimentConfiguration()
            change(&c)
            do { try c.validate(); return "" } catch { return error.description }
        }
        #expect(message { $0.cells = [] }.contains("--cells"))
        #expect(message { $0.cells = [.lstm, .lstm] }.contains("twice"))
        #expect(message { $0.steps = 0 }.contains("--steps must be in 1"))
        #expect(message { $0.learningRate = -1 }.contains("--lr"))
        #expect(message { $0.clipNorm = 0 }.contains("--clip"))
        #expect(message { $0.compareClipping = true; $0.clipNorm = nil }.contains("--clip"))
        #expect(message { $0.batchSize = 0 }.contains("--batch"))
        #expect(message { $0.forgetBias = .nan }.contains("--forget-bias"))
        #expect(message { $0.inputBias = -21 }.contains("--input-bias"))
        #expect(message { _ in }.isEmpty)
    }

    @Test func reportTableAndPlots() throws {
        let task = TemporalOrderTask(length: 20, testSize: 10)
        let report = try ExperimentRunner(task: task, configuration: Self.tiny(jobs: 2)).run()
        let table = report.table()
        for text in ["temporal-order (T = 20–22)", "test CE", "accuracy", "rnn", "lstm", "seed 1", "seed 2", "§5.6"] {
            #expect(table.contains(text), "\(text)")
        }
        let curves = report.learningCurves().render()
        #expect(curves.contains("memoryless baseline") && curves.contains(">lstm<"))
        let norms = report.gradientNormPlot().render()
        #expect(norms.contains("clip threshold"))
        // 12 steps drawn as at most 5 points: buckets of 3, each its maximum (spikes survive).
        let thin = report.gradientNormPlot(maxPoints: 5)
        let run = report.arms[0].runs[0]
        #expect(thin.series[0].points.count == 4)
        #expect(thin.series[0].points[0] == .init(x: 3, y: Double(run.gradientNorms[0..<3].max()!)))
        #expect(report.arms.allSatisfy { $0.seeds == 2 })
    }

    @Test func progressReportsEveryRun() throws {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var started = 0, evaluated = 0, finished = 0
        }
        let log = Log()
        _ = try ExperimentRunner(task: AddingTask(length: 8, testSize: 8), configuration: Self.tiny(jobs: 2)).run { event in
            log.lock.lock(); defer { log.lock.unlock() }
            switch event {
            case .started: log.started += 1
            case .evaluated: log.evaluated += 1
            case .finished: log.finished += 1
            }
        }
        #expect(log.started == 4 && log.finished == 4 && log.evaluated == 4 * 4)
    }
}
