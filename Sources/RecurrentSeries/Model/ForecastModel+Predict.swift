import Recurrent

extension ForecastModel {
    /// Forecasts in the units of `series` for the windows at `origins` (each needs
    /// `lookback` values before it), in evaluation mode, `chunk` windows per forward pass.
    public func forecast(_ series: [Double], origins: [Int], encoding: WindowEncoding,
                         chunk: Int = 256) -> [[Double]] {
        precondition(encoding.lookback == configuration.lookback && encoding.horizon == configuration.horizon
                     && encoding.featureCount == configuration.inputSize, "encoding and model disagree on their shapes")
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        var generator = RandomGenerator(seed: 0)      // evaluation draws nothing
        var result: [[Double]] = []
        result.reserveCapacity(origins.count)
        var start = 0
        while start < origins.count {
            let batch = origins[start..<min(start + chunk, origins.count)]
            let inputs = Matrix(rows: encoding.lookback * batch.count, cols: encoding.featureCount)
            let references = batch.enumerated().map { b, origin in
                encoding.encode(series, origin: origin, batchIndex: b, batchSize: batch.count, inputs: inputs)
            }
            let outputs = forward(inputs, batchSize: batch.count, generator: &generator)
            for b in 0..<batch.count { result.append(encoding.decode(outputs, row: b, references: references[b])) }
            start += chunk
        }
        return result
    }
}
