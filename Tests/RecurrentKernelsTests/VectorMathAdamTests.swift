import Testing
@testable import RecurrentKernels

/// The Adam update on every supported vector-math path gives exactly the floats of the scalar
/// loop it mirrors (explicit multiply, then add; no fused multiply-add), for counts that leave
/// a tail after the 16- and 8-lane blocks.
@Suite struct VectorMathAdamTests {
    @Test(arguments: VectorMathKernel.supported)
    func everyPathMatchesTheScalarLoopExactly(kernel: VectorMathKernel) {
        let (w1, b2, w2, bc2, eps, negativeStep): (Float, Float, Float, Float, Float, Float) = (0.1, 0.999, 0.0316, 0.0447, 1e-8, -1e-3)
        for count in [1, 7, 8, 17, 40] {
            var generator = RandomGenerator(seed: UInt64(count))
            func values() -> [Float] { (0..<count).map { _ in Float(generator.uniformDouble() * 2 - 1) } }
            let gradient = values()
            var theta = values(), m = values(), v = values().map { $0 * $0 }
            var expected = (theta: theta, m: m, v: v)
            for i in 0..<count {
                let g = gradient[i]
                let mi = expected.m[i] + w1 * (g - expected.m[i])
                let vi = expected.v[i] * b2 + (w2 * g) * g
                expected.m[i] = mi
                expected.v[i] = vi
                expected.theta[i] = expected.theta[i] + (negativeStep * mi) / (vi.squareRoot() / bc2 + eps)
            }
            gradient.withUnsafeBufferPointer { g in
                VectorMath.adamUpdate(count: count, theta: &theta, gradient: g.baseAddress!, m: &m, v: &v,
                                      w1: w1, b2: b2, w2: w2, bc2: bc2, eps: eps, negativeStep: negativeStep, kernel: kernel)
            }
            #expect(theta == expected.theta && m == expected.m && v == expected.v, "\(kernel), count \(count)")
        }
    }
}
