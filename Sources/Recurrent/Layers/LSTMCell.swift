/// One LSTM step at a time (PyTorch's `nn.LSTMCell`, plus optional peepholes): for sampling a
/// token at a time with the state carried. Forward only.
///
/// `step` takes x `(B, I)` and the state h, c `(B, H)` and returns h(t), c(t) `(B, H)`:
///
///     [i, f, g, o] = W_ih x + b_ih + W_hh h(t−1) + b_hh        (blocks of H, PyTorch order)
///     i = σ(i [+ w_ci ⊙ c(t−1)])   f = σ(f [+ w_cf ⊙ c(t−1)])   g = tanh(g)
///     c(t) = f ⊙ c(t−1) + i ⊙ g    o = σ(o [+ w_co ⊙ c(t)])     h(t) = o ⊙ tanh(c(t))
///
/// It runs the same fused step kernel as `LSTM`, so a cell sharing a layer's weights gives
/// exactly that layer's step. Parameters: `weight_ih` (4H, I), `weight_hh` (4H, H), `bias_ih`,
/// `bias_hh` (4H), with peepholes `weight_ci`, `weight_cf`, `weight_co` (H).
public final class LSTMCell: RecurrentCellBase {
    private let gatesSpace = GrowableBuffer(), biasSpace = GrowableBuffer(), tanhCellSpace = GrowableBuffer()
    private let hiddenSpace = GrowableBuffer(), cellSpace = GrowableBuffer(), unprojectedSpace = GrowableBuffer()

    /// A cell with its own weights, initialised exactly as a one-layer `LSTM` from the same generator.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, peepholes: Bool = false,
                forgetBias1: Bool = false, generator: inout RandomGenerator) {
        let lstm = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, peepholes: peepholes,
                        forgetBias1: forgetBias1, generator: &generator)
        super.init(weights: RecurrentCellWeights(stack: lstm.stack, layer: 0, direction: 0))
    }

    /// A cell running on layer `layer`, direction `direction` (0 forward, 1 reverse) of `lstm`;
    /// the weights are shared, not copied.
    public init(sharingWeightsOf lstm: LSTM, layer: Int = 0, direction: Int = 0) {
        super.init(weights: RecurrentCellWeights(stack: lstm.stack, layer: layer, direction: direction))
    }

    public var peepholes: Bool { weights.peepholes != nil }
    /// P of a cell sharing a projected `LSTM`'s weights (h(t) = W_hr (o ⊙ tanh c(t)), (B, P)), else 0.
    public var projectionSize: Int { weights.projection?.rows ?? 0 }

    /// One step. `state` nil means zeros (`c` nil means a zero cell). Returns views into
    /// cell-owned buffers, valid until the next `step`; passing them back in is safe.
    public func step(_ input: Matrix, state: RecurrentState?) -> RecurrentState {
        let b = input.rows, h = hiddenSize
        let hPrevious = previousHidden(input: input, state: state)
        let cPrevious = state?.c ?? zeroSpace.zeros(rows: b, cols: h)
        precondition(cPrevious.rows == b && cPrevious.cols == h, "LSTMCell.step: state must be (B, H) = \(b)×\(h)")
        let gates = gatesSpace.matrix(rows: b, cols: 4 * h)                      // (B, 4H)
        if b == 1 || productsRowByRow {
            // Sampling: both matrix-vector products in one pass over the threads.
            gemvSum(gates, input, weights.inputWeight, hPrevious, weights.hiddenWeight)
        } else {
            gemm(gates, input, .none, weights.inputWeight, .transposed)
            gemm(gates, hPrevious, .none, weights.hiddenWeight, .transposed, beta: 1)
        }
        let bias = biasSpace.matrix(rows: 1, cols: 4 * h)
        bias.assign(weights.inputBias)
        bias.add(weights.hiddenBias)
        let cell = cellSpace.matrix(rows: b, cols: h), hidden = hiddenSpace.matrix(rows: b, cols: weights.realHiddenSize)
        let projection = weights.projection
        let unprojected = projection == nil ? hidden : unprojectedSpace.matrix(rows: b, cols: h)   // o ⊙ tanh c
        VectorMath.lstmCellForward(cell: cell, tanhCell: tanhCellSpace.matrix(rows: b, cols: h), hidden: unprojected,
                                   gates: gates, bias: bias, cellPrevious: cPrevious,
                                   peepholes: weights.peepholes.map { VectorMath.LSTMPeepholes(concatenated: $0) })
        if let projection {
            if productsRowByRow { gemvRows(hidden, unprojected, projection) }
            else { gemm(hidden, unprojected, .none, projection, .transposed) }
        }
        return RecurrentState(h: hidden, c: cell)
    }
}
