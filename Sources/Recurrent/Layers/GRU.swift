/// A stack of gated recurrent unit layers over whole sequences (PyTorch's `nn.GRU`).
///
/// Letters: T steps, B batch, I input size, H hidden size, L layers, D directions (2 when
/// bidirectional). Input `(T·B, I)` time-major, or `(B·T, I)` when `batchFirst`; output
/// `(T·B, D·H)` in the same layout; final state `h` `(L·D·B, H)`, `c` nil.
///
/// For each layer and direction, at each step (PyTorch's formulation: the reset gate multiplies
/// the recurrent product *including* `b_hn`):
///
///     r = σ(W_ir x + b_ir + W_hr h(t−1) + b_hr)
///     z = σ(W_iz x + b_iz + W_hz h(t−1) + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h(t−1) + b_hn))
///     h(t) = (1 − z) ⊙ n + z ⊙ h(t−1)
///
/// Parameters per layer k (suffix `_reverse` for direction 1), gate blocks r, z, n:
/// `weight_ih_l{k}` (3H, I_k), `weight_hh_l{k}` (3H, H), `bias_ih_l{k}` (3H), `bias_hh_l{k}` (3H).
/// Initialisation: U(−1/√H, 1/√H) drawn in `parameters` order, row-major within each.
public final class GRU: RecurrentLayerBase {
    /// - Parameters:
    ///   - dropout: probability of inverted dropout on the output of every layer but the last, in training.
    ///   - generator: draws the initial weights.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Float = 0, bidirectional: Bool = false, generator: inout RandomGenerator) {
        super.init(stack: RecurrentStack(kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize,
                                         numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                                         bidirectional: bidirectional, generator: &generator))
    }
}
