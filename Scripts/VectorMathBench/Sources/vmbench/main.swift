import Foundation
import Recurrent

// CPU time of this thread: the machine is shared, and wall time under load mostly measures
// the other processes. The 2-thread split below uses wall time.
func now() -> Double {
    var t = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
func wall() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// Best of `trials` wall times of `body` (seconds).
func best(_ trials: Int, _ body: () -> Void) -> Double {
    var b = Double.infinity
    for _ in 0..<trials { let t0 = now(); body(); b = min(b, now() - t0) }
    return b
}

var rng = RandomGenerator(seed: 1)
let args = CommandLine.arguments
let only = args.count > 1 ? args[1] : "all"

if only == "all" || only == "elementwise" {
    // Elementwise: 64 KB in L1/L2, repeated.
    let n = 16384
    let x = Matrix(rows: 1, cols: n), y = Matrix(rows: 1, cols: n)
    for i in 0..<n { x[0, i] = rng.uniform(-10, 10) }
    let reps = 400
    func report(_ name: String, _ f: () -> Void) {
        let t = best(7) { for _ in 0..<reps { f() } }
        print(String(format: "%-28@ %7.3f ns/element", name as NSString, t / Double(reps * n) * 1e9))
    }
    // The scalar baselines read and write through row buffers, as a hand-written loop would.
    func scalar(_ f: @escaping (Float) -> Float) -> () -> Void {
        {
            x.forEachRow { _, xr in y.forEachRow { _, yr in for i in 0..<n { yr[i] = f(xr[i]) } } }
        }
    }
    report("scalar expf (Swift)", scalar { expf($0) })
    report("scalar sigmoid (Swift)", scalar { ScalarActivation.sigmoid($0) })
    report("scalar tanhf (Swift)", scalar { ScalarActivation.tanh($0) })
    for k in VectorMathKernel.supported {
        report("exp \(k)") { VectorMath.exp(y, x, kernel: k) }
        report("sigmoid \(k)") { VectorMath.sigmoid(y, x, kernel: k) }
        report("tanh \(k)") { VectorMath.tanh(y, x, kernel: k) }
    }
}

if only == "all" || only == "cells" {
    // One LSTM step epilogue at the word config (B 64, H 512) and char (B 50, H 512).
    for (b, h) in [(64, 512), (50, 512), (1, 512)] {
        let pre = Matrix(rows: b, cols: 4 * h); for r in 0..<b { for c in 0..<4 * h { pre[r, c] = rng.uniform(-3, 3) } }
        let gates = Matrix(rows: b, cols: 4 * h), cp = Matrix(rows: b, cols: h), c = Matrix(rows: b, cols: h)
        let tc = Matrix(rows: b, cols: h), hh = Matrix(rows: b, cols: h), dh = Matrix(rows: b, cols: h)
        let dg = Matrix(rows: b, cols: 4 * h), dcp = Matrix(rows: b, cols: h)
        for r in 0..<b { for j in 0..<h { cp[r, j] = rng.uniform(-1, 1); dh[r, j] = rng.uniform(-1, 1) } }
        let reps = b == 1 ? 20000 : 400
        // Scalar Swift reference epilogue (what a layer would write by hand).
        let tScalar = best(5) { for _ in 0..<reps {
            gates.assign(pre)
            func flat(_ m: Matrix) -> UnsafeMutableBufferPointer<Float> {
                var out: UnsafeMutableBufferPointer<Float>!
                m.reshaped(rows: 1, cols: m.count).forEachRow { _, row in out = row }
                return out
            }
            let g = flat(gates), cpp = flat(cp), cc = flat(c), t = flat(tc), hp = flat(hh)
            for r in 0..<b { for j in 0..<h {
                let base = r * 4 * h
                let i = ScalarActivation.sigmoid(g[base + j]), f = ScalarActivation.sigmoid(g[base + h + j]), gg = ScalarActivation.tanh(g[base + 2 * h + j]), o = ScalarActivation.sigmoid(g[base + 3 * h + j])
                g[base + j] = i; g[base + h + j] = f; g[base + 2 * h + j] = gg; g[base + 3 * h + j] = o
                let cv = f * cpp[r * h + j] + i * gg
                cc[r * h + j] = cv; let tv = ScalarActivation.tanh(cv); t[r * h + j] = tv; hp[r * h + j] = o * tv
            } }
        } }
        let tCopy = best(5) { for _ in 0..<reps { gates.assign(pre) } }
        print(String(format: "LSTM fwd B %d H %d scalar Swift: %8.2f µs/step", b, h, (tScalar - tCopy) / Double(reps) * 1e6))
        for k in VectorMathKernel.supported {
            let t = best(5) { for _ in 0..<reps {
                gates.assign(pre)
                VectorMath.lstmCellForward(cell: c, tanhCell: tc, hidden: hh, gates: gates, cellPrevious: cp, kernel: k)
            } }
            let tb = best(5) { for _ in 0..<reps {
                VectorMath.lstmCellBackward(dGates: dg, dCellPrevious: dcp, gates: gates, cell: c, tanhCell: tc,
                                            cellPrevious: cp, dHidden: dh, dCellNext: dcp, kernel: k)
            } }
            print(String(format: "LSTM B %d H %d %-8@ fwd %7.2f µs/step (%.3f ns/elem of B·H)  bwd %7.2f µs/step",
                         b, h, k.description as NSString, (t - tCopy) / Double(reps) * 1e6,
                         (t - tCopy) / Double(reps * b * h) * 1e9, tb / Double(reps) * 1e6))
        }
    }
}

if only == "all" || only == "cells" {
    for (b, h) in [(64, 512), (1, 512)] {
        let gi0 = Matrix(rows: b, cols: 3 * h), gh0 = Matrix(rows: b, cols: 3 * h)
        for r in 0..<b { for c in 0..<3 * h { gi0[r, c] = rng.uniform(-3, 3); gh0[r, c] = rng.uniform(-3, 3) } }
        let gi = Matrix(rows: b, cols: 3 * h), gh = Matrix(rows: b, cols: 3 * h), hp = Matrix(rows: b, cols: h)
        let hh = Matrix(rows: b, cols: h), dh = Matrix(rows: b, cols: h), dgi = Matrix(rows: b, cols: 3 * h)
        let dgh = Matrix(rows: b, cols: 3 * h), dhp = Matrix(rows: b, cols: h)
        let reps = b == 1 ? 20000 : 400
        let tCopy = best(5) { for _ in 0..<reps { gi.assign(gi0); gh.assign(gh0) } }
        for k in VectorMathKernel.supported {
            let t = best(5) { for _ in 0..<reps {
                gi.assign(gi0); gh.assign(gh0)
                VectorMath.gruCellForward(hidden: hh, inputGates: gi, hiddenGates: gh, hiddenPrevious: hp, kernel: k)
            } }
            let tb = best(5) { for _ in 0..<reps {
                VectorMath.gruCellBackward(dInputGates: dgi, dHiddenGates: dgh, dHiddenPrevious: dhp, gates: gi,
                                           hiddenLinear: gh.columns((2 * h)..<(3 * h)), hiddenPrevious: hp,
                                           dHidden: dh, kernel: k)
            } }
            print(String(format: "GRU  B %d H %d %-8@ fwd %7.2f µs/step (%.3f ns/elem of B·H)  bwd %7.2f µs/step",
                         b, h, k.description as NSString, (t - tCopy) / Double(reps) * 1e6,
                         (t - tCopy) / Double(reps * b * h) * 1e9, tb / Double(reps) * 1e6))
        }
    }
}

if only == "all" || only == "xent" {
    let n = 2048, v = 21388
    let logits = Matrix(rows: n, cols: v)
    let source = Matrix(rows: n, cols: v)
    source.forEachRow { _, row in for j in 0..<v { row[j] = rng.uniform(-4, 4) } }
    let targets: [Int32] = (0..<n).map { _ in Int32(rng.integer(below: v)) }
    let ce = SoftmaxCrossEntropy()
    var lossBefore: Float = 0
    // Before: main's scalar SoftmaxCrossEntropy (expf per element), gradient in place.
    var tBefore = Double.infinity
    for _ in 0..<3 {
        logits.assign(source)
        let t0 = now(); lossBefore = ce.lossAndGradient(logits: logits, targets: targets); tBefore = min(tBefore, now() - t0)
    }
    print(String(format: "cross-entropy 2048×21388 before (scalar SoftmaxCrossEntropy, grad in place): %7.1f ms  loss %.6f", tBefore * 1e3, lossBefore))
    for k in VectorMathKernel.supported {
        var tk = Double.infinity, tl = Double.infinity, loss = 0.0
        for _ in 0..<5 {
            logits.assign(source)
            let t0 = now()
            loss = targets.withUnsafeBufferPointer {
                VectorMath.softmaxCrossEntropy(logits: logits, targets: $0, gradientScale: 1 / Float(n), dLogits: logits, kernel: k)
            } / Double(n)
            tk = min(tk, now() - t0)
        }
        for _ in 0..<3 {
            let t0 = now()
            _ = targets.withUnsafeBufferPointer {
                VectorMath.softmaxCrossEntropy(logits: source, targets: $0, dLogits: nil, kernel: k)
            }
            tl = min(tl, now() - t0)
        }
        print(String(format: "cross-entropy 2048×21388 %-8@ grad in place %7.1f ms (%.3f ns/elem)  loss only %7.1f ms  loss %.6f",
                     k.description as NSString, tk * 1e3, tk / Double(n * v) * 1e9, tl * 1e3, loss))
    }
    // What a 2-way row split would give (not in the library: no thread pool on main yet).
    let k = VectorMathKernel.best
    var t1 = Double.infinity, t2 = Double.infinity
    for _ in 0..<5 {
        logits.assign(source)
        let t0 = wall()
        _ = targets.withUnsafeBufferPointer {
            VectorMath.softmaxCrossEntropy(logits: logits, targets: $0, gradientScale: 1 / Float(n), dLogits: logits, kernel: k)
        }
        t1 = min(t1, wall() - t0)
    }
    for _ in 0..<5 {
        logits.assign(source)
        let t0 = wall()
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let rows = part == 0 ? 0..<(n / 2) : (n / 2)..<n
            let view = logits.rows(rows)
            let t = Array(targets[rows])
            _ = t.withUnsafeBufferPointer {
                VectorMath.softmaxCrossEntropy(logits: view, targets: $0, gradientScale: 1 / Float(n), dLogits: view, kernel: k)
            }
        }
        t2 = min(t2, wall() - t0)
    }
    print(String(format: "cross-entropy 2048×21388 %@ wall time: 1 thread %7.1f ms, split over 2 threads (Dispatch) %7.1f ms", k.description as NSString, t1 * 1e3, t2 * 1e3))
}
