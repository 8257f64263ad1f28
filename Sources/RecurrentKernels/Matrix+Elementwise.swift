import Foundation

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
