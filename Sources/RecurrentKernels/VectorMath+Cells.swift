import CVectorMath

// Fused per-time-step epilogues of the recurrent cells: everything a step does after its
// GEMMs, in one pass over the gate buffer. Shapes: B batch rows, H hidden units. Every
// operand is a `Matrix` view with its own row stride, so h can be a slice of a (T·B, H)
// output or of a wider buffer. PyTorch semantics (gate orders, bias placement) throughout.

extension VectorMath {
    /// The three diagonal peephole weights of an LSTM (TF/ONNX style), each H values; the
    /// same type carries their gradients.
    public struct LSTMPeepholes: Sendable {
        /// w_ci: the input gate sees c(t−1).
        public var input: Matrix
        /// w_cf: the forget gate sees c(t−1).
        public var forget: Matrix
        /// w_co: the output gate sees c(t).
        public var output: Matrix

        public init(input: Matrix, forget: Matrix, output: Matrix) {
            self.input = input
            self.forget = forget
            self.output = output
        }

        func check(hiddenSize h: Int, _ what: String) {
            for (name, m) in [("input", input), ("forget", forget), ("output", output)] {
                precondition(m.count == h && m.isContiguous,
                             "\(what): \(name) peephole must be \(h) contiguous values, got \(m.rows)×\(m.cols)")
            }
        }
    }

    /// The nonlinearity of a plain (Elman) RNN cell.
    public enum RNNActivation: Int32, Sendable {
        case tanh = 0
        case relu = 1
    }

    // MARK: - LSTM

    /// LSTM cell forward for one time step, in gate order i, f, g, o:
    ///
    ///     i = σ(a_i + w_ci ⊙ c_prev)      f = σ(a_f + w_cf ⊙ c_prev)      g = tanh(a_g)
    ///     c = f ⊙ c_prev + i ⊙ g          o = σ(a_o + w_co ⊙ c)           h = o ⊙ tanh(c)
    ///
    /// - Parameters:
    ///   - cell: c (B, H), out. May be the same view as `cellPrevious`.
    ///   - tanhCell: tanh(c) (B, H), out, for backward; `nil` when not needed (inference).
    ///   - hidden: h (B, H), out.
    ///   - gates: (B, 4H): in, the preactivations a = x·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh;
    ///     out, the activated gates i, f, g, o (what backward needs).
    ///   - cellPrevious: c_prev (B, H) (zeros for the initial state).
    ///   - peepholes: w_ci, w_cf, w_co, or `nil` for the standard (PyTorch) LSTM.
    public static func lstmCellForward(cell: Matrix, tanhCell: Matrix?, hidden: Matrix,
                                       gates: Matrix, cellPrevious: Matrix,
                                       peepholes: LSTMPeepholes? = nil,
                                       kernel: VectorMathKernel? = nil) {
        let b = gates.rows, h = gates.cols / 4
        precondition(gates.cols == 4 * h, "lstmCellForward: gates has \(gates.cols) columns, not 4H")
        checkShape(cell, b, h, "lstmCellForward: cell")
        checkShape(hidden, b, h, "lstmCellForward: hidden")
        checkShape(cellPrevious, b, h, "lstmCellForward: cellPrevious")
        if let tanhCell { checkShape(tanhCell, b, h, "lstmCellForward: tanhCell") }
        peepholes?.check(hiddenSize: h, "lstmCellForward")
        rk_vm_lstm_forward(path(kernel), b, h, gates.pointer, gates.rowStride,
                           cellPrevious.pointer, cellPrevious.rowStride,
                           peepholes?.input.pointer, peepholes?.forget.pointer, peepholes?.output.pointer,
                           cell.pointer, cell.rowStride, tanhCell?.pointer, tanhCell?.rowStride ?? 0,
                           hidden.pointer, hidden.rowStride)
    }

