import Foundation

/// Conformal calibration of the hybrid's intervals (split conformal quantile regression, Romano,
/// Patterson & Candès 2019), on windows the members never trained on.
///
/// The score of a window's step h is how far its actual value lies outside the raw interval
/// [lower, upper] (the extreme quantiles), in logarithms of the positive values y' = y + offset:
///
///     score = max(log(lower'/y'), log(y'/upper'))        (≤ 0 inside, > 0 outside)
///
/// and the widening w for nominal probability p is the ⌈(n+1)p⌉-th smallest of n scores, so that
/// [lower'·e^(−w), upper'·e^(w)] holds at least that share of them.
///
/// Sequential: at origin t, the windows known before it are those at origins c with
/// `calibrationStart` ≤ c and c + H ≤ t (every value of them precedes t, and the members never
/// trained on them); with a `calibration.memory` of M only the M latest of them (at least
/// `minimumCalibrationWindows`), so that an old regime stops setting today's width. With
/// `calibration.known` = `.everyKnownValue`, step h also reads windows not yet complete, those
/// with c + h < t, so that each step's M latest scores are of the M values just before t (a
/// complete window's step 1 is H − 1 values old, and M complete windows reach 2H − 1 back). From
/// `minimumCalibrationWindows` of them on, the steps get their own widenings, as errors grow
/// with the horizon and one w for all would over-cover the first steps and under-cover the
/// last: either each step w_h from its n scores (`.separate`), or one quantile q of all n·H
/// scores divided by their window's raw log width at their step, w_h = q · the origin's raw log
/// width at step h (`.pooledRelative`, CQR-r of Sesia & Candès 2020). As time passes the
/// calibration set moves with the series (validation and test windows alike), a forecast past
/// the end of the data uses the latest windows after the training part, and nothing at or after
/// t is read — the backtest stays honest. With fewer windows (the first validation origins,
/// short series) the pooled `intervalWidening` of the validation windows is used.
extension HybridEnsemble {
    /// Windows needed before the steps get their own widenings: 2/(1 − p), 10 for an 80 %
    /// interval, so that a step's w_h is never its largest score (⌈(n+1)p⌉ < n).
    /// (− 1e-9: 1 − (0.9 − 0.1) is a hair below 0.2 in binary floating point.)
    public var minimumCalibrationWindows: Int { Int((2 / (1 - intervalProbability) - 1e-9).rounded(.up)) }

    /// The widening of each step (H values) for every origin, in log space.
    public func stepWidenings(_ series: [Double], origins: [Int]) -> [[Double]] {
        stepWidenings(series, origins: origins, quantiles: { quantileForecasts(series, origins: origins) })
    }

    /// The same, given (or computing when needed) the origins' Q rows of H quantiles.
    func stepWidenings(_ series: [Double], origins: [Int], quantiles: () -> [[[Double]]]) -> [[Double]] {
        let H = configuration.horizon
        let pooled = [Double](repeating: intervalWidening, count: H)
        guard let start = calibrationStart, let latest = origins.max() else { return origins.map { _ in pooled } }
        // Every window that some origin may use: from the calibration start (with its lookback) to
        // the last one complete before the latest origin, or with every known value, the last one
        // whose first step is known.
        let end = min(latest, series.count)
        let first = max(start, configuration.lookback), lastComplete = end - H
        guard lastComplete - first + 1 >= minimumCalibrationWindows else { return origins.map { _ in pooled } }
        let windows = Array(first...(calibration.known == .completeWindows ? lastComplete : end - 1))
        let windowQuantiles = quantileForecasts(series, origins: windows)
        let scores = self.scores(series, origins: windows, quantiles: windowQuantiles)   // (windows, ≤ H)
        let relative = calibration.steps == .pooledRelative
        // Scores over their window's raw log width at each step (CQR-r), when pooled relative.
        let relativeScores = relative ? zip(scores, windowQuantiles).map { s, rows in
            zip(s, logWidths(rows)).map { $0 / $1 }
        } : []
        let originWidths = relative ? quantiles().map(logWidths) : []
        let keep = calibration.memory.map { max($0, minimumCalibrationWindows) }
        return origins.indices.map { o in
            let t = origins[o]
            let complete = min(windows.count, max(0, t - H - first + 1))      // windows c ≤ t − H
            guard complete >= minimumCalibrationWindows else { return pooled }
            // Step h's windows, as indices into `windows`: those whose value at h precedes t
            // (c ≤ t − 1 − h; only complete ones unless every known value counts), the latest `keep`.
            let steps = (0..<H).map { h -> Range<Int> in
                let known = calibration.known == .completeWindows ? complete : min(windows.count, max(0, t - h - first))
                return (keep.map { max(0, known - $0) } ?? 0)..<known
            }
            switch calibration.steps {
            case .separate:
                return (0..<H).map { h in conformalQuantile(scores[steps[h]].map { $0[h] }) }
            case .pooledRelative:
                let q = conformalQuantile((0..<H).flatMap { h in relativeScores[steps[h]].map { $0[h] } })
                return originWidths[o].map { q * $0 }
            }
        }
    }

