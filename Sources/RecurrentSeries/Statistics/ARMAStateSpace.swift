import Foundation

/// A stationary ARMA process in state-space form, for its exact Gaussian likelihood by the
/// Kalman filter (Harvey, 1989; the form R's `arima` uses; statsmodels' SARIMAX filters the
/// same likelihood).
///
/// With xₜ = wₜ − μ, φ(B)xₜ = θ(B)eₜ expanded to lags 1…r (r = max(p', q' + 1), p' and q'
/// the spans of the expanded AR and MA polynomials, missing coefficients 0):
///
///     xₜ = Z·αₜ,  Z = (1, 0, …, 0)
///     αₜ₊₁ = T·αₜ + R·eₜ₊₁,   T = [φ | I_{r−1} over 0]  (first column φ₁…φᵣ, ones above the diagonal)
///                             R = (1, θ₁, …, θᵣ₋₁)ᵀ
///
/// The filter runs in units of σ² (Q = RRᵀ): the prediction errors vₜ have variances σ²·Fₜ,
/// and with σ² concentrated out (σ̂² = Σ vₜ²/Fₜ / n)
///
///     log L = −n/2·(log(2π·σ̂²) + 1) − ½·Σ log Fₜ.
///
/// The state starts at its stationary distribution: a₁ = 0, P₁ = Σₖ Tᵏ·Q·Tᵀᵏ, the solution of
/// P = T·P·Tᵀ + Q (from the autocovariances, O(r³) once; `stationaryCovarianceByDoubling` is
/// the reference). For an invertible MA part Pₜ converges to Q (then Fₜ = 1 and the gain is
/// R): from there the filter is the plain ARMA recursion, O(r) a step.
struct ARMAStateSpace {
    /// r, the state size.
    let size: Int
    /// φ₁…φᵣ (T's first column).
    let phi: [Double]
    /// R = (1, θ₁, …, θᵣ₋₁).
    let loading: [Double]
    /// P₁, (r, r) row-major.
    let initialCovariance: [Double]

    /// What a run of the filter over x₁…xₙ leaves: the sums of the likelihood and the
    /// predicted state aₙ₊₁.
    struct Run {
        /// Σ vₜ²/Fₜ.
        var sumOfSquares: Double
        /// Σ log Fₜ.
        var sumOfLogVariances: Double
        /// aₙ₊₁|ₙ, the state the forecasts start from.
        var state: [Double]
    }

    /// The state space of φ(B) = 1 − Σ aₗBˡ and θ(B) = 1 + Σ bₗBˡ (`ARIMA.Polynomials`);
    /// `nil` when the AR part is not stationary (no stationary covariance).
    init?(_ polynomials: ARIMA.Polynomials) {
        let p = polynomials.ar.map(\.0).max() ?? 0, q = polynomials.ma.map(\.0).max() ?? 0
        let r = max(p, q + 1)
        size = r
        var phi = [Double](repeating: 0, count: r), loading = [Double](repeating: 0, count: r)
        for (lag, a) in polynomials.ar { phi[lag - 1] = a }
        loading[0] = 1
        for (lag, b) in polynomials.ma { loading[lag] = b }
        self.phi = phi
        self.loading = loading
        guard let covariance = Self.stationaryCovariance(phi: phi, loading: loading) else { return nil }
        initialCovariance = covariance
    }

