/// Per-feature standardisation, z = (x − mean) / standardDeviation, fitted on training data
/// only so that nothing about the validation or test parts leaks into the model.
///
/// Codable: it is stored in the checkpoint and applied unchanged at prediction time.
/// A feature that is constant in the training data gets a standard deviation of 1 (it is
/// only centred), so nothing is divided by zero.
public struct Standardizer: Codable, Equatable, Sendable {
    public var mean: [Double]
    /// Population standard deviation (divide by n), 1 where the feature is constant.
    public var standardDeviation: [Double]

    public init(mean: [Double], standardDeviation: [Double]) {
        precondition(mean.count == standardDeviation.count, "one mean and one deviation per feature")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Fits one feature on `values` (non-empty).
    public init<C: Collection>(fitting values: C) where C.Element == Double {
        precondition(!values.isEmpty, "Standardizer needs at least one value")
        var sum = 0.0
        for v in values { sum += v }
        let m = sum / Double(values.count)
        var squares = 0.0
        for v in values { squares += (v - m) * (v - m) }
        let sd = (squares / Double(values.count)).squareRoot()
        self.init(mean: [m], standardDeviation: [sd > 1e-12 * max(1, abs(m)) ? sd : 1])
    }

    /// Fits `featureCount` features on flat rows `x[i * featureCount + f]` of `examples`
    /// (e.g. every time step of every training sequence).
    public init(fitting examples: [[Float]], featureCount: Int) {
        precondition(featureCount > 0 && !examples.isEmpty, "Standardizer needs features and examples")
        var sum = [Double](repeating: 0, count: featureCount)
        var n = 0
        for x in examples {
            precondition(x.count % featureCount == 0, "example length \(x.count) is not a multiple of \(featureCount)")
            for (i, v) in x.enumerated() { sum[i % featureCount] += Double(v) }
            n += x.count / featureCount
        }
        let m = sum.map { $0 / Double(n) }
        var squares = [Double](repeating: 0, count: featureCount)
        for x in examples {
            for (i, v) in x.enumerated() { let d = Double(v) - m[i % featureCount]; squares[i % featureCount] += d * d }
        }
        let sd = zip(squares, m).map { s, mean in
            let v = (s / Double(n)).squareRoot()
            return v > 1e-12 * max(1, abs(mean)) ? v : 1
        }
        self.init(mean: m, standardDeviation: sd)
    }

    public var featureCount: Int { mean.count }

    public func transform(_ x: Double, feature: Int = 0) -> Double { (x - mean[feature]) / standardDeviation[feature] }

    public func inverse(_ z: Double, feature: Int = 0) -> Double { z * standardDeviation[feature] + mean[feature] }

    /// Standardises a flat example `x[i * featureCount + f]` in place.
    public func transform(_ x: inout [Float]) {
        for i in x.indices {
            let f = i % featureCount
            x[i] = Float((Double(x[i]) - mean[f]) / standardDeviation[f])
        }
    }
}
