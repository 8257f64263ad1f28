import Foundation
import Testing
@testable import RecurrentKernels

/// exp, sigmoid and tanh on every kernel path this machine supports, against Double.
///
/// Tolerances (ulp of the Double result rounded to float): exp ≤ 2, sigmoid ≤ 3, tanh ≤ 2
/// wherever the result is a normal float. The measured maxima over every 97th float (a denser
/// sweep than this test's) are 1.00, 2.28 and 1.50 ulp (relative 8.3e-8, 1.7e-7, 1.5e-7) on
/// every x86 path.
/// Where the true result is subnormal or zero the absolute error must stay below the smallest
/// normal float; where it overflows the result must be +inf.
@Suite struct VectorMathElementwiseTests {
    enum Function: String, CaseIterable, Sendable {
        case exp, sigmoid, tanh

        var ulpBound: Double {
            switch self {
            case .exp: 2
            case .sigmoid: 3
            case .tanh: 2
            }
        }

        func reference(_ x: Double) -> Double {
            switch self {
            case .exp: Foundation.exp(x)
            case .sigmoid: sigmoidReference(x)
            case .tanh: Foundation.tanh(x)
            }
        }

        func run(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, _ k: VectorMathKernel) {
            switch self {
            case .exp: VectorMath.exp(y, x, count: n, kernel: k)
            case .sigmoid: VectorMath.sigmoid(y, x, count: n, kernel: k)
            case .tanh: VectorMath.tanh(y, x, count: n, kernel: k)
            }
        }

        func run(_ y: Matrix, _ x: Matrix, _ k: VectorMathKernel) {
            switch self {
            case .exp: VectorMath.exp(y, x, kernel: k)
            case .sigmoid: VectorMath.sigmoid(y, x, kernel: k)
            case .tanh: VectorMath.tanh(y, x, kernel: k)
            }
        }
    }

    static let kernels = VectorMathKernel.supported

    @Test func portableIsAlwaysSupportedAndCurrentIsSupported() {
        #expect(VectorMathKernel.portable.isSupported)
        #expect(VectorMathKernel.current.isSupported)
        #expect(VectorMathKernel.best.isSupported)
        #expect(VectorMathKernel.portable.lanes == 4)
        for k in Self.kernels { #expect(k.lanes >= 1) }
    }

    /// Every 4093rd float bit pattern of both signs (~1M inputs per function and path).
    static let sweep: [Float] = {
        var xs = [Float]()
        for sign: UInt32 in [0, 0x8000_0000] {
            var u: UInt32 = 0
            while u < 0x7f80_0000 { xs.append(Float(bitPattern: u | sign)); u += 4093 }
        }
        return xs
    }()

    @Test(arguments: kernels, Function.allCases)
    func accuracyOverTheWholeRange(kernel: VectorMathKernel, function: Function) {
        let xs = Self.sweep
        var ys = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeMutableBufferPointer { y in function.run(y.baseAddress!, x.baseAddress!, x.count, kernel) }
        }
        var worst = 0.0, worstX: Float = 0, failures = 0
        for (x, y) in zip(xs, ys) {
            let ref = function.reference(Double(x))
            if ref > Double(Float.greatestFiniteMagnitude) {
                if y != .infinity { failures += 1 }
            } else if abs(ref) < Double(Float.leastNormalMagnitude) {
                if abs(Double(y) - ref) > Double(Float.leastNormalMagnitude) { failures += 1 }
            } else {
                let e = ulpError(y, ref)
                if e > worst { worst = e; worstX = x }
            }
        }
        #expect(failures == 0, "\(function) on \(kernel): \(failures) wrong overflow/underflow results")
        #expect(worst <= function.ulpBound, "\(function) on \(kernel): \(worst) ulp at x = \(worstX)")
    }

