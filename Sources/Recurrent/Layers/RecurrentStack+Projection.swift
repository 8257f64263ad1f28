/// The LSTM with a projection (LSTMP, Sak et al. 2014; PyTorch's `proj_size`): the cell keeps
/// H features, the hidden state that is output and fed back has P < H:
///
///     u(t) = o ⊙ tanh(c(t))          (B, H)      the plain LSTM's h(t)
///     h(t) = u(t) · W_hrᵀ            (B, P)      W_hr (P, H), `weight_hr_l{k}`
///
/// so W_hh is (4H, P), the output (T·B, D·P), h_n (L·D·B, P), c_n (L·D·B, H), and layer k > 0
/// reads D·P features. Backward, per step, with dh(t) = ∂L/∂output(t) + the recurrent carry:
///
///     du(t) = dh(t) · W_hr           (B, H)      then the LSTM step's backward with du as ∂L/∂u
///     carry = dA(t) · W_hh           (B, P)      ∂L/∂h(t−1)
///     dW_hr += Σ_t dh(t)ᵀ · u(t)                 one GEMM over all T·B rows after the loop
extension RecurrentStack {
    /// Layer `k` forward with a projection; returns its output `(T·B, D·P)`.
    func forwardProjectedLayer(_ k: Int, input x: Matrix) -> Matrix {
        let t = steps, b = batchSize, h = hiddenSize, p = projectionSize, d = numDirections, gh = gateCount * h
        let w = weights[k]
        let gates = gatesSpace[k].matrix(rows: t * b, cols: d * gh)                // (T·B, D·4H)
        gemm(gates, x, .none, w.inputWeight, .transposed)
        let output = outputSpace[k].matrix(rows: t * b, cols: d * p)               // (T·B, D·P)
        let cell = cellSpace[k].matrix(rows: t * b, cols: d * h)                   // (T·B, D·H)
        let tanhCell = tanhCellSpace[k].matrix(rows: t * b, cols: d * h)           // (T·B, D·H)
        let unprojected = unprojectedSpace[k].matrix(rows: t * b, cols: d * h)     // (T·B, D·H): u
        let bias = combinedBias(k)
        for dir in 0..<d {
            let gateCols = dir * gh..<(dir + 1) * gh, cols = dir * h..<(dir + 1) * h, outCols = dir * p..<(dir + 1) * p
            let whh = packHiddenWeight(layer: k, direction: dir, forBackward: false)   // W_hhᵀ (P, 4H)
            let whr = packProjection(layer: k, direction: dir, forBackward: false)     // W_hrᵀ (H, P)
            let peepholes = w.peepholes.map { VectorMath.LSTMPeepholes(concatenated: $0.row(dir)) }
            let state = stateRows(layer: k, direction: dir)
            for s in 0..<t {
                let rows = stepRows(time(s, direction: dir))
                let previous = s == 0 ? nil : stepRows(time(s - 1, direction: dir))
                let hPrevious = previous.map { output.rows($0).columns(outCols) } ?? initialHidden.rows(state)
                let cPrevious = previous.map { cell.rows($0).columns(cols) } ?? initialCell.rows(state)
                let g = gates.rows(rows).columns(gateCols)
                gemm(g, hPrevious, whh, beta: 1)
                let u = unprojected.rows(rows).columns(cols)
                VectorMath.lstmCellForward(cell: cell.rows(rows).columns(cols), tanhCell: tanhCell.rows(rows).columns(cols),
                                           hidden: u, gates: g, bias: bias.columns(gateCols), cellPrevious: cPrevious,
                                           peepholes: peepholes)
                gemm(output.rows(rows).columns(outCols), u, whr)
                if hasLengths { holdInactiveRows(step: time(s, direction: dir), direction: dir, layer: k,
                                                 hidden: output, hiddenColumns: outCols, cell: cell, cellColumns: cols) }
            }
        }
        return output
    }

