import Foundation
import Testing
@testable import RecurrentTasks

/// Shapes, definitions and memoryless baselines of the synthetic tasks. Baselines are computed
/// numerically (a constant or memoryless predictor scored by the task's own evaluation) and
/// compared with the formulas in the papers.
@Suite struct TaskGeneratorTests {
    // MARK: adding

    @Test func addingArjovskyDefinition() throws {
        let task = AddingTask(form: .arjovsky2016, length: 40)
        var rng = RandomGenerator(seed: 1)
        let batch = try task.makeBatch(batchSize: 64, generator: &rng)
        #expect(batch.inputs.rows == 40 * 64 && batch.inputs.cols == 2 && batch.sequenceLength == 40)
        guard case .lastStepValues(let targets) = batch.targets else { Issue.record("targets"); return }
        #expect(targets.rows == 64 && targets.cols == 1)
        for s in 0..<64 {
            var marked: [Int] = []
            var sum: Float = 0
            for t in 0..<40 {
                let v = batch.inputs[t * 64 + s, 0], m = batch.inputs[t * 64 + s, 1]
                #expect(v >= 0 && v < 1)
                #expect(m == 0 || m == 1)
                if m == 1 { marked.append(t); sum += v }
            }
            #expect(marked.count == 2)
            #expect(marked[0] < 20 && marked[1] >= 20)      // one marker in each half
            #expect(abs(sum - targets[s, 0]) < 1e-6)
        }
    }

    @Test func addingArjovskyBaselineIsOneSixth() throws {
        // Predicting the mean, 1, scores Var(X1 + X2) = 1/6 (the paper's 0.167).
        let task = AddingTask(form: .arjovsky2016, length: 10)
        let e = try evaluateConstant(task, value: 1, sequences: 40_000)
        #expect(abs(e.loss - 1.0 / 6.0) < 0.004)
        #expect(abs(e.loss - task.baseline.loss) < 0.004)
        #expect(abs(e.score - task.baseline.score) < 0.005)
    }

