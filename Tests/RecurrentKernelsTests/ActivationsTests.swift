import Foundation
import Testing
@testable import RecurrentKernels

/// Elementwise kernels against straightforward Double references, including extreme inputs.
@Suite struct ActivationsTests {
    /// Ordinary values, values where exp overflows Float (|x| > 88.7), and the extremes.
    static let inputs: [Float] = [0, 1e-8, -1e-8, 0.5, -0.5, 1, -1, 3, -3, 10, -10, 20, -20, 50, -50,
                                  88, -88, 89, -89, 100, -100, 1e4, -1e4, 1e30, -1e30,
                                  .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                  .infinity, -.infinity]

    /// Float results are within a few ulps of the Double reference rounded to Float:
    /// |y − ref| ≤ 4·ulp(ref) + the smallest subnormal (for results that underflow).
    static func close(_ y: Float, _ reference: Double) -> Bool {
        let r = Float(reference)
        if r.isInfinite || y.isInfinite { return y == r }
        return abs(Double(y) - reference) <= 4 * Double(r.ulp) + Double(Float.leastNonzeroMagnitude)
    }

    @Test func sigmoidIsAccurateAndNeverNaN() {
        for x in Self.inputs {
            let y = ScalarActivation.sigmoid(x)
            let reference = 1 / (1 + Foundation.exp(-Double(x)))
            #expect(!y.isNaN && y >= 0 && y <= 1, "sigmoid(\(x)) = \(y)")
            #expect(Self.close(y, reference), "sigmoid(\(x)) = \(y), want \(reference)")
        }
        #expect(ScalarActivation.sigmoid(.infinity) == 1 && ScalarActivation.sigmoid(-.infinity) == 0)
        #expect(ScalarActivation.sigmoid(.nan).isNaN)
    }

    @Test func tanhIsAccurateAndSaturates() {
        for x in Self.inputs {
            let y = ScalarActivation.tanh(x)
            #expect(!y.isNaN && abs(y) <= 1, "tanh(\(x)) = \(y)")
            #expect(Self.close(y, Foundation.tanh(Double(x))), "tanh(\(x)) = \(y)")
        }
        #expect(ScalarActivation.tanh(1e30) == 1 && ScalarActivation.tanh(-1e30) == -1)
    }

    @Test func reluAndDerivativesFromOutputs() {
        for x in Self.inputs {
            #expect(ScalarActivation.relu(x) == (x > 0 ? x : 0))
            #expect(ScalarActivation.reluDerivative(output: ScalarActivation.relu(x)) == (x > 0 ? 1 : 0))
            // σ'(x) = σ(1 − σ) and tanh'(x) = 1 − tanh², compared with the Double derivative.
            let s = 1 / (1 + Foundation.exp(-Double(x)))
            let ds = ScalarActivation.sigmoidDerivative(output: ScalarActivation.sigmoid(x))
            #expect(!ds.isNaN && abs(Double(ds) - s * (1 - s)) <= 1e-7, "σ'(\(x)) = \(ds)")
            let t = Foundation.tanh(Double(x))
            let dt = ScalarActivation.tanhDerivative(output: ScalarActivation.tanh(x))
            #expect(!dt.isNaN && abs(Double(dt) - (1 - t * t)) <= 3e-7, "tanh'(\(x)) = \(dt)")
        }
        #expect(ScalarActivation.reluDerivative(output: 0) == 0)  // as PyTorch at x = 0
    }

    @Test func applyAddRowVectorAndSumRowsOnStridedViews() {
        var rng = RandomGenerator(seed: 3)
        let wide = GemmTestSupport.random(4, 9, &rng)
        let view = wide.columns(2..<7)  // 4 × 5, rowStride 9
        let before = wide.toArray()
        let bias = GemmTestSupport.random(3, 5, &rng).row(1)  // a row view inside a larger matrix
        view.addRowVector(bias)
        for r in 0..<4 {
            for c in 0..<9 {
                let want = before[r * 9 + c] + ((2..<7).contains(c) ? bias[0, c - 2] : 0)
                #expect(wide[r, c] == want)
            }
        }
        let sums = Matrix(rows: 1, cols: 5)
        sums.fill(1)  // sumRows adds into its target (bias gradients accumulate)
        view.sumRows(into: sums)
        for c in 0..<5 {
            let want = 1 + (0..<4).reduce(0.0) { $0 + Double(view[$1, c]) }
            #expect(abs(Double(sums[0, c]) - want) <= 1e-5)
        }
        view.apply { 2 * $0 }
        #expect(wide[0, 0] == before[0] && wide[3, 8] == before[35])  // outside the view untouched
    }

    /// Rows with overflow-prone values; each must give a probability vector, no NaN.
    static let extremeRows: [[Float]] = [
        [0, 0, 0, 0],
        [1, 2, 3, 4],
        [100, -100, 0, 50],
        [1e30, -1e30, 0, 1],
        [-1e30, -1e30, -1e30, -1e30],
        [1e30, 1e30, -5, 0],
        [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0, 1],
        [.infinity, 0, -.infinity, 3],
        [-.infinity, 2, -.infinity, 2],
        [89, 90, 91, -1e4],
    ]

