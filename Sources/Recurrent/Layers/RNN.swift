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
public final class RNN: RecurrentLayer {
    let stack: RecurrentStack

    /// - Parameters:
    ///   - nonlinearity: φ, `.tanh` (PyTorch's default) or `.relu`.
    ///   - dropout: probability of inverted dropout on the output of every layer but the last, in training.
    ///   - generator: draws the initial weights.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: RNNNonlinearity = .tanh,
                bias: Bool = true, batchFirst: Bool = false, dropout: Float = 0, bidirectional: Bool = false,
                generator: inout RandomGenerator) {
        stack = RecurrentStack(kind: .rnn(nonlinearity), inputSize: inputSize, hiddenSize: hiddenSize,
                               numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                               bidirectional: bidirectional, generator: &generator)
    }

    public var inputSize: Int { stack.inputSize }
    public var hiddenSize: Int { stack.hiddenSize }
    public var numLayers: Int { stack.numLayers }
    public var bidirectional: Bool { stack.bidirectional }
    /// φ.
    public var nonlinearity: RNNNonlinearity {
        if case .rnn(let n) = stack.kind { return n }
        preconditionFailure("RNN built on a non-RNN stack")
    }
    /// Whether the layers have `bias_ih` / `bias_hh`.
    public var bias: Bool { stack.hasBias }
    /// Inter-layer dropout probability.
    public var dropout: Float { stack.dropout }
    public var batchFirst: Bool {
        get { stack.batchFirst }
        set { stack.batchFirst = newValue }
    }
    public var isTraining: Bool {
        get { stack.isTraining }
        set { stack.isTraining = newValue }
    }
    public var parameters: [Parameter] { stack.parameters }

    public func forward(_ input: Matrix, batchSize: Int, initialState: RecurrentState?,
                        generator: inout RandomGenerator) -> (output: Matrix, finalState: RecurrentState) {
        stack.forward(input, batchSize: batchSize, initialState: initialState, generator: &generator)
    }

    public func backward(dOutput: Matrix, dFinalState: RecurrentState?) -> (dInput: Matrix, dInitialState: RecurrentState) {
        stack.backward(dOutput: dOutput, dFinalState: dFinalState)
    }
}