    @Test func addingHochreiterDefinition() throws {
        let task = AddingTask(form: .hochreiter1997, length: 100)
        var rng = RandomGenerator(seed: 2)
        var lengths = Set<Int>()
        for _ in 0..<30 {
            let batch = try task.makeBatch(batchSize: 16, generator: &rng)
            let t = batch.sequenceLength
            lengths.insert(t)
            #expect((100...110).contains(t))
            guard case .lastStepValues(let targets) = batch.targets else { Issue.record("targets"); return }
            for s in 0..<16 {
                var marked: [Int] = []
                var sum: Float = 0
                for step in 0..<t {
                    let v = batch.inputs[step * 16 + s, 0], m = batch.inputs[step * 16 + s, 1]
                    #expect(v >= -1 && v < 1)
                    if m == 1 { marked.append(step); sum += v }
                    if m == -1 { #expect(step == 0 || step == t - 1) }
                    if step > 0 && step < t - 1 { #expect(m == 0 || m == 1) }
                }
                #expect(marked.count == 2)
                #expect(marked.contains { $0 < 10 })                       // X1 among the first 10
                #expect(marked.allSatisfy { $0 < 50 })                      // X2 among the first T/2 − 1 unmarked
                if marked[0] == 0 { #expect(batch.inputs[s, 0] == 0) }     // a marked first pair holds 0
                else { #expect(batch.inputs[s, 1] == -1) }
                #expect(batch.inputs[(t - 1) * 16 + s, 1] == -1)
                #expect(abs(targets[s, 0] - (0.5 + sum / 4)) < 1e-6)
            }
        }
        #expect(lengths.count > 5)                                          // lengths vary between batches
    }

    @Test func addingHochreiterBaseline() throws {
        let task = AddingTask(form: .hochreiter1997, length: 30)
        let e = try evaluateConstant(task, value: 0.5, sequences: 40_000)
        #expect(abs(e.loss - task.baseline.loss) < 0.0015)
        #expect(abs(e.score - task.baseline.score) < 0.006)
    }

    // MARK: temporal order

    @Test func temporalOrderDefinition() throws {
        for symbols in [2, 3] {
            let task = TemporalOrderTask(symbols: symbols, length: 100)
            #expect(task.outputSize == (symbols == 2 ? 4 : 8))
            #expect(task.windows == (symbols == 2 ? [10...20, 50...60] : [10...20, 33...43, 66...76]))
            var rng = RandomGenerator(seed: 3)
            for _ in 0..<10 {
                let batch = try task.makeBatch(batchSize: 32, generator: &rng)
                let t = batch.sequenceLength
                #expect((100...110).contains(t))
                guard case .lastStepClasses(let labels) = batch.targets else { Issue.record("targets"); return }
                for s in 0..<32 {
                    var relevant: [(Int, Int)] = []
                    for step in 0..<t {
                        let row = batch.inputs.row(step * 32 + s).toArray()
                        #expect(row.reduce(0, +) == 1)                      // one-hot
                        let symbol = row.firstIndex(of: 1)!
                        if step == 0 { #expect(symbol == 0) }               // E
                        else if step == t - 1 { #expect(symbol == 1) }     // B
                        else { #expect(symbol >= 2) }
                        if symbol >= 6 { relevant.append((step, symbol - 6)) }
                    }
                    #expect(relevant.count == symbols)
                    for (k, (step, _)) in relevant.enumerated() { #expect(task.windows[k].contains(step)) }
                    #expect(labels[s] == relevant.reduce(0) { $0 * 2 + $1.1 })
                }
            }
        }
    }

    @Test func temporalOrderChance() throws {
        // Uniform logits: cross-entropy ln 4; the first class wins ties, right one time in four.
        let task = TemporalOrderTask(symbols: 2, length: 20)
        var rng = RandomGenerator(seed: 4)
        var e = TaskEvaluation()
        for _ in 0..<40 {
            let batch = try task.makeBatch(batchSize: 250, generator: &rng)
            e = e + task.evaluate(outputs: Matrix(rows: batch.outputRows, cols: 4), batch: batch)
        }
        #expect(abs(e.loss - log(4)) < 1e-6 && abs(e.loss - task.baseline.loss) < 1e-6)
        #expect(abs(e.score - 0.25) < 0.015)
    }

    @Test func temporalOrderScalesWindowsWithLength() {
        #expect(TemporalOrderTask(length: 50).windows == [5...10, 25...30])
        #expect(TemporalOrderTask(length: 200).windows == [20...40, 100...120])
    }

    // MARK: copy

    @Test func copyDefinition() throws {
        let task = CopyTask(delay: 12)
        var rng = RandomGenerator(seed: 5)
        let batch = try task.makeBatch(batchSize: 8, generator: &rng)
        let t = 12 + 20
        #expect(batch.sequenceLength == t && batch.inputs.rows == t * 8 && batch.inputs.cols == 10)
        guard case .everyStepClasses(let labels) = batch.targets else { Issue.record("targets"); return }
        #expect(labels.count == t * 8)
        for s in 0..<8 {
            let symbols = (0..<t).map { batch.inputs.row($0 * 8 + s).toArray().firstIndex(of: 1)! }
            #expect(symbols[0..<10].allSatisfy { $0 < 8 })
            #expect(symbols[10..<21].allSatisfy { $0 == 8 })                // T − 1 blanks
            #expect(symbols[21] == 9)                                       // delimiter at step T + 9
            #expect(symbols[22...].allSatisfy { $0 == 8 })                  // 10 blanks
            let out = (0..<t).map { labels[$0 * 8 + s] }
            #expect(out[0..<22].allSatisfy { $0 == 8 })                     // T + 10 blanks
            #expect(Array(out[22...]) == Array(symbols[0..<10]))            // then the symbols, in order
        }
    }

    @Test(arguments: [10, 30, 100]) func copyMemorylessBaseline(delay: Int) throws {
        // The memoryless predictor: certain of the blank until the recall, then uniform over 8.
        let task = CopyTask(delay: delay)
        var rng = RandomGenerator(seed: 6)
        let batch = try task.makeBatch(batchSize: 50, generator: &rng)
        let t = batch.sequenceLength
        let logits = Matrix(rows: t * 50, cols: 9)
        for step in 0..<t {
            for s in 0..<50 {
                for c in 0..<9 {
                    let recall = step >= t - 10
                    logits[step * 50 + s, c] = recall ? (c < 8 ? 0 : -100) : (c == 8 ? 0 : -100)
                }
            }
        }
        let e = task.evaluate(outputs: logits, batch: batch)
        let formula = 10 * log(8.0) / Double(delay + 20)
        #expect(abs(e.loss - formula) < 1e-6)
        #expect(abs(task.baseline.loss - formula) < 1e-12)
    }

    // MARK: timing

    @Test func timingDefinitionAndBaseline() throws {
        let task = TimingTask(period: 7, length: 40)
        var rng = RandomGenerator(seed: 7)
        var e = TaskEvaluation()
        var p = 0.0
        for _ in 0..<40 {
            let batch = try task.makeBatch(batchSize: 100, generator: &rng)
            guard case .everyStepValues(let targets) = batch.targets else { Issue.record("targets"); return }
            for s in 0..<100 {
                let input = (0..<40).map { batch.inputs[$0 * 100 + s, 0] }
                let spikes = (0..<40).filter { targets[$0 * 100 + s, 0] == 1 }
                #expect(input.filter { $0 != 0 }.count == 1)
                let start = input.firstIndex(of: 1)!
                #expect(start < 7)
                #expect(spikes == Array(stride(from: start + 7, to: 40, by: 7)))
                #expect((0..<40).allSatisfy { targets[$0 * 100 + s, 0] == 0 || targets[$0 * 100 + s, 0] == 1 })
            }
            p += targets.sum() / Double(targets.count) / 40
        }
        // Predicting the spike rate everywhere: MSE = p(1 − p); nothing is timed.
        var rng2 = RandomGenerator(seed: 7)
        let rate = Float(task.meanSpikeCount / 40)
        for _ in 0..<40 {
            let batch = try task.makeBatch(batchSize: 100, generator: &rng2)
            let constant = Matrix(rows: batch.outputRows, cols: 1)
            constant.fill(rate)
            e = e + task.evaluate(outputs: constant, batch: batch)
        }
        #expect(abs(p - task.meanSpikeCount / 40) < 0.003)
        #expect(abs(e.loss - task.baseline.loss) < 0.003)
        #expect(e.score == 0)
    }

    @Test func timingScoresAPerfectPrediction() throws {
        let task = TimingTask(period: 5, length: 20)
        var rng = RandomGenerator(seed: 8)
        let batch = try task.makeBatch(batchSize: 10, generator: &rng)
        guard case .everyStepValues(let targets) = batch.targets else { Issue.record("targets"); return }
        let e = task.evaluate(outputs: targets, batch: batch)
        #expect(e.loss == 0 && e.score == 1 && task.isSolved(e))
    }

    // MARK: clipping

    @Test func clippingUsesTheAddingData() throws {
        let task = ClippingTask(length: 30, recurrentGain: 2.5)
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        let x = try task.makeBatch(batchSize: 4, generator: &a)
        let y = try AddingTask(length: 30).makeBatch(batchSize: 4, generator: &b)
        #expect(x.inputs.toArray() == y.inputs.toArray())
        #expect(task.baseline == AddingTask().baseline)
        var e = TaskEvaluation()
        e.lossSum = .nan; e.lossCount = 1
        #expect(!task.isSolved(e))
    }

    // MARK: helpers

    /// Loss and score of the constant prediction `value` on `sequences` fresh sequences.
    func evaluateConstant(_ task: some MemoryTask, value: Float, sequences: Int) throws -> TaskEvaluation {
        var rng = RandomGenerator(seed: 99)
        var e = TaskEvaluation()
        for _ in 0..<(sequences / 500) {
            let batch = try task.makeBatch(batchSize: 500, generator: &rng)
            let out = Matrix(rows: batch.outputRows, cols: task.outputSize)
            out.fill(value)
            e = e + task.evaluate(outputs: out, batch: batch)
        }
        return e
    }
}
