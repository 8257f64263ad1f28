import Recurrent

extension ONNXGraphBuilder {
    /// The adaptive softmax's full log-probability distribution, as PyTorch's
    /// `AdaptiveLogSoftmaxWithLoss.log_prob`: x (…, H) → (…, V), each row's exponentials
    /// summing to 1. With the shortlist 0 ..< c₀ and K clusters c_i ..< c_{i+1}:
    ///
    ///     head  = LogSoftmax(x·W_headᵀ (+ b))                           (…, c₀ + K)
    ///     out[…, ..<c₀]         = head[…, ..<c₀]
    ///     out[…, c_i..<c_{i+1}] = LogSoftmax((x·W_i,0ᵀ)·W_i,1ᵀ) + head[…, c₀ + i]
    ///
    /// as nodes: MatMul (+ Add) and LogSoftmax for the head; Split of its columns into the
    /// shortlist and one (…, 1) column per cluster; per cluster two MatMuls, LogSoftmax and an
    /// Add broadcasting the cluster's head log-probability; Concat of the pieces in class order.
    /// Initializers: `prefix.head.weight_t`, `prefix.head.bias`, `prefix.tail.i.0.weight_t`,
    /// `prefix.tail.i.1.weight_t` (the PyTorch names, transposed for MatMul).
    mutating func adaptiveSoftmax(_ layer: AdaptiveLogSoftmaxWithLoss, prefix: String, input: String, output: String) {
        let k = layer.clusterCount
        let headScores = value("\(prefix).head")
        linear(layer.head, prefix: "\(prefix).head", input: input, output: headScores)
        let headLogProb = value("\(prefix).head_log_prob")                         // (…, c₀ + K)
        node("LogSoftmax", inputs: [headScores], outputs: [headLogProb], attributes: [.int("axis", -1)])
        let shortlist = value("\(prefix).shortlist")                               // (…, c₀)
        let shares = (0..<k).map { value("\(prefix).cluster\($0).share") }        // (…, 1) each
        let sizes = initializer(value("\(prefix).split"), int64s: [Int64(layer.shortlistSize)] + Array(repeating: 1, count: k))
        node("Split", inputs: [headLogProb, sizes], outputs: [shortlist] + shares, attributes: [.int("axis", -1)])
        var pieces = [shortlist]
        for i in 0..<k {
            let (projection, scores) = layer.tail[i]
            let projected = value("\(prefix).tail.\(i).projected")                 // (…, ⌊H/divᶦ⁺¹⌋)
            linear(projection, prefix: "\(prefix).tail.\(i).0", input: input, output: projected)
            let clusterScores = value("\(prefix).tail.\(i).scores")                // (…, c_{i+1} − c_i)
            linear(scores, prefix: "\(prefix).tail.\(i).1", input: projected, output: clusterScores)
            let clusterLogProb = value("\(prefix).tail.\(i).log_prob")
            node("LogSoftmax", inputs: [clusterScores], outputs: [clusterLogProb], attributes: [.int("axis", -1)])
            let piece = value("\(prefix).cluster\(i)")
            node("Add", inputs: [clusterLogProb, shares[i]], outputs: [piece])
            pieces.append(piece)
        }
        node("Concat", inputs: pieces, outputs: [output], attributes: [.int("axis", -1)])
    }
}
