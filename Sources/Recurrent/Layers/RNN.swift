/// A stack of plain (Elman) recurrent layers over whole sequences (PyTorch's `nn.RNN`).
///
/// Letters: T steps, B batch, I input size, H hidden size, L layers, D directions (2 when
/// bidirectional). Input `(T·B, I)` time-major, or `(B·T, I)` when `batchFirst`; output
/// `(T·B, D·H)` in the same layout; final state `h` `(L·D·B, H)`, `c` nil.
///
/// For each layer and direction, at each step, with φ = tanh or relu:
///
///     h(t) = φ(W_ih x + b_ih + W_hh h(t−1) + b_hh)
///
/// Parameters per layer k (suffix `_reverse` for direction 1): `weight_ih_l{k}` (H, I_k),
/// `weight_hh_l{k}` (H, H), `bias_ih_l{k}` (H), `bias_hh_l{k}` (H).
/// Initialisation: U(−1/√H, 1/√H) drawn in `parameters` order, row-major within each.
public final class RNN: RecurrentLayerBase {
    /// - Parameters:
    ///   - nonlinearity: φ, `.tanh` (PyTorch's default) or `.relu`.
    ///   - dropout: probability of inverted dropout on the output of every layer but the last, in training.
    ///   - generator: draws the initial weights.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: RNNNonlinearity = .tanh,
                bias: Bool = true, batchFirst: Bool = false, dropout: Float = 0, bidirectional: Bool = false,
                generator: inout RandomGenerator) {
        super.init(stack: RecurrentStack(kind: nonlinearity == .relu ? .rnnRelu : .rnn, inputSize: inputSize, hiddenSize: hiddenSize,
                                         numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                                         bidirectional: bidirectional, generator: &generator))
    }

    /// φ.
    public var nonlinearity: RNNNonlinearity {
        guard let n = stack.kind.nonlinearity else { preconditionFailure("RNN built on a non-RNN stack") }
        return n
    }
}
