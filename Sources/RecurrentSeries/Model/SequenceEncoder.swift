import Recurrent

/// A recurrent stack read out as one vector per sequence:
/// input (T·B, I) time-major → hidden states (T·B, D·H) → pooled features (B, D·H).
///
///     last:  f_b = [ h→(T_b−1) | h←(0) ]          (h← only when bidirectional)
///     mean:  f_b = (1/T_b) Σ_{t<T_b} [ h→(t) | h←(t) ]
///
/// T_b is sequence b's length: T, or `lengths[b]` for a padded batch of variable-length
/// sequences (run as PyTorch's packed sequences: the padding never reaches the state).
///
/// Backward spreads ∂loss/∂f back over the hidden states (to one step for `last`, 1/T to
/// every step for `mean`) and runs backpropagation through time.
public final class SequenceEncoder: ParameterContainer {
    public let recurrent: any RecurrentLayer
    public let pooling: SequencePooling

    private let featureBuffer = GrowableBuffer(), dOutputBuffer = GrowableBuffer()
    private var steps = 0, batchSize = 0
    private var lengths: [Int]? = nil

    public init(recurrent: any RecurrentLayer, pooling: SequencePooling) {
        precondition(!recurrent.batchFirst, "SequenceEncoder expects time-major sequences")
        self.recurrent = recurrent
        self.pooling = pooling
    }

    /// D·H: features per sequence.
    public var outputSize: Int { recurrent.outputSize }

    /// Parameters under `rnn.` (the recurrent layer's PyTorch names).
    public var parameters: [Parameter] { recurrent.parameters.map { $0.prefixed("rnn") } }

    public var isTraining: Bool {
        get { recurrent.isTraining }
        set { recurrent.isTraining = newValue }
    }

    /// Features (B, D·H) for `input` (T·B, I); a view valid until the next `forward`.
    /// `lengths` (1…T per sequence) for a padded batch of variable-length sequences.
    public func forward(_ input: Matrix, batchSize: Int, lengths: [Int]? = nil, generator: inout RandomGenerator) -> Matrix {
        precondition(input.rows % batchSize == 0, "input rows \(input.rows) not a multiple of batch \(batchSize)")
        steps = input.rows / batchSize
        self.batchSize = batchSize
        self.lengths = lengths
        let (output, _) = recurrent.forward(input, batchSize: batchSize, initialState: nil, lengths: lengths,
                                            generator: &generator)
        let width = outputSize, h = width / recurrent.numDirections
        let features = featureBuffer.matrix(rows: batchSize, cols: width)       // (B, D·H)
        switch pooling {
        case .last:
            if let lengths {
                for b in 0..<batchSize {
                    features.row(b).columns(0..<h).assign(output.row((lengths[b] - 1) * batchSize + b).columns(0..<h))
                }
            } else {
                features.columns(0..<h).assign(output.rows((steps - 1) * batchSize..<steps * batchSize).columns(0..<h))
            }
            if recurrent.bidirectional {
                features.columns(h..<2 * h).assign(output.rows(0..<batchSize).columns(h..<2 * h))
            }
        case .mean:
            features.fill(0)
            // Outputs past a sequence's length are zero, so summing all T steps is its own sum.
            for t in 0..<steps { features.add(output.rows(t * batchSize..<(t + 1) * batchSize)) }
            if let lengths {
                for b in 0..<batchSize { features.row(b).scale(by: 1 / Float(lengths[b])) }
            } else {
                features.scale(by: 1 / Float(steps))
            }
        }
        return features
    }

    /// Adds parameter gradients for ∂loss/∂features `dFeatures` (B, D·H) of the last forward
    /// and returns ∂loss/∂input (T·B, I), a view valid until the next `backward`.
    @discardableResult
    public func backward(_ dFeatures: Matrix) -> Matrix {
        let width = outputSize, h = width / recurrent.numDirections
        precondition(dFeatures.rows == batchSize && dFeatures.cols == width)
        let dOutput = dOutputBuffer.zeros(rows: steps * batchSize, cols: width)   // (T·B, D·H)
        switch pooling {
        case .last:
            if let lengths {
                for b in 0..<batchSize {
                    dOutput.row((lengths[b] - 1) * batchSize + b).columns(0..<h).assign(dFeatures.row(b).columns(0..<h))
                }
            } else {
                dOutput.rows((steps - 1) * batchSize..<steps * batchSize).columns(0..<h).assign(dFeatures.columns(0..<h))
            }
            if recurrent.bidirectional {
                dOutput.rows(0..<batchSize).columns(h..<2 * h).assign(dFeatures.columns(h..<2 * h))
            }
        case .mean:
            if let lengths {
                for b in 0..<batchSize {
                    for t in 0..<lengths[b] {
                        dOutput.row(t * batchSize + b).add(dFeatures.row(b), scaledBy: 1 / Float(lengths[b]))
                    }
                }
            } else {
                for t in 0..<steps {
                    dOutput.rows(t * batchSize..<(t + 1) * batchSize).add(dFeatures, scaledBy: 1 / Float(steps))
                }
            }
        }
        return recurrent.backward(dOutput: dOutput, dFinalState: nil).dInput
    }
}
