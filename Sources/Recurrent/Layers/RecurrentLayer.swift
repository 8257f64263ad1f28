/// The hidden (and, for an LSTM, cell) state of a stack of recurrent layers.
///
/// Shapes follow PyTorch's `h_n` / `c_n` `(num_layers · num_directions, batch, hidden)`,
/// flattened to rows: `h` is `(L·D·B, H)` and the block of rows `(k·D + d)·B ..< (k·D + d + 1)·B`
/// belongs to layer `k`, direction `d` (0 forward, 1 reverse). `c` has the same shape for an
/// LSTM and is `nil` for a GRU or RNN.
///
/// States returned by a layer are views into buffers the layer owns, valid until its next
/// `forward` (for `finalState`) or `backward` (for `dInitialState`). Passing a `finalState`
/// straight back as the next `initialState` (truncated BPTT) is safe: `forward` copies the
/// initial state before it writes anything. Call `copy()` to keep a state longer.
public struct RecurrentState: @unchecked Sendable {
    /// `(L·D·B, H)`.
    public var h: Matrix
    /// `(L·D·B, H)` for an LSTM, `nil` otherwise.
    public var c: Matrix?

    public init(h: Matrix, c: Matrix? = nil) {
        if let c {
            // c has H columns; h has as many, or P with an LSTM projection.
            precondition(c.rows == h.rows, "RecurrentState: c has \(c.rows) rows but h has \(h.rows)")
        }
        self.h = h
        self.c = c
    }

    /// An independent copy (its own storage).
    public func copy() -> RecurrentState {
        RecurrentState(h: h.copy(), c: c?.copy())
    }

    /// The `(B, H)` rows of layer `layer`, direction `direction` (views, not copies), e.g. to
    /// hand one layer's state to a single-step cell. `numDirections` is 1 or 2.
    public func slice(layer: Int, direction: Int = 0, numDirections: Int = 1, batchSize: Int) -> RecurrentState {
        precondition(direction >= 0 && direction < numDirections, "direction \(direction) of \(numDirections)")
        let first = (layer * numDirections + direction) * batchSize
        precondition(layer >= 0 && first + batchSize <= h.rows, "layer \(layer) outside a state of \(h.rows) rows")
        return RecurrentState(h: h.rows(first..<first + batchSize), c: c?.rows(first..<first + batchSize))
    }
}

/// A stack of recurrent layers over a whole sequence, trained by backpropagation through time:
/// `LSTM`, `GRU` and `RNN` (PyTorch's `nn.LSTM`, `nn.GRU`, `nn.RNN`).
///
/// Letters: T time steps, B batch, I input features, H hidden size, L layers, D directions
/// (2 when bidirectional, else 1), G gates (LSTM 4, GRU 3, RNN 1).
///
/// - `forward` takes the input `(T·B, I)` time-major (step t is rows `t·B ..< (t+1)·B`), or
///   `(B·T, I)` batch-major (sequence b is rows `b·T ..< (b+1)·T`) when `batchFirst`, and returns
///   the top layer's hidden states `(T·B, D·H)` in the same layout (forward direction in columns
///   `0..<H`, reverse in `H..<2H`) and the final state (`h_n`, `c_n`). It records what `backward`
///   needs. The output is a view into a layer-owned buffer, valid until the next `forward`; the
///   input must stay unchanged until `backward`.
/// - `backward` takes ∂loss/∂output (same shape and layout as the output) and optionally
///   ∂loss/∂finalState, *adds* every parameter's gradient into `Parameter.gradient` (it never
///   zeroes them), and returns ∂loss/∂input and ∂loss/∂initialState (layer-owned views, valid
///   until the next `backward`).
///
/// A `nil` initial state means zeros, through the same code path as an explicit zero state; a
/// `nil` `dFinalState` means the loss does not depend on the final state.
public protocol RecurrentLayer: AnyObject, ParameterContainer {
    /// I: features per input row.
    var inputSize: Int { get }
    /// H: features per hidden state (per cell state with a projection).
    var hiddenSize: Int { get }
    /// P: the LSTM's projection size (PyTorch's `proj_size`); h then has P features. 0 for none.
    var projectionSize: Int { get }
    /// L: stacked layers; layer k > 0 reads layer k−1's output (D·H features).
    var numLayers: Int { get }
    /// Whether each layer also runs from the last step to the first (D = 2).
    var bidirectional: Bool { get }
    /// Whether sequences come and go as `(B·T, F)` rows instead of time-major `(T·B, F)`.
    var batchFirst: Bool { get set }
    /// Training mode applies dropout between layers; evaluation mode never draws randomness.
    var isTraining: Bool { get set }

    /// Runs the whole sequence. `input.rows` must be a multiple of `batchSize`
    /// (T = rows / batchSize). `generator` is drawn from only for dropout in training mode.
    func forward(_ input: Matrix, batchSize: Int, initialState: RecurrentState?,
                 generator: inout RandomGenerator) -> (output: Matrix, finalState: RecurrentState)

    /// Runs a padded batch whose sequence b has `lengths[b]` (1…T) real steps, like PyTorch's
    /// `pack_padded_sequence` → module → `pad_packed_sequence`: outputs past a sequence's length
    /// are zero, its final state is taken at its own last step, the reverse direction starts at
    /// its own end, and `backward` gives zero gradients past it. nil lengths mean all T.
    func forward(_ input: Matrix, batchSize: Int, initialState: RecurrentState?, lengths: [Int]?,
                 generator: inout RandomGenerator) -> (output: Matrix, finalState: RecurrentState)

    /// Backpropagation through time for the last `forward`.
    func backward(dOutput: Matrix, dFinalState: RecurrentState?) -> (dInput: Matrix, dInitialState: RecurrentState)

    /// Copies of the gates, cell states and hidden states the last `forward` computed in layer
    /// `layer`, direction `direction` (see `RecurrentActivations`): for looking inside the memory.
    func recordedActivations(layer: Int, direction: Int) -> RecurrentActivations
}

extension RecurrentLayer {
    /// D: 2 when bidirectional, else 1.
    public var numDirections: Int { bidirectional ? 2 : 1 }
    /// D·H (D·P with a projection): features per output row.
    public var outputSize: Int { numDirections * (projectionSize > 0 ? projectionSize : hiddenSize) }

    /// `forward` from a zero initial state.
    public func forward(_ input: Matrix, batchSize: Int,
                        generator: inout RandomGenerator) -> (output: Matrix, finalState: RecurrentState) {
        forward(input, batchSize: batchSize, initialState: nil, generator: &generator)
    }

    /// `backward` for a loss that does not depend on the final state.
    public func backward(dOutput: Matrix) -> (dInput: Matrix, dInitialState: RecurrentState) {
        backward(dOutput: dOutput, dFinalState: nil)
    }
}
