import Foundation

/// Choosing an ARIMA order automatically, in the manner of R's `auto.arima` (Hyndman &
/// Khandakar, 2008):
///
/// 1. D = 1 when the season m ≥ 2 is strong — seasonal strength
///    F = max(0, 1 − var(R)/var(S + R)) ≥ 0.64 in a classical additive decomposition (R the
///    remainder, S the seasonal part; `auto.arima` uses STL) — and at least 3 seasons remain.
/// 2. d ∈ 0…2: difference while the KPSS test rejects level stationarity at 5 %
///    (statistic > 0.463, Bartlett weights over the lags of Hobijn et al.'s automatic
///    bandwidth, statsmodels' default: `kpssLags`).
/// 3. Stepwise search over p, q ≤ 5 and P, Q ≤ 1 from (2,2)(1,1), (0,0)(0,0), (1,0)(1,0) and
///    (0,1)(0,1): move to the first neighbour (one order ±1, p and q together ±1, the constant
///    toggled) of lower AICc until none is lower. A constant is allowed when d + D ≤ 1.
/// 4. When the season is not differenced (D = 0), the same walk without seasonal terms from
///    (2,2), (0,0), (1,0), (0,1), and the lower AICc of the two walks wins: both score the
///    same differenced values, and the seasonal walk can end among seasonal orders although a
///    non-seasonal one fits better (a cycle of varying length detected as a "season").
///
/// Every candidate is fitted by exact maximum likelihood (`Likelihood.exact`) over all the
/// differenced values, so their AICc are comparable — from both of `fit`'s starts: ranking
/// candidates fitted from the CSS optimum only, and refitting just the chosen order from the
/// second start, halves the search but changes the choice (on elec_equip's backtest MASE
/// 0.2561 → 0.2789; lynx's 1.2525 → 1.1247). For seasons longer than
/// `exactLikelihoodMaximumSeason` (weekly data, m = 52) the state has 50 to 60 dimensions and
/// the filter costs too much for a search at every origin: candidates are fitted by CSS from
/// the same conditioning start (the largest AR span the search allows, 5 + m·1; less for a
/// series under 20 values) — as `auto.arima` searches by CSS when m > 12 or n > 150
/// (`approximation`).
extension ARIMA {
    public static let maximumOrder = 5
    /// The longest season whose candidates are fitted by exact likelihood (as ETS's `maximumSeason`).
    public static let exactLikelihoodMaximumSeason = 24
    /// Seasonal strength at or above which the season is differenced.
    public static let seasonalStrengthThreshold = 0.64

