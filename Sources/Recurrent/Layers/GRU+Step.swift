/// The fused element-wise part of one GRU time step, shared by `GRU` and `GRUCell`.
///
/// PyTorch's GRU, with the reset gate applied *after* the recurrent product so `b_hn` sits
/// inside it. The caller computes `gates` = W_ih·x (no bias) and `hiddenProduct` = W_hh·h(t−1)
/// (no bias), both `(B, 3H)` in order r, z, n; then:
///
///     r = σ(a_r)   with a_r = W_ir x + W_hr h(t−1) + b_ir + b_hr
///     z = σ(a_z)   with a_z = W_iz x + W_hz h(t−1) + b_iz + b_hz
///     m = W_hn h(t−1) + b_hn
///     n = tanh(W_in x + b_in + r ⊙ m)
///     h(t) = (1 − z) ⊙ n + z ⊙ h(t−1)
///
/// `biasInput` is b_ih `(1, 3H)`, `biasHidden` b_hh `(1, 3H)` (zeros when the layer has no bias).
enum GRUKernel {
    /// Writes r, z, n over `gates`, m into `hiddenLinear` `(B, H)` and h(t) into `hidden`.
    /// `hidden` may be the same buffer as `hiddenPrevious` (each element is read before written).
    static func forward(gates: Matrix, hiddenProduct: Matrix, biasInput: Matrix, biasHidden: Matrix,
                        hiddenPrevious: Matrix, hiddenLinear: Matrix, hidden: Matrix) {
        let batch = gates.rows, h = hidden.cols
        precondition(gates.cols == 3 * h && hiddenProduct.rows == batch && hiddenProduct.cols == 3 * h
                     && biasInput.cols == 3 * h && biasHidden.cols == 3 * h && hiddenPrevious.rows == batch
                     && hiddenLinear.rows == batch && hidden.rows == batch, "GRU step shapes")
        let bi = biasInput.pointer, bh = biasHidden.pointer
        for b in 0..<batch {
            let g = gates.pointer + b * gates.rowStride
            let s = hiddenProduct.pointer + b * hiddenProduct.rowStride
            let hp = hiddenPrevious.pointer + b * hiddenPrevious.rowStride
            let m = hiddenLinear.pointer + b * hiddenLinear.rowStride
            let out = hidden.pointer + b * hidden.rowStride
            for j in 0..<h {
                let r = sigmoid(g[j] + bi[j] + s[j] + bh[j])
                let z = sigmoid(g[h + j] + bi[h + j] + s[h + j] + bh[h + j])
                let mj = s[2 * h + j] + bh[2 * h + j]
                let n = tanh(g[2 * h + j] + bi[2 * h + j] + r * mj)
                let hPrev = hp[j]
                g[j] = r; g[h + j] = z; g[2 * h + j] = n
                m[j] = mj
                out[j] = (1 - z) * n + z * hPrev
            }
        }
    }

    /// One step backwards. Writes ∂L/∂(input pre-activations) into `dGatesInput` and
    /// ∂L/∂(recurrent pre-activations) into `dGatesHidden` (both `(B, 3H)`; they differ only
    /// in the n block), and replaces `dHiddenNext` (∂L/∂h(t) from step t+1) by the direct part
    /// of ∂L/∂h(t−1); the caller adds dGatesHidden · W_hh to it.
    ///
    ///     dh = dHidden + dHiddenNext
    ///     da_n = dh ⊙ (1−z) ⊙ (1−n²)             (input side; recurrent side da_n ⊙ r)
    ///     da_z = dh ⊙ (h(t−1) − n) ⊙ z(1−z)
    ///     da_r = da_n ⊙ m ⊙ r(1−r)
    ///     dh(t−1) = dh ⊙ z + [da_r, da_z, da_n ⊙ r] · W_hh
    static func backward(gates: Matrix, hiddenLinear: Matrix, hiddenPrevious: Matrix,
                         dHidden: Matrix, dHiddenNext: Matrix, dGatesInput: Matrix, dGatesHidden: Matrix) {
        let batch = gates.rows, h = hiddenLinear.cols
        precondition(dGatesInput.rows == batch && dGatesInput.cols == 3 * h && dGatesHidden.rows == batch
                     && dGatesHidden.cols == 3 * h && dHidden.rows == batch && dHiddenNext.rows == batch,
                     "GRU backward step shapes")
        for b in 0..<batch {
            let g = gates.pointer + b * gates.rowStride
            let m = hiddenLinear.pointer + b * hiddenLinear.rowStride
            let hp = hiddenPrevious.pointer + b * hiddenPrevious.rowStride
            let dh = dHidden.pointer + b * dHidden.rowStride
            let dhn = dHiddenNext.pointer + b * dHiddenNext.rowStride
            let dgi = dGatesInput.pointer + b * dGatesInput.rowStride
            let dgh = dGatesHidden.pointer + b * dGatesHidden.rowStride
            for j in 0..<h {
                let r = g[j], z = g[h + j], n = g[2 * h + j]
                let dhTotal = dh[j] + dhn[j]
                let dan = dhTotal * (1 - z) * tanhDerivative(output: n)
                let daz = dhTotal * (hp[j] - n) * sigmoidDerivative(output: z)
                let dar = dan * m[j] * sigmoidDerivative(output: r)
                dgi[j] = dar; dgi[h + j] = daz; dgi[2 * h + j] = dan
                dgh[j] = dar; dgh[h + j] = daz; dgh[2 * h + j] = dan * r
                dhn[j] = dhTotal * z
            }
        }
    }
}
