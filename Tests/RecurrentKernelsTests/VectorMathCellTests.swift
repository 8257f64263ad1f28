import Foundation
import Testing
@testable import RecurrentKernels

/// The fused LSTM / GRU / RNN cell epilogues on every supported path, against straightforward
/// scalar Swift references in Double. The references' backward equations are themselves
/// checked against central finite differences of their forward functions.
///
/// Tolerance kernel vs reference: |a − b| ≤ 1e-6 + 1e-5·|b| (float32 kernels, inputs of
/// magnitude ≤ 3; the observed errors are a few 1e-7). Reference backward vs finite
/// differences (Double, ε = 1e-6): 1e-7 + 1e-6·|b|.
@Suite struct VectorMathCellTests {
    static let kernels = VectorMathKernel.supported
    static let hiddenSizes = [1, 3, 17, 33]

    // MARK: - References (Double, row-major arrays)

    struct LSTMForward { var gates, c, tanhC, h: [Double] }

    /// a (B, 4H) GEMM results, bias (4H) or nil, cp (B, H), peep = [w_ci | w_cf | w_co] (3H) or nil.
    static func lstmForward(_ a: [Double], bias: [Double]? = nil, _ cp: [Double], _ peep: [Double]?,
                            b: Int, h: Int) -> LSTMForward {
        var out = LSTMForward(gates: a, c: cp, tanhC: cp, h: cp)
        for r in 0..<b { for j in 0..<h {
            let cprev = cp[r * h + j]
            let wi = peep?[j] ?? 0, wf = peep?[h + j] ?? 0, wo = peep?[2 * h + j] ?? 0
            func pre(_ gate: Int) -> Double { a[r * 4 * h + gate * h + j] + (bias?[gate * h + j] ?? 0) }
            let i = sigmoidReference(pre(0) + wi * cprev)
            let f = sigmoidReference(pre(1) + wf * cprev)
            let g = Foundation.tanh(pre(2))
            let c = f * cprev + i * g
            let o = sigmoidReference(pre(3) + wo * c)
            out.gates[r * 4 * h + j] = i; out.gates[r * 4 * h + h + j] = f
            out.gates[r * 4 * h + 2 * h + j] = g; out.gates[r * 4 * h + 3 * h + j] = o
            out.c[r * h + j] = c; out.tanhC[r * h + j] = Foundation.tanh(c); out.h[r * h + j] = o * Foundation.tanh(c)
        } }
        return out
    }

    struct LSTMBackward { var dGates, dcPrev, dPeep: [Double] }

    static func lstmBackward(gates: [Double], c: [Double], tanhC: [Double], cp: [Double], peep: [Double]?,
                             dh: [Double], dcNext: [Double]?, b: Int, h: Int) -> LSTMBackward {
        var out = LSTMBackward(dGates: gates, dcPrev: cp, dPeep: [Double](repeating: 0, count: 3 * h))
        for r in 0..<b { for j in 0..<h {
            let base = r * 4 * h
            let i = gates[base + j], f = gates[base + h + j], g = gates[base + 2 * h + j], o = gates[base + 3 * h + j]
            let tc = tanhC[r * h + j], cprev = cp[r * h + j], d = dh[r * h + j]
            let wi = peep?[j] ?? 0, wf = peep?[h + j] ?? 0, wo = peep?[2 * h + j] ?? 0
            let dO = d * tc * o * (1 - o)
            let dc = (dcNext?[r * h + j] ?? 0) + d * o * (1 - tc * tc) + dO * wo
            let dI = dc * g * i * (1 - i), dF = dc * cprev * f * (1 - f), dG = dc * i * (1 - g * g)
            out.dGates[base + j] = dI; out.dGates[base + h + j] = dF
            out.dGates[base + 2 * h + j] = dG; out.dGates[base + 3 * h + j] = dO
            out.dcPrev[r * h + j] = dc * f + dI * wi + dF * wf
            out.dPeep[j] += dI * cprev; out.dPeep[h + j] += dF * cprev; out.dPeep[2 * h + j] += dO * c[r * h + j]
        } }
        return out
    }

    struct GRUForward { var gates, ghn, h: [Double] }

