import CKernels
import Dispatch

/// The GEMM calls made while a trace runs, and the time each takes alone: how far a piece of
/// work (a training step) is from the GEMM rate at its own shapes. Benchmarks only.
///
/// ```swift
/// let trace = GemmTrace()
/// trace.start(); step(); let (calls, _) = trace.stop()
/// let gemmSeconds = calls.reduce(0) { $0 + GemmTrace.secondsAlone($1) }   // each call alone
/// ```
///
/// The recording is process-wide: one trace at a time.
package final class GemmTrace {
    /// One traced call: a multiplication C (M, N) (+)= op(A) (M, K) · op(B) (K, N), by a packed
    /// right operand or not, or the packing of op(B) (K, N) itself (`m` 0).
    package struct Call: Hashable, Sendable {
        package enum Operation: Sendable { case multiply, multiplyPacked, pack }
        package var operation: Operation
        package var transposeA: Transpose, transposeB: Transpose
        package var accumulates: Bool
        package var m: Int, n: Int, k: Int

        /// Floating-point operations: 2·M·N·K (0 for a packing).
        package var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    private let capacity: Int
    private let buffer: UnsafeMutablePointer<rk_gemm_call>

    /// A trace that stores up to `capacity` calls (later ones are counted; `stop` says so).
    package init(capacity: Int = 1 << 16) {
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    /// Stops any recording first, so no call is ever written into the freed buffer.
    deinit {
        _ = rk_gemm_trace_stop()
        buffer.deallocate()
    }

    /// Starts recording every GEMM and packing call, from any thread.
    package func start() { rk_gemm_trace_start(buffer, capacity) }

    /// Stops recording: the calls in order, and how many more were made than could be stored.
    package func stop() -> (calls: [Call], dropped: Int) {
        let count = rk_gemm_trace_stop()
        let stored = min(count, capacity)
        let calls = (0..<stored).map { i -> Call in
            let c = buffer[i]
            let operation: Call.Operation = switch c.operation {
            case Int32(RK_GEMM_CALL_PACKED): .multiplyPacked
            case Int32(RK_GEMM_CALL_PACK): .pack
            default: .multiply
            }
            return Call(operation: operation, transposeA: c.transA == 0 ? .none : .transposed,
                        transposeB: c.transB == 0 ? .none : .transposed, accumulates: c.accumulates != 0,
                        m: c.M, n: c.N, k: c.K)
        }
        return (calls, count - stored)
    }

    /// The least wall time, in seconds, of `repetitions` runs (after one warm-up) of `call`
    /// alone on operands of its shape, on the current kernel and the pool's threads.
    package static func secondsAlone(_ call: Call, repetitions: Int = 5) -> Double {
        let (m, n, k) = (call.m, call.n, call.k)
        let b = Matrix(rows: call.transposeB == .none ? k : n, cols: call.transposeB == .none ? n : k)
        b.fill(0.5)
        let run: () -> Void
        switch call.operation {
        case .pack:
            let packed = PackedMatrix(rows: k, cols: n)
            run = { packed.pack(b, call.transposeB) }
        case .multiply, .multiplyPacked:
            let a = Matrix(rows: call.transposeA == .none ? m : k, cols: call.transposeA == .none ? k : m)
            let c = Matrix(rows: m, cols: n)
            a.fill(0.25)
            let beta: Float = call.accumulates ? 1 : 0
            if call.operation == .multiplyPacked {
                let packed = PackedMatrix(b, call.transposeB)
                run = { gemm(c, a, call.transposeA, packed, beta: beta) }
            } else {
                run = { gemm(c, a, call.transposeA, b, call.transposeB, beta: beta) }
            }
        }
        run()
        var best = Double.infinity
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            run()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
}
