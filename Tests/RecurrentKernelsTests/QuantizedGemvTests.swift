import Testing
@testable import RecurrentKernels

/// The int8 proposal product for N streams at once (`quantizedGemv(streams:)`, N-stream
/// sampling) gives each stream, bit for bit, what it gets alone — zeros, a NaN, odd stream
/// counts and row counts around the 4-row groups and 32-row blocks included — and the same
/// rounding error; where the CPU runs the int16 path, its result is the exact integer product,
/// with and without AVX512-VNNI.
@Suite(.serialized) struct QuantizedGemvTests {
    struct Problem {
        let n: Int, k: Int, streams: Int, ldx: Int, ldy: Int
        var q: [Int8], scales: [Float], x: [Float]

        init(n: Int, k: Int, streams: Int, seed: UInt64, zeroStream: Int? = nil, nanStream: Int? = nil) {
            var rng = RandomGenerator(seed: seed)
            self.n = n; self.k = k; self.streams = streams; ldx = k + 3; ldy = n + 5
            q = (0..<(n * k)).map { _ in Int8(rng.integer(below: 255) - 127) }
            scales = (0..<n).map { _ in rng.uniform(0.001, 0.01) }
            x = [Float](repeating: 0, count: streams * ldx)
            for s in 0..<streams where s != zeroStream {
                // Streams of different magnitudes: different int16 steps.
                let size = Float(s + 1) / Float(streams)
                for p in 0..<k { x[s * ldx + p] = size * rng.uniform(-1, 1) }
            }
            if let nanStream { x[nanStream * ldx + k / 2] = .nan }
        }

        func together() -> (y: [Float], errors: [Float]) {
            var y = [Float](repeating: -7, count: streams * ldy), errors = [Float](repeating: -1, count: streams)
            quantizedGemv(streams: streams, &y, outputStride: ldy, rows: n, columns: k, x: x, inputStride: ldx,
                          quantized: q, rowStride: k, scales: scales, errors: &errors)
            return (y, errors)
        }

        func alone(_ s: Int) -> (y: [Float], error: Float) {
            var y = [Float](repeating: 0, count: n)
            let error = x.withUnsafeBufferPointer {
                quantizedGemv(&y, rows: n, columns: k, x: $0.baseAddress! + s * ldx, quantized: q, rowStride: k,
                              scales: scales)
            }
            return (y, error)
        }

        /// The int16 path's result computed here: x rounded to int16 steps of max|x|/32767 as
        /// the kernel does, exact integer dot products, one float per chunk of 4096 columns.
        func integerReference(_ s: Int) -> [Float] {
            let row = Array(x[(s * ldx)..<(s * ldx + k)])
            let largest = row.reduce(Float(0)) { max($0, abs($1)) }
            let step = largest / 32767, inverse = 32767 / largest
            let x16 = row.map { value -> Int in
                let v = value * inverse
                return max(-32767, min(32767, Int(v < 0 ? v - 0.5 : v + 0.5)))
            }
            return (0..<n).map { j in
                var d: Float = 0
                for c0 in stride(from: 0, to: k, by: 4096) {
                    var sum = 0
                    for p in c0..<min(c0 + 4096, k) { sum += Int(q[j * k + p]) * x16[p] }
                    d += Float(sum)
                }
                return scales[j] * (step * d)
            }
        }
    }

    static func mismatches(_ a: ArraySlice<Float>, _ b: [Float]) -> [Int] {
        zip(a, b).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }.map(\.offset)
    }

    @Test(arguments: [33, 512, 1000])
    func streamsTogetherAreEachStreamAlone(k: Int) {
        for streams in [1, 2, 3, 4, 5, 7, 8, 9] {
            let problem = Problem(n: 301, k: k, streams: streams, seed: 77 + UInt64(k),
                                  zeroStream: streams > 2 ? 2 : nil, nanStream: streams > 3 ? 3 : nil)
            let (together, errors) = problem.together()
            for s in 0..<streams {
                let (alone, error) = problem.alone(s)
                #expect(error.bitPattern == errors[s].bitPattern, "stream \(s) of \(streams)")
                let bad = Self.mismatches(together[(s * problem.ldy)..<(s * problem.ldy + problem.n)], alone)
                #expect(bad.isEmpty, "stream \(s) of \(streams), K \(k): rows \(bad.prefix(5))")
            }
        }
    }

    /// Where the int16 path runs (an error > 0 says so), every output is the exact integer
    /// product's, row tails, stream tails and more than one 4096-column chunk included; the
    /// VNNI form (where the CPU has it) and the plain one agree bit for bit.
    @Test(arguments: [(301, 33, 5), (64, 512, 8), (37, 1000, 9), (9, 4100, 3), (6, 9000, 4), (5, 31, 1)])
    func int16PathIsTheExactIntegerProduct(n: Int, k: Int, streams: Int) {
        let problem = Problem(n: n, k: k, streams: streams, seed: 5 + UInt64(k))
        let hasVNNI = quantizedGemvAllowsVNNI(true)
        let (y, errors) = problem.together()
        for s in 0..<streams where errors[s] > 0 {
            let bad = Self.mismatches(y[(s * problem.ldy)..<(s * problem.ldy + n)], problem.integerReference(s))
            #expect(bad.isEmpty, "stream \(s), \(n)×\(k): rows \(bad.prefix(5))")
        }
        quantizedGemvAllowsVNNI(false)
        defer { quantizedGemvAllowsVNNI(true) }
        let (plain, plainErrors) = problem.together()
        #expect(plain.map(\.bitPattern) == y.map(\.bitPattern), "VNNI (here: \(hasVNNI)) against plain")
        #expect(plainErrors == errors)
    }
}
