import Foundation

/// The orders of a seasonal ARIMA(p, d, q)(P, D, Q)ₘ model, with or without a constant
/// (the mean of the differenced series: a mean when d + D = 0, a drift when d + D = 1).
public struct ARIMAOrder: Codable, Hashable, Sendable, CustomStringConvertible {
    public var p: Int, d: Int, q: Int
    public var seasonalP: Int, seasonalD: Int, seasonalQ: Int
    /// The season m (1 without a seasonal part).
    public var period: Int
    public var includesConstant: Bool

    public init(p: Int, d: Int, q: Int, seasonalP: Int = 0, seasonalD: Int = 0, seasonalQ: Int = 0, period: Int = 1,
                includesConstant: Bool) {
        self.p = p
        self.d = d
        self.q = q
        let seasonal = period >= 2
        self.seasonalP = seasonal ? seasonalP : 0
        self.seasonalD = seasonal ? seasonalD : 0
        self.seasonalQ = seasonal ? seasonalQ : 0
        self.period = seasonal ? period : 1
        self.includesConstant = includesConstant
    }

    /// Coefficients (p + q + P + Q), the constant, and the innovation variance: the k of AICc.
    public var parameterCount: Int { p + q + seasonalP + seasonalQ + (includesConstant ? 1 : 0) + 1 }

    /// The largest AR lag, p + m·P: the values a conditional fit cannot predict.
    public var autoregressiveSpan: Int { p + period * seasonalP }

    /// `ARIMA(2,0,1)(1,1,0)[12] with constant`.
    public var description: String {
        var text = "ARIMA(\(p),\(d),\(q))"
        if seasonalP + seasonalD + seasonalQ > 0 { text += "(\(seasonalP),\(seasonalD),\(seasonalQ))[\(period)]" }
        if includesConstant { text += d + seasonalD == 0 ? " with mean" : " with drift" }
        return text
    }
}

/// A seasonal ARIMA model, fitted by exact maximum likelihood or by conditional least squares.
///
/// With w = (1 − B)ᵈ(1 − Bᵐ)ᴰ y the differenced series and μ its constant (0 without one):
///
///     φ(B)·Φ(Bᵐ)·(wₜ − μ) = θ(B)·Θ(Bᵐ)·eₜ,   eₜ ~ N(0, σ²)
///     φ(B) = 1 − φ₁B − … − φₚBᵖ,   θ(B) = 1 + θ₁B + … + θ_qB^q   (the seasonal ones alike in Bᵐ)
///
/// - `exact`: the Gaussian likelihood of all N values of w, by the Kalman filter on the
///   state-space form (`ARMAStateSpace`), as statsmodels' ARIMA and R's `arima` (method "ML";
///   the likelihood of the differenced series is their diffuse likelihood of y). With σ²
///   concentrated out, log L = −N/2·(log(2π·S/N) + 1) − ½·Σ log Fₜ, S = Σ vₜ²/Fₜ the
///   standardised prediction errors' sum of squares; forecasts come from the filtered state.
/// - `conditional` (CSS): the errors eₜ by the recursion for t ≥ s (the `conditioning` start),
///   with e = 0 before it; with S = Σ eₜ² and n' = N − s, log L = −n'/2·(log(2π·S/n') + 1).
///   Models compared by AICc must share s (the search uses the largest AR span of its
///   candidates), so that they are scored on the same values.
///
/// Stationarity and invertibility hold by construction: each polynomial is parametrised by its
/// partial autocorrelations rₖ = tanh(xₖ) ∈ (−1, 1) (Jones, 1980; statsmodels'
/// `enforce_stationarity`), and Levenberg–Marquardt fits the unconstrained xₖ and μ — for the
/// exact likelihood on the residuals (vₜ/√Fₜ)·(Π Fₜ)^(1/2N), whose sum of squares
/// S·(Π Fₜ)^(1/N) is smallest where the concentrated likelihood is largest, from the CSS optimum.
///
/// AICc = −2 log L + 2k + 2k(k + 1)/(n − k − 1), k = `ARIMAOrder.parameterCount`, n the values
/// the likelihood covers.
public struct ARIMA: Sendable {
    /// How the coefficients are estimated, and what `logLikelihood` is.
    public enum Likelihood: String, Codable, Sendable {
        /// Conditional sum of squares (errors before the conditioning start taken as 0).
        case conditional
        /// The exact Gaussian likelihood (Kalman filter, stationary start).
        case exact
    }

