import Foundation
import Recurrent

/// A traced step's GEMM calls grouped by shape, each shape timed alone (`GemmTrace`): the
/// time the step's multiplications take at the GEMM rate of their own shapes.
struct GemmStepProfile {
    struct Shape {
        let call: GemmTrace.Call
        let count: Int
        /// Best time of one call alone, in seconds.
        let seconds: Double
    }

    /// Distinct calls, the costliest (count × time alone) first.
    let shapes: [Shape]

    init(calls: [GemmTrace.Call]) {
        var counts: [GemmTrace.Call: Int] = [:]
        var order: [GemmTrace.Call] = []
        for call in calls {
            if counts[call] == nil { order.append(call) }
            counts[call, default: 0] += 1
        }
        shapes = order.map { Shape(call: $0, count: counts[$0]!, seconds: GemmTrace.secondsAlone($0)) }
            .sorted { Double($0.count) * $0.seconds > Double($1.count) * $1.seconds }
    }

    /// Multiply-adds ×2 of the whole step.
    var flops: Double { shapes.reduce(0) { $0 + Double($1.count) * $1.call.flops } }
    /// Σ count × time alone.
    var seconds: Double { shapes.reduce(0) { $0 + Double($1.count) * $1.seconds } }

    /// One line per shape on stderr: calls, M×N×K, transposes, ms per call and in all, GFLOP/s.
    func printTable() {
        var lines = ["calls  operation        M×N×K             op   β  ms/call  ms/step  GFLOP/s"]
        for s in shapes {
            let c = s.call
            let op = switch c.operation { case .multiply: "multiply"; case .multiplyPacked: "multiply-packed"; case .pack: "pack" }
            let t = (c.transposeA == .none ? "N" : "T") + (c.transposeB == .none ? "N" : "T")
            lines.append(String(format: "%5d  %-15@  %-16@  %@   %d  %7.3f  %7.2f  %7.1f", s.count, op as NSString,
                                "\(c.m)x\(c.n)x\(c.k)" as NSString, t as NSString, c.accumulates ? 1 : 0,
                                1000 * s.seconds, 1000 * s.seconds * Double(s.count),
                                c.flops / s.seconds / 1e9))
        }
        lines.append(String(format: "total: %.1f GFLOP, %.1f ms alone", flops / 1e9, 1000 * seconds))
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
