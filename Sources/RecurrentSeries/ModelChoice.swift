/// Which model to forecast with, chosen honestly: every candidate — the network and the
/// baselines alike — forecasts the same rolling origins of a validation part it was not fitted
/// on (statistics refit on the history before each origin), and the lowest MAE wins. The
/// baselines come first, so the network is recommended only when it is strictly better.
public struct ModelChoice: Codable, Equatable, Sendable {
    public var recommended: ForecastMethodKind
    /// The name of the recommended method as shown in tables (`LSTM`, `theta`, …).
    public var recommendedName: String
    /// One score per candidate, in the order they were given.
    public var scores: [ForecastScore]
    public var kinds: [ForecastMethodKind]
    /// The origins the candidates were judged on.
    public var origins: [Int]
    public var horizon: Int

    /// Judges `candidates` on `evaluation` (MASE scaled by the history before its first origin).
    /// `nil` when there is no origin or no candidate can forecast them.
    public init?(candidates: [any ForecastMethod], series: [Double], evaluation: RollingOrigin, season: Int?) {
        let usable = candidates.filter { m in
            (m.maximumHorizon.map { $0 >= evaluation.horizon } ?? true) && (evaluation.origins.first ?? 0) >= m.minimumHistory
        }
        let scores = evaluation.scores(usable, series: series, scale: evaluation.maseScale(series, season: season))
        guard !scores.isEmpty, let best = scores.indices.min(by: { scores[$0].accuracy.mae < scores[$1].accuracy.mae }) else {
            return nil
        }
        self.scores = scores
        kinds = usable.map(\.kind)
        recommended = kinds[best]
        recommendedName = scores[best].method
        origins = evaluation.origins
        horizon = evaluation.horizon
    }

    /// The rolling origins of `problem`'s validation part (of its training part's end when
    /// there is no validation part): up to `count`, each with a full lookback.
    public static func validationOrigins(_ problem: ForecastProblem, count: Int = 5) -> RollingOrigin {
        let part = problem.split.validation.isEmpty ? problem.split.train : problem.split.validation
        return RollingOrigin(part: part, horizon: problem.horizon, count: count, minimumOrigin: problem.lookback)
    }

    /// The best score of a candidate other than the network, and the network's, when both exist.
    public var networkAndBestBaseline: (network: ForecastScore, baseline: ForecastScore)? {
        guard let n = kinds.firstIndex(where: \.isNetwork) else { return nil }
        let others = scores.indices.filter { !kinds[$0].isNetwork }
        guard let b = others.min(by: { scores[$0].accuracy.mae < scores[$1].accuracy.mae }) else { return nil }
        return (scores[n], scores[b])
    }

    /// A plain sentence: which model is recommended and whether the network beat the baselines.
    public var verdict: String {
        let window = "\(origins.count) validation origins × horizon \(horizon)"
        guard let pair = networkAndBestBaseline else { return "recommended: \(recommendedName) (\(window))." }
        func mase(_ s: ForecastScore) -> String {
            s.accuracy.mase.map { "MASE " + String((($0 * 10_000).rounded() / 10_000)) } ?? "MAE \(s.accuracy.mae)"
        }
        if recommended.isNetwork {
            return "recommended: \(recommendedName) — the network beats every baseline on \(window) "
                + "(\(mase(pair.network)); best baseline \(pair.baseline.method), \(mase(pair.baseline)))."
        }
        return "recommended: \(recommendedName) — no network beats the baselines on \(window) "
            + "(\(pair.network.method) \(mase(pair.network)); \(pair.baseline.method) \(mase(pair.baseline))). "
            + "predict uses \(recommendedName) unless given --model \(kinds.first(where: \.isNetwork)!.rawValue)."
    }
}
