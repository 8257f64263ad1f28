/// The recurrent cells this package runs — the one vocabulary of language models, memory
/// experiments, series models and the command line. The raw values are the names users type
/// and checkpoints store (`"lstm"`, `"peephole"`, `"gru"`, `"rnn"`, `"rnn-relu"`).
///
/// G is the number of gate blocks per step: the rows of W_ih and W_hh are G·H.
public enum RecurrentCellKind: String, CaseIterable, Codable, Sendable {
    /// LSTM with forget gate (Gers et al. 2000), PyTorch's `nn.LSTM`; G = 4 (i, f, g, o).
    case lstm
    /// LSTM with peephole connections from the cell to its gates (Gers et al. 2002, TF/ONNX
    /// form); G = 4 plus three diagonal weight vectors per layer.
    case peephole
    /// Gated recurrent unit (Cho et al. 2014), PyTorch's `nn.GRU`; G = 3 (r, z, n).
    case gru
    /// Elman RNN, h(t) = tanh(W_ih x + b_ih + W_hh h(t−1) + b_hh), PyTorch's `nn.RNN`; G = 1.
    case rnn
    /// Elman RNN with relu instead of tanh, `nn.RNN(nonlinearity='relu')`; G = 1.
    case rnnRelu = "rnn-relu"

    /// G: gate blocks per step, 4 (LSTM), 3 (GRU) or 1 (RNN).
    public var gateCount: Int {
        switch self {
        case .lstm, .peephole: 4
        case .gru: 3
        case .rnn, .rnnRelu: 1
        }
    }

    /// Whether the state has a cell c besides h (the LSTMs).
    public var hasCellState: Bool { self == .lstm || self == .peephole }

    /// Whether the layers carry the peephole weights `weight_c{i,f,o}_l{k}`.
    public var hasPeepholes: Bool { self == .peephole }

    /// φ of the plain RNNs; nil for the gated cells.
    public var nonlinearity: RNNNonlinearity? {
        switch self {
        case .rnn: .tanh
        case .rnnRelu: .relu
        case .lstm, .peephole, .gru: nil
        }
    }

    /// The PyTorch module that holds the same parameters.
    public var pytorchModule: String {
        switch self {
        case .lstm: "nn.LSTM"
        case .peephole: "nn.LSTM with hand-written peepholes"
        case .gru: "nn.GRU"
        case .rnn: "nn.RNN"
        case .rnnRelu: "nn.RNN(nonlinearity='relu')"
        }
    }

    /// A new recurrent stack of this kind with PyTorch's initialisation, U(±1/√H) for every
    /// parameter, drawn from `generator` in `state_dict` order.
    ///
    /// `forgetBias` b (LSTMs only; GRU and RNN ignore it) then sets the total bias of every
    /// forget gate to b (the f block of b_ih = b, of b_hh = 0), so the cell keeps a fraction σ(b)
    /// of its contents per step until it learns to forget (Gers et al. 2000 start it positive;
    /// Jozefowicz et al. 2015 recommend 1). nil keeps the uniform initialisation.
    /// `projectionSize` P > 0 (LSTMs only) projects each layer's h to P features (PyTorch's
    /// `proj_size`).
    public func makeLayer(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bidirectional: Bool = false,
                          dropout: Float = 0, projectionSize: Int = 0, forgetBias: Float? = nil,
                          generator: inout RandomGenerator) -> any RecurrentLayer {
        switch self {
        case .lstm, .peephole:
            let lstm = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, dropout: dropout,
                            bidirectional: bidirectional, projectionSize: projectionSize, peepholes: self == .peephole,
                            generator: &generator)
            if let forgetBias { lstm.setForgetGateBias(forgetBias) }
            return lstm
        case .gru:
            return GRU(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, dropout: dropout,
                       bidirectional: bidirectional, generator: &generator)
        case .rnn, .rnnRelu:
            return RNN(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers,
                       nonlinearity: nonlinearity ?? .tanh, dropout: dropout, bidirectional: bidirectional,
                       generator: &generator)
        }
    }

    /// Trainable floats of `makeLayer(inputSize:hiddenSize:numLayers:bidirectional:)` (with bias):
    /// per layer k and direction, G·H·(I_k + H) weights, 2·G·H biases, 3·H peepholes.
    public func parameterCount(inputSize: Int, hiddenSize h: Int, numLayers: Int = 1, bidirectional: Bool = false) -> Int {
        let d = bidirectional ? 2 : 1, gh = gateCount * h
        return (0..<numLayers).reduce(0) { n, k in
            let input = k == 0 ? inputSize : d * h
            return n + d * (gh * (input + h) + 2 * gh + (hasPeepholes ? 3 * h : 0))
        }
    }
}