    public let order: ARIMAOrder
    /// φ₁…φₚ, Φ₁…Φ_P, θ₁…θ_q, Θ₁…Θ_Q.
    public let ar: [Double], seasonalAR: [Double], ma: [Double], seasonalMA: [Double]
    public let constant: Double
    public let likelihood: Likelihood
    /// The first value of w with an error (0 for the exact likelihood).
    public let conditioning: Int
    /// S: Σ eₜ² (conditional), or Σ vₜ²/Fₜ (exact); infinite for a non-stationary AR part
    /// under the exact likelihood.
    public let sumOfSquaredErrors: Double
    /// Σ log Fₜ (0 for the conditional likelihood).
    public let sumOfLogVariances: Double
    /// The values the likelihood covers, n' = N − s.
    public let residualCount: Int
    /// The series as given (the forecast integrates the differences back onto it).
    private let values: [Double]

    public var variance: Double { sumOfSquaredErrors / Double(residualCount) }

    public var logLikelihood: Double {
        let n = Double(residualCount)
        return -n / 2 * (log(2 * Double.pi * sumOfSquaredErrors / n) + 1) - sumOfLogVariances / 2
    }

    public var aicc: Double {
        let k = Double(order.parameterCount), n = Double(residualCount)
        guard n - k - 1 > 0, sumOfSquaredErrors > 0, sumOfSquaredErrors.isFinite else { return .infinity }
        return -2 * logLikelihood + 2 * k + 2 * k * (k + 1) / (n - k - 1)
    }

    /// The model with these coefficients on `values`: under the conditional likelihood with
    /// errors from `conditioning` on (default the order's AR span), under the exact one over
    /// all differenced values. Conditional coefficients are used as given, stationary or not.
    public init(values: [Double], order: ARIMAOrder, ar: [Double], seasonalAR: [Double] = [], ma: [Double],
                seasonalMA: [Double] = [], constant: Double, conditioning: Int? = nil,
                likelihood: Likelihood = .conditional) {
        precondition(ar.count == order.p && seasonalAR.count == order.seasonalP && ma.count == order.q
                     && seasonalMA.count == order.seasonalQ, "coefficients do not match \(order)")
        self.order = order
        self.ar = ar
        self.seasonalAR = seasonalAR
        self.ma = ma
        self.seasonalMA = seasonalMA
        self.constant = order.includesConstant ? constant : 0
        self.likelihood = likelihood
        self.values = values
        let w = Self.differenced(values, order)
        let poly = Polynomials(order, ar, seasonalAR, ma, seasonalMA)
        switch likelihood {
        case .conditional:
            let start = max(conditioning ?? order.autoregressiveSpan, order.autoregressiveSpan)
            self.conditioning = start
            residualCount = max(w.count - start, 0)
            var errors = [Double](repeating: 0, count: w.count)
            sumOfSquaredErrors = Self.errors(w, poly, mean: self.constant, start: start, into: &errors)
            sumOfLogVariances = 0
        case .exact:
            self.conditioning = 0
            residualCount = w.count
            var none: [Double] = []
            let mean = self.constant
            let run = ARMAStateSpace(poly)?.filter(w.map { $0 - mean }, standardized: &none)
            sumOfSquaredErrors = run?.sumOfSquares ?? .infinity
            sumOfLogVariances = run?.sumOfLogVariances ?? 0
        }
    }

    /// The same orders and coefficients run over `values` (a longer history): no refit.
    public func applied(to values: [Double]) -> ARIMA {
        ARIMA(values: values, order: order, ar: ar, seasonalAR: seasonalAR, ma: ma, seasonalMA: seasonalMA,
              constant: constant, conditioning: conditioning, likelihood: likelihood)
    }

