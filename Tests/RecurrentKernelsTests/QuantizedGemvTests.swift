import Testing
@testable import RecurrentKernels

/// The int8 proposal product for N streams at once (`quantizedGemv(streams:)`, N-stream
/// sampling) gives each stream, bit for bit, what it gets alone — zeros, a NaN and row counts
/// around the 4-row groups and 32-row blocks included — and the same rounding error.
@Suite struct QuantizedGemvTests {
    @Test(arguments: [33, 512, 1000])
    func streamsTogetherAreEachStreamAlone(k: Int) {
        var rng = RandomGenerator(seed: 77 + UInt64(k))
        let n = 301, streams = 5, ldx = k + 3, ldy = n + 5
        var q = [Int8](repeating: 0, count: n * k), scales = [Float](repeating: 0, count: n)
        for i in q.indices { q[i] = Int8(rng.integer(below: 255) - 127) }
        for i in scales.indices { scales[i] = rng.uniform(0.001, 0.01) }
        var x = [Float](repeating: 0, count: streams * ldx)
        for s in 0..<streams where s != 2 { for p in 0..<k { x[s * ldx + p] = rng.uniform(-1, 1) } }  // stream 2: zeros
        x[3 * ldx + k / 2] = .nan
        var together = [Float](repeating: 0, count: streams * ldy), errors = [Float](repeating: -1, count: streams)
        quantizedGemv(streams: streams, &together, outputStride: ldy, rows: n, columns: k, x: x, inputStride: ldx,
                      quantized: q, rowStride: k, scales: scales, errors: &errors)
        for s in 0..<streams {
            var alone = [Float](repeating: 0, count: n)
            let error = x.withUnsafeBufferPointer {
                quantizedGemv(&alone, rows: n, columns: k, x: $0.baseAddress! + s * ldx, quantized: q, rowStride: k,
                              scales: scales)
            }
            #expect(error.bitPattern == errors[s].bitPattern, "stream \(s)")
            let mismatches = (0..<n).filter { together[s * ldy + $0].bitPattern != alone[$0].bitPattern }
            #expect(mismatches.isEmpty, "stream \(s), K \(k): rows \(mismatches.prefix(5))")
        }
    }
}
