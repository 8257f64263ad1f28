/// What `LSTMCell`, `GRUCell` and `RNNCell` share (PyTorch's `nn.RNNCellBase`): the weights of
/// one layer and direction, the sizes and parameters read from them, and the checks every
/// `step` starts with.
///
/// Public only because its subclasses are: it has no public initialiser and cannot be
/// subclassed outside this module. Build an `LSTMCell`, `GRUCell` or `RNNCell`.
public class RecurrentCellBase: ParameterContainer {
    let weights: RecurrentCellWeights
    /// Zeros `(B, H)` standing in for a missing state.
    let zeroSpace = GrowableBuffer()
    /// When true, `step` computes its products row by row with the batch-1 arithmetic, so
    /// that row i of a (B, ·) step equals the step of row i alone, bit for bit: independent
    /// streams sampled together (`LanguageModelBatchStepper`). Off, B > 1 runs the blocked GEMM.
    var productsRowByRow = false

    init(weights: RecurrentCellWeights) {
        self.weights = weights
    }

    public var inputSize: Int { weights.inputSize }
    public var hiddenSize: Int { weights.hiddenSize }
    public var parameters: [Parameter] { weights.parameters }

    /// Checks a step's x is `(B, I)` and returns h(t−1) `(B, H)` (`(B, P)` with a projection):
    /// `state.h`, or zeros when `state` is nil (a missing state means zeros through the same path).
    func previousHidden(input: Matrix, state: RecurrentState?) -> Matrix {
        let b = input.rows, h = weights.realHiddenSize
        precondition(input.cols == inputSize,
                     "\(type(of: self)).step: input has \(input.cols) features, expected \(inputSize)")
        let hPrevious = state?.h ?? zeroSpace.zeros(rows: b, cols: h)
        precondition(hPrevious.rows == b && hPrevious.cols == h, "\(type(of: self)).step: state must be (B, H) = \(b)×\(h)")
        return hPrevious
    }
}
