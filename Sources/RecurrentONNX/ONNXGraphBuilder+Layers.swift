import Recurrent

extension ONNXGraphBuilder {
    /// y = x·Wᵀ + b for a `Linear` (W (out, in), b (out)) as MatMul with the transposed weight
    /// (in, out) and Add; x is (…, in), y (…, out).
    mutating func linear(_ layer: Linear, prefix: String, input: String, output: String) {
        let w = layer.weight.value                                 // (out, in)
        var transposed = [Float](repeating: 0, count: w.count)     // (in, out)
        for o in 0..<w.rows {
            for i in 0..<w.cols { transposed[i * w.rows + o] = w[o, i] }
        }
        initializer("\(prefix).weight_t", dims: [w.cols, w.rows], floats: transposed)
        let product = value("\(prefix).matmul")
        node("MatMul", inputs: [input, "\(prefix).weight_t"], outputs: [product])
        if let bias = layer.bias {
            initializer("\(prefix).bias", dims: [w.rows], floats: bias.value.toArray())
            node("Add", inputs: [product, "\(prefix).bias"], outputs: [output])
        } else {
            node("Identity", inputs: [product], outputs: [output])
        }
    }

    /// Rows of an `Embedding` (V, E) gathered for int64 ids of any shape → (…, E).
    mutating func embedding(_ layer: Embedding, prefix: String, ids: String, output: String) {
        let table = layer.weight.value
        initializer("\(prefix).weight", dims: [table.rows, table.cols], floats: table.toArray())
        node("Gather", inputs: ["\(prefix).weight", ids], outputs: [output], attributes: [.int("axis", 0)])
    }
}
