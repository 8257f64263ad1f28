import Foundation

/// Which exponential-smoothing model: additive or multiplicative errors, a trend that is
/// absent, additive or damped, and a season that is absent, additive or multiplicative —
/// ETS(error, trend, season) in the notation of Hyndman, Koehler, Ord & Snyder (2008), the
/// models statsmodels' `ETSModel` fits.
public struct ETSSpecification: Codable, Hashable, Sendable, CustomStringConvertible {
    public enum Error: String, Codable, Sendable, CaseIterable { case additive, multiplicative }
    public enum Trend: String, Codable, Sendable, CaseIterable { case none, additive, damped }
    public enum Season: String, Codable, Sendable, CaseIterable { case none, additive, multiplicative }

    public var error: Error
    public var trend: Trend
    public var season: Season
    /// The season length m (1 without a season).
    public var period: Int

    public init(error: Error = .additive, trend: Trend, season: Season, period: Int = 1) {
        self.error = error
        self.trend = trend
        self.season = season
        self.period = season == .none ? 1 : period
    }

    /// Smoothing parameters (α, β, γ, φ as present) + initial states (level, trend, m seasonal
    /// states) + the error variance: statsmodels' count, which AICc uses.
    public var parameterCount: Int {
        let smoothing = 1 + (trend == .none ? 0 : 1) + (season == .none ? 0 : 1) + (trend == .damped ? 1 : 0)
        return smoothing + 1 + (trend == .none ? 0 : 1) + (season == .none ? 0 : period) + 1
    }

    /// `ETS(A,Ad,M)`: error, trend, season.
    public var description: String {
        "ETS(" + (error == .additive ? "A" : "M") + "," + ["none": "N", "additive": "A", "damped": "Ad"][trend.rawValue]! + ","
            + ["none": "N", "additive": "A", "multiplicative": "M"][season.rawValue]! + ")"
    }
}

/// Smoothing parameters and initial states of an ETS model.
public struct ETSParameters: Codable, Equatable, Sendable {
    public var alpha: Double
    /// The trend's smoothing β (0 without a trend); β ≤ α.
    public var beta: Double
    /// The season's smoothing γ (0 without a season); γ ≤ 1 − α.
    public var gamma: Double
    /// The damping φ (1 unless damped; 0.8 ≤ φ ≤ 0.98).
    public var phi: Double
    public var level: Double
    public var trend: Double
    /// The initial seasonal states, `seasonal[j]` the one used at step j (j < m): s(j − m).
    public var seasonal: [Double]

    public init(alpha: Double, beta: Double = 0, gamma: Double = 0, phi: Double = 1, level: Double, trend: Double = 0,
                seasonal: [Double] = []) {
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
        self.phi = phi
        self.level = level
        self.trend = trend
        self.seasonal = seasonal
    }
}

/// An exponential-smoothing model fitted to a series by maximum likelihood.
///
/// One step t (b = 0 without trend, φ = 1 unless damped,
/// s = 0 or 1 without season):
///
///     base = ℓ + φb,  ŷ = base + s  (additive season)  or  base·s  (multiplicative)
///     ε = y − ŷ
///     ℓ' = base + αε        b' = φb + βε        s' = s + γε           (additive season)
///     ℓ' = base + αε/s      b' = φb + βε/s      s' = γ*·y/ℓ' + (1 − γ*)·s,  γ* = γ/(1 − α)
///                                                                      (multiplicative: Holt-Winters)
///
/// The multiplicative update is Holt-Winters' (statsmodels' too), not Hyndman et al.'s
/// s + γε/base. As in statsmodels the error type changes the likelihood, not the filter (the
/// point forecasts are the same): with additive errors ε = y − ŷ ~ N(0, σ²), with
/// multiplicative ones the relative error r = (y − ŷ)/ŷ ~ N(0, σ²). With σ² concentrated out
///
///     log L = −n/2·(log(2π·Σε²/n) + 1)                    (additive errors)
///     log L = −n/2·(log(2π·Σr²/n) + 1) − Σ log|ŷ|          (multiplicative errors)
///
/// so maximum likelihood is least squares over the smoothing parameters *and* the initial
/// states, of ε, or of r·G with G = exp(mean log|ŷ|) (the same optimum: n/2·log Σr² + Σ log|ŷ|
/// = n/2·log Σ(rG)²). It is found by Levenberg–Marquardt on those residuals (numerical
/// Jacobian) from up to eight starting points, with the parameters kept inside
/// statsmodels' bounds by logistic transforms: α ∈ (10⁻⁴, 1 − 10⁻⁴), β = α·β*, γ = (1 − α)·γ*
/// (β*, γ* ∈ (0, 1)), φ ∈ (0.8, 0.98). One seasonal state is fixed (0, or 1 when
/// multiplicative): shifting every seasonal state against the level changes no forecast.
///
/// AICc = −2 log L + 2k + 2k(k + 1)/(n − k − 1), k = `ETSSpecification.parameterCount`.
public struct ExponentialSmoothing: Sendable {
    public let specification: ETSSpecification
    public let parameters: ETSParameters
    public let count: Int
    /// Σ(y − ŷ)² over the series.
    public let sumOfSquaredErrors: Double
    /// Σ((y − ŷ)/ŷ)² and Σ log|ŷ| (used by the likelihood of multiplicative errors).
    let sumOfSquaredRelativeErrors: Double, sumOfLogPredictions: Double
    /// The state after the last value: level, trend, and the seasonal states by position mod m.
    private let finalLevel: Double, finalTrend: Double, finalSeasonal: [Double]

