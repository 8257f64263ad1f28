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

        /// Views of one row of 3H values [w_ci | w_cf | w_co] (how a layer may store them).
        public init(concatenated row: Matrix) {
            precondition(row.rows == 1 && row.cols % 3 == 0, "LSTMPeepholes: need 1 × 3H, got \(row.rows)×\(row.cols)")
            let h = row.cols / 3
            self.init(input: row.columns(0..<h), forget: row.columns(h..<(2 * h)), output: row.columns((2 * h)..<(3 * h)))
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
    ///     a = gates + bias
    ///     i = σ(a_i + w_ci ⊙ c_prev)      f = σ(a_f + w_cf ⊙ c_prev)      g = tanh(a_g)
    ///     c = f ⊙ c_prev + i ⊙ g          o = σ(a_o + w_co ⊙ c)           h = o ⊙ tanh(c)
    ///
    /// - Parameters:
    ///   - cell: c (B, H), out. May be the same view as `cellPrevious`.
    ///   - tanhCell: tanh(c) (B, H), out, for backward; `nil` when not needed (inference).
    ///   - hidden: h (B, H), out.
    ///   - gates: (B, 4H): in, x·W_ihᵀ + h_prev·W_hhᵀ (plus the biases when `bias` is nil);
    ///     out, the activated gates i, f, g, o (what backward needs).
    ///   - bias: b_ih + b_hh (4H values), added here; `nil` when already in `gates`.
    ///   - cellPrevious: c_prev (B, H) (zeros for the initial state).
    ///   - peepholes: w_ci, w_cf, w_co, or `nil` for the standard (PyTorch) LSTM.
    public static func lstmCellForward(cell: Matrix, tanhCell: Matrix?, hidden: Matrix,
                                       gates: Matrix, bias: Matrix? = nil, cellPrevious: Matrix,
                                       peepholes: LSTMPeepholes? = nil,
                                       kernel: VectorMathKernel? = nil) {
        let b = gates.rows, h = gates.cols / 4
        precondition(gates.cols == 4 * h, "lstmCellForward: gates has \(gates.cols) columns, not 4H")
        checkShape(cell, b, h, "lstmCellForward: cell")
        checkShape(hidden, b, h, "lstmCellForward: hidden")
        checkShape(cellPrevious, b, h, "lstmCellForward: cellPrevious")
        if let tanhCell { checkShape(tanhCell, b, h, "lstmCellForward: tanhCell") }
        checkVector(bias, 4 * h, "lstmCellForward: bias")
        peepholes?.check(hiddenSize: h, "lstmCellForward")
        rk_vm_lstm_forward(path(kernel), b, h, gates.pointer, gates.rowStride, bias?.pointer,
                           cellPrevious.pointer, cellPrevious.rowStride,
                           peepholes?.input.pointer, peepholes?.forget.pointer, peepholes?.output.pointer,
                           cell.pointer, cell.rowStride, tanhCell?.pointer, tanhCell?.rowStride ?? 0,
                           hidden.pointer, hidden.rowStride)
    }

    /// LSTM cell backward for one time step: from ∂L/∂h and ∂L/∂c of step t+1 to the
    /// preactivation gradient and ∂L/∂c_prev.
    ///
    ///     d = dHidden + dHiddenNext
    ///     δo = d ⊙ tanh(c) ⊙ o(1−o)
    ///     dc = dc_next + d ⊙ o ⊙ (1 − tanh²(c)) + δo ⊙ w_co
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
    ///   - dHidden: ∂L/∂h (B, H), e.g. from the layer above.
    ///   - dHiddenNext: a second ∂L/∂h term (B, H), e.g. from step t+1 through W_hh, or `nil`.
    ///   - dCellNext: ∂L/∂c (B, H) carried from step t+1, or `nil` at the last step (zero).
    public static func lstmCellBackward(dGates: Matrix, dCellPrevious: Matrix,
                                        peepholeGradients: LSTMPeepholes? = nil,
                                        gates: Matrix, cell: Matrix, tanhCell: Matrix, cellPrevious: Matrix,
                                        peepholes: LSTMPeepholes? = nil,
                                        dHidden: Matrix, dHiddenNext: Matrix? = nil, dCellNext: Matrix?,
                                        kernel: VectorMathKernel? = nil) {
        let b = gates.rows, h = gates.cols / 4
        precondition(gates.cols == 4 * h, "lstmCellBackward: gates has \(gates.cols) columns, not 4H")
        checkShape(dGates, b, 4 * h, "lstmCellBackward: dGates")
        checkShape(dCellPrevious, b, h, "lstmCellBackward: dCellPrevious")
        checkShape(cell, b, h, "lstmCellBackward: cell")
        checkShape(tanhCell, b, h, "lstmCellBackward: tanhCell")
        checkShape(cellPrevious, b, h, "lstmCellBackward: cellPrevious")
        checkShape(dHidden, b, h, "lstmCellBackward: dHidden")
        if let dHiddenNext { checkShape(dHiddenNext, b, h, "lstmCellBackward: dHiddenNext") }
        if let dCellNext { checkShape(dCellNext, b, h, "lstmCellBackward: dCellNext") }
        peepholes?.check(hiddenSize: h, "lstmCellBackward")
        let grads = peepholes == nil ? nil : peepholeGradients
        grads?.check(hiddenSize: h, "lstmCellBackward (gradients)")
        rk_vm_lstm_backward(path(kernel), b, h, gates.pointer, gates.rowStride,
                            cell.pointer, cell.rowStride, tanhCell.pointer, tanhCell.rowStride,
                            cellPrevious.pointer, cellPrevious.rowStride,
                            peepholes?.input.pointer, peepholes?.forget.pointer, peepholes?.output.pointer,
                            dHidden.pointer, dHidden.rowStride, dHiddenNext?.pointer, dHiddenNext?.rowStride ?? 0,
                            dCellNext?.pointer, dCellNext?.rowStride ?? 0,
                            dGates.pointer, dGates.rowStride, dCellPrevious.pointer, dCellPrevious.rowStride,
                            grads?.input.pointer, grads?.forget.pointer, grads?.output.pointer)
    }

    // MARK: - GRU

    /// GRU cell forward for one time step, in gate order r, z, n (PyTorch: b_hn inside the
    /// reset product):
    ///
    ///     r = σ(gi_r + b_ir + gh_r + b_hr)     z = σ(gi_z + b_iz + gh_z + b_hz)
    ///     m = gh_n + b_hn                      n = tanh(gi_n + b_in + r ⊙ m)
    ///     h = (1 − z) ⊙ n + z ⊙ h_prev         (computed as n + z ⊙ (h_prev − n), as PyTorch)
    ///
    /// - Parameters:
    ///   - hidden: h (B, H), out. May be the same view as `hiddenPrevious`.
    ///   - hiddenLinear: m (B, H), out, which backward needs; `nil` writes it over the n block
    ///     of `hiddenGates`.
    ///   - inputGates: gi (B, 3H): in, x·W_ihᵀ; out, the activated r, z, n.
    ///   - inputBias: b_ih (3H), added here; `nil` when already in `inputGates`.
    ///   - hiddenGates: gh (B, 3H) = h_prev·W_hhᵀ.
    ///   - hiddenBias: b_hh (3H), added here; `nil` when already in `hiddenGates`.
    ///   - hiddenPrevious: h_prev (B, H) (zeros for the initial state).
    public static func gruCellForward(hidden: Matrix, hiddenLinear: Matrix? = nil,
                                      inputGates: Matrix, inputBias: Matrix? = nil,
                                      hiddenGates: Matrix, hiddenBias: Matrix? = nil, hiddenPrevious: Matrix,
                                      kernel: VectorMathKernel? = nil) {
        let b = inputGates.rows, h = inputGates.cols / 3
        precondition(inputGates.cols == 3 * h, "gruCellForward: inputGates has \(inputGates.cols) columns, not 3H")
        checkShape(hiddenGates, b, 3 * h, "gruCellForward: hiddenGates")
        checkShape(hidden, b, h, "gruCellForward: hidden")
        checkShape(hiddenPrevious, b, h, "gruCellForward: hiddenPrevious")
        checkVector(inputBias, 3 * h, "gruCellForward: inputBias")
        checkVector(hiddenBias, 3 * h, "gruCellForward: hiddenBias")
        let m = hiddenLinear ?? hiddenGates.columns((2 * h)..<(3 * h))
        checkShape(m, b, h, "gruCellForward: hiddenLinear")
        rk_vm_gru_forward(path(kernel), b, h, inputGates.pointer, inputGates.rowStride, inputBias?.pointer,
                          hiddenGates.pointer, hiddenGates.rowStride, hiddenBias?.pointer,
                          hiddenPrevious.pointer, hiddenPrevious.rowStride, m.pointer, m.rowStride,
                          hidden.pointer, hidden.rowStride)
    }

    /// GRU cell backward for one time step:
    ///
    ///     d = dHidden + dHiddenNext
    ///     δn = d ⊙ (1−z) ⊙ (1−n²)     δz = d ⊙ (h_prev − n) ⊙ z(1−z)     δr = δn ⊙ m ⊙ r(1−r)
    ///     dGi = [δr δz δn]     dGh = [δr δz δn ⊙ r]     dh_prev = d ⊙ z
    ///
    /// dh_prev is the direct path only: add dGh·W_hh with a GEMM (β = 1). Weight and bias
    /// gradients are dGiᵀ·x, dGhᵀ·h_prev, Σ_b dGi, Σ_b dGh.
    ///
    /// - Parameters:
    ///   - dInputGates: (B, 3H), out. May be the same view as `gates`.
    ///   - dHiddenGates: (B, 3H), out. May be the gh buffer (even when `hiddenLinear` is its
    ///     n block).
    ///   - dHiddenPrevious: (B, H), out (overwritten). May be the same view as `dHidden` or
    ///     `dHiddenNext`.
    ///   - gates: activated r, z, n (B, 3H) — the `inputGates` buffer after forward.
    ///   - hiddenLinear: m (B, H) from forward.
    ///   - hiddenPrevious: h_prev (B, H).
    ///   - dHidden: ∂L/∂h (B, H).
    ///   - dHiddenNext: a second ∂L/∂h term (B, H), or `nil`.
    public static func gruCellBackward(dInputGates: Matrix, dHiddenGates: Matrix, dHiddenPrevious: Matrix,
                                       gates: Matrix, hiddenLinear: Matrix, hiddenPrevious: Matrix,
                                       dHidden: Matrix, dHiddenNext: Matrix? = nil,
                                       kernel: VectorMathKernel? = nil) {
        let b = gates.rows, h = gates.cols / 3
        precondition(gates.cols == 3 * h, "gruCellBackward: gates has \(gates.cols) columns, not 3H")
        checkShape(dInputGates, b, 3 * h, "gruCellBackward: dInputGates")
        checkShape(dHiddenGates, b, 3 * h, "gruCellBackward: dHiddenGates")
        checkShape(hiddenLinear, b, h, "gruCellBackward: hiddenLinear")
        checkShape(dHiddenPrevious, b, h, "gruCellBackward: dHiddenPrevious")
        checkShape(hiddenPrevious, b, h, "gruCellBackward: hiddenPrevious")
        checkShape(dHidden, b, h, "gruCellBackward: dHidden")
        if let dHiddenNext { checkShape(dHiddenNext, b, h, "gruCellBackward: dHiddenNext") }
        rk_vm_gru_backward(path(kernel), b, h, gates.pointer, gates.rowStride,
                           hiddenLinear.pointer, hiddenLinear.rowStride,
                           hiddenPrevious.pointer, hiddenPrevious.rowStride, dHidden.pointer, dHidden.rowStride,
                           dHiddenNext?.pointer, dHiddenNext?.rowStride ?? 0,
                           dInputGates.pointer, dInputGates.rowStride, dHiddenGates.pointer, dHiddenGates.rowStride,
                           dHiddenPrevious.pointer, dHiddenPrevious.rowStride)
    }

    // MARK: - RNN

    /// Plain RNN cell forward: h = act(a + bias), a = x·W_ihᵀ + h_prev·W_hhᵀ (B, H), `bias`
    /// b_ih + b_hh (H values) or `nil` when already in `a`. `hidden` may be the same view as
    /// `preactivation`.
    public static func rnnCellForward(hidden: Matrix, preactivation: Matrix, bias: Matrix? = nil,
                                      activation: RNNActivation, kernel: VectorMathKernel? = nil) {
        checkShape(hidden, preactivation.rows, preactivation.cols, "rnnCellForward: hidden")
        checkVector(bias, preactivation.cols, "rnnCellForward: bias")
        rk_vm_rnn_forward(path(kernel), activation.rawValue, preactivation.rows, preactivation.cols,
                          preactivation.pointer, preactivation.rowStride, bias?.pointer,
                          hidden.pointer, hidden.rowStride)
    }

    /// Plain RNN cell backward: da = (dh + dh_next) ⊙ act′, from the output h (tanh: 1 − h²;
    /// relu: [h > 0], zero at 0 as PyTorch). `dPreactivation` may be the same view as
    /// `dHidden` or `dHiddenNext`.
    public static func rnnCellBackward(dPreactivation: Matrix, hidden: Matrix, dHidden: Matrix,
                                       dHiddenNext: Matrix? = nil,
                                       activation: RNNActivation, kernel: VectorMathKernel? = nil) {
        checkShape(dHidden, hidden.rows, hidden.cols, "rnnCellBackward: dHidden")
        checkShape(dPreactivation, hidden.rows, hidden.cols, "rnnCellBackward: dPreactivation")
        if let dHiddenNext { checkShape(dHiddenNext, hidden.rows, hidden.cols, "rnnCellBackward: dHiddenNext") }
        rk_vm_rnn_backward(path(kernel), activation.rawValue, hidden.rows, hidden.cols,
                           hidden.pointer, hidden.rowStride, dHidden.pointer, dHidden.rowStride,
                           dHiddenNext?.pointer, dHiddenNext?.rowStride ?? 0,
                           dPreactivation.pointer, dPreactivation.rowStride)
    }

    static func checkVector(_ m: Matrix?, _ count: Int, _ what: String) {
        guard let m else { return }
        precondition(m.count == count && m.isContiguous, "\(what) must be \(count) contiguous values, got \(m.rows)×\(m.cols)")
    }

    static func checkShape(_ m: Matrix, _ rows: Int, _ cols: Int, _ what: String) {
        precondition(m.rows == rows && m.cols == cols, "\(what) is \(m.rows)×\(m.cols), expected \(rows)×\(cols)")
    }
}