    /// P₁ = Cov(αₜ), (r, r) row-major, from the autocovariances of x (σ² = 1); `nil` when the
    /// AR part is not stationary.
    ///
    /// With ψ the MA(∞) weights (ψ₀ = 1, ψⱼ = θⱼ + Σₖ φₖψⱼ₋ₖ) and γ(0…r) the solution of
    /// γ(h) − Σₖ₌₁…ᵣ φₖ·γ(|h − k|) = Σⱼ₌ₕ…ᵣ₋₁ θⱼ·ψⱼ₋ₕ (h = 0…r), the state's components are
    /// αᵢ,ₜ = Σₖ₌ᵢ₊₁…ᵣ φₖ·xₜ₋₍ₖ₋ᵢ₎ + Σₖ₌ᵢ…ᵣ₋₁ θₖ·eₜ₋₍ₖ₋ᵢ₎ (i = 0…r − 1, α₀ = x), so the first row is
    /// P[0][j] = Σₖ₌ⱼ₊₁…ᵣ φₖ·γ(k − j) + Σₖ₌ⱼ…ᵣ₋₁ θₖ·ψₖ₋ⱼ, and the rest follows from P = T·P·Tᵀ + RRᵀ
    /// read entry by entry: P[i][j] = P[i+1][j+1] + φᵢφⱼ·P[0][0] + φᵢ·P[0][j+1] + φⱼ·P[0][i+1] + RᵢRⱼ
    /// (φ 0-based here, entries past r − 1 zero), filled from the bottom-right corner.
    static func stationaryCovariance(phi: [Double], loading: [Double]) -> [Double]? {
        let r = phi.count
        guard isStationary(phi) else { return nil }
        // φₖ = phi[k − 1] (k = 1…r); θⱼ = loading[j] (j = 0…r − 1, θ₀ = 1).
        var psi = [Double](repeating: 0, count: r)
        for j in 0..<r {
            var v = loading[j]
            for k in stride(from: 1, through: j, by: 1) { v += phi[k - 1] * psi[j - k] }
            psi[j] = v
        }
        // The (r + 1, r + 1) system A·γ = b, row h: γ(h) − Σₖ φₖ·γ(|h − k|).
        let n = r + 1
        var a = [Double](repeating: 0, count: n * n), gamma = [Double](repeating: 0, count: n)
        for h in 0..<n {
            a[h * n + h] += 1
            for k in 1...r { a[h * n + abs(h - k)] -= phi[k - 1] }
            var b = 0.0
            for j in stride(from: h, to: r, by: 1) { b += loading[j] * psi[j - h] }
            gamma[h] = b
        }
        guard Self.solve(&a, &gamma, size: n), gamma[0] > 0, gamma.allSatisfy(\.isFinite) else { return nil }
        var p = [Double](repeating: 0, count: r * r)
        for j in 0..<r {
            var v = 0.0
            for k in stride(from: j + 1, through: r, by: 1) { v += phi[k - 1] * gamma[k - j] }
            for k in j..<r { v += loading[k] * psi[k - j] }
            p[j] = v
            p[j * r] = v
        }
        func first(_ j: Int) -> Double { j < r ? p[j] : 0 }
        for i in stride(from: r - 1, through: 1, by: -1) {
            for j in stride(from: r - 1, through: i, by: -1) {
                let inner = i + 1 < r && j + 1 < r ? p[(i + 1) * r + j + 1] : 0
                let v = inner + phi[i] * phi[j] * p[0] + phi[i] * first(j + 1) + phi[j] * first(i + 1)
                    + loading[i] * loading[j]
                p[i * r + j] = v
                p[j * r + i] = v
            }
        }
        for i in 0..<r where !(p[i * r + i] >= 0) || !p[i * r + i].isFinite { return nil }
        return p
    }

    /// Whether 1 − Σ φₖBᵏ has every root outside the unit circle: the partial autocorrelations
    /// of the step-down recursion (Durbin–Levinson backwards, rₖ = φₖ⁽ᵏ⁾ and
    /// φⱼ⁽ᵏ⁻¹⁾ = (φⱼ⁽ᵏ⁾ + rₖ·φₖ₋ⱼ⁽ᵏ⁾)/(1 − rₖ²)) all lie in (−1, 1).
    static func isStationary(_ phi: [Double]) -> Bool {
        var c = phi
        while let last = c.last, last == 0 { c.removeLast() }
        while let rk = c.last {
            guard abs(rk) < 1, rk.isFinite else { return false }
            let k = c.count, previous = c
            c.removeLast()
            for j in 0..<(k - 1) { c[j] = (previous[j] + rk * previous[k - 2 - j]) / (1 - rk * rk) }
        }
        return true
    }

    /// Solves the (n, n) row-major system in place by Gaussian elimination with partial
    /// pivoting (the solution replaces `b`); false when a pivot is negligible (singular).
    static func solve(_ a: inout [Double], _ b: inout [Double], size n: Int) -> Bool {
        let scale = a.reduce(0) { max($0, abs($1)) }
        for c in 0..<n {
            var pivot = c
            for row in (c + 1)..<n where abs(a[row * n + c]) > abs(a[pivot * n + c]) { pivot = row }
            guard abs(a[pivot * n + c]) > 1e-13 * scale else { return false }
            if pivot != c {
                for k in 0..<n { a.swapAt(c * n + k, pivot * n + k) }
                b.swapAt(c, pivot)
            }
            for row in (c + 1)..<n {
                let f = a[row * n + c] / a[c * n + c]
                if f == 0 { continue }
                for k in c..<n { a[row * n + k] -= f * a[c * n + k] }
                b[row] -= f * b[c]
            }
        }
        for c in stride(from: n - 1, through: 0, by: -1) {
            var v = b[c]
            for k in (c + 1)..<n { v -= a[c * n + k] * b[k] }
            b[c] = v / a[c * n + c]
        }
        return true
    }