    /// The longest season fitted (as R's `ets`): beyond it, m initial states are too many to estimate well.
    public static let maximumSeason = 24

    public var logLikelihood: Double {
        let n = Double(count)
        switch specification.error {
        case .additive: return -n / 2 * (log(2 * Double.pi * sumOfSquaredErrors / n) + 1)
        case .multiplicative:
            return -n / 2 * (log(2 * Double.pi * sumOfSquaredRelativeErrors / n) + 1) - sumOfLogPredictions
        }
    }

    public var aicc: Double {
        let k = Double(specification.parameterCount), n = Double(count)
        guard n - k - 1 > 0 else { return .infinity }
        return -2 * logLikelihood + 2 * k + 2 * k * (k + 1) / (n - k - 1)
    }

    /// The model with these parameters run over `values`.
    public init(values: [Double], specification: ETSSpecification, parameters: ETSParameters) {
        self.specification = specification
        self.parameters = parameters
        count = values.count
        var noErrors: [Double] = []
        let run = Self.run(values, specification, parameters, errors: &noErrors)
        sumOfSquaredErrors = run.sse
        sumOfSquaredRelativeErrors = run.relativeSSE
        sumOfLogPredictions = run.logPredictions
        finalLevel = run.level
        finalTrend = run.trend
        finalSeasonal = run.seasonal
    }

    /// The same model, smoothing parameters and initial states run over `values` (a longer
    /// history): no refit.
    public func applied(to values: [Double]) -> ExponentialSmoothing {
        ExponentialSmoothing(values: values, specification: specification, parameters: parameters)
    }

    /// The forecasts of the `horizon` values after the series:
    /// ŷ(n+h) = ℓ + (φ + … + φʰ)·b, plus (or times) the latest seasonal state of that position.
    public func forecast(horizon: Int) -> [Double] {
        let m = specification.period, phi = parameters.phi
        var damping = 0.0, power = 1.0
        return (1...max(horizon, 1)).prefix(horizon).map { h in
            power *= phi
            damping += power
            let base = finalLevel + damping * finalTrend
            switch specification.season {
            case .none: return base
            case .additive: return base + finalSeasonal[(count + h - 1) % m]
            case .multiplicative: return base * finalSeasonal[(count + h - 1) % m]
            }
        }
    }

