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
        VectorMath.gruCellForward(hidden: hidden, hiddenLinear: hiddenLinear, inputGates: gates, inputBias: biasInput,
                                  hiddenGates: hiddenProduct, hiddenBias: biasHidden, hiddenPrevious: hiddenPrevious)
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
        // The direct part dh ⊙ z of ∂L/∂h(t−1) is written over dHiddenNext (read first).
        VectorMath.gruCellBackward(dInputGates: dGatesInput, dHiddenGates: dGatesHidden, dHiddenPrevious: dHiddenNext,
                                   gates: gates, hiddenLinear: hiddenLinear, hiddenPrevious: hiddenPrevious,
                                   dHidden: dHidden, dHiddenNext: dHiddenNext)
    }
}
