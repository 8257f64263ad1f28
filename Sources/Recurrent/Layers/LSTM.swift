/// A stack of long short-term memory layers over whole sequences (PyTorch's `nn.LSTM`), with
/// optional peephole connections.
///
/// Letters: T steps, B batch, I input size, H hidden size, L layers, D directions (2 when
/// bidirectional). Input `(T·B, I)` time-major, or `(B·T, I)` when `batchFirst`; output
/// `(T·B, D·H)` in the same layout; states `(L·D·B, H)` (see `RecurrentState`).
///
/// For each layer and direction, at each step (⊙ element-wise, σ the logistic function):
///
///     i = σ(W_ii x + b_ii + W_hi h(t−1) + b_hi [+ w_ci ⊙ c(t−1)])
///     f = σ(W_if x + b_if + W_hf h(t−1) + b_hf [+ w_cf ⊙ c(t−1)])
///     g = tanh(W_ig x + b_ig + W_hg h(t−1) + b_hg)
///     c(t) = f ⊙ c(t−1) + i ⊙ g
///     o = σ(W_io x + b_io + W_ho h(t−1) + b_ho [+ w_co ⊙ c(t)])
///     h(t) = o ⊙ tanh(c(t))
///
/// The bracketed peephole terms (TF/ONNX style: i and f see c(t−1), o sees c(t)) exist only
/// with `peepholes: true`. Layer k > 0 reads layer k−1's output, after dropout in training.
///
/// Parameters (PyTorch `state_dict` names, per layer k, suffix `_reverse` for direction 1),
/// gate blocks in order i, f, g, o:
/// - `weight_ih_l{k}` (4H, I_k), `weight_hh_l{k}` (4H, H), `bias_ih_l{k}` (4H), `bias_hh_l{k}` (4H);
/// - with peepholes: `weight_ci_l{k}`, `weight_cf_l{k}`, `weight_co_l{k}` (H each), the diagonal
///   weights from the cell to the input, forget and output gates.
///
/// Initialisation: every parameter U(−1/√H, 1/√H) drawn from the generator in `parameters`
/// order, row-major within each (peepholes included). `forgetBias1` then sets the forget block
/// of `bias_ih` to 1 and of `bias_hh` to 0.
///
/// With `projectionSize` P > 0 (PyTorch's `proj_size`, LSTMP) each layer's h(t) = W_hr (o ⊙
/// tanh c(t)) has P features: W_hh is (4H, P), layer k > 0 reads D·P features, the output is
/// `(T·B, D·P)`, h_n `(L·D·B, P)` and c_n `(L·D·B, H)`; parameter `weight_hr_l{k}` (P, H) follows
/// `bias_hh_l{k}` (see `RecurrentStack+Projection.swift`).
public final class LSTM: RecurrentLayerBase {
    /// - Parameters:
    ///   - dropout: probability of inverted dropout on the output of every layer but the last, in training.
    ///   - projectionSize: P, the size of h (1 ..< hiddenSize), or 0 for no projection.
    ///   - peepholes: adds the diagonal cell → gate weights (TF/ONNX style).
    ///   - forgetBias1: starts the forget gate's total bias at 1 (needs `bias`).
    ///   - generator: draws the initial weights.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Float = 0, bidirectional: Bool = false, projectionSize: Int = 0, peepholes: Bool = false,
                forgetBias1: Bool = false, generator: inout RandomGenerator) {
        super.init(stack: RecurrentStack(kind: peepholes ? .peephole : .lstm, inputSize: inputSize,
                                         hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                                         batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional,
                                         projectionSize: projectionSize, generator: &generator))
        if forgetBias1 { stack.setForgetGateBias(1) }
    }

    /// Sets the forget gate's total bias to `value` in every layer and direction (the f block of
    /// `bias_ih` = `value`, of `bias_hh` = 0). With bias b the cell keeps a fraction σ(b) per
    /// step at initialisation, a memory of about 1/(1 − σ(b)) steps: b = 1 gives ~4, b = 3 ~20.
    /// For a task with lags up to T, b ≈ log(T − 1) ("chrono" initialisation, Tallec & Ollivier
    /// 2018). Needs `bias`.
    public func setForgetGateBias(_ value: Float) {
        stack.setForgetGateBias(value)
    }

    /// Whether the peephole weights `weight_c{i,f,o}_l{k}` exist.
    public var peepholes: Bool { stack.kind.hasPeepholes }
}