    /// The `horizon` values after the series: the ARMA forecasts of w (the recursion with
    /// future errors 0, or the Kalman filter's state carried forward), then (1 − B)ᵈ(1 − Bᵐ)ᴰ
    /// undone onto the values.
    public func forecast(horizon: Int) -> [Double] {
        guard horizon > 0 else { return [] }
        let w = Self.differenced(values, order)
        let poly = Polynomials(order, ar, seasonalAR, ma, seasonalMA)
        let future: [Double]
        switch likelihood {
        case .conditional:
            var errors = [Double](repeating: 0, count: w.count + horizon)
            _ = Self.errors(w, poly, mean: constant, start: conditioning, into: &errors)
            var extended = w + [Double](repeating: 0, count: horizon)
            for t in w.count..<(w.count + horizon) {
                var value = constant
                for (lag, a) in poly.ar where t - lag >= 0 { value += a * (extended[t - lag] - constant) }
                for (lag, b) in poly.ma where t - lag >= 0 { value += b * errors[t - lag] }
                extended[t] = value
            }
            future = Array(extended.suffix(horizon))
        case .exact:
            var none: [Double] = []
            let mean = constant
            if let space = ARMAStateSpace(poly), let run = space.filter(w.map { $0 - mean }, standardized: &none) {
                future = space.forecast(from: run.state, horizon: horizon).map { $0 + mean }
            } else {
                future = [Double](repeating: mean, count: horizon)
            }
        }
        // yₜ = wₜ − Σₖ δₖ·yₜ₋ₖ, δ the coefficients of (1 − B)ᵈ(1 − Bᵐ)ᴰ (δ₀ = 1).
        let delta = Self.differencePolynomial(order)
        var y = values
        y.reserveCapacity(values.count + horizon)
        for h in 0..<horizon {
            let t = values.count + h
            var value = future[h]
            for (k, c) in delta.enumerated() where k > 0 && c != 0 { value -= c * y[t - k] }
            y.append(value)
        }
        return Array(y.suffix(horizon))
    }

    // MARK: Fitting

    /// The model of order `order` fitted to `values`: by CSS with its errors counted from
    /// `conditioning` on (at least the order's AR span), or by exact maximum likelihood
    /// starting from the CSS optimum (`conditioning` then only shapes that start). `nil` when
    /// fewer than k + 2 values remain or a value is not finite.
    public static func fit(_ values: [Double], order: ARIMAOrder, conditioning: Int? = nil,
                           likelihood: Likelihood = .exact) -> ARIMA? {
        guard values.allSatisfy(\.isFinite) else { return nil }
        let w = differenced(values, order)
        let start = max(conditioning ?? order.autoregressiveSpan, order.autoregressiveSpan)
        let n = w.count - (likelihood == .exact ? 0 : start)
        guard n >= order.parameterCount + 2, w.count - start >= order.parameterCount + 2 else { return nil }
        let mean = w.reduce(0, +) / Double(max(w.count, 1))
        // Start: the sample partial autocorrelations for the AR part, 0 for the others.
        let pacf = partialAutocorrelations(w, maxLag: order.p)
        var theta = pacf.map { atanh(min(max($0, -0.95), 0.95)) }
        theta += [Double](repeating: 0, count: order.seasonalP + order.q + order.seasonalQ)
        if order.includesConstant { theta.append(mean) }
        let layout = CoefficientLayout(order: order)
        let plainStart = theta
        theta = LevenbergMarquardt.minimize(theta, residualCount: w.count) { theta, residuals in
            let c = layout.unpack(theta)
            return errors(w, Polynomials(order, c.ar, c.seasonalAR, c.ma, c.seasonalMA), mean: c.constant, start: start,
                          into: &residuals)
        }
        if likelihood == .exact {
            // (vₜ/√Fₜ)·(Π Fₜ)^(1/2N): squares summing to S·(Π Fₜ)^(1/N), least where log L is greatest.
            func exactObjective(_ theta: [Double], _ residuals: inout [Double]) -> Double {
                let c = layout.unpack(theta)
                guard let space = ARMAStateSpace(Polynomials(order, c.ar, c.seasonalAR, c.ma, c.seasonalMA)),
                      let run = space.filter(w.map { $0 - c.constant }, standardized: &residuals) else { return .infinity }
                let scale = exp(run.sumOfLogVariances / Double(2 * w.count))
                if !residuals.isEmpty { for t in w.indices { residuals[t] *= scale } }
                let objective = run.sumOfSquares * scale * scale
                return objective.isFinite ? objective : .infinity
            }
            // From the CSS optimum and from the plain start: the exact likelihood can have a
            // better optimum than the one nearest CSS's (AirPassengers' ARIMA(2,1,1)(0,1,0)₁₂,
            // where CSS's MA root lies near −1).
            var none: [Double] = []
            var best = theta, bestObjective = Double.infinity
            for start in [theta, plainStart] {
                let fitted = LevenbergMarquardt.minimize(start, residualCount: w.count, exactObjective)
                let objective = exactObjective(fitted, &none)
                if objective < bestObjective {
                    best = fitted
                    bestObjective = objective
                }
            }
            theta = best
        }
        let c = layout.unpack(theta)
        let model = ARIMA(values: values, order: order, ar: c.ar, seasonalAR: c.seasonalAR, ma: c.ma,
                          seasonalMA: c.seasonalMA, constant: c.constant, conditioning: start, likelihood: likelihood)
        return model.sumOfSquaredErrors.isFinite ? model : nil
    }