    /// Σₖ Tᵏ·RRᵀ·Tᵀᵏ by doubling: P ← P + A·P·Aᵀ, A ← A², from P = RRᵀ, A = T, until the added
    /// term is below 10⁻¹⁴ of P (64 doublings at most: 2⁶⁴ terms); `nil` when it diverges. The
    /// reference `stationaryCovariance` is tested against (O(r³) per doubling).
    static func stationaryCovarianceByDoubling(phi: [Double], loading: [Double]) -> [Double]? {
        let r = phi.count
        // P, A, A·P, A·P·Aᵀ, A²: (r, r) each.
        var scratch = [Double](repeating: 0, count: 5 * r * r)
        let converged = scratch.withUnsafeMutableBufferPointer { buffer -> Bool in
            let p = buffer.baseAddress!, ap = p + 2 * r * r, apa = p + 3 * r * r
            var a = p + r * r, next = p + 4 * r * r
            for i in 0..<r {
                for j in 0..<r { p[i * r + j] = loading[i] * loading[j] }
                a[i * r] = phi[i]
                if i + 1 < r { a[i * r + i + 1] = 1 }
            }
            for _ in 0..<64 {
                for i in 0..<r {
                    for j in 0..<r {
                        var s = 0.0
                        for k in 0..<r { s += a[i * r + k] * p[k * r + j] }
                        ap[i * r + j] = s
                    }
                }
                var added = 0.0, total = 0.0
                for i in 0..<r {
                    for j in 0..<r {
                        var s = 0.0
                        for k in 0..<r { s += ap[i * r + k] * a[j * r + k] }
                        apa[i * r + j] = s
                    }
                }
                for k in 0..<(r * r) {
                    p[k] += apa[k]
                    added = max(added, abs(apa[k]))
                    total = max(total, abs(p[k]))
                }
                guard total.isFinite else { return false }
                if added <= 1e-14 * total { return true }
                for i in 0..<r {
                    for j in 0..<r {
                        var s = 0.0
                        for k in 0..<r { s += a[i * r + k] * a[k * r + j] }
                        next[i * r + j] = s
                    }
                }
                swap(&a, &next)
            }
            // Not converged after 2⁶⁴ terms: a unit root.
            return false
        }
        return converged ? Array(scratch[0..<(r * r)]) : nil
    }

    /// Filters x₁…xₙ; writes the standardised prediction errors vₜ/√Fₜ into `standardized`
    /// (at least n long) unless it is empty. `nil` when a variance Fₜ is not positive or a
    /// sum not finite.
    ///
    /// O(r) a step by the Chandrasekhar recursions (Morf, Sidhu & Kailath 1974; statsmodels'
    /// `filter_chandrasekhar`): from the stationary start the covariance changes by a rank-one
    /// term, Pₜ₊₁ − Pₜ = mₜ·wₜwₜᵀ, so only aₜ = Pₜ·Z (P's first column, Fₜ = aₜ[0]), wₜ and mₜ
    /// are carried. With P₁ = T·P₁·Tᵀ + RRᵀ, P₂ − P₁ = −T·a₁a₁ᵀ·Tᵀ/F₁: w₁ = T·a₁, m₁ = −1/F₁;
    /// then, with c = wₜ[0],
    ///
    ///     aₜ₊₁ = aₜ + mₜ·c·wₜ,   Fₜ₊₁ = aₜ₊₁[0],   wₜ₊₁ = T·(wₜ − (c/Fₜ)·aₜ),   mₜ₊₁ = mₜ·Fₜ/Fₜ₊₁
    ///
    /// (the difference of the filtered covariances Pₜ − aₜaₜᵀ/Fₜ is mₜFₜ/Fₜ₊₁ times the square of
    /// wₜ − (c/Fₜ)·aₜ). `filterByCovariance`, which carries all of P, is the reference.
    func filter(_ x: [Double], standardized: inout [Double]) -> Run? {
        let r = size, records = !standardized.isEmpty
        // One scratch block: state (r), a = P·Z (r), w (r), the next w (r).
        var scratch = [Double](repeating: 0, count: 4 * r)
        var sumOfSquares = 0.0, sumOfLogVariances = 0.0
        let finite = scratch.withUnsafeMutableBufferPointer { buffer -> Bool in
            let state = buffer.baseAddress!, a = state + r, w = a + r, next = w + r
            return phi.withUnsafeBufferPointer { phi in
                // (T·u)[i] = φᵢ·u[0] + u[i+1].
                func multiplyByT(_ u: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Double>) {
                    for i in 0..<r { out[i] = phi[i] * u[0] + (i + 1 < r ? u[i + 1] : 0) }
                }
                for i in 0..<r { a[i] = initialCovariance[i * r] }
                var f = a[0]
                guard f > 0, f.isFinite else { return false }
                multiplyByT(a, into: w)
                var m = -1 / f
                for t in x.indices {
                    let v = x[t] - state[0]
                    sumOfSquares += v * v / f
                    sumOfLogVariances += log(f)
                    if records { standardized[t] = v / f.squareRoot() }
                    // aₜ₊₁ = T·(aₜ + aₜ·v/F): the filtered state carried forward.
                    let k = v / f
                    for i in 0..<r { next[i] = state[i] + a[i] * k }
                    multiplyByT(next, into: state)
                    let c = w[0]
                    // u = w − (c/F)·a into next, then the new a, F, w and m.
                    for i in 0..<r {
                        next[i] = w[i] - c / f * a[i]
                        a[i] += m * c * w[i]
                    }
                    let newF = a[0]
                    guard newF > 0, newF.isFinite else { return false }
                    multiplyByT(next, into: w)
                    m *= f / newF
                    f = newF
                }
                return true
            }
        }
        guard finite, sumOfSquares.isFinite, sumOfLogVariances.isFinite else { return nil }
        return Run(sumOfSquares: sumOfSquares, sumOfLogVariances: sumOfLogVariances, state: Array(scratch[0..<r]))
    }

