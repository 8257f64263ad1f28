import Foundation
import Testing
@testable import RecurrentKernels

/// Row softmax, log-softmax, log-sum-exp and the fused softmax cross-entropy on every
/// supported path, against Double references.
///
/// Tolerances: probabilities |a − b| ≤ 1e-9 + 2e-6·|b|; log-domain values (log-softmax,
/// log-sum-exp, per-row loss) ≤ 2e-6 + 1e-6·|b|; the summed loss relative 1e-6; gradients
/// ≤ 1e-9 + 2e-6·|b| (scaled by the gradient scale).
@Suite struct VectorMathSoftmaxTests {
    static let kernels = VectorMathKernel.supported
    static let widths = [1, 3, 17, 1000]

    static func row(_ m: Matrix, _ r: Int) -> [Double] { m.row(r).toArray().map(Double.init) }

    static func logSumExp(_ x: [Double]) -> Double {
        let m = x.max()!
        return m + Foundation.log(x.map { Foundation.exp($0 - m) }.reduce(0, +))
    }

    static func softmax(_ x: [Double], beta: Double = 1) -> [Double] {
        let m = x.max()!
        let e = x.map { Foundation.exp(beta * ($0 - m)) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    @Test(arguments: kernels, widths)
    func softmaxRowsMatchDouble(kernel: VectorMathKernel, v: Int) {
        var rng = RandomGenerator(seed: UInt64(v))
        for beta: Float in [1, 0.5, 2] {
            let x = guardedMatrix(rows: 4, cols: v, pad: 3, lead: 1, lo: -8, hi: 8, rng: &rng)
            let y = guardedMatrix(rows: 4, cols: v, pad: 1, rng: &rng)
            VectorMath.softmaxRows(y, x, inverseTemperature: beta, kernel: kernel)
            #expect(paddingIntact(y))
            for r in 0..<4 {
                let ref = Self.softmax(Self.row(x, r), beta: Double(beta))
                let got = y.row(r).toArray()
                for k in 0..<v { #expect(close(got[k], ref[k], abs: 1e-9, rel: 2e-6), "row \(r)[\(k)] β \(beta)") }
            }
            // In place gives the same floats.
            VectorMath.softmaxRows(x, x, inverseTemperature: beta, kernel: kernel)
            #expect(x.toArray() == y.toArray() && paddingIntact(x))
        }
    }

    @Test(arguments: kernels)
    func softmaxAgreesWithTheScalarMatrixVersion(kernel: VectorMathKernel) {
        var rng = RandomGenerator(seed: 9)
        let x = guardedMatrix(rows: 6, cols: 77, lo: -20, hi: 20, rng: &rng)
        let y = x.copy()
        VectorMath.softmaxRows(y, x, kernel: kernel)
        x.softmaxRows()
        for (a, b) in zip(y.toArray(), x.toArray()) { #expect(close(a, Double(b), abs: 1e-9, rel: 2e-6)) }
    }

    @Test(arguments: kernels)
    func softmaxExtremeRows(kernel: VectorMathKernel) {
        let rows: [[Float]] = [
            [.infinity, 0, .infinity, -.infinity],   // uniform over the +inf entries
            [1e30, 0, -1e30, 5],                      // one-hot on the huge one
            [-.infinity, 0, -.infinity, 0],           // −inf is probability 0
            [1000, 1001, 999, -1e30],                 // large but finite: shifted by the max
            [-.infinity, -.infinity, -.infinity, -.infinity],
        ]
        let x = guardedMatrix(rows: rows.count, cols: 4, pad: 2, values: rows.flatMap { $0 })
        let y = guardedMatrix(rows: rows.count, cols: 4, values: [Float](repeating: 0, count: rows.count * 4))
        VectorMath.softmaxRows(y, x, kernel: kernel)
        #expect(y.row(0).toArray() == [0.5, 0, 0.5, 0])
        #expect(y.row(1).toArray() == [1, 0, 0, 0])
        #expect(y.row(2).toArray() == [0, 0.5, 0, 0.5])
        let ref = Self.softmax([1000, 1001, 999, -1e30])
        for (a, b) in zip(y.row(3).toArray(), ref) { #expect(close(a, b, abs: 1e-9, rel: 2e-6)) }
        #expect(y.row(4).toArray().allSatisfy { $0.isNaN })   // as PyTorch: 0/0

        let lse = VectorMath.logSumExpRows(x, kernel: kernel)
        #expect(lse[0] == .infinity && lse[1] == 1e30 && lse[4] == -.infinity)
        #expect(close(lse[2], Foundation.log(2)) && close(lse[3], Self.logSumExp([1000, 1001, 999, -1e30])))
        let ls = guardedMatrix(rows: rows.count, cols: 4, values: [Float](repeating: 0, count: rows.count * 4))
        VectorMath.logSoftmaxRows(ls, x, kernel: kernel)
        #expect(ls.row(0).toArray() == [-Float(Foundation.log(2.0)), -.infinity, -Float(Foundation.log(2.0)), -.infinity])
        #expect(ls.row(1).toArray()[0] == 0 && ls.row(1).toArray()[1] == -1e30)
        #expect(ls.row(2).toArray()[0] == -.infinity && close(ls.row(2).toArray()[1], -Foundation.log(2)))
    }

    @Test(arguments: kernels, widths)
    func logSoftmaxAndLogSumExpMatchDouble(kernel: VectorMathKernel, v: Int) {
        var rng = RandomGenerator(seed: UInt64(50 + v))
        let x = guardedMatrix(rows: 3, cols: v, pad: 5, lo: -30, hi: 30, rng: &rng)
        let y = guardedMatrix(rows: 3, cols: v, pad: 2, rng: &rng)
        VectorMath.logSoftmaxRows(y, x, kernel: kernel)
        let lse = VectorMath.logSumExpRows(x, kernel: kernel)
        #expect(paddingIntact(y))
        for r in 0..<3 {
            let xr = Self.row(x, r), ref = Self.logSumExp(xr)
            #expect(close(lse[r], ref, abs: 2e-6, rel: 1e-6))
            let got = y.row(r).toArray()
            for k in 0..<v { #expect(close(got[k], xr[k] - ref, abs: 2e-6, rel: 1e-6)) }
        }
        VectorMath.logSoftmaxRows(x, x, kernel: kernel)
        #expect(x.toArray() == y.toArray())
    }

    // MARK: - Cross-entropy

    /// Σ ℓ_n and the gradient s·(softmax − onehot) in Double, ignored rows zero.
    static func crossEntropy(_ x: Matrix, _ targets: [Int32], ignore: Int32, scale: Double) -> (Double, [[Double]]) {
        var total = 0.0
        var grad = [[Double]]()
        for r in 0..<x.rows {
            let xr = row(x, r)
            guard targets[r] != ignore else { grad.append([Double](repeating: 0, count: x.cols)); continue }
            let y = Int(targets[r])
            total += logSumExp(xr) - xr[y]
            var g = softmax(xr).map { $0 * scale }
            g[y] -= scale
            grad.append(g)
        }
        return (total, grad)
    }

    @Test(arguments: kernels, widths)
    func crossEntropyLossAndGradient(kernel: VectorMathKernel, v: Int) {
        var rng = RandomGenerator(seed: UInt64(300 + v))
        let n = 7, ignore: Int32 = -100
        let targets: [Int32] = (0..<n).map { r in r == 2 || r == 5 ? ignore : Int32(rng.integer(below: v)) }
        let counted = targets.filter { $0 != ignore }.count
        let scale = 1 / Float(counted)
        let logits = guardedMatrix(rows: n, cols: v, pad: 3, lead: 2, lo: -10, hi: 10, rng: &rng)
        let (refLoss, refGrad) = Self.crossEntropy(logits, targets, ignore: ignore, scale: Double(scale))

        let lossOnly = targets.withUnsafeBufferPointer {
            VectorMath.softmaxCrossEntropy(logits: logits, targets: $0, ignoreIndex: ignore, gradientScale: scale,
                                           dLogits: nil, kernel: kernel)
        }
        #expect(abs(lossOnly - refLoss) <= 1e-6 * abs(refLoss) + 1e-5)

        // Into a separate strided buffer: logits untouched.
        let before = logits.toArray()
        let d = guardedMatrix(rows: n, cols: v, pad: 1, rng: &rng)
        let loss = targets.withUnsafeBufferPointer {
            VectorMath.softmaxCrossEntropy(logits: logits, targets: $0, ignoreIndex: ignore, gradientScale: scale,
                                           dLogits: d, kernel: kernel)
        }
        #expect(loss == lossOnly)
        #expect(logits.toArray() == before && paddingIntact(d))
        for r in 0..<n {
            let got = d.row(r).toArray()
            for k in 0..<v {
                #expect(close(got[k], refGrad[r][k], abs: 1e-9, rel: 2e-6), "dLogits[\(r), \(k)]")
            }
        }

        // In place: the gradient replaces the logits, same floats and loss.
        let inPlace = targets.withUnsafeBufferPointer {
            VectorMath.softmaxCrossEntropy(logits: logits, targets: $0, ignoreIndex: ignore, gradientScale: scale,
                                           dLogits: logits, kernel: kernel)
        }
        #expect(inPlace == loss)
        #expect(logits.toArray() == d.toArray() && paddingIntact(logits))
    }

    @Test(arguments: kernels)
    func crossEntropyEdgeCases(kernel: VectorMathKernel) {
        // Huge logits stay finite (shifted by the row max); all rows ignored gives 0 and a zero gradient.
        let x = guardedMatrix(rows: 2, cols: 3, values: [1e30, -1e30, 0, 100, -100, 50])
        let loss = [Int32(1), 2].withUnsafeBufferPointer {
            VectorMath.softmaxCrossEntropy(logits: x, targets: $0, dLogits: x, kernel: kernel)
        }
        #expect(abs(loss - (2e30 + 50.000000000000000019)) <= 1e24)
        #expect(x.row(0).toArray() == [1, -1, 0] && x.row(1).toArray()[2] < -0.99)
        let z = guardedMatrix(rows: 2, cols: 5, values: (0..<10).map(Float.init))
        let none = [Int32(-1), -1].withUnsafeBufferPointer {
            VectorMath.softmaxCrossEntropy(logits: z, targets: $0, ignoreIndex: -1, dLogits: z, kernel: kernel)
        }
        #expect(none == 0 && z.toArray().allSatisfy { $0 == 0 })
    }
}
