/// One plain-RNN step at a time (PyTorch's `nn.RNNCell`): for sampling a token at a time with
/// the state carried. Forward only.
///
/// `step` takes x `(B, I)` and h(t−1) `(B, H)` and returns h(t) `(B, H)` (`c` nil):
///
///     h(t) = φ(W_ih x + b_ih + W_hh h(t−1) + b_hh),   φ = tanh or relu
///
/// Same kernel as `RNN`. Parameters: `weight_ih` (H, I), `weight_hh` (H, H), `bias_ih`, `bias_hh` (H).
public final class RNNCell: RecurrentCellBase {
    /// φ.
    public let nonlinearity: RNNNonlinearity
    private let preactivationSpace = GrowableBuffer(), biasSpace = GrowableBuffer()
    private let hiddenSpace = GrowableBuffer()

    /// A cell with its own weights, initialised exactly as a one-layer `RNN` from the same generator.
    public init(inputSize: Int, hiddenSize: Int, nonlinearity: RNNNonlinearity = .tanh, bias: Bool = true,
                generator: inout RandomGenerator) {
        let rnn = RNN(inputSize: inputSize, hiddenSize: hiddenSize, nonlinearity: nonlinearity, bias: bias,
                      generator: &generator)
        self.nonlinearity = nonlinearity
        super.init(weights: RecurrentCellWeights(stack: rnn.stack, layer: 0, direction: 0))
    }

    /// A cell running on layer `layer`, direction `direction` of `rnn`; weights shared, not copied.
    public init(sharingWeightsOf rnn: RNN, layer: Int = 0, direction: Int = 0) {
        nonlinearity = rnn.nonlinearity
        super.init(weights: RecurrentCellWeights(stack: rnn.stack, layer: layer, direction: direction))
    }

    /// One step. `state` nil means zeros. Returns a view into a cell-owned buffer, valid until
    /// the next `step`; passing it back in is safe.
    public func step(_ input: Matrix, state: RecurrentState?) -> RecurrentState {
        let b = input.rows, h = hiddenSize
        let hPrevious = previousHidden(input: input, state: state)
        let a = preactivationSpace.matrix(rows: b, cols: h)                      // (B, H)
        if productsRowByRow {
            gemvRows(a, input, weights.inputWeight)
            gemvRows(a, hPrevious, weights.hiddenWeight, beta: 1)
        } else {
            gemm(a, input, .none, weights.inputWeight, .transposed)
            gemm(a, hPrevious, .none, weights.hiddenWeight, .transposed, beta: 1)
        }
        let bias = biasSpace.matrix(rows: 1, cols: h)
        bias.assign(weights.inputBias)
        bias.add(weights.hiddenBias)
        let hidden = hiddenSpace.matrix(rows: b, cols: h)
        VectorMath.rnnCellForward(hidden: hidden, preactivation: a, bias: bias, activation: nonlinearity.vectorMathActivation)
        return RecurrentState(h: hidden)
    }
}
