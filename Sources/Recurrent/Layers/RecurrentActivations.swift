/// A quantity a recurrent layer computes at every step, for each of its H units.
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

    /// Which block of the activated gates (PyTorch order: LSTM i f g o, GRU r z n) holds this
    /// signal; nil for the states.
    func gateBlock(for cell: RecurrentCellKind) -> Int? {
        switch (cell, self) {
        case (.lstm, .input), (.peephole, .input), (.gru, .reset): 0
        case (.lstm, .forget), (.peephole, .forget), (.gru, .updateGate): 1
        case (.lstm, .update), (.peephole, .update), (.gru, .new): 2
        case (.lstm, .output), (.peephole, .output): 3
        default: nil
        }
    }
}

/// What one layer and direction of an `LSTM`, `GRU` or `RNN` computed at every step of its last
/// `forward`: the values that forward recorded for `backward`, copied out. No equation is
/// repeated here, so an inspection sees exactly what the model runs (peepholes, projection and
/// variable lengths included).
///
/// Letters: T steps, B sequences, H units, P projection size. Rows are time-major whatever the
/// layer's `batchFirst`: row t·B + b is step t of sequence b.
public struct RecurrentActivations: @unchecked Sendable {
    public let cell: RecurrentCellKind
    /// T.
    public let steps: Int
    /// B.
    public let batchSize: Int
    /// H.
    public let hiddenSize: Int
    /// (T·B, G·H): the activated gates, LSTM [i f g o], GRU [r z n]; nil for an RNN.
    public let gates: Matrix?
    /// (T·B, H): c(t), LSTM only.
    public let cellState: Matrix?
    /// (T·B, H): each unit's own hidden value, o ⊙ tanh(c(t)) for an LSTM (before a projection
    /// mixes the units), h(t) for a GRU or RNN.
    public let unitHidden: Matrix
    /// (T·B, P or H): h(t) as the layer outputs it (with a projection, W_hr · unitHidden).
    public let hidden: Matrix

    public init(cell: RecurrentCellKind, steps: Int, batchSize: Int, hiddenSize: Int, gates: Matrix?,
                cellState: Matrix?, unitHidden: Matrix, hidden: Matrix) {
        precondition(unitHidden.rows == steps * batchSize && unitHidden.cols == hiddenSize,
                     "RecurrentActivations: unitHidden is \(unitHidden.rows)×\(unitHidden.cols), expected \(steps * batchSize)×\(hiddenSize)")
        self.cell = cell
        self.steps = steps
        self.batchSize = batchSize
        self.hiddenSize = hiddenSize
        self.gates = gates
        self.cellState = cellState
        self.unitHidden = unitHidden
        self.hidden = hidden
    }

    /// The signals recorded: `StateSignal.signals(for: cell)`.
    public var signals: [StateSignal] { StateSignal.signals(for: cell) }

    /// (T·B, H) values of `signal` (h means `unitHidden`), a view; nil if the cell has no such signal.
    public func values(_ signal: StateSignal) -> Matrix? {
        switch signal {
        case .cell: return cellState
        case .hidden: return unitHidden
        default:
            guard let block = signal.gateBlock(for: cell), let gates else { return nil }
            return gates.columns(block * hiddenSize..<(block + 1) * hiddenSize)
        }
    }

    /// One unit's values of `signal` over the T steps of sequence `sequence`; nil if the cell
    /// has no such signal.
    public func series(_ signal: StateSignal, sequence: Int, unit: Int) -> [Float]? {
        precondition(sequence >= 0 && sequence < batchSize && unit >= 0 && unit < hiddenSize,
                     "RecurrentActivations: sequence \(sequence) of \(batchSize), unit \(unit) of \(hiddenSize)")
        guard let m = values(signal) else { return nil }
        return (0..<steps).map { m[$0 * batchSize + sequence, unit] }
    }
}

extension RecurrentLayerBase {
    /// Copies of what the last `forward` recorded in layer `layer` (0-based), direction
    /// `direction` (0 forward, 1 reverse): gates, cell states and hidden states at every step.
    /// Call it after a `forward` (evaluation mode for a deterministic picture).
    public func recordedActivations(layer: Int, direction: Int = 0) -> RecurrentActivations {
        stack.recordedActivations(layer: layer, direction: direction)
    }
}

extension RecurrentStack {
    func recordedActivations(layer k: Int, direction d: Int) -> RecurrentActivations {
        precondition(steps > 0, "recordedActivations: no forward has run yet")
        precondition(k >= 0 && k < numLayers && d >= 0 && d < numDirections,
                     "recordedActivations: layer \(k) of \(numLayers), direction \(d) of \(numDirections)")
        let t = steps, b = batchSize, h = hiddenSize, p = realHiddenSize, dirs = numDirections, gh = gateCount * h
        let rows = t * b, cols = d * h..<(d + 1) * h
        let output = outputSpace[k].matrix(rows: rows, cols: dirs * p).columns(d * p..<(d + 1) * p).copy()
        let gates: Matrix?
        switch kind {
        case .lstm, .peephole, .gru: gates = gatesSpace[k].matrix(rows: rows, cols: dirs * gh).columns(d * gh..<(d + 1) * gh).copy()
        case .rnn, .rnnRelu: gates = nil          // the buffer holds pre-activations, not gates
        }
        let cell = kind.hasCellState ? cellSpace[k].matrix(rows: rows, cols: dirs * h).columns(cols).copy() : nil
        let unitHidden = projectionSize > 0 ? unprojectedSpace[k].matrix(rows: rows, cols: dirs * h).columns(cols).copy() : output
        return RecurrentActivations(cell: kind, steps: t, batchSize: b, hiddenSize: h, gates: gates,
                                    cellState: cell, unitHidden: unitHidden, hidden: output)
    }
}
