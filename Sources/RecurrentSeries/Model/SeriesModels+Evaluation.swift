import Recurrent

extension SequenceEncoder {
    /// Features (B, D·H) for `input` (T·B, I) in evaluation mode (no dropout, no generator);
    /// `isTraining` is restored on return.
    public func forward(_ input: Matrix, batchSize: Int, lengths: [Int]? = nil) -> Matrix {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        var unused = RandomGenerator(seed: 0)       // evaluation mode never draws from it
        return forward(input, batchSize: batchSize, lengths: lengths, generator: &unused)
    }
}

extension SequenceClassifier {
    /// Logits (B, C) for numeric inputs (T·B, F), time-major, in evaluation mode (no generator).
    public func forward(_ inputs: Matrix, batchSize: Int, lengths: [Int]? = nil) -> Matrix {
        head.forward(encoder.forward(inputs, batchSize: batchSize, lengths: lengths))
    }

    /// Logits (B, C) for token ids (T·B), time-major, in evaluation mode (no generator).
    public func forward(tokens: [Int32], batchSize: Int, lengths: [Int]? = nil) -> Matrix {
        guard let embedding else { preconditionFailure("forward(tokens:) needs a text classifier") }
        return forward(embedding.forward(tokens), batchSize: batchSize, lengths: lengths)
    }
}

extension ForecastModel {
    /// Encoded forecasts (B, H) for encoded histories (L·B, F), time-major, in evaluation mode
    /// (no generator).
    public func forward(_ inputs: Matrix, batchSize: Int) -> Matrix {
        head.forward(encoder.forward(inputs, batchSize: batchSize))
    }
}