    /// The Kalman filter carrying the whole covariance Pₜ (O(r²) a step): the reference
    /// `filter` is tested against.
    func filterByCovariance(_ x: [Double], standardized: inout [Double]) -> Run? {
        let r = size, records = !standardized.isEmpty
        // One scratch block: a (r), aₜ|ₜ (r), gain (r), P (r, r), Pₜ|ₜ (r, r), T·Pₜ|ₜ (r, r).
        var scratch = [Double](repeating: 0, count: 3 * r + 3 * r * r)
        var sumOfSquares = 0.0, sumOfLogVariances = 0.0
        let finite = scratch.withUnsafeMutableBufferPointer { buffer -> Bool in
            let a = buffer.baseAddress!, updated = a + r, gain = a + 2 * r
            let p = a + 3 * r, pUpdated = p + r * r, tp = pUpdated + r * r
            for k in 0..<(r * r) { p[k] = initialCovariance[k] }
            var steady = false
            return phi.withUnsafeBufferPointer { phi in
                loading.withUnsafeBufferPointer { loading in
                    for t in x.indices {
                        let v = x[t] - a[0]
                        if steady {
                            // P = RRᵀ: F = 1, gain R.
                            sumOfSquares += v * v
                            if records { standardized[t] = v }
                            for i in 0..<r { updated[i] = a[i] + loading[i] * v }
                        } else {
                            let f = p[0]
                            guard f > 0, f.isFinite else { return false }
                            sumOfSquares += v * v / f
                            sumOfLogVariances += log(f)
                            if records { standardized[t] = v / f.squareRoot() }
                            // aₜ|ₜ = aₜ + P[:,0]·v/F,  Pₜ|ₜ = P − P[:,0]·P[0,:]/F.
                            for i in 0..<r {
                                gain[i] = p[i * r] / f
                                updated[i] = a[i] + gain[i] * v
                            }
                            for i in 0..<r {
                                for j in 0..<r { pUpdated[i * r + j] = p[i * r + j] - gain[i] * p[j * r] }
                            }
                            // P ← T·Pₜ|ₜ·Tᵀ + RRᵀ, with (T·M)[i][j] = φᵢ·M[0][j] + M[i+1][j].
                            for i in 0..<r {
                                for j in 0..<r {
                                    tp[i * r + j] = phi[i] * pUpdated[j] + (i + 1 < r ? pUpdated[(i + 1) * r + j] : 0)
                                }
                            }
                            var excess = 0.0
                            for i in 0..<r {
                                for j in 0..<r {
                                    p[i * r + j] = phi[j] * tp[i * r] + (j + 1 < r ? tp[i * r + j + 1] : 0)
                                        + loading[i] * loading[j]
                                }
                                excess += p[i * r + i] - loading[i] * loading[i]
                            }
                            // P − RRᵀ is positive semi-definite: a negligible trace means P = RRᵀ from here on.
                            if excess < 1e-12 { steady = true }
                        }
                        // aₜ₊₁ = T·aₜ|ₜ.
                        for i in 0..<r { a[i] = phi[i] * updated[0] + (i + 1 < r ? updated[i + 1] : 0) }
                    }
                    return true
                }
            }
        }
        guard finite, sumOfSquares.isFinite, sumOfLogVariances.isFinite else { return nil }
        return Run(sumOfSquares: sumOfSquares, sumOfLogVariances: sumOfLogVariances, state: Array(scratch[0..<r]))
    }

    /// x̂ₙ₊₁ … x̂ₙ₊ₕ from the predicted state aₙ₊₁: Z·Tʰ⁻¹·aₙ₊₁.
    func forecast(from state: [Double], horizon: Int) -> [Double] {
        var a = state, next = state
        var result: [Double] = []
        result.reserveCapacity(horizon)
        for _ in 0..<horizon {
            result.append(a[0])
            for i in 0..<size { next[i] = phi[i] * a[0] + (i + 1 < size ? a[i + 1] : 0) }
            swap(&a, &next)
        }
        return result
    }
}
