import Foundation
import Recurrent

/// N ES-RNN hybrids (`HybridModel`) trained with different seeds, forecasting together: every
/// quantile of every step is the median over the members (for N = 1, the model's own). The
/// point forecast is the median quantile; the prediction interval runs from the lowest to the
/// highest quantile (10 % to 90 %: an 80 % interval), widened or narrowed by a factor
/// exp(±w) calibrated on the validation part (split conformal quantile regression, Romano,
/// Patterson & Candès 2019): quantiles fitted on the training windows are too narrow out of
/// sample, and w makes the interval hold its nominal share of the validation values.
public struct HybridEnsemble: IntervalForecasting {
    public let members: [HybridModel]
    /// w: log-space widening of the interval (lower·exp(−w), upper·exp(w) on the positive scale y + offset).
    public var intervalWidening: Double

    public init(members: [HybridModel], intervalWidening: Double = 0) {
        precondition(!members.isEmpty && members.allSatisfy { $0.configuration == members[0].configuration })
        self.members = members
        self.intervalWidening = intervalWidening
    }

    public var configuration: HybridConfiguration { members[0].configuration }
    public var name: String { members.count > 1 ? "ES-RNN ×\(members.count)" : "ES-RNN" }
    public var kind: ForecastMethodKind { .hybrid }
    public var maximumHorizon: Int? { configuration.horizon }
    public var minimumHistory: Int { configuration.lookback }
    public var intervalProbability: Double { configuration.quantiles.last! - configuration.quantiles.first! }

    /// Per origin, Q rows of H values: each the median over the members.
    public func quantileForecasts(_ series: [Double], origins: [Int]) -> [[[Double]]] {
        let all = members.map { $0.quantileForecasts(series, origins: origins) }
        let Q = configuration.quantileCount, H = configuration.horizon
        return origins.indices.map { o in
            (0..<Q).map { q in (0..<H).map { h in median(all.map { $0[o][q][h] }) } }
        }
    }

    public func forecast(_ series: [Double], origin: Int, horizon: Int) -> [Double] {
        forecasts(series, origins: [origin], horizon: horizon)[0]
    }

    public func forecasts(_ series: [Double], origins: [Int], horizon: Int) -> [[Double]] {
        forecastsWithIntervals(series, origins: origins, horizon: horizon).forecasts
    }

    public func forecastsWithIntervals(_ series: [Double], origins: [Int], horizon: Int)
        -> (forecasts: [[Double]], intervals: [PredictionInterval]) {
        precondition(horizon <= configuration.horizon, "the hybrid forecasts at most \(configuration.horizon) values")
        let quantiles = quantileForecasts(series, origins: origins)
        let m = configuration.medianIndex, offset = configuration.offset
        let widen = Foundation.exp(intervalWidening)
        let forecasts = quantiles.map { Array($0[m].prefix(horizon)) }
        let intervals = quantiles.map { rows in
            PredictionInterval(lower: rows.first!.prefix(horizon).map { ($0 + offset) / widen - offset },
                               upper: rows.last!.prefix(horizon).map { ($0 + offset) * widen - offset })
        }
        return (forecasts, intervals)
    }

    /// Sets `intervalWidening` so that the intervals of the windows at `origins` hold the
    /// nominal share of their actual values: w is the ⌈(n+1)p⌉-th smallest of the n scores
    /// max(log(lower'/y'), log(y'/upper')) (primes: plus the offset), p the nominal probability.
    public mutating func calibrateIntervals(_ series: [Double], origins: [Int]) {
        guard !origins.isEmpty else { return }
        intervalWidening = 0
        let H = configuration.horizon, offset = configuration.offset
        let (_, intervals) = forecastsWithIntervals(series, origins: origins, horizon: H)
        func positive(_ v: Double) -> Double { max(v + offset, 1e-9) }
        var scores: [Double] = []
        for (origin, interval) in zip(origins, intervals) {
            for h in 0..<H {
                let y = positive(series[origin + h])
                scores.append(max(Foundation.log(positive(interval.lower[h]) / y), Foundation.log(y / positive(interval.upper[h]))))
            }
        }
        scores.sort()
        let k = min(scores.count, Int((Double(scores.count + 1) * intervalProbability).rounded(.up)))
        // + 1e-9: the value whose score is w lies on a bound, and rounding must not put it outside.
        intervalWidening = scores[max(k, 1) - 1] + 1e-9
    }

    /// Trains `count` members on `problem` with seeds `options.seed`, `options.seed + 1`, …,
    /// up to `threads` at a time (each member's training is deterministic, whatever runs beside
    /// it), then calibrates the intervals on the validation windows. `onEpoch` gets the
    /// member's index; it may be called from several threads at once.
    public static func train(problem: ForecastProblem, count: Int, season: Int? = nil, hiddenSize: Int = HybridConfiguration.defaultHiddenSize,
                             numLayers: Int = 1, quantiles: [Double] = HybridConfiguration.defaultQuantiles,
                             levelPenalty: Double = 0, options: ForecastTrainingOptions = ForecastTrainingOptions(),
                             threads: Int = ThreadPool.threadCount, metrics: MetricsLog? = nil,
                             onEpoch: @escaping @Sendable (Int, ForecastEpoch) -> Void = { _, _ in })
        throws -> (ensemble: HybridEnsemble, outcomes: [HybridTrainer.Outcome]) {
        guard count >= 1 else { throw SeriesError.invalidArgument("--ensemble must be at least 1.") }
        let trainers = try (0..<count).map { k in
            var memberOptions = options
            memberOptions.seed = options.seed &+ UInt64(k)
            return try HybridTrainer(problem: problem, season: season, hiddenSize: hiddenSize, numLayers: numLayers, quantiles: quantiles,
                                     levelPenalty: levelPenalty, options: memberOptions)
        }
        let results = Results(trainers: trainers, metrics: metrics)
        ThreadPool.parallelFor(count, threads: max(1, min(threads, count))) { k in
            results.run(k) { onEpoch(k, $0) }
        }
        let outcomes = try results.outcomes.map { try $0!.get() }
        var ensemble = HybridEnsemble(members: trainers.map(\.model))
        let calibration = problem.validationOrigins.isEmpty ? problem.trainOrigins : problem.validationOrigins
        ensemble.calibrateIntervals(problem.series.values, origins: calibration)
        return (ensemble, outcomes)
    }

    /// Each member's trainer and outcome; task k touches only slot k (the metrics log only member 0).
    private final class Results: @unchecked Sendable {
        let trainers: [HybridTrainer]
        let metrics: MetricsLog?
        var outcomes: [Result<HybridTrainer.Outcome, any Error>?]

        init(trainers: [HybridTrainer], metrics: MetricsLog?) {
            self.trainers = trainers
            self.metrics = metrics
            outcomes = Array(repeating: nil, count: trainers.count)
        }

        func run(_ k: Int, onEpoch: (ForecastEpoch) -> Void) {
            let trainer = trainers[k]
            let log = k == 0 ? metrics : nil
            let result = Result { try trainer.train(metrics: log, onEpoch: onEpoch) }
            outcomes.withUnsafeMutableBufferPointer { $0[k] = result }
        }
    }
}

/// The median of `values` (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted(), n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}