    /// gi, gh (B, 3H); bih, bhh (3H) or nil; hp (B, H).
    static func gruForward(_ gi: [Double], bih: [Double]? = nil, _ gh: [Double], _ bhh: [Double]?, _ hp: [Double],
                           b: Int, h: Int) -> GRUForward {
        var out = GRUForward(gates: gi, ghn: hp, h: hp)
        for row in 0..<b { for j in 0..<h {
            let base = row * 3 * h
            let r = sigmoidReference(gi[base + j] + (bih?[j] ?? 0) + gh[base + j] + (bhh?[j] ?? 0))
            let z = sigmoidReference(gi[base + h + j] + (bih?[h + j] ?? 0) + gh[base + h + j] + (bhh?[h + j] ?? 0))
            let ghn = gh[base + 2 * h + j] + (bhh?[2 * h + j] ?? 0)
            let n = Foundation.tanh(gi[base + 2 * h + j] + (bih?[2 * h + j] ?? 0) + r * ghn)
            out.gates[base + j] = r; out.gates[base + h + j] = z; out.gates[base + 2 * h + j] = n
            out.ghn[row * h + j] = ghn
            out.h[row * h + j] = (1 - z) * n + z * hp[row * h + j]
        } }
        return out
    }

    struct GRUBackward { var dgi, dgh, dhp: [Double] }

    static func gruBackward(gates: [Double], ghn: [Double], hp: [Double], dh: [Double], b: Int, h: Int) -> GRUBackward {
        var out = GRUBackward(dgi: gates, dgh: gates, dhp: hp)
        for row in 0..<b { for j in 0..<h {
            let base = row * 3 * h
            let r = gates[base + j], z = gates[base + h + j], n = gates[base + 2 * h + j], d = dh[row * h + j]
            let dN = d * (1 - z) * (1 - n * n)
            let dZ = d * (hp[row * h + j] - n) * z * (1 - z)
            let dR = dN * ghn[row * h + j] * r * (1 - r)
            out.dgi[base + j] = dR; out.dgi[base + h + j] = dZ; out.dgi[base + 2 * h + j] = dN
            out.dgh[base + j] = dR; out.dgh[base + h + j] = dZ; out.dgh[base + 2 * h + j] = dN * r
            out.dhp[row * h + j] = d * z
        } }
        return out
    }

    // MARK: - The references' backward equations vs finite differences

    /// Central difference of `loss` with respect to every element of `x`.
    static func numericGradient(_ x: [Double], _ loss: ([Double]) -> Double) -> [Double] {
        let eps = 1e-6
        return x.indices.map { k in
            var p = x, m = x
            p[k] += eps; m[k] -= eps
            return (loss(p) - loss(m)) / (2 * eps)
        }
    }

    static func expectClose(_ a: [Double], _ b: [Double], _ what: String) {
        #expect(a.count == b.count)
        for k in a.indices where abs(a[k] - b[k]) > 1e-7 + 1e-6 * abs(b[k]) {
            Issue.record("\(what)[\(k)]: \(a[k]) vs \(b[k])")
            return
        }
    }

    static func randomDoubles(_ n: Int, _ lo: Float, _ hi: Float, _ rng: inout RandomGenerator) -> [Double] {
        (0..<n).map { _ in Double(rng.uniform(lo, hi)) }
    }

    @Test(arguments: [false, true])
    func lstmReferenceBackwardMatchesFiniteDifferences(peephole: Bool) {
        var rng = RandomGenerator(seed: 21)
        let b = 2, h = 3
        let a = Self.randomDoubles(b * 4 * h, -2, 2, &rng), cp = Self.randomDoubles(b * h, -2, 2, &rng)
        let peep = peephole ? Self.randomDoubles(3 * h, -1, 1, &rng) : nil
        let dh = Self.randomDoubles(b * h, -1, 1, &rng), dcn = Self.randomDoubles(b * h, -1, 1, &rng)
        // L = Σ dh ⊙ h + Σ dc_next ⊙ c: its gradients are what backward computes.
        func loss(_ a: [Double], _ cp: [Double], _ peep: [Double]?) -> Double {
            let f = Self.lstmForward(a, cp, peep, b: b, h: h)
            return zip(dh, f.h).map(*).reduce(0, +) + zip(dcn, f.c).map(*).reduce(0, +)
        }
        let f = Self.lstmForward(a, cp, peep, b: b, h: h)
        let g = Self.lstmBackward(gates: f.gates, c: f.c, tanhC: f.tanhC, cp: cp, peep: peep, dh: dh, dcNext: dcn, b: b, h: h)
        Self.expectClose(g.dGates, Self.numericGradient(a) { loss($0, cp, peep) }, "dGates")
        Self.expectClose(g.dcPrev, Self.numericGradient(cp) { loss(a, $0, peep) }, "dcPrev")
        if let peep { Self.expectClose(g.dPeep, Self.numericGradient(peep) { loss(a, cp, $0) }, "dPeep") }
    }

