import Testing
@testable import RecurrentKernels

/// `GemmTrace` records every GEMM and packing call between its start and stop, with shape,
/// transposes and β. Other suites may multiply at the same time (the trace is process-wide),
/// so the checks look for this test's own odd shapes among the calls.
@Suite(.serialized) struct GemmTraceTests {
    typealias Call = GemmTrace.Call

    @Test func recordsTheCallsBetweenStartAndStop() {
        // aᵀ (37, 23) · bᵀ (23, 29) = c (37, 29); op(p) = pᵀ (37, 29) is packed.
        let a = Matrix(rows: 23, cols: 37), b = Matrix(rows: 29, cols: 23), c = Matrix(rows: 37, cols: 29)
        let p = Matrix(rows: 29, cols: 37)
        let trace = GemmTrace()
        gemm(c, a, .transposed, b, .transposed)                       // before the start: not recorded
        trace.start()
        gemm(c, a, .transposed, b, .transposed, beta: 1)               // C (37, 29) += aᵀ · bᵀ, K 23
        let packed = PackedMatrix(p, .transposed)
        gemm(Matrix(rows: 19, cols: 29), Matrix(rows: 19, cols: 37), packed)
        let (calls, dropped) = trace.stop()
        gemm(c, a, .transposed, b, .transposed)                       // after the stop: not recorded

        #expect(dropped == 0)
        let mine = calls.filter { [23, 37].contains($0.k) && $0.n == 29 }
        #expect(mine == [
            Call(operation: .multiply, transposeA: .transposed, transposeB: .transposed, accumulates: true, m: 37, n: 29, k: 23),
            Call(operation: .pack, transposeA: .none, transposeB: .transposed, accumulates: false, m: 0, n: 29, k: 37),
            Call(operation: .multiplyPacked, transposeA: .none, transposeB: .none, accumulates: false, m: 19, n: 29, k: 37),
        ])
        #expect(mine[0].flops == 2 * 37 * 29 * 23 && mine[1].flops == 0)
    }

    @Test func countsTheCallsItCannotStore() {
        let a = Matrix(rows: 3, cols: 5), b = Matrix(rows: 5, cols: 7), c = Matrix(rows: 3, cols: 7)
        let trace = GemmTrace(capacity: 1)
        trace.start()
        for _ in 0..<3 { gemm(c, a, b) }
        let (calls, dropped) = trace.stop()
        #expect(calls.count == 1 && dropped >= 2)
    }

    @Test func timesACallAlone() {
        let call = Call(operation: .multiply, transposeA: .none, transposeB: .transposed, accumulates: true,
                        m: 8, n: 16, k: 32)
        let seconds = GemmTrace.secondsAlone(call, repetitions: 2)
        #expect(seconds > 0 && seconds.isFinite)
    }
}
