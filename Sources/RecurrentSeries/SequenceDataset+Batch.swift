import Recurrent

extension SequenceDataset {
    /// Copies examples `indices` into time-major `inputs` (T·B, F), B = `indices.count`:
    /// row t·B + b is step t of example `indices[b]`.
    public func fillBatch<C: Collection>(_ indices: C, inputs: Matrix) where C.Element == Int {
        let batchSize = indices.count
        precondition(inputs.rows == steps * batchSize && inputs.cols == features,
                     "inputs must be (\(steps)·\(batchSize), \(features)), got \(inputs.rows)×\(inputs.cols)")
        for (b, example) in indices.enumerated() {
            let x = self.inputs[example]
            for t in 0..<steps {
                for f in 0..<features { inputs[t * batchSize + b, f] = x[t * features + f] }
            }
        }
    }

    /// The dataset with every example standardised by `standardizer` (one mean and deviation
    /// per feature, fitted on training examples only).
    public func standardized(by standardizer: Standardizer) -> SequenceDataset {
        precondition(standardizer.featureCount == features, "standardizer has \(standardizer.featureCount) features, data \(features)")
        var copy = self
        for i in copy.inputs.indices { standardizer.transform(&copy.inputs[i]) }
        return copy
    }

    /// The examples at `indices`, as a dataset of their own (same classes and shape).
    public func subset<C: Collection>(_ indices: C) -> SequenceDataset where C.Element == Int {
        SequenceDataset(file: file, steps: steps, features: features, inputs: indices.map { inputs[$0] },
                        labels: indices.map { labels[$0] }, classNames: classNames)
    }
}
