/// Nonlinear least squares: minimises SSE(θ) = Σₜ rₜ(θ)² by Levenberg–Marquardt with
/// Marquardt's diagonal scaling and a forward-difference Jacobian.
///
/// Each iteration solves (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr by Cholesky; a step that lowers the SSE
/// is taken and λ shrinks (toward Gauss–Newton), otherwise λ grows (toward a short gradient
/// step). Stops when an accepted step gains less than 10⁻¹⁰ of the SSE twice in a row, when
/// no step helps, or after `maxIterations`.
enum LevenbergMarquardt {
    /// - Parameters:
    ///   - start: the starting θ (p values).
    ///   - residualCount: n, the length of r(θ).
    ///   - objective: writes r(θ) into its second argument (n values) and returns the SSE
    ///     (`.infinity` where θ is unusable).
    /// - Returns: the best θ found.
    static func minimize(_ start: [Double], residualCount n: Int, maxIterations: Int = 300,
                         _ objective: (_ theta: [Double], _ residuals: inout [Double]) -> Double) -> [Double] {
        let p = start.count
        var theta = start
        var r = [Double](repeating: 0, count: n), trial = [Double](repeating: 0, count: n)
        var sse = objective(theta, &r)
        guard sse.isFinite, p > 0 else { return theta }
        var jacobian = [Double](repeating: 0, count: n * p)       // (p, n): row i is ∂r/∂θᵢ
        var lambda = 1e-3, smallSteps = 0
        for _ in 0..<maxIterations {
            for i in 0..<p {
                let h = 1e-7 * max(abs(theta[i]), 1)
                var shifted = theta
                shifted[i] += h
                _ = objective(shifted, &trial)
                for t in 0..<n {
                    let d = (trial[t] - r[t]) / h
                    jacobian[i * n + t] = d.isFinite ? d : 0
                }
            }
            var a = [Double](repeating: 0, count: p * p), g = [Double](repeating: 0, count: p)   // JᵀJ (p, p), Jᵀr (p)
            for i in 0..<p {
                for t in 0..<n { g[i] += jacobian[i * n + t] * r[t] }
                for j in 0...i {
                    var s = 0.0
                    for t in 0..<n { s += jacobian[i * n + t] * jacobian[j * n + t] }
                    a[i * p + j] = s
                    a[j * p + i] = s
                }
            }
            var accepted = false
            while lambda < 1e12 {
                var m = a
                for i in 0..<p { m[i * p + i] += lambda * a[i * p + i] + 1e-12 * (1 + a[i * p + i]) }
                if let delta = choleskySolve(m, g.map { -$0 }, size: p) {
                    let candidate = zip(theta, delta).map(+)
                    let candidateSSE = objective(candidate, &trial)
                    if candidateSSE < sse {
                        smallSteps = sse - candidateSSE < 1e-10 * sse ? smallSteps + 1 : 0
                        theta = candidate
                        sse = candidateSSE
                        swap(&r, &trial)
                        lambda = max(lambda / 3, 1e-12)
                        accepted = true
                        break
                    }
                }
                lambda *= 4
            }
            if !accepted || smallSteps >= 2 { break }
        }
        return theta
    }

    /// x with M·x = b for a symmetric positive definite (size, size) M, or `nil` when M is not.
    static func choleskySolve(_ matrix: [Double], _ b: [Double], size p: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in 0...i {
                var s = matrix[i * p + j]
                for k in 0..<j { s -= l[i * p + k] * l[j * p + k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * p + i] = s.squareRoot()
                } else {
                    l[i * p + j] = s / l[j * p + j]
                }
            }
        }
        var y = b
        for i in 0..<p {
            for k in 0..<i { y[i] -= l[i * p + k] * y[k] }
            y[i] /= l[i * p + i]
        }
        for i in stride(from: p - 1, through: 0, by: -1) {
            for k in (i + 1)..<p { y[i] -= l[k * p + i] * y[k] }
            y[i] /= l[i * p + i]
        }
        return y
    }
}
