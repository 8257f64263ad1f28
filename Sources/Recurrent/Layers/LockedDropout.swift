/// Variational ("locked") dropout (Gal & Ghahramani 2016; AWD-LSTM's `LockedDropout`, Merity
/// et al. 2018): one mask per sequence, shared by all its time steps.
///
/// For a time-major input `(T·B, F)` (row t·B + b is step t of sequence b), with a mask
/// `(B, F)` drawn once per `forward`:
///
///     m[b, f] = 1/(1−p) with probability 1−p, else 0
///     y[t·B + b] = m[b] ⊙ x[t·B + b]          ∂L/∂x[t·B + b] = m[b] ⊙ ∂L/∂y[t·B + b]
///
/// as PyTorch's `x * x.new_empty(1, B, F).bernoulli_(1 − p) / (1 − p)` on `(T, B, F)`. The
/// mask comes from the generator: one `uniform()` per element of `(B, F)` in row-major order,
/// kept when the draw is ≥ p. With `rowKeys` set, mask row b is instead keyed by the global
/// stream of sequence b (`DropoutRowKeys`, time step 0) and the generator is not touched. In
/// evaluation mode or with p = 0, `forward` returns its input (the same view, drawing nothing)
/// and `backward` its argument.
public final class LockedDropout {
    /// p: the probability of zeroing a feature of a sequence, in [0, 1).
    public let probability: Float
    /// Dropout is applied only in training mode.
    public var isTraining = true
    /// When set, each sequence's mask is keyed by its global stream instead of drawn.
    public var rowKeys: DropoutRowKeys?

    private let maskSpace = GrowableBuffer(), outputSpace = GrowableBuffer(), gradientSpace = GrowableBuffer()
    private var mask: Matrix?          // (B, F) of the last forward, nil when it was the identity

    public init(_ probability: Float) {
        precondition(probability >= 0 && probability < 1, "LockedDropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    /// y = m ⊙ x, the mask row of each row's sequence, in training with p > 0; else x itself.
    public func forward(_ input: Matrix, batchSize: Int, generator: inout RandomGenerator) -> Matrix {
        guard isTraining && probability > 0 else {
            mask = nil
            return input
        }
        precondition(batchSize > 0 && input.rows % batchSize == 0,
                     "LockedDropout: \(input.rows) rows is not a multiple of batch size \(batchSize)")
        let m = maskSpace.matrix(rows: batchSize, cols: input.cols)
        let keepScale = 1 / (1 - probability)
        for b in 0..<batchSize {
            let mp = m.pointer + b * m.rowStride
            if let rowKeys { rowKeys.fillUniform(row: b, mp, count: input.cols) } else { generator.fillUniform(mp, count: input.cols) }
            for f in 0..<input.cols { mp[f] = mp[f] >= probability ? keepScale : 0 }
        }
        mask = m
        return scale(input, by: m, into: outputSpace)
    }

    /// ∂L/∂x = m ⊙ ∂L/∂y for the last `forward` (∂L/∂y itself when that was the identity).
    public func backward(_ dOutput: Matrix) -> Matrix {
        guard let m = mask else { return dOutput }
        precondition(dOutput.cols == m.cols && dOutput.rows % m.rows == 0,
                     "LockedDropout.backward: gradient \(dOutput.rows)×\(dOutput.cols) for a mask of \(m.rows)×\(m.cols)")
        return scale(dOutput, by: m, into: gradientSpace)
    }

    /// out[r] = m[r mod B] ⊙ x[r].
    private func scale(_ x: Matrix, by m: Matrix, into space: GrowableBuffer) -> Matrix {
        let out = space.matrix(rows: x.rows, cols: x.cols)
        for r in 0..<x.rows {
            let xp = x.pointer + r * x.rowStride, mp = m.pointer + (r % m.rows) * m.rowStride
            let y = out.pointer + r * out.rowStride
            for f in 0..<x.cols { y[f] = mp[f] * xp[f] }
        }
        return out
    }
}
