/// The fused element-wise part of one LSTM time step, shared by `LSTM` and `LSTMCell`.
///
/// The matrix products are done by the caller (`gates` arrives holding W_ih·x + W_hh·h(t−1)
/// without bias); these functions make one pass over the gate buffer. With `a` the
/// pre-activations (bias added here) and ⊙ the element-wise product:
///
///     i = σ(a_i + w_ci ⊙ c(t−1))      f = σ(a_f + w_cf ⊙ c(t−1))      g = tanh(a_g)
///     c(t) = f ⊙ c(t−1) + i ⊙ g
///     o = σ(a_o + w_co ⊙ c(t))        h(t) = o ⊙ tanh(c(t))
///
/// (the w_c· terms only with peepholes). Shapes for one step: gates `(B, 4H)` in PyTorch order
/// i, f, g, o; states `(B, H)`; `bias` `(1, 4H)` = b_ih + b_hh; `peepholes` `(1, 3H)` =
/// [w_ci | w_cf | w_co]. Any of them may be strided views.
enum LSTMKernel {
    /// Turns `gates` into the activated i, f, g, o in place and writes c(t), tanh(c(t)), h(t).
    /// `cell`/`hidden` may be the same buffers as `cellPrevious`/`hPrevious` of the caller's
    /// product (each element is read before it is written).
    static func forward(gates: Matrix, bias: Matrix, peepholes: Matrix?, cellPrevious: Matrix,
                        cell: Matrix, tanhCell: Matrix, hidden: Matrix) {
        let batch = gates.rows, h = cell.cols
        precondition(gates.cols == 4 * h && bias.cols == 4 * h && cellPrevious.rows == batch && cell.rows == batch
                     && tanhCell.rows == batch && hidden.rows == batch && hidden.cols == h,
                     "LSTM step shapes: gates \(gates.rows)×\(gates.cols), hidden \(h)")
        let bp = bias.pointer
        let usePeepholes = peepholes != nil
        let wp = peepholes?.pointer ?? bp      // never read when usePeepholes is false
        for b in 0..<batch {
            let g = gates.pointer + b * gates.rowStride
            let cp = cellPrevious.pointer + b * cellPrevious.rowStride
            let c = cell.pointer + b * cell.rowStride
            let tc = tanhCell.pointer + b * tanhCell.rowStride
            let hh = hidden.pointer + b * hidden.rowStride
            for j in 0..<h {
                let cPrev = cp[j]
                var ai = g[j] + bp[j]
                var af = g[h + j] + bp[h + j]
                let ag = g[2 * h + j] + bp[2 * h + j]
                var ao = g[3 * h + j] + bp[3 * h + j]
                if usePeepholes {
                    ai += wp[j] * cPrev
                    af += wp[h + j] * cPrev
                }
                let i = sigmoid(ai), f = sigmoid(af), gg = tanh(ag)
                let cNew = f * cPrev + i * gg
                if usePeepholes { ao += wp[2 * h + j] * cNew }
                let o = sigmoid(ao)
                let t = tanh(cNew)
                g[j] = i; g[h + j] = f; g[2 * h + j] = gg; g[3 * h + j] = o
                c[j] = cNew
                tc[j] = t
                hh[j] = o * t
            }
        }
    }

    /// One step backwards. Reads the activated `gates`, c(t−1), c(t), tanh(c(t)), ∂L/∂h(t) from
    /// the layer above (`dHidden`) plus the recurrent `dHiddenNext` = ∂L/∂h(t) from step t+1;
    /// writes ∂L/∂a into `dGates` `(B, 4H)`, replaces `dCellNext` (∂L/∂c(t) from step t+1) by
    /// ∂L/∂c(t−1), and adds the peephole gradients. The caller then forms
    /// ∂L/∂h(t−1) = dGates · W_hh.
    ///
    ///     dh = dHidden + dHiddenNext
    ///     da_o = dh ⊙ tanh(c) ⊙ o(1−o)
    ///     dc = dCellNext + dh ⊙ o ⊙ (1 − tanh²(c)) + da_o ⊙ w_co
    ///     da_i = dc ⊙ g ⊙ i(1−i)    da_f = dc ⊙ c(t−1) ⊙ f(1−f)    da_g = dc ⊙ i ⊙ (1−g²)
    ///     dc(t−1) = dc ⊙ f + da_i ⊙ w_ci + da_f ⊙ w_cf
    ///     dw_ci += Σ_b da_i ⊙ c(t−1)   dw_cf += Σ_b da_f ⊙ c(t−1)   dw_co += Σ_b da_o ⊙ c(t)
    static func backward(gates: Matrix, peepholes: Matrix?, dPeepholes: Matrix?,
                         cellPrevious: Matrix, cell: Matrix, tanhCell: Matrix,
                         dHidden: Matrix, dHiddenNext: Matrix, dCellNext: Matrix, dGates: Matrix) {
        let batch = gates.rows, h = cell.cols
        precondition(dGates.rows == batch && dGates.cols == 4 * h && dHidden.rows == batch && dHidden.cols == h
                     && dHiddenNext.rows == batch && dCellNext.rows == batch,
                     "LSTM backward step shapes")
        let usePeepholes = peepholes != nil
        precondition(usePeepholes == (dPeepholes != nil), "peepholes and their gradient go together")
        let wp = peepholes?.pointer ?? gates.pointer
        let dwp = dPeepholes?.pointer ?? dGates.pointer
        for b in 0..<batch {
            let g = gates.pointer + b * gates.rowStride
            let cp = cellPrevious.pointer + b * cellPrevious.rowStride
            let c = cell.pointer + b * cell.rowStride
            let tc = tanhCell.pointer + b * tanhCell.rowStride
            let dh = dHidden.pointer + b * dHidden.rowStride
            let dhn = dHiddenNext.pointer + b * dHiddenNext.rowStride
            let dcn = dCellNext.pointer + b * dCellNext.rowStride
            let dg = dGates.pointer + b * dGates.rowStride
            for j in 0..<h {
                let i = g[j], f = g[h + j], gg = g[2 * h + j], o = g[3 * h + j]
                let t = tc[j], cPrev = cp[j]
                let dhTotal = dh[j] + dhn[j]
                let dao = dhTotal * t * sigmoidDerivative(output: o)
                var dc = dcn[j] + dhTotal * o * tanhDerivative(output: t)
                if usePeepholes { dc += dao * wp[2 * h + j] }
                let dai = dc * gg * sigmoidDerivative(output: i)
                let daf = dc * cPrev * sigmoidDerivative(output: f)
                let dag = dc * i * tanhDerivative(output: gg)
                var dcPrev = dc * f
                if usePeepholes {
                    dcPrev += dai * wp[j] + daf * wp[h + j]
                    dwp[j] += dai * cPrev
                    dwp[h + j] += daf * cPrev
                    dwp[2 * h + j] += dao * c[j]
                }
                dcn[j] = dcPrev
                dg[j] = dai; dg[h + j] = daf; dg[2 * h + j] = dag; dg[3 * h + j] = dao
            }
        }
    }
}