    /// Per step, log(upper′/lower′) of the raw interval in one origin's Q rows (at least 1e-6).
    func logWidths(_ rows: [[Double]]) -> [Double] {
        let offset = configuration.offset
        func logPositive(_ v: Double) -> Double { Foundation.log(max(v + offset, 1e-9)) }
        let interval = rawInterval(rows)
        return zip(interval.lower, interval.upper).map { max(logPositive($1) - logPositive($0), 1e-6) }
    }

    /// Sets `intervalWidening` so that the raw intervals of the windows at `origins`, widened by
    /// it, hold the nominal share of their actual values (all steps pooled).
    public mutating func calibrateIntervals(_ series: [Double], origins: [Int]) {
        guard !origins.isEmpty else { return }
        intervalWidening = conformalQuantile(scores(series, origins: origins).flatMap { $0 })
    }

    /// Per window, the scores of its raw interval against the actual values: H, or as many as the series holds.
    func scores(_ series: [Double], origins: [Int]) -> [[Double]] {
        scores(series, origins: origins, quantiles: quantileForecasts(series, origins: origins))
    }

    /// The same, given the windows' Q rows of H quantiles.
    func scores(_ series: [Double], origins: [Int], quantiles: [[[Double]]]) -> [[Double]] {
        let offset = configuration.offset
        func positive(_ v: Double) -> Double { max(v + offset, 1e-9) }
        return zip(origins, quantiles).map { origin, rows in
            let interval = rawInterval(rows)
            return (0..<min(configuration.horizon, series.count - origin)).map { h in
                let y = positive(series[origin + h])
                return max(Foundation.log(positive(interval.lower[h]) / y), Foundation.log(y / positive(interval.upper[h])))
            }
        }
    }

    /// The ⌈(n+1)p⌉-th smallest of the n scores (the largest when that exceeds n), p the nominal probability.
    func conformalQuantile(_ scores: [Double]) -> Double {
        let sorted = scores.sorted()
        let k = min(sorted.count, Int((Double(sorted.count + 1) * intervalProbability).rounded(.up)))
        // + 1e-9: the value whose score is w lies on a bound, and rounding must not put it outside.
        return sorted[max(k, 1) - 1] + 1e-9
    }
}

extension PredictionInterval {
    /// The interval widened step by step by exp(w_h) on the positive scale y + offset:
    /// [(lower + offset)·e^(−w_h) − offset, (upper + offset)·e^(w_h) − offset]; a negative w_h narrows it.
    func widened(by widening: [Double], offset: Double) -> PredictionInterval {
        PredictionInterval(lower: zip(lower, widening).map { ($0 + offset) / Foundation.exp($1) - offset },
                           upper: zip(upper, widening).map { ($0 + offset) * Foundation.exp($1) - offset })
    }
}