    @Test func gruReferenceBackwardMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 22)
        let b = 2, h = 3
        let gi = Self.randomDoubles(b * 3 * h, -2, 2, &rng), gh = Self.randomDoubles(b * 3 * h, -2, 2, &rng)
        let bhh = Self.randomDoubles(3 * h, -1, 1, &rng), hp = Self.randomDoubles(b * h, -1, 1, &rng)
        let dh = Self.randomDoubles(b * h, -1, 1, &rng)
        func loss(_ gi: [Double], _ gh: [Double], _ bhh: [Double], _ hp: [Double]) -> Double {
            zip(dh, Self.gruForward(gi, gh, bhh, hp, b: b, h: h).h).map(*).reduce(0, +)
        }
        let f = Self.gruForward(gi, gh, bhh, hp, b: b, h: h)
        let g = Self.gruBackward(gates: f.gates, ghn: f.ghn, hp: hp, dh: dh, b: b, h: h)
        Self.expectClose(g.dgi, Self.numericGradient(gi) { loss($0, gh, bhh, hp) }, "dgi")
        Self.expectClose(g.dgh, Self.numericGradient(gh) { loss(gi, $0, bhh, hp) }, "dgh")
        // b_hh enters exactly where gh does, b_hn inside the reset product included.
        var dbhh = [Double](repeating: 0, count: 3 * h)
        for row in 0..<b { for k in 0..<3 * h { dbhh[k] += g.dgh[row * 3 * h + k] } }
        Self.expectClose(dbhh, Self.numericGradient(bhh) { loss(gi, gh, $0, hp) }, "db_hh")
        Self.expectClose(g.dhp, Self.numericGradient(hp) { loss(gi, gh, bhh, $0) }, "dh_prev (direct path)")
    }

    // MARK: - Kernels vs references

    static func values(_ m: Matrix) -> [Double] { m.toArray().map(Double.init) }

    static func expectMatrix(_ m: Matrix, _ ref: [Double], _ what: String, checkPadding: Bool = true) {
        if checkPadding { #expect(paddingIntact(m), "\(what): wrote outside its view") }
        let v = m.toArray()
        for k in v.indices where !close(v[k], ref[k]) {
            Issue.record("\(what)[\(k)]: \(v[k]) vs \(ref[k])")
            return
        }
    }

    static func sum(_ a: [Double], _ b: [Double]?) -> [Double] {
        guard let b else { return a }
        return zip(a, b).map(+)
    }

    /// Each variant switches on or off, together: the bias added in the kernel, peepholes,
    /// in-place outputs (c over c_prev, dGates over gates, dc_prev over dc_next) and the second
    /// gradient input dh_next.
    @Test(arguments: kernels, hiddenSizes)
    func lstmForwardAndBackward(kernel: VectorMathKernel, h: Int) {
        for variant in 0..<8 {
            let peephole = variant & 1 != 0, inPlace = variant & 2 != 0, withBias = variant & 4 != 0
            let withDhNext = variant == 1 || variant == 6, lastStep = variant == 0 || variant == 5
            var rng = RandomGenerator(seed: UInt64(h * 8 + variant))
            let b = 3
            let gates = guardedMatrix(rows: b, cols: 4 * h, pad: 5, lead: 1, lo: -3, hi: 3, rng: &rng)
            let bias = withBias ? guardedMatrix(rows: 1, cols: 4 * h, lo: -1, hi: 1, rng: &rng) : nil
            let cp = guardedMatrix(rows: b, cols: h, pad: 2, lead: 3, lo: -2, hi: 2, rng: &rng)
            let peepRow = guardedMatrix(rows: 1, cols: 3 * h, lo: -0.5, hi: 0.5, rng: &rng)
            let peeps = peephole ? VectorMath.LSTMPeepholes(concatenated: peepRow) : nil
            let a = Self.values(gates), cpv = Self.values(cp)
            let peepv = peephole ? Self.values(peepRow) : nil
            // h as a strided column block of a wider (B, 2H+1) buffer.
            let hWide = guardedMatrix(rows: b, cols: 2 * h + 1, rng: &rng)
            let hidden = hWide.columns(h..<(2 * h))
            let hOthers = hWide.columns(0..<h).toArray() + hWide.columns((2 * h)..<(2 * h + 1)).toArray()
            let c = inPlace ? cp : guardedMatrix(rows: b, cols: h, pad: 1, rng: &rng)
            let tc = guardedMatrix(rows: b, cols: h, pad: 4, rng: &rng)

            VectorMath.lstmCellForward(cell: c, tanhCell: tc, hidden: hidden, gates: gates, bias: bias,
                                       cellPrevious: cp, peepholes: peeps, kernel: kernel)
            let ref = Self.lstmForward(a, bias: bias.map(Self.values), cpv, peepv, b: b, h: h)
            Self.expectMatrix(gates, ref.gates, "gates")
            Self.expectMatrix(c, ref.c, "c")
            Self.expectMatrix(tc, ref.tanhC, "tanh c")
            #expect(paddingIntact(hWide))
            #expect(hWide.columns(0..<h).toArray() + hWide.columns((2 * h)..<(2 * h + 1)).toArray() == hOthers)
            Self.expectMatrix(hidden, ref.h, "h", checkPadding: false)

            // Backward from the kernel's own cache.
            let cache = (gates: Self.values(gates), c: Self.values(c), tc: Self.values(tc))
            let dh = guardedMatrix(rows: b, cols: h, pad: 3, lo: -1, hi: 1, rng: &rng)
            let dhNext = withDhNext ? guardedMatrix(rows: b, cols: h, pad: 2, lo: -1, hi: 1, rng: &rng) : nil
            let dcNext = guardedMatrix(rows: b, cols: h, pad: 1, lo: -1, hi: 1, rng: &rng)
            let dhv = Self.sum(Self.values(dh), dhNext.map(Self.values)), dcnv = Self.values(dcNext)
            let dGates = inPlace ? gates : guardedMatrix(rows: b, cols: 4 * h, pad: 2, rng: &rng)
            let dcPrev = inPlace ? dcNext : guardedMatrix(rows: b, cols: h, pad: 6, rng: &rng)
            let pgradRow = guardedMatrix(rows: 1, cols: 3 * h, lo: -1, hi: 1, rng: &rng)
            let pgradsBefore = Self.values(pgradRow)
            // c_prev was overwritten by c when in place: backward gets the original.
            let cpForBackward = inPlace ? guardedMatrix(rows: b, cols: h, values: cpv.map(Float.init)) : cp
            VectorMath.lstmCellBackward(dGates: dGates, dCellPrevious: dcPrev,
                                        peepholeGradients: VectorMath.LSTMPeepholes(concatenated: pgradRow),
                                        gates: gates, cell: c, tanhCell: tc, cellPrevious: cpForBackward,
                                        peepholes: peeps, dHidden: dh, dHiddenNext: dhNext,
                                        dCellNext: lastStep ? nil : dcNext, kernel: kernel)
            let g = Self.lstmBackward(gates: cache.gates, c: cache.c, tanhC: cache.tc, cp: cpv, peep: peepv,
                                      dh: dhv, dcNext: lastStep ? nil : dcnv, b: b, h: h)
            Self.expectMatrix(dGates, g.dGates, "dGates")
            Self.expectMatrix(dcPrev, g.dcPrev, "dcPrev")
            // Peephole gradients accumulate; without peepholes they are left alone.
            Self.expectMatrix(pgradRow, peephole ? zip(pgradsBefore, g.dPeep).map(+) : pgradsBefore, "dPeep")
        }
    }

    /// Variants: biases added in the kernel or not; in place (h over h_prev, m in gh's n block,
    /// dgi over gates, dgh over gh, dh_prev over dh_next) or separate strided buffers with m
    /// elsewhere; dh_next present or not.
    @Test(arguments: kernels, hiddenSizes)
    func gruForwardAndBackward(kernel: VectorMathKernel, h: Int) {
        for variant in 0..<4 {
            let withBias = variant & 1 != 0, inPlace = variant & 2 != 0
            var rng = RandomGenerator(seed: UInt64(100 + h * 4 + variant))
            let b = 3
            let gi = guardedMatrix(rows: b, cols: 3 * h, pad: 3, lead: 2, lo: -3, hi: 3, rng: &rng)
            let gh = guardedMatrix(rows: b, cols: 3 * h, pad: 1, lo: -3, hi: 3, rng: &rng)
            let bih = withBias ? guardedMatrix(rows: 1, cols: 3 * h, lo: -1, hi: 1, rng: &rng) : nil
            let bhh = withBias ? guardedMatrix(rows: 1, cols: 3 * h, lo: -1, hi: 1, rng: &rng) : nil
            let hp = guardedMatrix(rows: b, cols: h, pad: 4, lo: -1, hi: 1, rng: &rng)
            let giv = Self.values(gi), ghv = Self.values(gh), hpv = Self.values(hp)
            let ref = Self.gruForward(giv, bih: bih.map(Self.values), ghv, bhh.map(Self.values), hpv, b: b, h: h)
            let hidden = inPlace ? hp : guardedMatrix(rows: b, cols: 2 * h + 3, rng: &rng).columns(1..<(h + 1))
            let m = inPlace ? nil : guardedMatrix(rows: b, cols: h, pad: 2, rng: &rng)
            VectorMath.gruCellForward(hidden: hidden, hiddenLinear: m, inputGates: gi, inputBias: bih,
                                      hiddenGates: gh, hiddenBias: bhh, hiddenPrevious: hp, kernel: kernel)
            Self.expectMatrix(gi, ref.gates, "gates")
            let mView = m ?? gh.columns((2 * h)..<(3 * h))
            Self.expectMatrix(mView, ref.ghn, "m", checkPadding: m != nil)
            #expect(paddingIntact(gh))
            if !inPlace { #expect(gh.toArray() == ghv.map(Float.init)) }   // gh is read only
            Self.expectMatrix(hidden, ref.h, "h", checkPadding: inPlace)

            let dh = guardedMatrix(rows: b, cols: h, pad: 2, lo: -1, hi: 1, rng: &rng)
            let dhNext = guardedMatrix(rows: b, cols: h, pad: 5, lo: -1, hi: 1, rng: &rng)
            let useNext = variant != 1
            let dhv = Self.sum(Self.values(dh), useNext ? Self.values(dhNext) : nil)
            let g = Self.gruBackward(gates: Self.values(gi), ghn: Self.values(mView), hp: hpv, dh: dhv, b: b, h: h)
            let hpForBackward = inPlace ? guardedMatrix(rows: b, cols: h, values: hpv.map(Float.init)) : hp
            let dgi = inPlace ? gi : guardedMatrix(rows: b, cols: 3 * h, pad: 1, rng: &rng)
            let dgh = inPlace ? gh : guardedMatrix(rows: b, cols: 3 * h, pad: 5, rng: &rng)
            let dhp = inPlace ? dhNext : guardedMatrix(rows: b, cols: h, rng: &rng)
            VectorMath.gruCellBackward(dInputGates: dgi, dHiddenGates: dgh, dHiddenPrevious: dhp,
                                       gates: gi, hiddenLinear: mView, hiddenPrevious: hpForBackward,
                                       dHidden: dh, dHiddenNext: useNext ? dhNext : nil, kernel: kernel)
            Self.expectMatrix(dgi, g.dgi, "dgi")
            Self.expectMatrix(dgh, g.dgh, "dgh")
            Self.expectMatrix(dhp, g.dhp, "dh_prev")
        }
    }

    @Test(arguments: kernels, hiddenSizes)
    func rnnForwardAndBackward(kernel: VectorMathKernel, h: Int) {
        for activation in [VectorMath.RNNActivation.tanh, .relu] {
            for withBias in [false, true] {
                var rng = RandomGenerator(seed: UInt64(200 + h))
                let b = 3
                let a = guardedMatrix(rows: b, cols: h, pad: 3, lo: -3, hi: 3, rng: &rng)
                if h > 1 && !withBias { a[0, 1] = 0 }   // relu′(0) = 0, as PyTorch
                let bias = withBias ? guardedMatrix(rows: 1, cols: h, lo: -1, hi: 1, rng: &rng) : nil
                let pre = Self.sum(Self.values(a), bias.map { bv in (0..<(b * h)).map { Double(bv[0, $0 % h]) } })
                let hidden = guardedMatrix(rows: b, cols: 2 * h, pad: 1, rng: &rng).columns(0..<h)
                VectorMath.rnnCellForward(hidden: hidden, preactivation: a, bias: bias, activation: activation, kernel: kernel)
                let href = pre.map { activation == .tanh ? Foundation.tanh($0) : max($0, 0) }
                Self.expectMatrix(hidden, href, "h", checkPadding: false)
                let hv = hidden.toArray()
                // In place: h over a.
                VectorMath.rnnCellForward(hidden: a, preactivation: a, bias: bias, activation: activation, kernel: kernel)
                #expect(a.toArray() == hv && paddingIntact(a))

                let dh = guardedMatrix(rows: b, cols: h, pad: 2, lo: -1, hi: 1, rng: &rng)
                let dhNext = guardedMatrix(rows: b, cols: h, pad: 4, lo: -1, hi: 1, rng: &rng)
                let total = Self.sum(Self.values(dh), withBias ? Self.values(dhNext) : nil)
                let dref = zip(total, hv.map(Double.init)).map { d, y in
                    activation == .tanh ? d * (1 - y * y) : (y > 0 ? d : 0)
                }
                let da = guardedMatrix(rows: b, cols: h, pad: 7, rng: &rng)
                VectorMath.rnnCellBackward(dPreactivation: da, hidden: hidden, dHidden: dh,
                                           dHiddenNext: withBias ? dhNext : nil, activation: activation, kernel: kernel)
                Self.expectMatrix(da, dref, "da")
                VectorMath.rnnCellBackward(dPreactivation: dh, hidden: hidden, dHidden: dh,
                                           dHiddenNext: withBias ? dhNext : nil, activation: activation, kernel: kernel)
                Self.expectMatrix(dh, dref, "da in place")
            }
        }
    }

    @Test(arguments: kernels)
    func saturatedInputsStayFinite(kernel: VectorMathKernel) {
        // Preactivations of ±1e30 and ±inf saturate the gates; nothing becomes NaN.
        let h = 5, b = 1
        let gates = guardedMatrix(rows: b, cols: 4 * h, values: [1e30, -1e30, .infinity, -.infinity, 50,
                                                                  -1e30, 1e30, -.infinity, .infinity, -50,
                                                                  1e30, -1e30, .infinity, -.infinity, 88,
                                                                  1e30, -1e30, .infinity, -.infinity, -88])
        let cp = guardedMatrix(rows: b, cols: h, values: [1, -1, 2, -2, 0])
        let c = guardedMatrix(rows: b, cols: h, values: [Float](repeating: 0, count: h))
        let hidden = guardedMatrix(rows: b, cols: h, values: [Float](repeating: 0, count: h))
        VectorMath.lstmCellForward(cell: c, tanhCell: nil, hidden: hidden, gates: gates, cellPrevious: cp, kernel: kernel)
        #expect((gates.toArray() + c.toArray() + hidden.toArray()).allSatisfy { !$0.isNaN })
        #expect(gates.toArray()[0..<4] == [1, 0, 1, 0])
        #expect(c.toArray()[0..<4] == [1, -1, 1, -2])   // f·c_prev + i·g with f, i ∈ {0, 1}, g = ±1
    }
}
