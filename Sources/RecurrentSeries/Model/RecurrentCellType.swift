import Recurrent

/// Which recurrent layer a series model uses (PyTorch `nn.LSTM`, `nn.GRU`, `nn.RNN` with tanh).
public enum RecurrentCellType: String, Codable, Sendable, CaseIterable {
    case lstm
    case gru
    case rnn

    /// A new layer of this type with PyTorch's initialisation drawn from `generator`.
    public func makeLayer(inputSize: Int, hiddenSize: Int, numLayers: Int, bidirectional: Bool,
                          dropout: Float, generator: inout RandomGenerator) -> any RecurrentLayer {
        switch self {
        case .lstm:
            return LSTM(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, dropout: dropout,
                        bidirectional: bidirectional, generator: &generator)
        case .gru:
            return GRU(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, dropout: dropout,
                       bidirectional: bidirectional, generator: &generator)
        case .rnn:
            return RNN(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, dropout: dropout,
                       bidirectional: bidirectional, generator: &generator)
        }
    }
}

/// How a sequence of hidden states becomes one feature vector.
public enum SequencePooling: String, Codable, Sendable, CaseIterable {
    /// The hidden state after the last step (for the reverse direction of a bidirectional
    /// layer: after its last step, which is time 0).
    case last
    /// The mean of the hidden states over all steps.
    case mean
}

/// A grow-only buffer for `(rows, cols)` views, so repeated batches of one shape do not allocate.
final class MatrixBuffer {
    private var storage = Storage(count: 0)

    /// A contiguous view with stale contents.
    func matrix(rows: Int, cols: Int) -> Matrix {
        if storage.count < rows * cols { storage = Storage(count: rows * cols) }
        return Matrix(storage: storage, offset: 0, rows: rows, cols: cols)
    }

    func zeros(rows: Int, cols: Int) -> Matrix {
        let m = matrix(rows: rows, cols: cols)
        m.fill(0)
        return m
    }
}