    /// The model fitted to `values` by maximum likelihood, or `nil` when there are too few
    /// values (fewer than two seasons, or no more than k + 1) or the season or the error is
    /// multiplicative and a value is not positive.
    public static func fit(_ values: [Double], specification spec: ETSSpecification) -> ExponentialSmoothing? {
        let n = values.count, m = spec.period
        guard n > spec.parameterCount + 1, n >= 3, values.allSatisfy(\.isFinite) else { return nil }
        if spec.season != .none {
            guard m >= 2, n >= 2 * m + 2 else { return nil }
            if spec.season == .multiplicative, values.contains(where: { $0 <= 0 }) { return nil }
        }
        if spec.error == .multiplicative, values.contains(where: { $0 <= 0 }) { return nil }
        // Likelihoods of these models have several local optima: start Levenberg–Marquardt from
        // the three best points of a coarse grid of smoothing parameters (β* = β/α,
        // γ* = γ/(1 − α)) and the best point for each α of the grid. (The three best points
        // overall all lie in one basin on AirPassengers' ETS(M,A,M), away from the better one at
        // α ≈ 0.74; the best per α alone misses elec_equip's and elnino's optimum by 0.1–0.3 in log L.)
        let layout = ParameterLayout(specification: spec)
        var grid: [(sse: Double, start: ETSParameters)] = []
        var noErrors: [Double] = []
        for alpha in [0.05, 0.2, 0.5, 0.8, 0.98] {
            for betaStar in spec.trend == .none ? [0.0] : [0.001, 0.1, 0.5, 0.95] {
                for gammaStar in spec.season == .none ? [0.0] : [0.001, 0.01, 0.1, 0.4, 0.8] {
                    for phi in spec.trend == .damped ? [0.9, 0.98] : [1.0] {
                        let start = initialParameters(values, spec, start: (alpha, alpha * betaStar, (1 - alpha) * gammaStar, phi))
                        let objective = run(values, spec, start, errors: &noErrors).objective
                        if objective.isFinite { grid.append((objective, start)) }
                    }
                }
            }
        }
        var best: ExponentialSmoothing?, bestObjective = Double.infinity
        let ranked = grid.sorted { $0.sse < $1.sse }
        var starts = ranked.prefix(3).map(\.start)
        for alpha in Set(grid.map(\.start.alpha)).sorted() {
            if let best = ranked.first(where: { $0.start.alpha == alpha })?.start, !starts.contains(best) { starts.append(best) }
        }
        for start in starts {
            var theta = layout.pack(start)
            theta = LevenbergMarquardt.minimize(theta, residualCount: n) { theta, errors in
                Self.run(values, spec, layout.unpack(theta), errors: &errors).objective
            }
            // The least-squares objective, not log L: an exact fit (SSE 0) has log L = +∞.
            let objective = run(values, spec, layout.unpack(theta), errors: &noErrors).objective
            guard objective.isFinite, objective < bestObjective else { continue }
            best = ExponentialSmoothing(values: values, specification: spec, parameters: layout.unpack(theta))
            bestObjective = objective
        }
        return best
    }

    /// The candidate models for a series of season `period`: trend none, additive or damped;
    /// and, when 2 ≤ m ≤ `maximumSeason`, each with an additive and a multiplicative season;
    /// each with additive errors, and with multiplicative ones too when `positive` (R's `ets`
    /// and statsmodels fit those only to positive series).
    public static func candidates(period: Int?, positive: Bool = false) -> [ETSSpecification] {
        var seasons: [ETSSpecification.Season] = [.none]
        if let m = period, m >= 2, m <= maximumSeason { seasons += [.additive, .multiplicative] }
        let errors: [ETSSpecification.Error] = positive ? [.additive, .multiplicative] : [.additive]
        return errors.flatMap { error in
            seasons.flatMap { season in
                ETSSpecification.Trend.allCases.map {
                    ETSSpecification(error: error, trend: $0, season: season, period: period ?? 1)
                }
            }
        }
    }

    /// The candidate with the lowest AICc, fitted to `values`; `nil` when none can be fitted.
    /// Likelihoods of additive and multiplicative errors are both densities of y, so AICc
    /// compares them.
    public static func select(_ values: [Double], period: Int?) -> ExponentialSmoothing? {
        candidates(period: period, positive: values.allSatisfy { $0 > 0 })
            .compactMap { fit(values, specification: $0) }.min { $0.aicc < $1.aicc }
    }

    // MARK: The filter

    /// Runs the model over `values`; writes the residuals least squares minimises (ε, or r·G
    /// with multiplicative errors) into `errors` unless it is empty, and returns their sum of
    /// squares as `objective`. A non-finite prediction (a seasonal factor or level reaching 0)
    /// makes the objective infinite.
    static func run(_ values: [Double], _ spec: ETSSpecification, _ p: ETSParameters, errors: inout [Double])
        -> (objective: Double, sse: Double, relativeSSE: Double, logPredictions: Double, level: Double, trend: Double,
            seasonal: [Double]) {
        let m = spec.period, recordsErrors = !errors.isEmpty
        var level = p.level, trend = spec.trend == .none ? 0 : p.trend
        let phi = spec.trend == .damped ? p.phi : 1
        let beta = spec.trend == .none ? 0 : p.beta
        var seasonal = spec.season == .none ? [0.0] : p.seasonal
        let gammaStar = p.gamma / (1 - p.alpha)
        let relative = spec.error == .multiplicative
        var sse = 0.0, relativeSSE = 0.0, logPredictions = 0.0
        for t in values.indices {
            let y = values[t]
            let base = level + phi * trend
            let j = t % m
            let s = seasonal[j]
            let e: Double
            switch spec.season {
            case .none:
                e = y - base
                level = base + p.alpha * e
                trend = phi * trend + beta * e
            case .additive:
                e = y - (base + s)
                level = base + p.alpha * e
                trend = phi * trend + beta * e
                seasonal[j] = s + p.gamma * e
            case .multiplicative:
                e = y - base * s
                level = base + p.alpha * e / s
                trend = phi * trend + beta * e / s
                seasonal[j] = gammaStar * y / level + (1 - gammaStar) * s
            }
            sse += e * e
            if relative {
                // As statsmodels: |ŷ| in the log, and ŷ = 0 read as 10⁻³².
                let predicted = y - e
                let prediction = predicted == 0 ? 1e-32 : predicted
                relativeSSE += (e / prediction) * (e / prediction)
                logPredictions += log(abs(prediction))
                if recordsErrors { errors[t] = e / prediction }
            } else if recordsErrors {
                errors[t] = e
            }
        }
        guard sse.isFinite, relativeSSE.isFinite else {
            return (.infinity, .infinity, .infinity, .infinity, level, trend, seasonal)
        }
        guard relative else { return (sse, sse, relativeSSE, logPredictions, level, trend, seasonal) }
        // r·G, G = exp(mean log|ŷ|): Σ(rG)² = G²·Σr² has the likelihood's optimum.
        let g = exp(logPredictions / Double(values.count))
        if recordsErrors { for t in values.indices { errors[t] *= g } }
        return (relativeSSE * g * g, sse, relativeSSE, logPredictions, level, trend, seasonal)
    }

