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
        // The vectorised kernel (VectorMath, AVX-512/AVX2/NEON chosen at run time).
        VectorMath.lstmCellForward(cell: cell, tanhCell: tanhCell, hidden: hidden, gates: gates, bias: bias,
                                   cellPrevious: cellPrevious,
                                   peepholes: peepholes.map { VectorMath.LSTMPeepholes(concatenated: $0) })
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
        precondition((peepholes != nil) == (dPeepholes != nil), "peepholes and their gradient go together")
        // dc(t−1) is written over dc(t) (the kernel reads each element before writing it).
        VectorMath.lstmCellBackward(dGates: dGates, dCellPrevious: dCellNext,
                                    peepholeGradients: dPeepholes.map { VectorMath.LSTMPeepholes(concatenated: $0) },
                                    gates: gates, cell: cell, tanhCell: tanhCell, cellPrevious: cellPrevious,
                                    peepholes: peepholes.map { VectorMath.LSTMPeepholes(concatenated: $0) },
                                    dHidden: dHidden, dHiddenNext: dHiddenNext, dCellNext: dCellNext)
    }
}
