import Foundation
import Testing
@testable import RecurrentTasks

/// The memory trace of `recurrent experiment --inspect`: markers read from the task's inputs,
/// a planted memory unit found and its gates measured, and the page.
@Suite struct MemoryTraceTests {
    @Test func addingMarkersAreTheMarkedValues() throws {
        let task = AddingTask(length: 30, testSize: 40)
        let batch = try #require(try task.testSet().first)
        let markers = try #require(MemoryMarkers.markers(task: task, batch: batch))
        guard case .lastStepValues(let targets) = batch.targets else { Issue.record("targets"); return }
        for (s, marks) in markers.enumerated() {
            #expect(marks.count == 2)
            #expect(marks[0].step < 15 && marks[1].step >= 15, "\(marks)")
            #expect(abs(marks[0].value + marks[1].value - targets[s, 0]) < 1e-6)
        }
    }

    @Test func temporalOrderMarkersSpellTheClass() throws {
        for symbols in [2, 3] {
            let task = TemporalOrderTask(symbols: symbols, length: 40, testSize: 30)
            let batch = try #require(try task.testSet().first)
            let markers = try #require(MemoryMarkers.markers(task: task, batch: batch))
            guard case .lastStepClasses(let labels) = batch.targets else { Issue.record("targets"); return }
            for (s, marks) in markers.enumerated() {
                #expect(marks.count == symbols)
                // X = +1, Y = −1; the class reads the symbols in order, Y as a 1 bit.
                #expect(marks.reduce(0) { $0 * 2 + ($1.value < 0 ? 1 : 0) } == labels[s])
            }
        }
    }

    @Test func tasksWithoutMarkersAreRefused() throws {
        let task = CopyTask()
        #expect(!MemoryMarkers.supports(task))
        let batch = try #require(try task.testSet().first)
        var g = RandomGenerator(seed: 1)
        let model = SequenceModel(cell: .lstm, inputSize: task.inputSize, hiddenSize: 4, outputSize: task.outputSize,
                                  forgetBias: nil, generator: &g)
        #expect(throws: TaskError.self) { try MemoryTrace(label: "lstm", model: model, task: task, batch: batch) }
    }

    /// An LSTM whose unit k adds tanh(value) into its cell at each marker (i = 1 there, 0
    /// elsewhere; f = 1; o = 1) and whose other units are random: the trace ranks unit k first
    /// for both markers, keeps the first value at full strength 10 steps on while chance stays
    /// low, and measures the writing and holding gates.
    @Test func aPlantedMemoryUnitIsFoundAndItsGatesMeasured() throws {
        let task = AddingTask(length: 60, testSize: 250)
        let batch = try #require(try task.testSet().first)
        let h = 5, k = 2, big: Float = 12
        var g = RandomGenerator(seed: 3)
        let model = SequenceModel(cell: .lstm, inputSize: 2, hiddenSize: h, outputSize: 1, forgetBias: nil, generator: &g)
        let named = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.value) })
        let wih = try #require(named["rnn.weight_ih_l0"]), whh = try #require(named["rnn.weight_hh_l0"])
        let bih = try #require(named["rnn.bias_ih_l0"]), bhh = try #require(named["rnn.bias_hh_l0"])
        for gate in 0..<4 {
            let row = gate * h + k
            for col in 0..<2 { wih[row, col] = 0 }
            for col in 0..<h { whh[row, col] = 0 }
            bih[0, row] = 0
            bhh[0, row] = 0
        }
        wih[k, 1] = 2 * big; bih[0, k] = -big            // i = σ(K(2m − 1)): open only at a marker
        bih[0, h + k] = big                               // f = σ(K): hold
        wih[2 * h + k, 0] = 1                             // g = tanh(value)
        bih[0, 3 * h + k] = big                           // o = σ(K)

        let trace = try MemoryTrace(label: "lstm", model: model, task: task, batch: batch)
        #expect(trace.memorySignal == .cell && trace.markerCount == 2)
        for m in 0..<2 {
            let best = try #require(trace.memoryUnits[m].first)
            #expect(best.unit == k && best.correlation > 0.6, "marker \(m + 1): \(trace.memoryUnits[m])")
        }
        let held = trace.retention(marker: 0, maxLag: 10), chance = trace.retention(marker: 0, maxLag: 10, shuffled: true)
        #expect((try #require(held[10])) > 0.9, "\(held)")
        #expect((try #require(chance[10])) < 0.4, "\(chance)")
        let input = try #require(trace.gateMeans(.input, unit: k, marker: 0))
        #expect(input.atMarker > 0.99 && input.elsewhere < 0.01, "\(input)")
        let forget = try #require(trace.gateMeans(.forget, unit: k, marker: 0))
        #expect(forget.elsewhere > 0.99)
        #expect(trace.answers.count == 250 && trace.targets.count == 250)

        // The page: one block per shown sequence, each with the state and gate plots, no network.
        let page = MemoryTracePage(task: task, provenance: "a planted network", models: [.init(trace: trace, outcome: "planted")]).render()
        #expect(page.components(separatedBy: "class=\"sequence-block\"").count - 1 == 3)
        #expect(page.components(separatedBy: "<svg ").count - 1 == 3 * 2 + 1)
        #expect(page.contains("unit \(k) <span class=\"r\">"))
        #expect(!page.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))
    }
}
