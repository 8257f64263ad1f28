import Foundation
import Testing
@testable import Recurrent

/// `recordedActivations` hands out what the layer's own forward computed: its h equals the
/// layer's output, and its gates, cell states and hidden states equal a step-by-step reference
/// written from the equations in `LSTM`, `GRU` and `RNN` (this file's only copy of them).
@Suite struct RecordedActivationsTests {
    typealias Config = LayerTestSupport.Config

    static let configs: [Config] = [
        Config(kind: .lstm, layers: 2, steps: 6),
        Config(kind: .lstm, layers: 2, peepholes: true, steps: 6),
        Config(kind: .lstm, layers: 2, steps: 6, projectionSize: 3),
        Config(kind: .lstm, layers: 2, peepholes: true, steps: 6, projectionSize: 2),
        Config(kind: .lstm, layers: 2, bidirectional: true, batchFirst: true, steps: 5, projectionSize: 3),
        Config(kind: .gru, layers: 2, steps: 6),
        Config(kind: .gru, layers: 1, bidirectional: true, steps: 5),
        Config(kind: .rnn, layers: 2, steps: 6),
        Config(kind: .rnnRelu, layers: 1, steps: 6),
    ]

    @Test(arguments: configs)
    func activationsMatchTheLayerAndTheEquations(_ c: Config) throws {
        let layer = LayerTestSupport.makeLayer(c, seed: 3)
        var g = RandomGenerator(seed: 17)
        let input = LayerTestSupport.random(c.steps * c.batch, c.inputSize, &g)
        let (output, finalState) = layer.forward(input, batchSize: c.batch)
        let d = layer.numDirections, h = c.hiddenSize, p = c.projectionSize > 0 ? c.projectionSize : h
        let values = Dictionary(uniqueKeysWithValues: layer.parameters.map { ($0.name, $0.value) })

        // Layer k reads layer k−1's h (both directions), time-major; layer 0 reads the input.
        var layerInput = Matrix(rows: c.steps * c.batch, cols: c.inputSize)
        for t in 0..<c.steps {
            for b in 0..<c.batch {
                let row = c.batchFirst ? b * c.steps + t : t * c.batch + b
                layerInput.row(t * c.batch + b).assign(input.row(row))
            }
        }
        for k in 0..<c.layers {
            var next = Matrix(rows: c.steps * c.batch, cols: d * p)
            for dir in 0..<d {
                let a = layer.recordedActivations(layer: k, direction: dir)
                #expect(a.steps == c.steps && a.batchSize == c.batch && a.hiddenSize == h)
                #expect(a.hidden.cols == p)
                let suffix = "_l\(k)" + (dir == 1 ? "_reverse" : "")
                let reference = Reference(kind: c.kind, hiddenSize: h, suffix: suffix, values: values)
                let expected = reference.run(input: layerInput, steps: c.steps, batch: c.batch, reverse: dir == 1)
                try expectClose(a.hidden, expected.hidden, "h \(c) layer \(k) dir \(dir)")
                try expectClose(a.unitHidden, expected.unitHidden, "unit h \(c) layer \(k) dir \(dir)")
                if c.kind.hasCellState {
                    try expectClose(try #require(a.cellState), expected.cell!, "c \(c) layer \(k) dir \(dir)")
                } else {
                    #expect(a.cellState == nil)
                }
                if c.kind == .rnn || c.kind == .rnnRelu {
                    #expect(a.gates == nil)
                } else {
                    try expectClose(try #require(a.gates), expected.gates!, "gates \(c) layer \(k) dir \(dir)")
                }
                next.columns(dir * p..<(dir + 1) * p).assign(a.hidden)

                // The final state is the last step's recorded state.
                let last = (dir == 0 ? c.steps - 1 : 0) * c.batch
                let state = finalState.slice(layer: k, direction: dir, numDirections: d, batchSize: c.batch)
                try expectClose(state.h, a.hidden.rows(last..<last + c.batch), "h_n \(c) layer \(k)")
                if let cn = state.c { try expectClose(cn, a.cellState!.rows(last..<last + c.batch), "c_n \(c) layer \(k)") }
            }
            layerInput = next
        }
        // The top layer's recorded h is the layer's output (time-major here, whatever the layout).
        for t in 0..<c.steps {
            for b in 0..<c.batch {
                let row = c.batchFirst ? b * c.steps + t : t * c.batch + b
                try expectClose(output.row(row), layerInput.row(t * c.batch + b), "output \(c) t \(t) b \(b)")
            }
        }
    }

    /// Named signals are views of the right blocks, and `series` follows one sequence.
    @Test func signalsNameTheirGateBlocks() throws {
        var g = RandomGenerator(seed: 4)
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, peepholes: true, generator: &g)
        _ = lstm.forward(LayerTestSupport.random(4 * 2, 2, &g), batchSize: 2)
        let a = lstm.recordedActivations(layer: 0)
        let gates = try #require(a.gates)
        for (block, signal) in [StateSignal.input, .forget, .update, .output].enumerated() {
            let m = try #require(a.values(signal))
            #expect(m[3, 1] == gates[3, block * 3 + 1], "\(signal)")
        }
        #expect(a.values(.reset) == nil)
        #expect(a.series(.cell, sequence: 1, unit: 2) == (0..<4).map { a.cellState![$0 * 2 + 1, 2] })
        #expect(Set(a.signals) == Set(StateSignal.signals(for: .peephole)))
    }

    func expectClose(_ a: Matrix, _ b: Matrix, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(a.rows == b.rows && a.cols == b.cols, "\(what): \(a.rows)×\(a.cols) vs \(b.rows)×\(b.cols)", sourceLocation: sourceLocation)
        var worst: Float = 0
        for r in 0..<a.rows { for col in 0..<a.cols { worst = max(worst, abs(a[r, col] - b[r, col])) } }
        #expect(worst <= 2e-5, "\(what): largest difference \(worst)", sourceLocation: sourceLocation)
    }
}

/// The cell equations, step by step in plain loops, for one layer and direction.
private struct Reference {
    let kind: RecurrentCellKind
    let hiddenSize: Int
    let suffix: String
    let values: [String: Matrix]

