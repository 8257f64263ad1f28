/// Embedding dropout (Gal & Ghahramani 2016; AWD-LSTM's `embedded_dropout`): whole rows of the
/// embedding matrix — whole words — are dropped for a batch, and the kept rows scaled by
/// 1/(1−p), so every occurrence of a dropped word in the batch reads zeros.
///
/// With a mask `(V)` drawn once per `forward`, for the embedded tokens `x` `(N, E)` (row r is
/// the embedding of token id `tokens[r]`):
///
///     m[v] = 1/(1−p) with probability 1−p, else 0
///     y[r] = m[tokens[r]] · x[r]          ∂L/∂x[r] = m[tokens[r]] · ∂L/∂y[r]
///
/// which is PyTorch's `F.embedding(tokens, weight * mask)` with `mask = weight.new_empty(V, 1)
/// .bernoulli_(1 − p) / (1 − p)`: the gradient reaching `weight[v]` is m[v] times the sum over
/// its rows. The mask takes V `uniform()` draws in id order, kept when the draw is ≥ p; with
/// `maskKeys` set, the V draws are row 0 of those keys instead (one mask per step, whatever
/// part of the batch this call sees) and the generator is not touched. In evaluation mode or
/// with p = 0, `forward` returns its input (drawing nothing).
public final class EmbeddingDropout {
    /// p: the probability of dropping a word for a batch, in [0, 1).
    public let probability: Float
    public var isTraining = true
    /// When set, the word mask is keyed (`DropoutKeys.batchKeys`) instead of drawn.
    public var maskKeys: DropoutRowKeys?

    private let maskSpace = GrowableBuffer(), rowScaleSpace = GrowableBuffer()
    private let outputSpace = GrowableBuffer(), gradientSpace = GrowableBuffer()
    private var rowScale: Matrix?      // (N, 1): m[tokens[r]] of the last forward

    public init(_ probability: Float) {
        precondition(probability >= 0 && probability < 1, "EmbeddingDropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    /// y[r] = m[tokens[r]] · x[r] in training with p > 0, else x itself.
    public func forward(_ input: Matrix, tokens: UnsafeBufferPointer<Int32>, vocabularySize: Int,
                        generator: inout RandomGenerator) -> Matrix {
        guard isTraining && probability > 0 else {
            rowScale = nil
            return input
        }
        precondition(tokens.count == input.rows, "EmbeddingDropout: \(tokens.count) tokens for \(input.rows) rows")
        let mask = maskSpace.matrix(rows: 1, cols: vocabularySize)
        if let maskKeys { maskKeys.fillUniform(row: 0, mask.pointer, count: vocabularySize) } else {
            generator.fillUniform(mask.pointer, count: vocabularySize)
        }
        let keepScale = 1 / (1 - probability)
        for v in 0..<vocabularySize { mask.pointer[v] = mask.pointer[v] >= probability ? keepScale : 0 }
        let scale = rowScaleSpace.matrix(rows: input.rows, cols: 1)
        for r in 0..<input.rows {
            let token = Int(tokens[r])
            precondition(token >= 0 && token < vocabularySize, "EmbeddingDropout: token \(token) outside 0..<\(vocabularySize)")
            scale.pointer[r * scale.rowStride] = mask.pointer[token]
        }
        rowScale = scale
        return scaleRows(input, into: outputSpace, by: scale)
    }

    /// ∂L/∂x[r] = m[tokens[r]] · ∂L/∂y[r] for the last `forward`.
    public func backward(_ dOutput: Matrix) -> Matrix {
        guard let scale = rowScale else { return dOutput }
        precondition(dOutput.rows == scale.rows, "EmbeddingDropout.backward: \(dOutput.rows) rows for a forward of \(scale.rows)")
        return scaleRows(dOutput, into: gradientSpace, by: scale)
    }

    private func scaleRows(_ x: Matrix, into space: GrowableBuffer, by scale: Matrix) -> Matrix {
        let out = space.matrix(rows: x.rows, cols: x.cols)
        for r in 0..<x.rows {
            let s = scale.pointer[r * scale.rowStride]
            let xp = x.pointer + r * x.rowStride, y = out.pointer + r * out.rowStride
            for f in 0..<x.cols { y[f] = s * xp[f] }
        }
        return out
    }
}