    /// LSTM cell backward for one time step: from ∂L/∂h and ∂L/∂c of step t+1 to the
    /// preactivation gradient and ∂L/∂c_prev.
    ///
    ///     δo = dh ⊙ tanh(c) ⊙ o(1−o)
    ///     dc = dc_next + dh ⊙ o ⊙ (1 − tanh²(c)) + δo ⊙ w_co
    ///     δi = dc ⊙ g ⊙ i(1−i)      δf = dc ⊙ c_prev ⊙ f(1−f)      δg = dc ⊙ i ⊙ (1−g²)
    ///     dc_prev = dc ⊙ f + δi ⊙ w_ci + δf ⊙ w_cf
    ///     dw_ci += Σ_b δi ⊙ c_prev      dw_cf += Σ_b δf ⊙ c_prev      dw_co += Σ_b δo ⊙ c
    ///
    /// Then dh_prev = dGates·W_hh, dW_hh += dGatesᵀ·h_prev, dW_ih += dGatesᵀ·x and the bias
    /// gradients Σ_b dGates are the caller's GEMMs (best batched over all time steps).
    ///
    /// - Parameters:
    ///   - dGates: (B, 4H) = [δi δf δg δo], out. May be the same view as `gates`.
    ///   - dCellPrevious: ∂L/∂c_prev (B, H), out. May be the same view as `dCellNext`.
    ///   - peepholeGradients: accumulated into (`+=`) when `peepholes` is given.
    ///   - gates: activated i, f, g, o (B, 4H) from forward.
    ///   - cell: c (B, H) from forward (read only with peepholes).
    ///   - tanhCell: tanh(c) (B, H) from forward.
    ///   - cellPrevious: c_prev (B, H).
    ///   - dHidden: ∂L/∂h (B, H): from the layer above plus, through W_hh, from step t+1.
    ///   - dCellNext: ∂L/∂c (B, H) carried from step t+1, or `nil` at the last step (zero).
    public static func lstmCellBackward(dGates: Matrix, dCellPrevious: Matrix,
                                        peepholeGradients: LSTMPeepholes? = nil,
                                        gates: Matrix, cell: Matrix, tanhCell: Matrix, cellPrevious: Matrix,
                                        peepholes: LSTMPeepholes? = nil,
                                        dHidden: Matrix, dCellNext: Matrix?,
                                        kernel: VectorMathKernel? = nil) {
        let b = gates.rows, h = gates.cols / 4
        precondition(gates.cols == 4 * h, "lstmCellBackward: gates has \(gates.cols) columns, not 4H")
        checkShape(dGates, b, 4 * h, "lstmCellBackward: dGates")
        checkShape(dCellPrevious, b, h, "lstmCellBackward: dCellPrevious")
        checkShape(cell, b, h, "lstmCellBackward: cell")
        checkShape(tanhCell, b, h, "lstmCellBackward: tanhCell")
        checkShape(cellPrevious, b, h, "lstmCellBackward: cellPrevious")
        checkShape(dHidden, b, h, "lstmCellBackward: dHidden")
        if let dCellNext { checkShape(dCellNext, b, h, "lstmCellBackward: dCellNext") }
        peepholes?.check(hiddenSize: h, "lstmCellBackward")
        let grads = peepholes == nil ? nil : peepholeGradients
        grads?.check(hiddenSize: h, "lstmCellBackward (gradients)")
        rk_vm_lstm_backward(path(kernel), b, h, gates.pointer, gates.rowStride,
                            cell.pointer, cell.rowStride, tanhCell.pointer, tanhCell.rowStride,
                            cellPrevious.pointer, cellPrevious.rowStride,
                            peepholes?.input.pointer, peepholes?.forget.pointer, peepholes?.output.pointer,
                            dHidden.pointer, dHidden.rowStride, dCellNext?.pointer, dCellNext?.rowStride ?? 0,
                            dGates.pointer, dGates.rowStride, dCellPrevious.pointer, dCellPrevious.rowStride,
                            grads?.input.pointer, grads?.forget.pointer, grads?.output.pointer)
    }

    // MARK: - GRU

    /// GRU cell forward for one time step, in gate order r, z, n (PyTorch: b_hn inside the
    /// reset product):
    ///
    ///     r = σ(gi_r + gh_r)     z = σ(gi_z + gh_z)     n = tanh(gi_n + r ⊙ gh_n)
    ///     h = (1 − z) ⊙ n + z ⊙ h_prev     (computed as n + z ⊙ (h_prev − n), as PyTorch)
    ///
    /// - Parameters:
    ///   - hidden: h (B, H), out. May be the same view as `hiddenPrevious`.
    ///   - inputGates: gi (B, 3H): in, x·W_ihᵀ + b_ih; out, the activated r, z, n.
    ///   - hiddenGates: gh (B, 3H): in, h_prev·W_hhᵀ (+ b_hh when `hiddenBias` is nil); out, its
    ///     n block holds gh_n including b_hn, which backward needs.
    ///   - hiddenBias: b_hh (3H), added here when given.
    ///   - hiddenPrevious: h_prev (B, H) (zeros for the initial state).
    public static func gruCellForward(hidden: Matrix, inputGates: Matrix, hiddenGates: Matrix,
                                      hiddenBias: Matrix? = nil, hiddenPrevious: Matrix,
                                      kernel: VectorMathKernel? = nil) {
        let b = inputGates.rows, h = inputGates.cols / 3
        precondition(inputGates.cols == 3 * h, "gruCellForward: inputGates has \(inputGates.cols) columns, not 3H")
        checkShape(hiddenGates, b, 3 * h, "gruCellForward: hiddenGates")
        checkShape(hidden, b, h, "gruCellForward: hidden")
        checkShape(hiddenPrevious, b, h, "gruCellForward: hiddenPrevious")
        if let hiddenBias {
            precondition(hiddenBias.count == 3 * h && hiddenBias.isContiguous,
                         "gruCellForward: hiddenBias must be \(3 * h) contiguous values")
        }
        rk_vm_gru_forward(path(kernel), b, h, inputGates.pointer, inputGates.rowStride,
                          hiddenGates.pointer, hiddenGates.rowStride, hiddenBias?.pointer,
                          hiddenPrevious.pointer, hiddenPrevious.rowStride, hidden.pointer, hidden.rowStride)
    }

