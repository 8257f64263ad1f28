/// Finds the season length of a series from its autocorrelation.
///
/// 1. Remove the trend: subtract the least-squares quadratic in time (first differences would
///    also do it, but they amplify week-to-week noise and hide the yearly peak of weekly CO₂).
/// 2. Autocorrelation ρ(k) of the residual for k = 1 … n/3.
/// 3. Candidates are local maxima with ρ(k) > `threshold`; the highest wins.
/// 4. A season also repeats at its multiples, and the highest peak can be a multiple (El Niño
///    data peaks at 48 months as well as 12): prefer the smallest candidate that divides the
///    winner (±1 step per multiple) and is nearly as high (ρ ≥ 0.95 ρ(winner)).
///
/// Returns `nil` when no peak passes: the series has no clear season.
public enum SeasonDetection {
    public static func detect(_ values: [Double], maxLag: Int? = nil, threshold: Double = 0.3) -> Int? {
        let n = values.count
        guard n >= 8 else { return nil }
        let residual = detrended(values)
        let limit = min(maxLag ?? n / 3, n - 2)
        guard limit >= 3 else { return nil }
        let rho = autocorrelation(residual, maxLag: limit + 1)
        var peaks: [Int] = []
        for k in 2...limit where rho[k] > rho[k - 1] && rho[k] >= rho[k + 1] && rho[k] > threshold {
            peaks.append(k)
        }
        guard let best = peaks.max(by: { (rho[$0], -$0) < (rho[$1], -$1) }) else { return nil }
        let divisor = peaks.first { p in
            let multiple = Int((Double(best) / Double(p)).rounded())
            return p < best && multiple >= 2 && abs(best - multiple * p) <= multiple && rho[p] >= 0.95 * rho[best]
        }
        return divisor ?? best
    }

    /// ρ(0 … maxLag) of `x` (biased estimator: every lag divided by the same total sum of squares).
    public static func autocorrelation(_ x: [Double], maxLag: Int) -> [Double] {
        let mean = x.reduce(0, +) / Double(x.count)
        let centred = x.map { $0 - mean }
        let total = centred.reduce(0) { $0 + $1 * $1 }
        guard total > 0 else { return Array(repeating: 0, count: maxLag + 1) }
        return (0...maxLag).map { k in
            var s = 0.0
            for t in k..<centred.count { s += centred[t] * centred[t - k] }
            return s / total
        }
    }

    /// `x` minus its least-squares fit a + b·s + c·s², with time s scaled to [−1, 1] so the
    /// normal equations stay well conditioned.
    static func detrended(_ x: [Double]) -> [Double] {
        let n = x.count
        let s = (0..<n).map { n > 1 ? 2 * Double($0) / Double(n - 1) - 1 : 0 }
        // Normal equations M·[a b c]ᵀ = v with M = Σ [1 s s²]ᵀ[1 s s²].
        var m = [[Double]](repeating: [0, 0, 0], count: 3)
        var v = [0.0, 0, 0]
        for i in 0..<n {
            let basis = [1, s[i], s[i] * s[i]]
            for r in 0..<3 {
                v[r] += basis[r] * x[i]
                for c in 0..<3 { m[r][c] += basis[r] * basis[c] }
            }
        }
        guard let coefficients = solve3(m, v) else { return x }
        return (0..<n).map { x[$0] - (coefficients[0] + coefficients[1] * s[$0] + coefficients[2] * s[$0] * s[$0]) }
    }

    /// Gaussian elimination with partial pivoting for a 3×3 system; `nil` if singular.
    private static func solve3(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
        var a = matrix, b = rhs
        for col in 0..<3 {
            let pivot = (col..<3).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            guard abs(a[pivot][col]) > 1e-12 else { return nil }
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for r in (col + 1)..<3 {
                let f = a[r][col] / a[col][col]
                for c in col..<3 { a[r][c] -= f * a[col][c] }
                b[r] -= f * b[col]
            }
        }
        var x = [0.0, 0, 0]
        for r in stride(from: 2, through: 0, by: -1) {
            var s = b[r]
            for c in (r + 1)..<3 { s -= a[r][c] * x[c] }
            x[r] = s / a[r][r]
        }
        return x
    }
}
