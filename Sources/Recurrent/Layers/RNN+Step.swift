/// The nonlinearity of a plain (Elman) RNN: PyTorch's `nonlinearity='tanh'` or `'relu'`.
public enum RNNNonlinearity: String, Sendable, CaseIterable {
    case tanh
    case relu

    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .tanh: Recurrent.tanh(x)
        case .relu: Recurrent.relu(x)
        }
    }

    var vectorMathActivation: VectorMath.RNNActivation {
        switch self {
        case .tanh: .tanh
        case .relu: .relu
        }
    }

    @inline(__always) func derivative(output y: Float) -> Float {
        switch self {
        case .tanh: tanhDerivative(output: y)
        case .relu: reluDerivative(output: y)
        }
    }
}

/// The fused element-wise part of one plain-RNN time step, shared by `RNN` and `RNNCell`:
///
///     h(t) = φ(W_ih x + b_ih + W_hh h(t−1) + b_hh),   φ = tanh or relu
///
/// The caller leaves W_ih x + W_hh h(t−1) in `preactivation` `(B, H)`; `bias` is
/// b_ih + b_hh `(1, H)`.
enum RNNKernel {
    /// Writes h(t) into `hidden` (may be the same buffer as `preactivation`).
    static func forward(preactivation: Matrix, bias: Matrix, nonlinearity: RNNNonlinearity, hidden: Matrix) {
        VectorMath.rnnCellForward(hidden: hidden, preactivation: preactivation, bias: bias,
                                  activation: nonlinearity.vectorMathActivation)
    }

    /// Writes ∂L/∂a = (dHidden + dHiddenNext) ⊙ φ'(h(t)) into `dPreactivation`; the caller
    /// then sets dHiddenNext = dPreactivation · W_hh (∂L/∂h(t−1)).
    static func backward(hidden: Matrix, nonlinearity: RNNNonlinearity, dHidden: Matrix,
                         dHiddenNext: Matrix, dPreactivation: Matrix) {
        VectorMath.rnnCellBackward(dPreactivation: dPreactivation, hidden: hidden, dHidden: dHidden,
                                   dHiddenNext: dHiddenNext, activation: nonlinearity.vectorMathActivation)
    }
}
