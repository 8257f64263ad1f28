import Foundation
@testable import RecurrentKernels

// Helpers shared by the VectorMath tests: strided views with guarded padding, error measures.

/// Value written around every view so a kernel writing outside its view is caught.
let vectorMathSentinel: Float = -12345.5

/// A `rows × cols` view with `rowStride = cols + pad`, at offset `lead`, inside a storage whose
/// every float outside the view holds `vectorMathSentinel`; the view holds uniform(lo, hi).
func guardedMatrix(rows: Int, cols: Int, pad: Int = 0, lead: Int = 0, lo: Float = -1, hi: Float = 1,
                   rng: inout RandomGenerator) -> Matrix {
    let stride = cols + pad
    let storage = Storage(count: lead + rows * stride + pad + 3)
    storage.base.update(repeating: vectorMathSentinel, count: storage.count)
    let m = Matrix(storage: storage, offset: lead, rows: rows, cols: cols, rowStride: stride)
    for r in 0..<rows { for c in 0..<cols { m[r, c] = rng.uniform(lo, hi) } }
    return m
}

/// A guarded view holding `values` (row-major).
func guardedMatrix(rows: Int, cols: Int, pad: Int = 0, values: [Float]) -> Matrix {
    var rng = RandomGenerator(seed: 0)
    let m = guardedMatrix(rows: rows, cols: cols, pad: pad, lead: 1, rng: &rng)
    for r in 0..<rows { for c in 0..<cols { m[r, c] = values[r * cols + c] } }
    return m
}

/// True when every float of `m.storage` outside the view `m` still holds the sentinel.
func paddingIntact(_ m: Matrix) -> Bool {
    var inside = [Bool](repeating: false, count: m.storage.count)
    for r in 0..<m.rows { for c in 0..<m.cols { inside[m.offset + r * m.rowStride + c] = true } }
    for i in 0..<m.storage.count where !inside[i] && m.storage.base[i].bitPattern != vectorMathSentinel.bitPattern {
        return false
    }
    return true
}

/// |y − ref| in units of the float spacing at ref (subnormal spacing below the normal range).
func ulpError(_ y: Float, _ ref: Double) -> Double {
    let a = Float(abs(ref))
    let spacing = a < Float.leastNormalMagnitude ? Double(Float.leastNonzeroMagnitude) : Double(a.ulp)
    return abs(Double(y) - ref) / spacing
}

/// |a − b| ≤ abs + rel·|b|: the comparison for composite kernels against a Double reference.
func close(_ a: Float, _ b: Double, abs absTol: Double = 1e-6, rel: Double = 1e-5) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return Double(a) == b }
    return Swift.abs(Double(a) - b) <= absTol + rel * Swift.abs(b)
}

func sigmoidReference(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
