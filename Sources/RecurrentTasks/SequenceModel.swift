import Recurrent

/// A recurrent layer with a linear read-out: the network every experiment trains.
///
///     h = RecurrentLayer(x)          (T·B, I) → (T·B, H)
///     y = Linear(h_last or h)        (B, H) → (B, O)   or   (T·B, H) → (T·B, O)
///
/// For last-step targets only the final step is read, and backward feeds the read-out's
/// gradient into the last B rows of an otherwise zero ∂loss/∂h.
public final class SequenceModel: ParameterContainer {
    public let cell: RecurrentCellKind
    public let layer: any RecurrentLayer
    public let head: Linear
    public let parameters: [Parameter]

    private var dHidden = Matrix(rows: 0, cols: 0)     // (T·B, H), grown as needed
    private var lastSteps = 0, lastBatch = 0, lastIsLastStep = true
    private var noRandomness = RandomGenerator(seed: 0)

    /// Draws the layer's weights, then the head's, from `generator`. With `recurrentGain` g the
    /// hidden-to-hidden weights are redrawn from N(0, g²/H) (spectral radius ≈ g). With
    /// `inputBias` b an LSTM's input gates start with total bias b (the i block of b_ih = b, of
    /// b_hh = 0): a negative b keeps the cells nearly closed to input at first, Hochreiter &
    /// Schmidhuber's (1997, §5.4) cure for the state drift that distractors cause.
    public init(cell: RecurrentCellKind, inputSize: Int, hiddenSize: Int, outputSize: Int, forgetBias: Float?,
                inputBias: Float? = nil, recurrentGain: Float? = nil, generator: inout RandomGenerator) {
        self.cell = cell
        layer = cell.makeLayer(inputSize: inputSize, hiddenSize: hiddenSize, forgetBias: forgetBias,
                               generator: &generator)
        if let b = inputBias, cell == .lstm || cell == .peephole {
            // Gate order i, f, g, o (PyTorch's): the input gates are columns 0..<H of the (1, 4H) biases.
            for p in layer.parameters where p.name == "bias_ih_l0" { p.value.columns(0..<hiddenSize).fill(b) }
            for p in layer.parameters where p.name == "bias_hh_l0" { p.value.columns(0..<hiddenSize).fill(0) }
        }
        if let g = recurrentGain {
            let sd = g / Float(hiddenSize).squareRoot()
            for p in layer.parameters where p.name.hasPrefix("weight_hh") {
                p.value.forEachRow { _, row in
                    for i in row.indices { row[i] = generator.normal(standardDeviation: sd) }
                }
            }
        }
        head = Linear(inputSize: hiddenSize, outputSize: outputSize, generator: &generator)
        parameters = layer.parameters.map { $0.prefixed("rnn") } + head.parameters.map { $0.prefixed("head") }
    }

    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// The read-out for `batch`: `(B, O)` or `(T·B, O)`, a view valid until the next forward.
    public func forward(_ batch: TaskBatch, training: Bool) -> Matrix {
        layer.isTraining = training
        let (hidden, _) = layer.forward(batch.inputs, batchSize: batch.batchSize, initialState: nil,
                                        generator: &noRandomness)
        lastSteps = batch.sequenceLength
        lastBatch = batch.batchSize
        lastIsLastStep = batch.targets.isLastStep
        let b = batch.batchSize
        let read = lastIsLastStep ? hidden.rows((lastSteps - 1) * b..<lastSteps * b) : hidden
        return head.forward(read)
    }

    /// Backpropagation through time from ∂loss/∂y (the shape `forward` returned); adds into
    /// every parameter's gradient.
    public func backward(_ dOutput: Matrix) {
        let h = layer.hiddenSize, rows = lastSteps * lastBatch
        if dHidden.rows < rows { dHidden = Matrix(rows: rows, cols: h) }
        let dH = dHidden.rows(0..<rows)                 // (T·B, H)
        if lastIsLastStep {
            dH.rows(0..<(lastSteps - 1) * lastBatch).fill(0)
            head.backward(dOutput, dInput: dH.rows((lastSteps - 1) * lastBatch..<rows))
        } else {
            head.backward(dOutput, dInput: dH)
        }
        _ = layer.backward(dOutput: dH, dFinalState: nil)
    }

    /// The task's loss of the last forward's output `y`, with ∂loss/∂y written over `y`.
    public func lossAndGradient(_ y: Matrix, targets: TaskTargets) -> Float {
        switch targets {
        case .lastStepValues(let t), .everyStepValues(let t):
            return MeanSquaredError().lossAndGradient(prediction: y, target: t, dPrediction: y)
        case .lastStepClasses(let labels), .everyStepClasses(let labels):
            return SoftmaxCrossEntropy().lossAndGradient(logits: y, targets: labels.map { Int32($0) })
        }
    }

    /// Loss and score on `batches` (evaluation mode).
    public func evaluate(_ task: some MemoryTask, on batches: [TaskBatch]) -> TaskEvaluation {
        var e = TaskEvaluation()
        for batch in batches { e = e + task.evaluate(outputs: forward(batch, training: false), batch: batch) }
        return e
    }
}
