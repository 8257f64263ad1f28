import Foundation
import Recurrent

/// A quantity a recurrent layer computes at every step, for one unit of each layer.
///
/// LSTM: the cell state c, the hidden state h, and the gates i (input), f (forget), g (cell
/// update) and o (output). GRU: h and the gates r (reset), z (update), n (new). RNN: h.
public enum StateSignal: String, Sendable, CaseIterable, Codable {
    case cell = "c", hidden = "h"
    case input = "i", forget = "f", update = "g", output = "o"
    case reset = "r", updateGate = "z", new = "n"

    /// The signals a cell of this kind has, memory first.
    public static func signals(for cell: RecurrentCellKind) -> [StateSignal] {
        switch cell {
        case .lstm, .peephole: [.cell, .hidden, .input, .forget, .update, .output]
        case .gru: [.hidden, .reset, .updateGate, .new]
        case .rnn, .rnnRelu: [.hidden]
        }
    }

    /// Gates: sigmoids in (0, 1), whose saturation is worth measuring.
    public var isGate: Bool { [.input, .forget, .output, .reset, .updateGate].contains(self) }

    /// The human name, e.g. "forget gate f".
    public var title: String {
        switch self {
        case .cell: "cell state c"
        case .hidden: "hidden state h"
        case .input: "input gate i"
        case .forget: "forget gate f"
        case .update: "cell update g"
        case .output: "output gate o"
        case .reset: "reset gate r"
        case .updateGate: "update gate z"
        case .new: "new state n"
        }
    }
}

/// Every unit's states and gates at every step of one text, layer by layer: what an
/// inspection colours the text with and searches for interpretable units.
///
/// Letters: T steps (tokens read), H units per layer, L layers. `values(layer:signal:)` is
/// (T, H) row-major: row t is the value after reading token t.
///
/// Recorded by running the model's equations one token at a time (batch 1, evaluation mode,
/// zero initial state), reading the weights by their PyTorch names, so any checkpoint can be
/// traced. PyTorch gate order; peepholes as in `LSTM`:
///
///     LSTM  i = σ(W_ii x + b_ii + W_hi h + b_hi + w_ci ⊙ c₋)   f = σ(… + w_cf ⊙ c₋)
///           g = tanh(…)   c = f ⊙ c₋ + i ⊙ g   o = σ(… + w_co ⊙ c)   h = o ⊙ tanh(c)
///     GRU   r = σ(W_ir x + b_ir + W_hr h₋ + b_hr)   z = σ(…)
///           n = tanh(W_in x + b_in + r ⊙ (W_hn h₋ + b_hn))   h = (1 − z) ⊙ n + z ⊙ h₋
///     RNN   h = tanh or relu(W_ih x + b_ih + W_hh h₋ + b_hh)
///
/// A test checks h and c against the model's own `LanguageModelStepper` at every step.
public struct StateTrace: Sendable {
    public let cell: RecurrentCellKind
    /// T.
    public let steps: Int
    /// H.
    public let hiddenSize: Int
    /// L.
    public let numLayers: Int
    /// [layer][signal] → (T, H) row-major.
    let storage: [[StateSignal: [Float]]]

    /// The (T, H) values of `signal` in `layer` (0-based), row-major; nil if the cell has no such signal.
    public func values(layer: Int, signal: StateSignal) -> [Float]? { storage[layer][signal] }

    /// One unit's values over time, (T).
    public func series(layer: Int, signal: StateSignal, unit: Int) -> [Float]? {
        guard let all = storage[layer][signal] else { return nil }
        return (0..<steps).map { all[$0 * hiddenSize + unit] }
    }

    /// The signals this trace holds.
    public var signals: [StateSignal] { StateSignal.signals(for: cell) }

    /// Runs `model` over `tokens` from a zero state and records every signal.
    public init(model: LanguageModel, tokens: [Int]) {
        let c = model.configuration
        cell = c.cell
        steps = tokens.count
        hiddenSize = c.hiddenSize
        numLayers = c.numLayers
        let table = model.embedding.weight.value
        let named = Dictionary(model.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })

