import Recurrent

/// Helpers for the layer, loss and optimizer tests (named to stay apart from other suites'),
/// among them the one central-difference gradient of the test suite, `finiteDifference`.
enum NNTestSupport {
    /// A (rows, cols) matrix of U(−scale, scale) values.
    static func randomMatrix(_ rows: Int, _ cols: Int, _ rng: inout RandomGenerator, scale: Float = 1) -> Matrix {
        Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in rng.uniform(-scale, scale) })
    }

    /// Σ weights ⊙ m in Double: a scalar objective whose gradient with respect to m is `weights`.
    static func dot(_ m: Matrix, _ weights: Matrix) -> Double {
        var s: Double = 0
        for r in 0..<m.rows { for c in 0..<m.cols { s += Double(m[r, c]) * Double(weights[r, c]) } }
        return s
    }

    /// Central differences of `objective` with respect to every element of `x`:
    /// (f(x + h) − f(x − h)) / 2h, restoring each element afterwards.
    static func finiteDifference(of x: Matrix, step h: Float = 1e-2, _ objective: () -> Double) -> [Double] {
        var result: [Double] = []
        for r in 0..<x.rows {
            for c in 0..<x.cols {
                let saved = x[r, c]
                x[r, c] = saved + h
                let plus = objective()
                x[r, c] = saved - h
                let minus = objective()
                x[r, c] = saved
                // Divide by the step actually taken (saved ± h is rounded to Float).
                result.append((plus - minus) / (Double(saved + h) - Double(saved - h)))
            }
        }
        return result
    }

    /// Whether |a − b| ≤ absolute + relative·|b| for every pair.
    static func close(_ a: [Double], _ b: [Double], absolute: Double, relative: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= absolute + relative * abs($1) }
    }

    static func close(_ a: [Float], _ b: [Double], absolute: Double, relative: Double) -> Bool {
        close(a.map(Double.init), b, absolute: absolute, relative: relative)
    }

    /// The largest |a − b| (for failure messages).
    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// A parameter with the given values and gradient, shaped (rows, cols).
    static func parameter(_ name: String, rows: Int, cols: Int, value: [Float], gradient: [Float]) -> Parameter {
        Parameter(name: name, shape: rows == 1 ? [cols] : [rows, cols],
                  value: Matrix(rows: rows, cols: cols, values: value),
                  gradient: Matrix(rows: rows, cols: cols, values: gradient))
    }
}
