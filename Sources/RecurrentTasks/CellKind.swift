import Recurrent

/// The recurrent cells an experiment compares.
public enum CellKind: String, CaseIterable, Sendable, Codable {
    /// Elman RNN, h(t) = tanh(W_ih x + W_hh h(t−1) + b).
    case rnn
    /// Gated recurrent unit (Cho et al. 2014), PyTorch's form.
    case gru
    /// LSTM with forget gate (Gers et al. 2000), PyTorch's form.
    case lstm
    /// LSTM with peephole connections from the cell to its gates (Gers et al. 2002).
    case peephole

    /// A one-layer recurrent stack of this kind, drawn from `generator`.
    ///
    /// `forgetBias` b sets the total bias of the LSTM forget gates to b (b_ih = b, b_hh = 0), so
    /// the cell keeps its contents by default — a fraction σ(b) per step — until it learns to
    /// forget (Gers et al. 2000 start it positive; Jozefowicz et al. 2015 recommend 1). nil keeps
    /// PyTorch's U(±1/√H) initialisation. GRU and RNN ignore it.
    public func makeLayer(inputSize: Int, hiddenSize: Int, forgetBias: Float?,
                          generator: inout RandomGenerator) -> any RecurrentLayer {
        let layer = makeDefaultLayer(inputSize: inputSize, hiddenSize: hiddenSize, forgetBias1: forgetBias != nil,
                                     generator: &generator)
        if let b = forgetBias, self == .lstm || self == .peephole {
            for p in layer.parameters where p.name == "bias_ih_l0" {
                p.value.columns(hiddenSize..<2 * hiddenSize).fill(b)      // gate order i, f, g, o
            }
        }
        return layer
    }

    private func makeDefaultLayer(inputSize: Int, hiddenSize: Int, forgetBias1: Bool,
                                  generator: inout RandomGenerator) -> any RecurrentLayer {
        switch self {
        case .rnn:
            RNN(inputSize: inputSize, hiddenSize: hiddenSize, nonlinearity: .tanh, generator: &generator)
        case .gru:
            GRU(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)
        case .lstm:
            LSTM(inputSize: inputSize, hiddenSize: hiddenSize, forgetBias1: forgetBias1, generator: &generator)
        case .peephole:
            LSTM(inputSize: inputSize, hiddenSize: hiddenSize, peepholes: true, forgetBias1: forgetBias1,
                 generator: &generator)
        }
    }

    /// Trainable parameters of a one-layer cell plus a `Linear(H → O)` head.
    public func parameterCount(inputSize i: Int, hiddenSize h: Int, outputSize o: Int) -> Int {
        let gates: Int
        switch self {
        case .rnn: gates = 1
        case .gru: gates = 3
        case .lstm, .peephole: gates = 4
        }
        return gates * h * (i + h + 2) + (self == .peephole ? 3 * h : 0) + o * (h + 1)
    }
}