    struct Result { var gates: Matrix?; var cell: Matrix?; var unitHidden: Matrix; var hidden: Matrix }

    func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    func run(input x: Matrix, steps: Int, batch: Int, reverse: Bool) -> Result {
        let h = hiddenSize
        let wih = values["weight_ih" + suffix]!, whh = values["weight_hh" + suffix]!
        let bih = values["bias_ih" + suffix], bhh = values["bias_hh" + suffix]
        let whr = values["weight_hr" + suffix]
        let peep = ["weight_ci", "weight_cf", "weight_co"].map { values[$0 + suffix] }
        let p = whr?.rows ?? h, g = kind.gateCount
        var result = Result(gates: kind.gateCount > 1 ? Matrix(rows: steps * batch, cols: g * h) : nil,
                            cell: kind.hasCellState ? Matrix(rows: steps * batch, cols: h) : nil,
                            unitHidden: Matrix(rows: steps * batch, cols: h), hidden: Matrix(rows: steps * batch, cols: p))
        for b in 0..<batch {
            var hPrev = [Float](repeating: 0, count: p), cPrev = [Float](repeating: 0, count: h)
            for s in 0..<steps {
                let t = reverse ? steps - 1 - s : s, row = t * batch + b
                // a = W_ih x + b_ih + W_hh h(t−1) + b_hh, (G·H)
                let a = (0..<g * h).map { r -> Float in
                    var v = (bih?[0, r] ?? 0) + (bhh?[0, r] ?? 0)
                    for i in 0..<x.cols { v += wih[r, i] * x[row, i] }
                    for j in 0..<p { v += whh[r, j] * hPrev[j] }
                    return v
                }
                var unit = [Float](repeating: 0, count: h)
                switch kind {
                case .lstm, .peephole:
                    for j in 0..<h {
                        let i = sigmoid(a[j] + (peep[0]?[0, j] ?? 0) * cPrev[j])
                        let f = sigmoid(a[h + j] + (peep[1]?[0, j] ?? 0) * cPrev[j])
                        let gg = tanhf(a[2 * h + j])
                        let c = f * cPrev[j] + i * gg
                        let o = sigmoid(a[3 * h + j] + (peep[2]?[0, j] ?? 0) * c)
                        unit[j] = o * tanhf(c)
                        for (block, v) in [i, f, gg, o].enumerated() { result.gates![row, block * h + j] = v }
                        result.cell![row, j] = c
                        cPrev[j] = c
                    }
                case .gru:
                    for j in 0..<h {
                        // b_hn sits inside the reset product: recompute the n pre-activation's parts.
                        var xn = bih?[0, 2 * h + j] ?? 0, hn = bhh?[0, 2 * h + j] ?? 0
                        for i in 0..<x.cols { xn += wih[2 * h + j, i] * x[row, i] }
                        for k in 0..<h { hn += whh[2 * h + j, k] * hPrev[k] }
                        let r = sigmoid(a[j]), z = sigmoid(a[h + j]), n = tanhf(xn + r * hn)
                        unit[j] = (1 - z) * n + z * hPrev[j]
                        for (block, v) in [r, z, n].enumerated() { result.gates![row, block * h + j] = v }
                    }
                case .rnn:
                    for j in 0..<h { unit[j] = tanhf(a[j]) }
                case .rnnRelu:
                    for j in 0..<h { unit[j] = max(0, a[j]) }
                }
                for j in 0..<h { result.unitHidden[row, j] = unit[j] }
                if let whr {
                    for q in 0..<p { hPrev[q] = (0..<h).reduce(0) { $0 + whr[q, $1] * unit[$1] } }
                } else {
                    hPrev = unit
                }
                for q in 0..<p { result.hidden[row, q] = hPrev[q] }
            }
        }
        return result
    }
}
