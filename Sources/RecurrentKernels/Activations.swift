import Foundation

// Scalar activations and their derivatives. Derivatives take the activation's *output*
// (y = σ(x) ⇒ σ'(x) = y(1−y); y = tanh(x) ⇒ tanh'(x) = 1−y²), which is what a forward cache holds.

/// σ(x) = 1 / (1 + e^(−x)), safe for any input: the exponent is never positive, so it cannot
/// overflow; ±∞ give exactly 0 and 1, NaN stays NaN.
@inlinable
public func sigmoid(_ x: Float) -> Float {
    if x >= 0 {
        return 1 / (1 + expf(-x))
    } else {
        let e = expf(x)
        return e / (1 + e)
    }
}

/// tanh(x); saturates to ±1 for large |x| (libm's tanhf never overflows).
@inlinable
public func tanh(_ x: Float) -> Float { tanhf(x) }

/// max(0, x).
@inlinable
public func relu(_ x: Float) -> Float { x > 0 ? x : 0 }

/// dσ/dx from y = σ(x).
@inlinable
public func sigmoidDerivative(output y: Float) -> Float { y * (1 - y) }

/// dtanh/dx from y = tanh(x).
@inlinable
public func tanhDerivative(output y: Float) -> Float { 1 - y * y }

/// drelu/dx from y = relu(x) (0 at x = 0, as PyTorch).
@inlinable
public func reluDerivative(output y: Float) -> Float { y > 0 ? 1 : 0 }

extension Matrix {
    /// Applies `f` to every element in place.
    public func apply(_ f: (Float) -> Float) {
        forEachRow { _, row in
            for i in row.indices { row[i] = f(row[i]) }
        }
    }

    /// Adds `bias` (1 × cols) to every row: the fused add-bias of a linear layer.
    public func addRowVector(_ bias: Matrix) {
        precondition(bias.count == cols, "addRowVector: bias of \(bias.count) for \(cols) columns")
        let b = bias.isContiguous ? bias : bias.copy()
        let bp = b.pointer
        forEachRow { _, row in
            for i in row.indices { row[i] += bp[i] }
        }
    }

    /// Adds each column's sum over rows into `target` (1 × cols): the bias gradient.
    public func sumRows(into target: Matrix) {
        precondition(target.count == cols && target.isContiguous, "sumRows: target must be contiguous with \(cols) elements")
        let tp = target.pointer
        forEachRow { _, row in
            for i in row.indices { tp[i] += row[i] }
        }
    }

    /// In place, each row becomes softmax(row). Subtracts the row maximum first, so no
    /// exponent is positive and nothing overflows; a row containing +∞ becomes one-hot on it.
    public func softmaxRows() {
        forEachRow { _, row in
            Self.softmax(row)
        }
    }

    /// In place, each row becomes log-softmax(row) = x − max − log Σ exp(x − max).
    public func logSoftmaxRows() {
        forEachRow { _, row in
            var m = -Float.infinity
            for v in row { m = Swift.max(m, v) }
            if m == .infinity {
                for i in row.indices { row[i] = row[i] == .infinity ? 0 : -.infinity }
                return
            }
            var sum: Float = 0
            for v in row { sum += expf(v - m) }
            // (x − m) − log Σ, not x − (m + log Σ): with |m| ≫ log Σ the latter rounds log Σ away.
            let logSum = logf(sum)
            for i in row.indices { row[i] = (row[i] - m) - logSum }
        }
    }

    /// Numerically safe softmax of one row, in place.
    public static func softmax(_ row: UnsafeMutableBufferPointer<Float>) {
        var m = -Float.infinity
        for v in row { m = Swift.max(m, v) }
        if m == .infinity {
            let hits = Float(row.filter { $0 == .infinity }.count)
            for i in row.indices { row[i] = row[i] == .infinity ? 1 / hits : 0 }
            return
        }
        var sum: Float = 0
        for i in row.indices {
            let e = expf(row[i] - m)
            row[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in row.indices { row[i] *= inv }
    }

    /// Σ of all elements, accumulated in Double.
    public func sum() -> Double {
        var s: Double = 0
        forEachRow { _, row in for v in row { s += Double(v) } }
        return s
    }

    /// Σ x², accumulated in Double (the square of the L2 norm).
    public func sumOfSquares() -> Double {
        var s: Double = 0
        forEachRow { _, row in for v in row { s += Double(v) * Double(v) } }
        return s
    }

    /// max |x| (the infinity norm); NaN if any element is NaN.
    public func maxAbsolute() -> Float {
        var m: Float = 0
        forEachRow { _, row in
            for v in row {
                if v.isNaN { m = .nan; return }
                m = Swift.max(m, abs(v))
            }
        }
        return m
    }

    /// self = self + alpha · other (same shape).
    public func add(_ other: Matrix, scaledBy alpha: Float = 1) {
        precondition(other.rows == rows && other.cols == cols, "add: shape \(other.rows)×\(other.cols) to \(rows)×\(cols)")
        for r in 0..<rows {
            let d = pointer + r * rowStride, s = other.pointer + r * other.rowStride
            for c in 0..<cols { d[c] += alpha * s[c] }
        }
    }

    /// self = self · alpha.
    public func scale(by alpha: Float) {
        forEachRow { _, row in for i in row.indices { row[i] *= alpha } }
    }
}