        // Layer 0 reads the embeddings; layer k reads layer k−1's h.
        var input = Matrix(rows: tokens.count, cols: c.embeddingSize)    // (T, I_k)
        for (t, token) in tokens.enumerated() { input.row(t).assign(table.row(token)) }
        var layers: [[StateSignal: [Float]]] = []
        for k in 0..<c.numLayers {
            let weights = LayerWeights(named: named, layer: k)
            let record = StateTrace.run(cell: c.cell, weights: weights, input: input, hiddenSize: c.hiddenSize)
            layers.append(record)
            input = Matrix(rows: tokens.count, cols: c.hiddenSize, values: record[.hidden]!)
        }
        storage = layers
    }

    /// One layer's weights under their PyTorch names (`rnn.weight_ih_l{k}`, …).
    struct LayerWeights {
        let inputWeight: Matrix          // (G·H, I)
        let hiddenWeight: Matrix         // (G·H, H)
        let inputBias: Matrix?           // (1, G·H)
        let hiddenBias: Matrix?          // (1, G·H)
        let peepholes: [Matrix]?         // w_ci, w_cf, w_co, each H values

        init(named: [String: Matrix], layer k: Int) {
            func get(_ name: String) -> Matrix? { named["rnn.\(name)_l\(k)"] }
            inputWeight = get("weight_ih")!
            hiddenWeight = get("weight_hh")!
            inputBias = get("bias_ih").map { $0.reshaped(rows: 1, cols: $0.count) }
            hiddenBias = get("bias_hh").map { $0.reshaped(rows: 1, cols: $0.count) }
            if let ci = get("weight_ci"), let cf = get("weight_cf"), let co = get("weight_co") {
                peepholes = [ci, cf, co].map { $0.reshaped(rows: 1, cols: $0.count) }
            } else {
                peepholes = nil
            }
        }
    }

    private static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    /// Runs one layer over its whole input, (T, I) → every signal, (T, H) each.
    private static func run(cell: RecurrentCellKind, weights w: LayerWeights, input: Matrix,
                            hiddenSize h: Int) -> [StateSignal: [Float]] {
        let steps = input.rows, gh = w.hiddenWeight.rows
        // The input projection of every step at once: (T, G·H) = X·W_ihᵀ + b_ih.
        let projected = Matrix(rows: steps, cols: gh)
        gemm(projected, input, .none, w.inputWeight, .transposed)
        if let b = w.inputBias { for t in 0..<steps { projected.row(t).add(b) } }
        let recurrent = Matrix(rows: 1, cols: gh)                        // W_hh·h₋ + b_hh
        // Two rows each for h and c, swapped after every step (no allocation in the loop).
        var hPrev = Matrix(rows: 1, cols: h), cPrev = Matrix(rows: 1, cols: h)
        var hNext = Matrix(rows: 1, cols: h), cNext = Matrix(rows: 1, cols: h)
        // One (T, H) buffer per signal; empty for signals this cell lacks.
        let signals = StateSignal.signals(for: cell)
        func buffer(_ s: StateSignal) -> [Float] { [Float](repeating: 0, count: signals.contains(s) ? steps * h : 0) }
        var cs = buffer(.cell), hs = buffer(.hidden)
        var gate1 = buffer(cell == .gru ? .reset : .input)               // i or r
        var gate2 = buffer(cell == .gru ? .updateGate : .forget)         // f or z
        var gate3 = buffer(cell == .gru ? .new : .update)                // g or n
        var gate4 = buffer(.output)                                      // o
        for t in 0..<steps {
            gemm(recurrent, hPrev, .none, w.hiddenWeight, .transposed)
            if let b = w.hiddenBias { recurrent.add(b) }
            let x = projected.row(t)
            for j in 0..<h {
                let base = t * h + j
                switch cell {
                case .lstm, .peephole:
                    var gi = x[0, j] + recurrent[0, j]
                    var gf = x[0, h + j] + recurrent[0, h + j]
                    let gg = x[0, 2 * h + j] + recurrent[0, 2 * h + j]
                    var go = x[0, 3 * h + j] + recurrent[0, 3 * h + j]
                    let cp = cPrev[0, j]
                    if let p = w.peepholes { gi += p[0][0, j] * cp; gf += p[1][0, j] * cp }
                    let i = sigmoid(gi), f = sigmoid(gf), g = tanhf(gg)
                    let c = f * cp + i * g
                    if let p = w.peepholes { go += p[2][0, j] * c }
                    let o = sigmoid(go), hv = o * tanhf(c)
                    gate1[base] = i; gate2[base] = f; gate3[base] = g; gate4[base] = o
                    cs[base] = c; hs[base] = hv
                    cNext[0, j] = c; hNext[0, j] = hv
                case .gru:
                    let r = sigmoid(x[0, j] + recurrent[0, j])
                    let z = sigmoid(x[0, h + j] + recurrent[0, h + j])
                    let n = tanhf(x[0, 2 * h + j] + r * recurrent[0, 2 * h + j])
                    let hv = (1 - z) * n + z * hPrev[0, j]
                    gate1[base] = r; gate2[base] = z; gate3[base] = n
                    hs[base] = hv
                    hNext[0, j] = hv
                case .rnn, .rnnRelu:
                    let a = x[0, j] + recurrent[0, j]
                    let hv = cell == .rnn ? tanhf(a) : max(0, a)
                    hs[base] = hv
                    hNext[0, j] = hv
                }
            }
            swap(&hPrev, &hNext)
            swap(&cPrev, &cNext)
        }
        var out: [StateSignal: [Float]] = [.hidden: hs]
        switch cell {
        case .lstm, .peephole:
            out[.cell] = cs; out[.input] = gate1; out[.forget] = gate2; out[.update] = gate3; out[.output] = gate4
        case .gru:
            out[.reset] = gate1; out[.updateGate] = gate2; out[.new] = gate3
        case .rnn, .rnnRelu:
            break
        }
        return out
    }
}
