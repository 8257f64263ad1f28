import Recurrent

/// A recurrent stack read out as one vector per sequence:
/// input (T·B, I) time-major → hidden states (T·B, D·H) → pooled features (B, D·H).
///
///     last:  f_b = [ h→(T−1) | h←(0) ]           (h← only when bidirectional)
///     mean:  f_b = (1/T) Σ_t [ h→(t) | h←(t) ]
///
/// Backward spreads ∂loss/∂f back over the hidden states (to one step for `last`, 1/T to
/// every step for `mean`) and runs backpropagation through time.
public final class SequenceEncoder: ParameterContainer {
    public let recurrent: any RecurrentLayer
    public let pooling: SequencePooling

    private let featureBuffer = GrowableBuffer(), dOutputBuffer = GrowableBuffer()
    private var steps = 0, batchSize = 0

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
    public func forward(_ input: Matrix, batchSize: Int, generator: inout RandomGenerator) -> Matrix {
        precondition(input.rows % batchSize == 0, "input rows \(input.rows) not a multiple of batch \(batchSize)")
        steps = input.rows / batchSize
        self.batchSize = batchSize
        let (output, _) = recurrent.forward(input, batchSize: batchSize, initialState: nil, generator: &generator)
        let h = recurrent.hiddenSize, width = outputSize
        let features = featureBuffer.matrix(rows: batchSize, cols: width)       // (B, D·H)
        switch pooling {
        case .last:
            features.columns(0..<h).assign(output.rows((steps - 1) * batchSize..<steps * batchSize).columns(0..<h))
            if recurrent.bidirectional {
                features.columns(h..<2 * h).assign(output.rows(0..<batchSize).columns(h..<2 * h))
            }
        case .mean:
            features.fill(0)
            for t in 0..<steps { features.add(output.rows(t * batchSize..<(t + 1) * batchSize)) }
            features.scale(by: 1 / Float(steps))
        }
        return features
    }

    /// Adds parameter gradients for ∂loss/∂features `dFeatures` (B, D·H) of the last forward
    /// and returns ∂loss/∂input (T·B, I), a view valid until the next `backward`.
    @discardableResult
    public func backward(_ dFeatures: Matrix) -> Matrix {
        let h = recurrent.hiddenSize, width = outputSize
        precondition(dFeatures.rows == batchSize && dFeatures.cols == width)
        let dOutput = dOutputBuffer.zeros(rows: steps * batchSize, cols: width)   // (T·B, D·H)
        switch pooling {
        case .last:
            dOutput.rows((steps - 1) * batchSize..<steps * batchSize).columns(0..<h).assign(dFeatures.columns(0..<h))
            if recurrent.bidirectional {
                dOutput.rows(0..<batchSize).columns(h..<2 * h).assign(dFeatures.columns(h..<2 * h))
            }
        case .mean:
            for t in 0..<steps {
                dOutput.rows(t * batchSize..<(t + 1) * batchSize).add(dFeatures, scaledBy: 1 / Float(steps))
            }
        }
        return recurrent.backward(dOutput: dOutput, dFinalState: nil).dInput
    }
}
