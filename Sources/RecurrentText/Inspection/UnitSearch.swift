import Recurrent

/// One unit of one layer, seen through one signal: "layer 2, unit 117, cell state c".
///
/// Layers are 0-based here, as in PyTorch's parameter names (`weight_hh_l1` is layer 1); the
/// command line and the report show them 1-based ("2:117").
public struct UnitLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var layer: Int
    public var unit: Int
    public var signal: StateSignal

    public init(layer: Int, unit: Int, signal: StateSignal) {
        self.layer = layer
        self.unit = unit
        self.signal = signal
    }

    /// "2:117 c" (1-based layer).
    public var description: String { "\(layer + 1):\(unit) \(signal.rawValue)" }
}

/// A unit and how well it follows a feature: Pearson's r between the unit's value and the
/// feature over the tokens of the text.
public struct UnitMatch: Sendable, Equatable {
    public var location: UnitLocation
    public var correlation: Float
}

/// The automatic search for interpretable units: every unit's memory (c and h for an LSTM, h
/// otherwise) is correlated with every `TextFeature`, and the units with the largest |r| are
/// kept for each feature.
public enum UnitSearch {
    /// The signals searched for a cell: the states, not the gates.
    public static func searchedSignals(for cell: RecurrentCellKind) -> [StateSignal] {
        StateSignal.signals(for: cell).filter { $0 == .cell || $0 == .hidden }
    }

    /// The `count` best units per feature, best first (largest |r|). A feature that does not
    /// vary over the text (no quotes in it, say) has no matches; units that never change are
    /// skipped.
    public static func bestUnits(trace: StateTrace, features: [TextFeature: [Float]], count: Int)
        -> [TextFeature: [UnitMatch]] {
        let t = trace.steps, h = trace.hiddenSize
        guard t >= 2 else { return [:] }
        // Standardised features: z = (f − mean) / (std · T), so that r_j = Σ_t x̃_tj · z_t / std_j.
        var standardized: [(TextFeature, [Float])] = []
        for feature in TextFeature.allCases {
            guard let values = features[feature], values.count == t else { continue }
            let (mean, std) = meanAndStd(values)
            guard std > 1e-6 else { continue }
            standardized.append((feature, values.map { ($0 - mean) / (std * Float(t)) }))
        }
        var candidates: [TextFeature: [UnitMatch]] = [:]
        for layer in 0..<trace.numLayers {
            for signal in searchedSignals(for: trace.cell) {
                guard let x = trace.values(layer: layer, signal: signal) else { continue }
                // Per-unit mean and standard deviation over time.
                var mean = [Float](repeating: 0, count: h), square = [Float](repeating: 0, count: h)
                for step in 0..<t {
                    for j in 0..<h { let v = x[step * h + j]; mean[j] += v; square[j] += v * v }
                }
                var std = [Float](repeating: 0, count: h)
                for j in 0..<h {
                    mean[j] /= Float(t)
                    let variance: Float = square[j] / Float(t) - mean[j] * mean[j]
                    std[j] = Swift.max(0, variance).squareRoot()
                }
                for (feature, z) in standardized {
                    var dot = [Float](repeating: 0, count: h)
                    for step in 0..<t {
                        let zt = z[step]
                        if zt == 0 { continue }
                        for j in 0..<h { dot[j] += (x[step * h + j] - mean[j]) * zt }
                    }
                    for j in 0..<h where std[j] > 1e-6 {
                        let r = max(-1, min(1, dot[j] / std[j]))
                        candidates[feature, default: []].append(
                            UnitMatch(location: UnitLocation(layer: layer, unit: j, signal: signal), correlation: r))
                    }
                }
            }
        }
        return candidates.mapValues { matches in
            Array(matches.sorted { abs($0.correlation) > abs($1.correlation) }.prefix(count))
        }
    }

    static func meanAndStd(_ values: [Float]) -> (Float, Float) {
        let n = Float(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        return (mean, variance.squareRoot())
    }
}

/// How often each gate unit is saturated, as in Karpathy, Johnson & Fei-Fei (2015), Fig. 5:
/// for every gate of every layer, the fraction of steps a unit is left-saturated (< 0.1) and
/// right-saturated (> 0.9). A forget-gate unit far right remembers; one far left forgets at
/// every step.
public struct GateSaturation: Sendable {
    public struct Point: Sendable, Equatable {
        public var layer: Int
        public var unit: Int
        /// Fraction of steps with a value below 0.1.
        public var left: Double
        /// Fraction of steps with a value above 0.9.
        public var right: Double
    }

    /// Gate → one point per unit of every layer.
    public let points: [StateSignal: [Point]]

    public init(trace: StateTrace, left: Float = 0.1, right: Float = 0.9) {
        var points: [StateSignal: [Point]] = [:]
        let t = trace.steps, h = trace.hiddenSize
        for signal in trace.signals where signal.isGate {
            for layer in 0..<trace.numLayers {
                guard let x = trace.values(layer: layer, signal: signal), t > 0 else { continue }
                var below = [Int](repeating: 0, count: h), above = [Int](repeating: 0, count: h)
                for step in 0..<t {
                    for j in 0..<h {
                        let v = x[step * h + j]
                        if v < left { below[j] += 1 } else if v > right { above[j] += 1 }
                    }
                }
                for j in 0..<h {
                    points[signal, default: []].append(Point(layer: layer, unit: j, left: Double(below[j]) / Double(t),
                                                             right: Double(above[j]) / Double(t)))
                }
            }
        }
        self.points = points
    }
}
