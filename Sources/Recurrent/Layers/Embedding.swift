/// A lookup table of token vectors: `output[n] = weight[tokens[n]]`.
///
/// Shapes: `weight` is (V, E); `forward` maps N = T·B token ids (time-major, step t is ids
/// `t*B ..< (t+1)*B`) to an (N, E) matrix; `backward` takes dOutput (N, E) and scatter-adds
/// each row into the row of `weight.gradient` of its token:
///
///     dW[v] += Σ_{n : tokens[n] = v} dOutput[n]
///
/// A token used several times in a batch accumulates all its rows. There is no gradient for
/// the input (token ids are not differentiable).
///
/// The parameter is named `weight` with shape `[V, E]`, like `torch.nn.Embedding`'s `state_dict`,
/// and is initialised from N(0, 1) as PyTorch does.
///
/// `forward` records the ids for `backward` and returns a view of a layer-owned buffer that the
/// next `forward` overwrites; a layer that keeps it (or copies it) across calls must do so
/// before calling `forward` again.
public final class Embedding: ParameterContainer {
    /// V, the number of token ids (valid ids are `0 ..< vocabularySize`).
    public let vocabularySize: Int
    /// E, the length of each token vector.
    public let embeddingSize: Int
    /// `weight` (V, E).
    public let weight: Parameter

    private let outputSpace = GrowableBuffer()
    /// The ids seen by the last `forward` (N of them), kept for `backward`.
    private var tokens: [Int32] = []

    public var parameters: [Parameter] { [weight] }

    /// A table with every entry drawn from N(0, 1) by `generator` (row-major order).
    public init(vocabularySize: Int, embeddingSize: Int, generator: inout RandomGenerator) {
        precondition(vocabularySize > 0 && embeddingSize > 0,
                     "Embedding needs positive sizes, got vocabularySize \(vocabularySize), embeddingSize \(embeddingSize)")
        self.vocabularySize = vocabularySize
        self.embeddingSize = embeddingSize
        let value = Matrix(rows: vocabularySize, cols: embeddingSize)
        let p = value.pointer
        for i in 0..<value.count { p[i] = generator.normal() }
        weight = Parameter(name: "weight", shape: [vocabularySize, embeddingSize], value: value,
                           gradient: Matrix(rows: vocabularySize, cols: embeddingSize))
    }

    /// Looks up N token ids (T·B, time-major) and returns their vectors, (N, E).
    public func forward(_ tokens: [Int32]) -> Matrix {
        tokens.withUnsafeBufferPointer { forward($0) }
    }

    /// Looks up N token ids (T·B, time-major) and returns their vectors, (N, E).
    public func forward(_ tokens: UnsafeBufferPointer<Int32>) -> Matrix {
        let result = outputSpace.matrix(rows: tokens.count, cols: embeddingSize)   // (N, E)
        forward(tokens, into: result)
        return result
    }

    /// Writes the vectors of N token ids into `result` (N, E), which may be any view (for
    /// example the input columns of a larger buffer).
    public func forward(_ tokens: UnsafeBufferPointer<Int32>, into result: Matrix) {
        precondition(result.rows == tokens.count && result.cols == embeddingSize,
                     "Embedding.forward: \(tokens.count) tokens into a \(result.rows)×\(result.cols) output, expected \(tokens.count)×\(embeddingSize)")
        self.tokens.removeAll(keepingCapacity: true)
        self.tokens.append(contentsOf: tokens)
        let table = weight.value.pointer, e = embeddingSize
        for (n, token) in tokens.enumerated() {
            let v = Int(token)
            precondition(v >= 0 && v < vocabularySize, "Embedding: token id \(v) outside 0..<\(vocabularySize)")
            (result.pointer + n * result.rowStride).update(from: table + v * e, count: e)
        }
    }

    /// Adds the gradient of the last `forward`'s output, dOutput (N, E), into `weight.gradient`.
    public func backward(_ dOutput: Matrix) {
        precondition(dOutput.rows == tokens.count && dOutput.cols == embeddingSize,
                     "Embedding.backward: dOutput \(dOutput.rows)×\(dOutput.cols), expected \(tokens.count)×\(embeddingSize)")
        let dTable = weight.gradient.pointer, e = embeddingSize
        for (n, token) in tokens.enumerated() {
            let dRow = dTable + Int(token) * e, src = dOutput.pointer + n * dOutput.rowStride
            for j in 0..<e { dRow[j] += src[j] }
        }
    }
}
