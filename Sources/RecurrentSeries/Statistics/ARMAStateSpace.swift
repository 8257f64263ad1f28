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
/// The state starts at its stationary distribution: a₁ = 0, P₁ = Σₖ Tᵏ·Q·Tᵀᵏ (the solution of
/// P = T·P·Tᵀ + Q, by doubling). For an invertible MA part Pₜ converges to Q (then Fₜ = 1 and
/// the gain is R): from there the filter is the plain ARMA recursion, O(r) a step.
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

    /// Σₖ Tᵏ·RRᵀ·Tᵀᵏ by doubling: P ← P + A·P·Aᵀ, A ← A², from P = RRᵀ, A = T, until the added
    /// term is below 10⁻¹⁴ of P (64 doublings at most: 2⁶⁴ terms); `nil` when it diverges.
    static func stationaryCovariance(phi: [Double], loading: [Double]) -> [Double]? {
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
    func filter(_ x: [Double], standardized: inout [Double]) -> Run? {
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
