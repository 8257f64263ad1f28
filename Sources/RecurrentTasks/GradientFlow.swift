import Recurrent

/// How far back a loss at the last step reaches: ‖∂L_b/∂h_{T−k}‖ against k.
///
/// For a batch of B sequences of T steps with a last-step target (the adding task), L_b is
/// sequence b's loss and h_t the hidden state after step t (h_T the last). For each lag k in
/// 1…T−1 the sequence is run in two pieces, steps 1…T−k and T−k+1…T, the second starting
/// from the first's final state; backpropagating the loss through the second piece gives
/// ∂L/∂(h, c)_{T−k} as its `dInitialState` — exactly the gradient that full BPTT carries
/// across that step. The figure is the mean over b of ‖∂L_b/∂h_{T−k, b}‖₂ (= B times the row
/// norm of ∂L/∂h for the batch-mean loss L), so it does not depend on B.
///
/// Vanishing gradients show as a straight fall on a log scale (the RNN at its default
/// initialisation), exploding ones as a rise (an RNN whose W_hh has spectral radius > 1).
public enum GradientFlow {
    /// ‖∂L_b/∂h_{T−k}‖ (mean over the batch) for every k in `lags` (each in 1..<T).
    /// Gradients are computed into the model's gradient buffers and zeroed afterwards.
    public static func gradientNorms(model: SequenceModel, batch: TaskBatch, lags: [Int]) -> [Double] {
        precondition(batch.targets.isLastStep, "GradientFlow: needs a task with a last-step target")
        let b = batch.batchSize, t = batch.sequenceLength
        let layer = model.layer
        layer.isTraining = false
        var noRandomness = RandomGenerator(seed: 0)
        var norms: [Double] = []
        norms.reserveCapacity(lags.count)
        for k in lags {
            precondition((1..<t).contains(k), "GradientFlow: lag \(k) outside 1..<\(t)")
            let split = (t - k) * b
            let (_, state) = layer.forward(batch.inputs.rows(0..<split), batchSize: b, initialState: nil,
                                           generator: &noRandomness)
            let start = state.copy()                                        // h_{T−k} (and c_{T−k})
            let (hidden, _) = layer.forward(batch.inputs.rows(split..<t * b), batchSize: b, initialState: start,
                                            generator: &noRandomness)        // (k·B, H)
            let y = model.head.forward(hidden.rows((k - 1) * b..<k * b))    // (B, O)
            _ = model.lossAndGradient(y, targets: batch.targets)            // ∂L/∂y over y
            let dHidden = Matrix(rows: k * b, cols: layer.hiddenSize)       // zero but the last B rows
            model.head.backward(y, dInput: dHidden.rows((k - 1) * b..<k * b))
            let (_, dStart) = layer.backward(dOutput: dHidden, dFinalState: nil)
            var sum = 0.0                                                   // Σ_b ‖∂L/∂h_b‖ = mean_b ‖∂L_b/∂h_b‖
            for row in 0..<b {
                var squares = 0.0
                for j in 0..<layer.hiddenSize { squares += Double(dStart.h[row, j]) * Double(dStart.h[row, j]) }
                sum += squares.squareRoot()
            }
            norms.append(sum)
        }
        for p in model.parameters { p.gradient.fill(0) }
        return norms
    }

    /// 1, 2, …, 10, then about 12 points per decade up to `maxLag`: enough to draw the curve on
    /// a log scale without measuring every lag.
    public static func lagGrid(maxLag: Int) -> [Int] {
        var lags = Set((1...min(10, maxLag)).map { $0 })
        var x = 10.0
        while x < Double(maxLag) {
            x *= 1.2
            lags.insert(min(maxLag, Int(x.rounded())))
        }
        lags.insert(maxLag)
        return lags.sorted()
    }
}