    @Test(arguments: kernels)
    func extremeInputsGiveLimitsNotNaN(kernel: VectorMathKernel) {
        let x: [Float] = [.infinity, -.infinity, 1e30, -1e30, 100, -100, 88.8, -88.8, -104, -110, 0, -0.0, .nan]
        func eval(_ f: Function) -> [Float] {
            var y = [Float](repeating: 7, count: x.count)
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { f.run($0.baseAddress!, xp.baseAddress!, x.count, kernel) } }
            return y
        }
        let e = eval(.exp), s = eval(.sigmoid), t = eval(.tanh)
        #expect(Array(e[0..<4]) == [.infinity, 0, .infinity, 0])
        #expect(e[4] == .infinity && e[6] == .infinity)   // e^100, e^88.8 overflow float
        #expect(e[5] > 0 && e[5] < Float.leastNormalMagnitude && e[7] > 0)   // subnormal, not flushed
        #expect(e[8] >= 0 && e[8] <= Float.leastNonzeroMagnitude && e[9] == 0)
        #expect(e[10] == 1 && e[11] == 1 && e[12].isNaN)
        #expect(Array(s[0..<6]) == [1, 0, 1, 0, 1, Float(sigmoidReference(-100))])
        #expect(s[10] == 0.5 && s[11] == 0.5 && s[12].isNaN)
        #expect(Array(t[0..<6]) == [1, -1, 1, -1, 1, -1])
        #expect(t[10] == 0 && t[10].sign == .plus && t[11] == 0 && t[11].sign == .minus && t[12].isNaN)
        #expect(e.dropLast().allSatisfy { !$0.isNaN } && s.dropLast().allSatisfy { !$0.isNaN }
                && t.dropLast().allSatisfy { !$0.isNaN })
    }

    @Test(arguments: kernels, [1, 3, 17, 1000])
    func oddLengthsTouchOnlyTheirElements(kernel: VectorMathKernel, count: Int) {
        var rng = RandomGenerator(seed: UInt64(count))
        for function in Function.allCases {
            let x = guardedMatrix(rows: 1, cols: count, lead: 3, lo: -20, hi: 20, rng: &rng)
            let y = guardedMatrix(rows: 1, cols: count, lead: 5, rng: &rng)
            function.run(y.pointer, x.pointer, count, kernel)
            #expect(paddingIntact(y), "\(function) on \(kernel) wrote outside \(count) elements")
            for c in 0..<count {
                #expect(ulpError(y[0, c], function.reference(Double(x[0, c]))) <= function.ulpBound)
            }
            // In place gives the same values.
            let before = y.toArray()
            function.run(x.pointer, x.pointer, count, kernel)
            #expect(x.toArray() == before)
        }
    }

    @Test(arguments: kernels)
    func stridedMatricesAndInPlace(kernel: VectorMathKernel) {
        var rng = RandomGenerator(seed: 11)
        for function in Function.allCases {
            let x = guardedMatrix(rows: 5, cols: 19, pad: 7, lead: 2, lo: -9, hi: 9, rng: &rng)
            let y = guardedMatrix(rows: 5, cols: 19, pad: 3, lead: 1, rng: &rng)
            function.run(y, x, kernel)
            #expect(paddingIntact(y))
            for r in 0..<5 { for c in 0..<19 {
                #expect(ulpError(y[r, c], function.reference(Double(x[r, c]))) <= function.ulpBound)
            } }
            function.run(x, x, kernel)
            #expect(x.toArray() == y.toArray() && paddingIntact(x))
        }
    }

    @Test func pathsAgree() {
        // Same algorithm everywhere: paths differ only by fused vs separate multiply-add.
        var rng = RandomGenerator(seed: 5)
        let x = (0..<1000).map { _ in rng.uniform(-30, 30) }
        for function in Function.allCases {
            var results = [[Float]]()
            for k in Self.kernels {
                var y = [Float](repeating: 0, count: x.count)
                x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { function.run($0.baseAddress!, xp.baseAddress!, x.count, k) } }
                results.append(y)
            }
            for r in results.dropFirst() {
                for i in x.indices { #expect(ulpError(r[i], Double(results[0][i])) <= 2) }
            }
        }
    }
}
