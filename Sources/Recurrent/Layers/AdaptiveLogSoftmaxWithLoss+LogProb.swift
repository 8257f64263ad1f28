extension AdaptiveLogSoftmaxWithLoss {
    /// Scratch for `logProb(_:into:workspace:)`. A caller that must not disturb the layer's own
    /// buffers (a sampler running beside training) keeps its own.
    public final class Workspace {
        let head = GrowableBuffer()          // (N, c₀ + K)
        let projection = GrowableBuffer()    // (N, ⌊H/divᶦ⁺¹⌋)
        let output = GrowableBuffer()        // (N, V), for `logProb(_:)`
        public init() {}
    }

    /// log p(v | x) for every class, (N, V) — PyTorch's `log_prob(x)`; each row's exponentials
    /// sum to 1. A view of a layer-owned buffer, valid until the next call.
    public func logProb(_ x: Matrix) -> Matrix {
        let out = workspace.output.matrix(rows: x.rows, cols: classCount)          // (N, V)
        logProb(x, into: out, workspace: workspace)
        return out
    }

    /// Writes log p(v | x), (N, V), into `out` (any view), with `workspace`'s scratch; reads
    /// the weights only, so nothing recorded for `lossAndGradient` changes:
    ///
    ///     out[:, ..<c₀]      = log_softmax(head)[:, ..<c₀]
    ///     out[:, c_i..<c_{i+1}] = log_softmax(tail_i) + log_softmax(head)[:, c₀ + i]
    public func logProb(_ x: Matrix, into out: Matrix, workspace: Workspace) {
        let n = x.rows, shortlist = shortlistSize
        precondition(x.cols == inputSize && out.rows == n && out.cols == classCount,
                     "AdaptiveLogSoftmaxWithLoss.logProb: input \(x.rows)×\(x.cols) into \(out.rows)×\(out.cols); layer is \(inputSize) → \(classCount)")
        let headLogProb = workspace.head.matrix(rows: n, cols: shortlist + clusterCount)   // (N, c₀ + K)
        gemm(headLogProb, x, .none, head.weight.value, .transposed)
        if let bias = head.bias { headLogProb.addRowVector(bias.value) }
        VectorMath.logSoftmaxRows(headLogProb, headLogProb)
        out.columns(0..<shortlist).assign(headLogProb.columns(0..<shortlist))
        for i in 0..<clusterCount {
            let (projection, output) = tail[i]
            let p = workspace.projection.matrix(rows: n, cols: projection.outputSize)     // (N, ⌊H/divᶦ⁺¹⌋)
            gemm(p, x, .none, projection.weight.value, .transposed)
            let z = out.columns(classRange(ofCluster: i))                                 // (N, c_{i+1} − c_i)
            gemm(z, p, .none, output.weight.value, .transposed)
            VectorMath.logSoftmaxRows(z, z)
            for r in 0..<n {
                let share = headLogProb[r, shortlist + i], row = z.pointer + r * z.rowStride
                for j in 0..<z.cols { row[j] += share }
            }
        }
    }
}
