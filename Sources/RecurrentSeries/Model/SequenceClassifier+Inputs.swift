import Recurrent

extension SequenceClassifier {
    /// Logits (B, C) for the examples of `inputs` at `indices` (B of them), batched time-major.
    public func logits<C: Collection>(_ inputs: ClassificationInputs, _ indices: C,
                                      generator: inout RandomGenerator) -> Matrix where C.Element == Int {
        let n = indices.count
        switch inputs {
        case .numeric(let data):
            let x = Matrix(rows: data.steps * n, cols: data.features)            // (T·B, F)
            data.fillBatch(indices, inputs: x)
            return forward(x, batchSize: n, generator: &generator)
        case .tokens(let sequences, _, _):
            let steps = inputs.steps
            var ids = [Int32](repeating: 0, count: steps * n)                     // (T·B)
            for (b, i) in indices.enumerated() {
                for t in 0..<steps { ids[t * n + b] = sequences[i][t] }
            }
            guard configuration.textPadding == .lengths, let vocabularySize = configuration.vocabularySize else {
                return forward(tokens: ids, batchSize: n, generator: &generator)
            }
            // Right-padded: a sequence's length is its count of ids before the padding id (the
            // last id); an empty line is one padding token.
            let padding = Int32(vocabularySize - 1)
            let lengths = indices.map { i in max(1, sequences[i].firstIndex(of: padding) ?? steps) }
            return forward(tokens: ids, batchSize: n, lengths: lengths, generator: &generator)
        }
    }

    /// The predicted class and its softmax probability for every example of `inputs`, in evaluation mode.
    public func predict(_ inputs: ClassificationInputs) -> [(label: Int, probability: Float)] {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        var generator = RandomGenerator(seed: 0)          // evaluation draws nothing
        var result: [(label: Int, probability: Float)] = []
        var start = 0
        while start < inputs.count {
            let batch = start..<min(start + 256, inputs.count)
            start += 256
            let z = logits(inputs, batch, generator: &generator)
            z.softmaxRows()
            for b in 0..<batch.count {
                let k = argmax(z.row(b))
                result.append((k, z[b, k]))
            }
        }
        return result
    }
}

/// The column of the largest value in a 1 × C row (the first on ties).
func argmax(_ row: Matrix) -> Int {
    var best = 0
    for c in 1..<row.cols where row[0, c] > row[0, best] { best = c }
    return best
}
