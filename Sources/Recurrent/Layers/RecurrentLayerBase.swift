/// What `LSTM`, `GRU` and `RNN` share (PyTorch's `nn.RNNBase`): the sizes and options of a
/// stack of recurrent layers, its parameters, and `forward` / `backward`, all run by one
/// layers × directions engine that each subclass builds for its own cell kind.
///
/// Public only because its subclasses are: it has no public initialiser and cannot be
/// subclassed outside this module. Build an `LSTM`, `GRU` or `RNN`.
public class RecurrentLayerBase: RecurrentLayer {
    /// The engine: parameters, caches, and the forward and backward passes.
    let stack: RecurrentStack

    init(stack: RecurrentStack) {
        self.stack = stack
    }

    public var inputSize: Int { stack.inputSize }
    public var hiddenSize: Int { stack.hiddenSize }
    public var projectionSize: Int { stack.projectionSize }
    public var numLayers: Int { stack.numLayers }
    public var bidirectional: Bool { stack.bidirectional }
    /// Whether the layers have `bias_ih` / `bias_hh`.
    public var bias: Bool { stack.hasBias }
    /// Inter-layer dropout probability.
    public var dropout: Float { stack.dropout }
    /// Variational (locked) dropout between layers, after `dropout`: one mask per sequence,
    /// shared by its time steps (`LockedDropout`).
    public var lockedDropout: Float { stack.lockedDropouts.first?.probability ?? 0 }
    /// DropConnect on the recurrent matrices W_hh in training (AWD-LSTM's weight drop).
    public var weightDrop: Float { stack.weightDrop }
    /// Sets `lockedDropout` and `weightDrop` (each in [0, 1); 0 turns it off).
    public func setRegularization(lockedDropout: Float, weightDrop: Float) {
        stack.setRegularization(lockedDropout: lockedDropout, weightDrop: weightDrop)
    }
    /// Zoneout (Krueger et al. 2017; `RecurrentStack+Zoneout.swift`): the probability that a
    /// unit of h (`zoneoutHidden`), or of an LSTM's c (`zoneoutCell`), keeps its previous value
    /// at a step in training; evaluation mixes p·previous + (1 − p)·new.
    public var zoneoutHidden: Float { stack.zoneoutHidden }
    public var zoneoutCell: Float { stack.zoneoutCell }
    /// Sets the zoneout probabilities (each in [0, 1); 0 turns it off; `cell` needs an LSTM;
    /// not with a projection).
    public func setZoneout(hidden: Float, cell: Float) {
        stack.setZoneout(hidden: hidden, cell: cell)
    }
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

    public func forward(_ input: Matrix, batchSize: Int, initialState: RecurrentState?, lengths: [Int]?,
                        generator: inout RandomGenerator) -> (output: Matrix, finalState: RecurrentState) {
        stack.forward(input, batchSize: batchSize, initialState: initialState, lengths: lengths, generator: &generator)
    }

    public func backward(dOutput: Matrix, dFinalState: RecurrentState?) -> (dInput: Matrix, dInitialState: RecurrentState) {
        stack.backward(dOutput: dOutput, dFinalState: dFinalState)
    }
}
