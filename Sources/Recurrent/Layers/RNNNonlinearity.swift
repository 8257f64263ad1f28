/// The nonlinearity of a plain (Elman) RNN: PyTorch's `nonlinearity='tanh'` or `'relu'`.
public enum RNNNonlinearity: String, Sendable, CaseIterable {
    case tanh
    case relu

    var vectorMathActivation: VectorMath.RNNActivation {
        switch self {
        case .tanh: .tanh
        case .relu: .relu
        }
    }
}
