import Testing
@testable import RecurrentKernels

/// Helpers shared by the GEMM tests.
enum GemmTestSupport {
    /// Unit roundoff of Float32.
    static let u = Double(Float.ulpOfOne) / 2

    /// A (rows × cols) matrix of uniform values in [−1, 1). With `strided`, it is a view into
    /// a wider buffer (rowStride = cols + padding, nonzero offset) whose padding holds a
    /// sentinel, so a kernel that reads or writes outside the view is caught.
    static func random(_ rows: Int, _ cols: Int, strided: Bool = false,
                       _ rng: inout RandomGenerator) -> Matrix {
        let pad = strided ? 1 + rng.integer(below: 5) : 0
        let lead = strided ? 3 : 0
        let stride = cols + pad
        let storage = Storage(count: lead + rows * stride + pad)
        storage.base.update(repeating: sentinel, count: storage.count)
        let m = Matrix(storage: storage, offset: lead, rows: rows, cols: cols, rowStride: stride)
        for r in 0..<rows { for c in 0..<cols { m[r, c] = rng.uniform(-1, 1) } }
        return m
    }

    static let sentinel: Float = 12345.5

    /// Whether every float of `m.storage` outside the view still holds the sentinel.
    static func paddingIntact(_ m: Matrix) -> Bool {
        var inside = Set<Int>()
        for r in 0..<m.rows { for c in 0..<m.cols { inside.insert(m.offset + r * m.rowStride + c) } }
        return (0..<m.storage.count).allSatisfy { inside.contains($0) || m.storage.base[$0] == sentinel }
    }

    static func absolute(_ m: Matrix) -> Matrix {
        let r = m.copy()
        r.apply { abs($0) }
        return r
    }

    /// The error bound every fast path must meet, elementwise:
    ///
    ///   |c − c_ref| ≤ (K + 6) · u · (|α| · (|op(a)|·|op(b)|)ᵢⱼ + |β| · |c₀ᵢⱼ|)
    ///
    /// with u = 2⁻²⁴ the Float32 unit roundoff: K·u is the classical worst case of a K-term
    /// dot product in any summation order (so it holds for every blocking and kernel), 3u the
    /// roundings of α·s, β·c₀ and their sum, and 3u the same roundings in the reference (which
    /// accumulates s in Double).
    /// Returns the largest ratio error / bound (≤ 1 passes), or ∞ for a NaN.
    static func worstErrorRatio(result: Matrix, reference: Matrix, a: Matrix, _ ta: Transpose,
                                b: Matrix, _ tb: Transpose, c0: Matrix, alpha: Float, beta: Float) -> Double {
        let k = ta == .none ? a.cols : a.rows
        let magnitude = Matrix(rows: result.rows, cols: result.cols)
        gemmReference(magnitude, absolute(a), ta, absolute(b), tb, alpha: abs(alpha), beta: 0)
        var worst = 0.0
        for i in 0..<result.rows {
            for j in 0..<result.cols {
                let got = Double(result[i, j]), want = Double(reference[i, j])
                if got.isNaN { return .infinity }
                let scale = Double(magnitude[i, j]) + (beta == 0 ? 0 : Double(abs(beta) * abs(c0[i, j])))
                let bound = Double(k + 6) * u * scale + Double(Float.leastNonzeroMagnitude)
                worst = max(worst, abs(got - want) / bound)
            }
        }
        return worst
    }

    static func shape(_ t: Transpose, _ rows: Int, _ cols: Int) -> (Int, Int) {
        t == .none ? (rows, cols) : (cols, rows)
    }

    static let transposes: [(Transpose, Transpose)] =
        [(.none, .none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed)]
}