    /// GRU cell backward for one time step:
    ///
    ///     δn = dh ⊙ (1−z) ⊙ (1−n²)     δz = dh ⊙ (h_prev − n) ⊙ z(1−z)     δr = δn ⊙ gh_n ⊙ r(1−r)
    ///     dGi = [δr δz δn]     dGh = [δr δz δn ⊙ r]     dh_prev = dh ⊙ z
    ///
    /// dh_prev is the direct path only: add dGh·W_hh with a GEMM (β = 1). Weight and bias
    /// gradients are dGiᵀ·x, dGhᵀ·h_prev, Σ_b dGi, Σ_b dGh.
    ///
    /// - Parameters:
    ///   - dInputGates: (B, 3H), out. May be the same view as `gates`.
    ///   - dHiddenGates: (B, 3H), out. May be the same view as `hiddenGates`.
    ///   - dHiddenPrevious: (B, H), out (overwritten). May be the same view as `dHidden`.
    ///   - gates: activated r, z, n (B, 3H) — the `inputGates` buffer after forward.
    ///   - hiddenGates: the gh buffer after forward (B, 3H); only its n block is read.
    ///   - hiddenPrevious: h_prev (B, H).
    ///   - dHidden: ∂L/∂h (B, H).
    public static func gruCellBackward(dInputGates: Matrix, dHiddenGates: Matrix, dHiddenPrevious: Matrix,
                                       gates: Matrix, hiddenGates: Matrix, hiddenPrevious: Matrix,
                                       dHidden: Matrix, kernel: VectorMathKernel? = nil) {
        let b = gates.rows, h = gates.cols / 3
        precondition(gates.cols == 3 * h, "gruCellBackward: gates has \(gates.cols) columns, not 3H")
        checkShape(dInputGates, b, 3 * h, "gruCellBackward: dInputGates")
        checkShape(dHiddenGates, b, 3 * h, "gruCellBackward: dHiddenGates")
        checkShape(hiddenGates, b, 3 * h, "gruCellBackward: hiddenGates")
        checkShape(dHiddenPrevious, b, h, "gruCellBackward: dHiddenPrevious")
        checkShape(hiddenPrevious, b, h, "gruCellBackward: hiddenPrevious")
        checkShape(dHidden, b, h, "gruCellBackward: dHidden")
        rk_vm_gru_backward(path(kernel), b, h, gates.pointer, gates.rowStride,
                           hiddenGates.pointer + 2 * h, hiddenGates.rowStride,
                           hiddenPrevious.pointer, hiddenPrevious.rowStride, dHidden.pointer, dHidden.rowStride,
                           dInputGates.pointer, dInputGates.rowStride, dHiddenGates.pointer, dHiddenGates.rowStride,
                           dHiddenPrevious.pointer, dHiddenPrevious.rowStride)
    }

    // MARK: - RNN

    /// Plain RNN cell forward: h = act(a), a = x·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh (B, H).
    /// `hidden` may be the same view as `preactivation`.
    public static func rnnCellForward(hidden: Matrix, preactivation: Matrix, activation: RNNActivation,
                                      kernel: VectorMathKernel? = nil) {
        checkShape(hidden, preactivation.rows, preactivation.cols, "rnnCellForward: hidden")
        rk_vm_rnn_forward(path(kernel), activation.rawValue, preactivation.rows, preactivation.cols,
                          preactivation.pointer, preactivation.rowStride, hidden.pointer, hidden.rowStride)
    }

    /// Plain RNN cell backward: da = dh ⊙ act′, from the output h (tanh: 1 − h²; relu:
    /// [h > 0], zero at 0 as PyTorch). `dPreactivation` may be the same view as `dHidden`.
    public static func rnnCellBackward(dPreactivation: Matrix, hidden: Matrix, dHidden: Matrix,
                                       activation: RNNActivation, kernel: VectorMathKernel? = nil) {
        checkShape(dHidden, hidden.rows, hidden.cols, "rnnCellBackward: dHidden")
        checkShape(dPreactivation, hidden.rows, hidden.cols, "rnnCellBackward: dPreactivation")
        rk_vm_rnn_backward(path(kernel), activation.rawValue, hidden.rows, hidden.cols,
                           hidden.pointer, hidden.rowStride, dHidden.pointer, dHidden.rowStride,
                           dPreactivation.pointer, dPreactivation.rowStride)
    }

    static func checkShape(_ m: Matrix, _ rows: Int, _ cols: Int, _ what: String) {
        precondition(m.rows == rows && m.cols == cols, "\(what) is \(m.rows)×\(m.cols), expected \(rows)×\(cols)")
    }
}
