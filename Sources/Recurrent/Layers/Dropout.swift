/// Inverted dropout: in training, each element is zeroed with probability p and the survivors
/// are scaled by 1/(1−p), so the expected value is unchanged and evaluation needs no rescaling.
///
/// For an input `x` of any shape `(N, F)`, with a mask drawn once per `forward`:
///
///     m = 1/(1−p) with probability 1−p, else 0      (p = 1: m = 0)
///     y = m ⊙ x            ∂L/∂x = m ⊙ ∂L/∂y
///
/// The mask comes from the generator passed to `forward`: one `uniform()` per element in
/// row-major order, the element kept when the draw is ≥ p. Same seed, same mask. With `rowKeys`
/// set, each row's draws come from its key instead and the generator is not touched
/// (`Dropout+Keys.swift`). In evaluation
/// mode (`isTraining == false`) or with p = 0, `forward` returns its input unchanged (the same
/// view, drawing nothing) and `backward` returns its argument.
///
/// Outputs are views into buffers the module owns, valid until its next `forward`/`backward`.
public final class Dropout {
    /// p: the probability of zeroing an element, in [0, 1].
    public let probability: Float
    /// Dropout is applied only in training mode.
    public var isTraining = true
    /// When set, masks are keyed by (stream, step) instead of drawn from the generator.
    public var rowKeys: DropoutRowKeys?

    private let maskSpace = GrowableBuffer(), outputSpace = GrowableBuffer(), gradientSpace = GrowableBuffer()
    private var mask: Matrix?          // (N, F) of the last forward, nil when it was the identity

    public init(_ probability: Float) {
        precondition(probability >= 0 && probability <= 1, "Dropout probability must be in [0, 1], got \(probability)")
        self.probability = probability
    }

    /// y = m ⊙ x in training with p > 0, else x itself.
    public func forward(_ input: Matrix, generator: inout RandomGenerator) -> Matrix {
        guard isTraining && probability > 0 else {
            mask = nil
            return input
        }
        let m = maskSpace.matrix(rows: input.rows, cols: input.cols)
        let out = outputSpace.matrix(rows: input.rows, cols: input.cols)
        let p = probability
        let keepScale: Float = p < 1 ? 1 / (1 - p) : 0
        for r in 0..<input.rows {
            let x = input.pointer + r * input.rowStride
            let mp = m.pointer + r * m.rowStride, y = out.pointer + r * out.rowStride
            // The row's draws in one run (the same numbers as one uniform() per element),
            // then turned into the mask in place.
            if let rowKeys { rowKeys.fillUniform(row: r, mp, count: input.cols) } else { generator.fillUniform(mp, count: input.cols) }
            for c in 0..<input.cols {
                let scale = mp[c] >= p ? keepScale : 0
                mp[c] = scale
                y[c] = scale * x[c]
            }
        }
        mask = m
        return out
    }

    /// ∂L/∂x = m ⊙ ∂L/∂y for the last `forward` (∂L/∂y itself when that was the identity).
    public func backward(_ dOutput: Matrix) -> Matrix {
        guard let m = mask else { return dOutput }
        precondition(dOutput.rows == m.rows && dOutput.cols == m.cols,
                     "Dropout.backward: gradient \(dOutput.rows)×\(dOutput.cols) for a forward of \(m.rows)×\(m.cols)")
        let dx = gradientSpace.matrix(rows: m.rows, cols: m.cols)
        for r in 0..<m.rows {
            let dy = dOutput.pointer + r * dOutput.rowStride
            let mp = m.pointer + r * m.rowStride, out = dx.pointer + r * dx.rowStride
            for c in 0..<m.cols { out[c] = mp[c] * dy[c] }
        }
        return dx
    }
}