    // MARK: The recursion

    /// The expanded polynomials as (lag, coefficient) pairs, zeros left out:
    /// `ar` from φ(B)Φ(Bᵐ) = 1 − Σ aₗBˡ, `ma` from θ(B)Θ(Bᵐ) = 1 + Σ bₗBˡ.
    struct Polynomials {
        var ar: [(Int, Double)], ma: [(Int, Double)]

        init(_ order: ARIMAOrder, _ ar: [Double], _ seasonalAR: [Double], _ ma: [Double], _ seasonalMA: [Double]) {
            let m = order.period
            // (1 − ΣφᵢBⁱ)(1 − ΣΦⱼBʲᵐ) = 1 − Σφᵢ Bⁱ − ΣΦⱼBʲᵐ + ΣΣφᵢΦⱼBⁱ⁺ʲᵐ.
            self.ar = Self.product(ar, seasonalAR, period: m, sign: -1)
            self.ma = Self.product(ma, seasonalMA, period: m, sign: 1)
        }

        /// The non-constant terms of (1 + s·Σcᵢ Bⁱ)(1 + s·ΣCⱼ Bʲᵐ), as coefficients c with
        /// polynomial = 1 + s·Σ c_l Bˡ.
        static func product(_ c: [Double], _ seasonal: [Double], period m: Int, sign s: Double) -> [(Int, Double)] {
            let span = c.count + m * seasonal.count
            guard span > 0 else { return [] }
            var terms = [Double](repeating: 0, count: span + 1)
            for (i, v) in c.enumerated() { terms[i + 1] += v }
            for (j, v) in seasonal.enumerated() {
                terms[(j + 1) * m] += v
                for (i, u) in c.enumerated() { terms[i + 1 + (j + 1) * m] += s * u * v }
            }
            return terms.enumerated().filter { $0.offset > 0 && $0.element != 0 }.map { ($0.offset, $0.element) }
        }
    }

    /// Writes eₜ (0 before `start`) into `errors` (at least w.count long) and returns Σ eₜ²,
    /// infinite when it is not finite.
    static func errors(_ w: [Double], _ poly: Polynomials, mean: Double, start: Int, into errors: inout [Double]) -> Double {
        var sse = 0.0
        for t in 0..<min(start, w.count) { errors[t] = 0 }
        for t in start..<max(w.count, start) {
            var e = w[t] - mean
            for (lag, a) in poly.ar { e -= a * (w[t - lag] - mean) }
            for (lag, b) in poly.ma where t - lag >= 0 { e -= b * errors[t - lag] }
            errors[t] = e
            sse += e * e
        }
        return sse.isFinite ? sse : .infinity
    }