    /// The ARIMA of lowest AICc for `values` with season `period` (nil or < 2: none); `nil`
    /// when the series is too short for any model.
    public static func select(_ values: [Double], period: Int?) -> ARIMA? {
        guard values.count >= 4, values.allSatisfy(\.isFinite) else { return nil }
        let m0 = period ?? 1
        // A seasonal part needs three seasons after differencing and the conditioning start.
        let m = m0 >= 2 && values.count >= 4 * m0 + maximumOrder ? m0 : 1
        let seasonalD = m >= 2 && seasonalStrength(values, period: m) >= seasonalStrengthThreshold ? 1 : 0
        var x = values
        if seasonalD == 1 { x = (m..<x.count).map { x[$0] - x[$0 - m] } }
        var d = 0
        while d < 2, x.count > 8, kpssStatistic(x, lags: kpssLags(x)) > kpssCriticalValue5 {
            x = (1..<x.count).map { x[$0] - x[$0 - 1] }
            d += 1
        }
        let maxSeasonal = m >= 2 ? 1 : 0
        let conditioning = min(maximumOrder, max(x.count / 4, 1)) + m * maxSeasonal
        let allowsConstant = d + seasonalD <= 1
        let likelihood: Likelihood = m <= exactLikelihoodMaximumSeason ? .exact : .conditional
        var fitted: [ARIMAOrder: ARIMA?] = [:]
        func score(_ order: ARIMAOrder) -> ARIMA? {
            if let known = fitted[order] { return known }
            let model = likelihood == .conditional && order.p + order.seasonalP * m > conditioning ? nil
                : fit(values, order: order, conditioning: conditioning, likelihood: likelihood)
            fitted[order] = model
            return model
        }
        func order(_ p: Int, _ q: Int, _ sp: Int, _ sq: Int, _ constant: Bool) -> ARIMAOrder {
            ARIMAOrder(p: p, d: d, q: q, seasonalP: sp, seasonalD: seasonalD, seasonalQ: sq, period: m,
                       includesConstant: constant && allowsConstant)
        }
        /// The stepwise walk over the orders with a seasonal part (`seasonal`) or without one.
        func stepwise(seasonal: Bool) -> ARIMA? {
            let s = seasonal ? maxSeasonal : 0
            let starts = [order(2, 2, s, s, true), order(0, 0, 0, 0, true), order(1, 0, s, 0, true), order(0, 1, 0, s, true)]
            var best: ARIMA?
            for start in starts {
                if let model = score(start), model.aicc < (best?.aicc ?? .infinity) { best = model }
            }
            guard var current = best else { return nil }
            var improved = true
            while improved {
                improved = false
                let o = current.order
                var neighbours: [ARIMAOrder] = []
                for (dp, dq) in [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1)] {
                    neighbours.append(order(o.p + dp, o.q + dq, o.seasonalP, o.seasonalQ, o.includesConstant))
                }
                if s > 0 {
                    for (dP, dQ) in [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1)] {
                        neighbours.append(order(o.p, o.q, o.seasonalP + dP, o.seasonalQ + dQ, o.includesConstant))
                    }
                }
                if allowsConstant { neighbours.append(order(o.p, o.q, o.seasonalP, o.seasonalQ, !o.includesConstant)) }
                for candidate in neighbours
                where (0...maximumOrder).contains(candidate.p) && (0...maximumOrder).contains(candidate.q)
                    && (0...s).contains(candidate.seasonalP) && (0...s).contains(candidate.seasonalQ) {
                    if let model = score(candidate), model.aicc < current.aicc - 1e-9 {
                        current = model
                        improved = true
                        break
                    }
                }
            }
            return current
        }
        let seasonalModel = stepwise(seasonal: maxSeasonal > 0)
        // An undifferenced season: the walk from the seasonal starts can stay among seasonal
        // orders (lynx's cycle of 9–10 years at m = 9) although a non-seasonal order has a
        // lower AICc on the same differenced values; a walk without seasonal terms is cheap
        // (a state of at most 6), and the lower AICc of the two wins.
        guard maxSeasonal > 0, seasonalD == 0, let nonSeasonal = stepwise(seasonal: false) else { return seasonalModel }
        return nonSeasonal.aicc < (seasonalModel?.aicc ?? .infinity) ? nonSeasonal : seasonalModel
    }

    /// The 5 % critical value of the KPSS level-stationarity test (Kwiatkowski et al., 1992).
    static let kpssCriticalValue5 = 0.463

    /// The KPSS statistic for level stationarity: η = Σ Sₜ² / (n²·σ̂²), Sₜ the partial sums of
    /// the demeaned series and σ̂² the Newey–West long-run variance with Bartlett weights
    /// 1 − k/(l + 1) over l = ⌊3√n/13⌋ lags (unless `lags` is given).
    static func kpssStatistic(_ x: [Double], lags: Int? = nil) -> Double {
        let n = x.count
        let mean = x.reduce(0, +) / Double(n)
        let e = x.map { $0 - mean }
        var partial = 0.0, sumOfSquares = 0.0
        for v in e {
            partial += v
            sumOfSquares += partial * partial
        }
        let l = min(lags ?? Int(3 * Double(n).squareRoot() / 13), n - 1)
        var variance = e.reduce(0) { $0 + $1 * $1 } / Double(n)
        if l >= 1 {
            for k in 1...l {
                var s = 0.0
                for t in k..<n { s += e[t] * e[t - k] }
                variance += 2 * (1 - Double(k) / Double(l + 1)) * s / Double(n)
            }
        }
        guard variance > 0 else { return 0 }
        return sumOfSquares / (Double(n) * Double(n) * variance)
    }

    /// The KPSS lag count chosen from the data (Hobijn, Franses & Ooms 1998; statsmodels'
    /// `nlags="auto"`): with e the demeaned series, c = ⌊n^(2/9)⌋ and γᵢ = 2·Σₜ eₜeₜ₋ᵢ/n,
    /// s₀ = Σe²/n + Σᵢ₌₁…c γᵢ, s₁ = Σᵢ₌₁…c i·γᵢ, and l = ⌊1.1447·(s₁/s₀)^(2/3)·n^(1/3)⌋, at most
    /// n − 1. A fixed rule such as ⌊3√n/13⌋ under-corrects for strong autocorrelation and
    /// differences stationary series (elec_equip after seasonal differencing).
    static func kpssLags(_ x: [Double]) -> Int {
        let n = x.count
        guard n > 1 else { return 0 }
        let mean = x.reduce(0, +) / Double(n)
        let e = x.map { $0 - mean }
        let covarianceLags = Int(pow(Double(n), 2.0 / 9.0))
        var s0 = e.reduce(0) { $0 + $1 * $1 } / Double(n), s1 = 0.0
        if covarianceLags >= 1 {
            for i in 1...min(covarianceLags, n - 1) {
                var product = 0.0
                for t in i..<n { product += e[t] * e[t - i] }
                product /= Double(n) / 2
                s0 += product
                s1 += Double(i) * product
            }
        }
        guard s0 != 0, (s1 / s0).isFinite else { return 0 }
        let gamma = 1.1447 * pow((s1 / s0) * (s1 / s0), 1.0 / 3.0)
        return min(Int(gamma * pow(Double(n), 1.0 / 3.0)), n - 1)
    }

    /// Seasonal strength max(0, 1 − var(R)/var(S + R)) of a classical additive decomposition
    /// (the centred moving average of m as trend, `Theta.seasonalIndex` as S), over the
    /// values where the moving average is defined; 0 without two full seasons.
    static func seasonalStrength(_ y: [Double], period m: Int) -> Double {
        guard m >= 2, y.count >= 2 * m + 1 else { return 0 }
        let index = Theta.seasonalIndex(y, period: m, multiplicative: false)
        let half = m / 2
        let weights = m % 2 == 1 ? [Double](repeating: 1 / Double(m), count: m)
            : [0.5 / Double(m)] + [Double](repeating: 1 / Double(m), count: m - 1) + [0.5 / Double(m)]
        var detrended: [Double] = [], remainder: [Double] = []
        for t in half..<(y.count - half) {
            var trend = 0.0
            for (k, w) in weights.enumerated() { trend += w * y[t - half + k] }
            detrended.append(y[t] - trend)
            remainder.append(y[t] - trend - index[t % m])
        }
        func variance(_ v: [Double]) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        }
        let total = variance(detrended)
        guard total > 0 else { return 0 }
        return max(0, 1 - variance(remainder) / total)
    }
}