    static func referenceLogSoftmax(_ row: [Float]) -> [Double] {
        let x = row.map(Double.init)
        let m = x.max()!
        if m == .infinity { return x.map { $0 == .infinity ? 0 : -.infinity } }  // limit of ties
        // (x − m) − log Σ exp(x − m): subtracting m first keeps −1e30 − (−1e30) exact.
        let logSum = Foundation.log(x.reduce(0) { $0 + Foundation.exp($1 - m) })
        return x.map { ($0 - m) - logSum }
    }

    @Test(arguments: extremeRows)
    func softmaxRowsMatchesReferenceAndSumsToOne(row: [Float]) {
        let m = Matrix(rows: 2, cols: row.count, values: row + row.reversed())
        m.softmaxRows()
        for (r, values) in [row, row.reversed()].enumerated() {
            var reference = Self.referenceLogSoftmax(values).map(Foundation.exp)
            let infinities = values.filter { $0 == .infinity }.count
            if infinities > 0 { reference = values.map { $0 == .infinity ? 1 / Double(infinities) : 0 } }
            var total = 0.0
            for c in 0..<values.count {
                let y = m[r, c]
                #expect(!y.isNaN && y >= 0 && y <= 1, "softmax(\(values))[\(c)] = \(y)")
                #expect(abs(Double(y) - reference[c]) <= 1e-6, "softmax(\(values))[\(c)] = \(y), want \(reference[c])")
                total += Double(y)
            }
            #expect(abs(total - 1) <= 1e-6, "softmax(\(values)) sums to \(total)")
        }
    }

    @Test(arguments: extremeRows)
    func logSoftmaxRowsMatchesReferenceAndIsFinite(row: [Float]) {
        checkLogSoftmax(row)
    }

    func checkLogSoftmax(_ row: [Float]) {
        let m = Matrix(rows: 1, cols: row.count, values: row)
        m.logSoftmaxRows()
        let reference = Self.referenceLogSoftmax(row)
        var total = 0.0
        for c in 0..<row.count {
            let y = m[0, c]
            #expect(!y.isNaN, "logSoftmax(\(row))[\(c)] is NaN")
            // Finite wherever the input is finite and no input is +∞ (the exact answer is
            // finite there, −2e30 included); −∞ only where the probability is exactly 0.
            if row[c].isFinite && !row.contains(.infinity) && Float(reference[c]).isFinite {
                #expect(y.isFinite, "logSoftmax(\(row))[\(c)] = \(y)")
            }
            if Float(reference[c]).isInfinite {  // −∞, or beyond Float's range (−6.8e38)
                #expect(y == Float(reference[c]))
            } else {
                #expect(abs(Double(y) - reference[c]) <= 1e-6 * max(1, abs(reference[c])),
                        "logSoftmax(\(row))[\(c)] = \(y), want \(reference[c])")
            }
            total += Foundation.exp(Double(y))
        }
        #expect(abs(total - 1) <= 1e-6)
    }

    @Test func softmaxOfARandomMatrixMatchesReference() {
        var rng = RandomGenerator(seed: 5)
        let m = GemmTestSupport.random(7, 65, strided: true, &rng)
        m.scale(by: 20)
        let rows = (0..<7).map { Array(m.toArray()[$0 * 65 ..< ($0 + 1) * 65]) }
        let logs = m.copy()
        m.softmaxRows()
        logs.logSoftmaxRows()
        #expect(GemmTestSupport.paddingIntact(m))
        for r in 0..<7 {
            let reference = Self.referenceLogSoftmax(rows[r])
            for c in 0..<65 {
                #expect(abs(Double(m[r, c]) - Foundation.exp(reference[c])) <= 1e-6)
                #expect(abs(Double(logs[r, c]) - reference[c]) <= 2e-6 * max(1, abs(reference[c])))
            }
        }
    }

    @Test func reductionsAndUpdates() {
        var rng = RandomGenerator(seed: 9)
        let m = GemmTestSupport.random(5, 13, strided: true, &rng)
        let values = m.toArray().map(Double.init)
        #expect(abs(m.sum() - values.reduce(0, +)) <= 1e-9)
        #expect(abs(m.sumOfSquares() - values.reduce(0) { $0 + $1 * $1 }) <= 1e-9)
        #expect(Double(m.maxAbsolute()) == values.map(abs).max())

        let big = Matrix(rows: 1, cols: 3, values: [1e30, -3e30, 2e30])
        #expect(big.sumOfSquares().isFinite && big.sumOfSquares() > 1e61)  // Double: no overflow
        #expect(big.maxAbsolute() == 3e30)
        let withNaN = Matrix(rows: 1, cols: 3, values: [1, .nan, 2])
        #expect(withNaN.maxAbsolute().isNaN)  // a NaN gradient must not hide behind max

        let other = GemmTestSupport.random(5, 13, &rng)
        let expected = zip(m.toArray(), other.toArray()).map { ($0 + -0.5 * $1) * 3 }
        m.add(other, scaledBy: -0.5)
        m.scale(by: 3)
        for (got, want) in zip(m.toArray(), expected) { #expect(abs(got - want) <= 1e-6 * max(1, abs(want))) }
        #expect(GemmTestSupport.paddingIntact(m))
    }
}