    /// (1 − B)ᵈ(1 − Bᵐ)ᴰ applied to `values`: N = n − d − m·D values.
    static func differenced(_ values: [Double], _ order: ARIMAOrder) -> [Double] {
        var w = values
        for _ in 0..<order.seasonalD where w.count > order.period {
            w = (order.period..<w.count).map { w[$0] - w[$0 - order.period] }
        }
        for _ in 0..<order.d where w.count > 1 { w = (1..<w.count).map { w[$0] - w[$0 - 1] } }
        return w
    }

    /// δ₀ … δ_{d+mD}: the coefficients of (1 − B)ᵈ(1 − Bᵐ)ᴰ.
    static func differencePolynomial(_ order: ARIMAOrder) -> [Double] {
        var delta = [1.0]
        func multiply(by lag: Int) {
            var next = delta + [Double](repeating: 0, count: lag)
            for (k, c) in delta.enumerated() { next[k + lag] -= c }
            delta = next
        }
        for _ in 0..<order.seasonalD { multiply(by: order.period) }
        for _ in 0..<order.d { multiply(by: 1) }
        return delta
    }

    /// The sample partial autocorrelations at lags 1…`maxLag` (Durbin–Levinson on the sample
    /// autocorrelations); 0 where the series is too short or constant.
    static func partialAutocorrelations(_ x: [Double], maxLag: Int) -> [Double] {
        guard maxLag > 0 else { return [] }
        guard x.count > maxLag + 1 else { return [Double](repeating: 0, count: maxLag) }
        let rho = SeasonDetection.autocorrelation(x, maxLag: maxLag)
        guard rho.allSatisfy(\.isFinite) else { return [Double](repeating: 0, count: maxLag) }
        var phi: [Double] = [], result: [Double] = []
        for k in 1...maxLag {
            var numerator = rho[k], denominator = 1.0
            for j in 0..<phi.count {
                numerator -= phi[j] * rho[k - 1 - j]
                denominator -= phi[j] * rho[j + 1]
            }
            let r = abs(denominator) > 1e-12 ? numerator / denominator : 0
            phi = (0..<phi.count).map { phi[$0] - r * phi[phi.count - 1 - $0] } + [r]
            result.append(r)
        }
        return result
    }
}

/// The free parameters of an order as one unconstrained vector for the optimiser: the
/// transformed partial autocorrelations of φ, Φ, θ, Θ (in that order), then μ.
struct CoefficientLayout {
    let order: ARIMAOrder

    func unpack(_ theta: [Double]) -> (ar: [Double], seasonalAR: [Double], ma: [Double], seasonalMA: [Double], constant: Double) {
        var i = 0
        func block(_ count: Int, _ sign: Double) -> [Double] {
            defer { i += count }
            return Self.coefficients(fromPartial: theta[i..<(i + count)].map { tanh($0) }).map { sign * $0 }
        }
        let ar = block(order.p, 1), seasonalAR = block(order.seasonalP, 1)
        // θ(B) = 1 + Σθⱼ Bʲ is invertible exactly when 1 − Σ(−θⱼ)Bʲ is stationary.
        let ma = block(order.q, -1), seasonalMA = block(order.seasonalQ, -1)
        return (ar, seasonalAR, ma, seasonalMA, order.includesConstant ? theta[i] : 0)
    }

    /// φ₁…φₖ of the stationary AR polynomial 1 − Σφⱼ Bʲ with partial autocorrelations r
    /// (Durbin–Levinson: φⱼ⁽ᵏ⁾ = φⱼ⁽ᵏ⁻¹⁾ − rₖ·φₖ₋ⱼ⁽ᵏ⁻¹⁾, φₖ⁽ᵏ⁾ = rₖ).
    static func coefficients(fromPartial r: [Double]) -> [Double] {
        var phi: [Double] = []
        for rk in r {
            phi = (0..<phi.count).map { phi[$0] - rk * phi[phi.count - 1 - $0] } + [rk]
        }
        return phi
    }
}
