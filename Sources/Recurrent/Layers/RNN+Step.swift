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
        let batch = preactivation.rows, h = preactivation.cols
        precondition(bias.cols == h && hidden.rows == batch && hidden.cols == h, "RNN step shapes")
        let bp = bias.pointer
        for b in 0..<batch {
            let a = preactivation.pointer + b * preactivation.rowStride
            let out = hidden.pointer + b * hidden.rowStride
            switch nonlinearity {
            case .tanh: for j in 0..<h { out[j] = tanh(a[j] + bp[j]) }
            case .relu: for j in 0..<h { out[j] = relu(a[j] + bp[j]) }
            }
        }
    }

    /// Writes ∂L/∂a = (dHidden + dHiddenNext) ⊙ φ'(h(t)) into `dPreactivation`; the caller
    /// then sets dHiddenNext = dPreactivation · W_hh (∂L/∂h(t−1)).
    static func backward(hidden: Matrix, nonlinearity: RNNNonlinearity, dHidden: Matrix,
                         dHiddenNext: Matrix, dPreactivation: Matrix) {
        let batch = hidden.rows, h = hidden.cols
        precondition(dHidden.rows == batch && dHiddenNext.rows == batch && dPreactivation.rows == batch
                     && dPreactivation.cols == h, "RNN backward step shapes")
        for b in 0..<batch {
            let y = hidden.pointer + b * hidden.rowStride
            let dh = dHidden.pointer + b * dHidden.rowStride
            let dhn = dHiddenNext.pointer + b * dHiddenNext.rowStride
            let da = dPreactivation.pointer + b * dPreactivation.rowStride
            for j in 0..<h { da[j] = (dh[j] + dhn[j]) * nonlinearity.derivative(output: y[j]) }
        }
    }
}