    /// Backward through layer `k` with a projection, given ∂L/∂output `(T·B, D·P)`; adds every
    /// gradient of the layer and returns ∂L/∂input `(T·B, I_k)`.
    func backwardProjectedLayer(_ k: Int, dOutput: Matrix, dHidden: Matrix, dCell: Matrix) -> Matrix {
        let t = steps, b = batchSize, h = hiddenSize, p = projectionSize, d = numDirections, gh = gateCount * h
        let w = weights[k]
        let x = layerInputs[k]                                                     // (T·B, I_k)
        let gates = gatesSpace[k].matrix(rows: t * b, cols: d * gh)                // (T·B, D·4H)
        let output = outputSpace[k].matrix(rows: t * b, cols: d * p)               // (T·B, D·P)
        let cell = cellSpace[k].matrix(rows: t * b, cols: d * h)                   // (T·B, D·H)
        let tanhCell = tanhCellSpace[k].matrix(rows: t * b, cols: d * h)           // (T·B, D·H)
        let unprojected = unprojectedSpace[k].matrix(rows: t * b, cols: d * h)     // (T·B, D·H)
        let dGates = dGatesSpace.matrix(rows: t * b, cols: d * gh)                 // (T·B, D·4H)
        let dProjected = dProjectedSpace.matrix(rows: t * b, cols: d * p)          // (T·B, D·P): dh(t)
        let dUnprojected = dUnprojectedSpace.matrix(rows: b, cols: h)              // (B, H) scratch
        let noCarry = zeroCarrySpace.zeros(rows: b, cols: h)                       // the carry enters through dh

        for dir in 0..<d {
            let gateCols = dir * gh..<(dir + 1) * gh, cols = dir * h..<(dir + 1) * h, outCols = dir * p..<(dir + 1) * p
            let whh = packHiddenWeight(layer: k, direction: dir, forBackward: true)    // W_hh (4H, P)
            let whr = packProjection(layer: k, direction: dir, forBackward: true)      // W_hr (P, H)
            let state = stateRows(layer: k, direction: dir)
            let dHiddenNext = dHidden.rows(state)                                 // (B, P) carry
            for s in stride(from: t - 1, through: 0, by: -1) {
                backwardObserver?.poll()
                let step = time(s, direction: dir)
                let rows = stepRows(step)
                let previous = s == 0 ? nil : stepRows(time(s - 1, direction: dir))
                let cPrevious = previous.map { cell.rows($0).columns(cols) } ?? initialCell.rows(state)
                if hasLengths { saveInactiveCarry(step: step, hidden: dHiddenNext, cell: dCell.rows(state)) }
                let dh = dProjected.rows(rows).columns(outCols)
                dh.assign(dOutput.rows(rows).columns(outCols))
                dh.add(dHiddenNext)
                gemm(dUnprojected, dh, whr)                                       // du = dh · W_hr
                let dg = dGates.rows(rows).columns(gateCols)
                // dc(t−1) is written over dc(t) (the kernel reads each element before writing it).
                VectorMath.lstmCellBackward(dGates: dg, dCellPrevious: dCell.rows(state),
                                            peepholeGradients: w.peepholesGradient.map { VectorMath.LSTMPeepholes(concatenated: $0.row(dir)) },
                                            gates: gates.rows(rows).columns(gateCols), cell: cell.rows(rows).columns(cols),
                                            tanhCell: tanhCell.rows(rows).columns(cols), cellPrevious: cPrevious,
                                            peepholes: w.peepholes.map { VectorMath.LSTMPeepholes(concatenated: $0.row(dir)) },
                                            dHidden: dUnprojected, dHiddenNext: noCarry, dCellNext: dCell.rows(state))
                gemm(dHiddenNext, dg, whh)
                if hasLengths { restoreInactiveCarry(step: step, hidden: dHiddenNext, cell: dCell.rows(state)) }
            }

            // dW_hr += Σ_t dh(t)ᵀ u(t); dW_hh += Σ_t dA(t)ᵀ h(t−1), as in the plain layer.
            let dWhr = w.projectionGradient!.rows(outCols)
            gemm(dWhr, dProjected.columns(outCols), .transposed, unprojected.columns(cols), .none, beta: 1)
            let dA = dGates.columns(gateCols), hs = output.columns(outCols)
            let dWhh = hiddenWeightGradientTarget(k, rows: gateCols)
            if t > 1 {
                let later = dir == 0 ? b..<t * b : 0..<(t - 1) * b
                let earlier = dir == 0 ? 0..<(t - 1) * b : b..<t * b
                gemm(dWhh, dA.rows(later), .transposed, hs.rows(earlier), .none, beta: 1)
            }
            gemm(dWhh, dA.rows(stepRows(time(0, direction: dir))), .transposed, initialHidden.rows(state), .none, beta: 1)
        }

        finishHiddenWeightGradient(k)
        gemm(w.inputWeightGradient, dGates, .transposed, x, .none, beta: 1)
        if hasBias {
            dGates.sumRows(into: w.inputBiasGradient)
            dGates.sumRows(into: w.hiddenBiasGradient)
        }
        let dx = dInputSpace[k].matrix(rows: t * b, cols: x.cols)                  // (T·B, I_k)
        gemm(dx, dGates, .none, w.inputWeight, .none)
        return dx
    }

    /// W_hr of layer `k`, direction `d`, packed once per forward / backward like W_hh (see
    /// `packHiddenWeight`): W_hrᵀ `(H, P)` for h = u·W_hrᵀ, or W_hr `(P, H)` for du = dh·W_hr.
    func packProjection(layer k: Int, direction d: Int, forBackward: Bool) -> PackedMatrix {
        let h = hiddenSize, p = projectionSize, count = numLayers * numDirections
        let whr = weights[k].projection!.rows(d * p..<(d + 1) * p)                 // (P, H)
        let index = k * numDirections + d
        if forBackward {
            if packedProjectionsBackward.count != count {
                packedProjectionsBackward = (0..<count).map { _ in PackedMatrix(rows: p, cols: h) }
            }
            packedProjectionsBackward[index].pack(whr, .none)
            return packedProjectionsBackward[index]
        }
        if packedProjections.count != count {
            packedProjections = (0..<count).map { _ in PackedMatrix(rows: h, cols: p) }
        }
        packedProjections[index].pack(whr, .transposed)
        return packedProjections[index]
    }
}
