/// One GRU step at a time (PyTorch's `nn.GRUCell`): for sampling a token at a time with the
/// state carried. Forward only.
///
/// `step` takes x `(B, I)` and h(t−1) `(B, H)` and returns h(t) `(B, H)` (`c` nil):
///
///     r = σ(W_ir x + b_ir + W_hr h(t−1) + b_hr)
///     z = σ(W_iz x + b_iz + W_hz h(t−1) + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h(t−1) + b_hn))
///     h(t) = (1 − z) ⊙ n + z ⊙ h(t−1)
///
/// Same fused kernel as `GRU`. Parameters: `weight_ih` (3H, I), `weight_hh` (3H, H),
/// `bias_ih`, `bias_hh` (3H), gate blocks r, z, n.
public final class GRUCell: RecurrentCellBase {
    private let gatesSpace = GrowableBuffer(), productSpace = GrowableBuffer(), linearSpace = GrowableBuffer()
    private let hiddenSpace = GrowableBuffer()

    /// A cell with its own weights, initialised exactly as a one-layer `GRU` from the same generator.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, generator: inout RandomGenerator) {
        let gru = GRU(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
        super.init(weights: RecurrentCellWeights(stack: gru.stack, layer: 0, direction: 0))
    }

    /// A cell running on layer `layer`, direction `direction` of `gru`; weights shared, not copied.
    public init(sharingWeightsOf gru: GRU, layer: Int = 0, direction: Int = 0) {
        super.init(weights: RecurrentCellWeights(stack: gru.stack, layer: layer, direction: direction))
    }

    /// One step. `state` nil means zeros. Returns a view into a cell-owned buffer, valid until
    /// the next `step`; passing it back in is safe.
    public func step(_ input: Matrix, state: RecurrentState?) -> RecurrentState {
        let b = input.rows, h = hiddenSize
        let hPrevious = previousHidden(input: input, state: state)
        let gates = gatesSpace.matrix(rows: b, cols: 3 * h)                      // (B, 3H) W_ih x
        let product = productSpace.matrix(rows: b, cols: 3 * h)                  // (B, 3H) W_hh h
        if productsRowByRow {
            gemvRows(gates, input, weights.inputWeight)
            gemvRows(product, hPrevious, weights.hiddenWeight)
        } else {
            gemm(gates, input, .none, weights.inputWeight, .transposed)
            gemm(product, hPrevious, .none, weights.hiddenWeight, .transposed)
        }
        let hidden = hiddenSpace.matrix(rows: b, cols: h)
        VectorMath.gruCellForward(hidden: hidden, hiddenLinear: linearSpace.matrix(rows: b, cols: h), inputGates: gates,
                                  inputBias: weights.inputBias, hiddenGates: product, hiddenBias: weights.hiddenBias,
                                  hiddenPrevious: hPrevious)
        return RecurrentState(h: hidden)
    }
}
