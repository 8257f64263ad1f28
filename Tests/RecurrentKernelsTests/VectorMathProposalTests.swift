import Testing
@testable import RecurrentKernels

/// The V-long passes of rejection sampling (`VectorMath.proposalBounds`, `proposalWeights`,
/// `rowSumsInDouble`, `drawCumulative`) give, on every path and for every length (vector
/// tails), the floats of the plain scalar expressions they stand for.
@Suite struct VectorMathProposalTests {
    static func values(_ count: Int, _ low: Float, _ high: Float, _ rng: inout RandomGenerator) -> [Float] {
        (0..<count).map { _ in rng.uniform(low, high) }
    }

    @Test(arguments: VectorMathKernel.supported)
    func boundsAreTheScalarExpression(kernel: VectorMathKernel) {
        var rng = RandomGenerator(seed: 31)
        for v in [1, 15, 37, 1000] {
            for withBias in [false, true] {
                let z = Self.values(v, -8, 8, &rng), e1 = Self.values(v, 0, 0.5, &rng)
                let e2 = Self.values(v, 0, 0.05, &rng), magnitude = Self.values(v, 1, 30, &rng)
                let bias = withBias ? Self.values(v, -2, 2, &rng) : nil
                let hInf: Float = 0.97, hTwo: Float = 11.3, rounding: Float = 3.1e-5, biasFactor = Float.ulpOfOne * 4
                var expected = z, top = -Float.infinity
                for r in 0..<v {
                    let b = bias?[r] ?? 0
                    let zr = z[r] + b
                    let quantization = min(e1[r] * hInf, e2[r] * hTwo)
                    let epsilon = quantization + rounding * magnitude[r] + biasFactor * abs(b) + 0x1p-21 * abs(zr) + 1e-5
                    expected[r] = zr + epsilon
                    top = max(top, expected[r])
                }
                var got = z
                let biasValues = bias ?? []
                let gotTop = got.withUnsafeMutableBufferPointer { p in
                    biasValues.withUnsafeBufferPointer { b in
                        VectorMath.proposalBounds(p.baseAddress!, count: v, bias: withBias ? b.baseAddress : nil,
                                                  errorL1: e1, errorL2: e2, magnitude: magnitude, hInf: hInf,
                                                  hTwo: hTwo, rounding: rounding, biasFactor: biasFactor, kernel: kernel)
                    }
                }
                #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(kernel) V \(v) bias \(withBias)")
                #expect(gotTop == top, "\(kernel) V \(v)")
            }
        }
    }

    @Test(arguments: VectorMathKernel.supported)
    func weightsAreTheScalarExpressionThenExp(kernel: VectorMathKernel) {
        var rng = RandomGenerator(seed: 32)
        for v in [1, 15, 37, 1000] {
            let u = Self.values(v, -30, 4, &rng)
            let top = u.max()!, inverse: Float = 1 / 0.8
            var expected = u.map { ($0 + 0x1p-20 * (abs($0) + abs(top)) - top) * inverse }
            expected.withUnsafeMutableBufferPointer {
                VectorMath.exp($0.baseAddress!, $0.baseAddress!, count: v, kernel: kernel)
            }
            var got = u
            got.withUnsafeMutableBufferPointer {
                VectorMath.proposalWeights($0.baseAddress!, count: v, top: top, inverseTemperature: inverse, kernel: kernel)
            }
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(kernel) V \(v)")
        }
    }

    @Test func rowSumsAreSequentialSums() {
        var rng = RandomGenerator(seed: 33)
        for rows in [1, 3, 4, 5, 8, 9] {
            let v = 1001, stride = v + 2
            let w = Self.values(rows * stride, 0, 1, &rng)
            var totals = [Double](repeating: -1, count: rows)
            VectorMath.rowSumsInDouble(w, rows: rows, count: v, rowStride: stride, into: &totals)
            for s in 0..<rows {
                var total = 0.0
                for r in 0..<v { total += Double(w[s * stride + r]) }
                #expect(totals[s].bitPattern == total.bitPattern, "row \(s) of \(rows)")
            }
        }
    }

    @Test func drawIsTheCumulativeSearch() {
        var rng = RandomGenerator(seed: 34)
        var w = Self.values(500, 0, 1, &rng)
        for r in stride(from: 0, to: 500, by: 7) { w[r] = 0 }
        w[499] = 0
        w[3] = .nan
        var total = 0.0
        for r in 0..<500 where w[r] > 0 { total += Double(w[r]) }
        for target in (0..<200).map({ _ in rng.uniformDouble() * total }) + [0, total, total * 2, -1] {
            var cumulative = 0.0, expected = 0
            for r in 0..<500 where w[r] > 0 {
                cumulative += Double(w[r])
                expected = r
                if target < cumulative { break }
            }
            #expect(VectorMath.drawCumulative(w, count: 500, target: target) == expected, "target \(target)")
        }
        #expect(VectorMath.drawCumulative([0, 0, -1], count: 3, target: 0.5) == 0)
    }
}