    /// statsmodels' simple initialisation: the first season's mean as level, the mean change
    /// between the first two seasons as trend, the first season's deviations (or ratios) from
    /// the level as seasonal states, normalised so that the last one is 0 (or 1). Without a
    /// season: the first value and the first difference.
    static func initialParameters(_ y: [Double], _ spec: ETSSpecification,
                                  start: (alpha: Double, beta: Double, gamma: Double, phi: Double)) -> ETSParameters {
        let m = spec.period
        var p = ETSParameters(alpha: start.alpha, beta: start.beta, gamma: start.gamma, phi: start.phi, level: y[0],
                              trend: y[1] - y[0])
        if spec.season != .none {
            let first = y[0..<m].reduce(0, +) / Double(m), second = y[m..<(2 * m)].reduce(0, +) / Double(m)
            p.level = first
            p.trend = (second - first) / Double(m)
            if spec.season == .additive {
                let s = (0..<m).map { y[$0] - first }
                p.level += s[m - 1]
                p.seasonal = s.map { $0 - s[m - 1] }
            } else {
                let s = (0..<m).map { y[$0] / first }
                p.level *= s[m - 1]
                p.seasonal = s.map { $0 / s[m - 1] }
            }
        }
        return p
    }
}

/// The free parameters of a specification as one unconstrained vector θ for the optimiser:
/// logit-transformed α, β*, γ*, φ (as present), then the initial level, trend and the first
/// m − 1 seasonal states (the last is fixed at 0, or 1 when multiplicative).
struct ParameterLayout {
    let specification: ETSSpecification
    private static let low = 1e-4, high = 1 - 1e-4

    func pack(_ p: ETSParameters) -> [Double] {
        let spec = specification
        var theta = [logit((p.alpha - Self.low) / (Self.high - Self.low))]
        if spec.trend != .none { theta.append(logit(min(max(p.beta / p.alpha, 1e-6), 1 - 1e-6))) }
        if spec.season != .none { theta.append(logit(min(max(p.gamma / (1 - p.alpha), 1e-6), 1 - 1e-6))) }
        if spec.trend == .damped { theta.append(logit((min(max(p.phi, 0.8001), 0.9799) - 0.8) / 0.18)) }
        theta.append(p.level)
        if spec.trend != .none { theta.append(p.trend) }
        if spec.season != .none { theta += p.seasonal.dropLast() }
        return theta
    }

    func unpack(_ theta: [Double]) -> ETSParameters {
        let spec = specification
        var i = 0
        func next() -> Double { defer { i += 1 }; return theta[i] }
        let alpha = Self.low + (Self.high - Self.low) * logistic(next())
        let beta = spec.trend != .none ? alpha * logistic(next()) : 0
        let gamma = spec.season != .none ? (1 - alpha) * logistic(next()) : 0
        let phi = spec.trend == .damped ? 0.8 + 0.18 * logistic(next()) : 1
        let level = next()
        let trend = spec.trend != .none ? next() : 0
        var seasonal: [Double] = []
        if spec.season != .none {
            seasonal = (0..<(spec.period - 1)).map { _ in next() } + [spec.season == .multiplicative ? 1 : 0]
        }
        return ETSParameters(alpha: alpha, beta: beta, gamma: gamma, phi: phi, level: level, trend: trend, seasonal: seasonal)
    }
}

private func logistic(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
private func logit(_ p: Double) -> Double { log(p / (1 - p)) }
