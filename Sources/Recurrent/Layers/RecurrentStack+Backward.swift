extension RecurrentStack {
    /// See `RecurrentLayer.backward`. Layers from the top down; in each, every direction's time
    /// loop runs first (element-wise kernel + one (B, G·H)·(G·H, H) product per step), then the
    /// weight gradients are formed with a few GEMMs over all T·B rows at once.
    func backward(dOutput: Matrix, dFinalState: RecurrentState?) -> (dInput: Matrix, dInitialState: RecurrentState) {
        precondition(steps > 0, "recurrent backward called before forward")
        let t = steps, b = batchSize, h = realHiddenSize, d = numDirections
        precondition(dOutput.rows == t * b && dOutput.cols == d * h,
                     "recurrent backward: dOutput is \(dOutput.rows)×\(dOutput.cols), the forward output was \(t * b)×\(d * h)")

        // ∂L/∂h_n, ∂L/∂c_n start the recurrent carries; each (layer, direction) block of these
        // buffers is updated in place step by step and ends as ∂L/∂h_0, ∂L/∂c_0.
        let (dHidden, dCell) = copyState(dFinalState, hiddenSpace: dInitialHiddenSpace, cellSpace: dInitialCellSpace,
                                         role: "recurrent backward: dFinalState")

        var dh = timeMajor(dOutput, space: dOutputSpace)
        if hasLengths { dh = zeroPastLengths(dh, space: dOutputSpace) }
        var dInput = dh
        for k in stride(from: numLayers - 1, through: 0, by: -1) {
            let dx = backwardLayer(k, dOutput: dh, dHidden: dHidden, dCell: dCell)
            backwardObserver?.recurrentLayerFinished(k)
            if k > 0 {
                dh = dropouts[k - 1].backward(lockedDropouts.isEmpty ? dx : lockedDropouts[k - 1].backward(dx))
            } else {
                dInput = dx
            }
        }
        let dInitialState = RecurrentState(h: dHidden, c: kind.hasCellState ? dCell : nil)
        return (callerLayout(dInput, space: dInputBatchFirstSpace), dInitialState)
    }

    /// Backward through layer `k` given ∂L/∂output `(T·B, D·H)`; returns ∂L/∂input `(T·B, I_k)`.
    private func backwardLayer(_ k: Int, dOutput: Matrix, dHidden: Matrix, dCell: Matrix) -> Matrix {
        if projectionSize > 0 { return backwardProjectedLayer(k, dOutput: dOutput, dHidden: dHidden, dCell: dCell) }
        let t = steps, b = batchSize, h = hiddenSize, d = numDirections, gh = gateCount * h
        let w = weights[k]
        let x = layerInputs[k]                                                     // (T·B, I_k)
        let gates = gatesSpace[k].matrix(rows: t * b, cols: d * gh)                // (T·B, D·G·H)
        let output = outputSpace[k].matrix(rows: t * b, cols: d * h)               // (T·B, D·H)
        let dGates = dGatesSpace.matrix(rows: t * b, cols: d * gh)                 // ∂L/∂(input-side pre-activations)
        // ∂L/∂(recurrent-side pre-activations): the same as dGates except for the GRU's n block.
        let dGatesHidden = kind == .gru ? dGatesHiddenSpace.matrix(rows: t * b, cols: d * gh) : dGates
        // The kind-specific caches (empty views for kinds that have none).
        let cell = cellSpace[k].matrix(rows: kind.hasCellState ? t * b : 0, cols: d * h)         // (T·B, D·H)
        let tanhCell = tanhCellSpace[k].matrix(rows: kind.hasCellState ? t * b : 0, cols: d * h) // (T·B, D·H)
        let hiddenLinear = hiddenLinearSpace[k].matrix(rows: kind == .gru ? t * b : 0, cols: d * h)
        let zoneout = zoneoutViews(k)

        for dir in 0..<d {
            let gateCols = dir * gh..<(dir + 1) * gh, cols = dir * h..<(dir + 1) * h
            let whh = packHiddenWeight(layer: k, direction: dir, forBackward: true)   // W_hh (G·H, H)
            let state = stateRows(layer: k, direction: dir)
            let dHiddenNext = dHidden.rows(state)                                 // (B, H) carry
            // Backwards through this direction's loop: position s = T−1 … 0.
            for s in stride(from: t - 1, through: 0, by: -1) {
                backwardObserver?.poll()
                let rows = stepRows(time(s, direction: dir))
                let previous = s == 0 ? nil : stepRows(time(s - 1, direction: dir))
                let dg = dGates.rows(rows).columns(gateCols)
                if hasLengths { saveInactiveCarry(step: time(s, direction: dir), hidden: dHiddenNext,
                                                  cell: kind.hasCellState ? dCell.rows(state) : nil) }
                if let zoneout {
                    backwardZonedOutStep(zoneout, rows: rows, previous: previous, layer: k, direction: dir,
                                         dOutput: dOutput, dHidden: dHidden, dCell: dCell, whh: whh)
                    if hasLengths { restoreInactiveCarry(step: time(s, direction: dir), hidden: dHiddenNext,
                                                         cell: kind.hasCellState ? dCell.rows(state) : nil) }
                    continue
                }
                switch kind {
                case .lstm, .peephole:
                    let cPrevious = previous.map { cell.rows($0).columns(cols) } ?? initialCell.rows(state)
                    // dc(t−1) is written over dc(t) (the kernel reads each element before writing it).
                    VectorMath.lstmCellBackward(dGates: dg, dCellPrevious: dCell.rows(state),
                                                peepholeGradients: w.peepholesGradient.map { VectorMath.LSTMPeepholes(concatenated: $0.row(dir)) },
                                                gates: gates.rows(rows).columns(gateCols), cell: cell.rows(rows).columns(cols),
                                                tanhCell: tanhCell.rows(rows).columns(cols), cellPrevious: cPrevious,
                                                peepholes: w.peepholes.map { VectorMath.LSTMPeepholes(concatenated: $0.row(dir)) },
                                                dHidden: dOutput.rows(rows).columns(cols), dHiddenNext: dHiddenNext,
                                                dCellNext: dCell.rows(state))
                    gemm(dHiddenNext, dg, whh)
                case .gru:
                    let hPrevious = previous.map { output.rows($0).columns(cols) } ?? initialHidden.rows(state)
                    let dgh = dGatesHidden.rows(rows).columns(gateCols)
                    // The direct part dh ⊙ z of ∂L/∂h(t−1) is written over dHiddenNext (read first).
                    VectorMath.gruCellBackward(dInputGates: dg, dHiddenGates: dgh, dHiddenPrevious: dHiddenNext,
                                               gates: gates.rows(rows).columns(gateCols),
                                               hiddenLinear: hiddenLinear.rows(rows).columns(cols), hiddenPrevious: hPrevious,
                                               dHidden: dOutput.rows(rows).columns(cols), dHiddenNext: dHiddenNext)
                    gemm(dHiddenNext, dgh, whh, beta: 1)
                case .rnn, .rnnRelu:
                    VectorMath.rnnCellBackward(dPreactivation: dg, hidden: output.rows(rows).columns(cols),
                                               dHidden: dOutput.rows(rows).columns(cols), dHiddenNext: dHiddenNext,
                                               activation: (kind.nonlinearity ?? .tanh).vectorMathActivation)
                    gemm(dHiddenNext, dg, whh)
                }
                if hasLengths { restoreInactiveCarry(step: time(s, direction: dir), hidden: dHiddenNext,
                                                     cell: kind.hasCellState ? dCell.rows(state) : nil) }
            }

            // dW_hh += Σ_t dA_hh(t)ᵀ · h(t−1): the steps whose h(t−1) is an output row (one GEMM
            // over (T−1)·B rows), plus the first step, whose h(t−1) is the initial state.
            let dA = dGatesHidden.columns(gateCols), hs = output.columns(cols)
            let dWhh = hiddenWeightGradientTarget(k, rows: gateCols)
            if t > 1 {
                let later = dir == 0 ? b..<t * b : 0..<(t - 1) * b          // steps with a predecessor
                let earlier = dir == 0 ? 0..<(t - 1) * b : b..<t * b        // their predecessors
                gemm(dWhh, dA.rows(later), .transposed, hs.rows(earlier), .none, beta: 1)
            }
            gemm(dWhh, dA.rows(stepRows(time(0, direction: dir))), .transposed, initialHidden.rows(state), .none, beta: 1)
        }

        // Both directions at once: dW_ih += dAᵀ · X, db += Σ_rows dA, dX = dA · W_ih.
        finishHiddenWeightGradient(k)
        gemm(w.inputWeightGradient, dGates, .transposed, x, .none, beta: 1)
        if hasBias {
            dGates.sumRows(into: w.inputBiasGradient)
            dGatesHidden.sumRows(into: w.hiddenBiasGradient)
        }
        let dx = dInputSpace[k].matrix(rows: t * b, cols: x.cols)                  // (T·B, I_k)
        gemm(dx, dGates, .none, w.inputWeight, .none)
        return dx
    }

    /// One backward step of layer `k`, direction `dir`, at time rows `rows`, with zoneout
    /// (`RecurrentStack+Zoneout.swift`): the carries are split into the candidates' share and
    /// the direct path to step t−1, the cell's backward runs from the candidates' gradients
    /// (reading the candidates h̃, c̃ it produced), and the direct parts are added back.
    private func backwardZonedOutStep(_ z: ZoneoutViews, rows: Range<Int>, previous: Range<Int>?, layer k: Int, direction dir: Int,
                                      dOutput: Matrix, dHidden: Matrix, dCell: Matrix, whh: PackedMatrix) {
        let t = steps, b = batchSize, h = hiddenSize, d = numDirections, gh = gateCount * h
        let w = weights[k]
        let gateCols = dir * gh..<(dir + 1) * gh, cols = dir * h..<(dir + 1) * h
        let state = stateRows(layer: k, direction: dir)
        let hiddenCarry = dHidden.rows(state), cellCarry = kind.hasCellState ? dCell.rows(state) : nil
        let gates = gatesSpace[k].matrix(rows: t * b, cols: d * gh)
        let dGates = dGatesSpace.matrix(rows: t * b, cols: d * gh)
        let dg = dGates.rows(rows).columns(gateCols)
        let dCandidate = zoneoutGradients(z, rows: rows, columns: cols, dOutput: dOutput.rows(rows).columns(cols),
                                          hiddenCarry: hiddenCarry, cellCarry: cellCarry)
        switch kind {
        case .lstm, .peephole:
            let cell = cellSpace[k].matrix(rows: t * b, cols: d * h)
            let tanhCell = tanhCellSpace[k].matrix(rows: t * b, cols: d * h)
            let cPrevious = previous.map { cell.rows($0).columns(cols) } ?? initialCell.rows(state)
            let peepholes = w.peepholes.map { VectorMath.LSTMPeepholes(concatenated: $0.row(dir)) }
            VectorMath.lstmCellBackward(dGates: dg, dCellPrevious: cellCarry!,
                                        peepholeGradients: w.peepholesGradient.map { VectorMath.LSTMPeepholes(concatenated: $0.row(dir)) },
                                        gates: gates.rows(rows).columns(gateCols), cell: z.candidateCell!.rows(rows).columns(cols),
                                        tanhCell: tanhCell.rows(rows).columns(cols), cellPrevious: cPrevious, peepholes: peepholes,
                                        dHidden: dCandidate, dHiddenNext: nil, dCellNext: cellCarry)
            gemm(hiddenCarry, dg, whh)
        case .gru:
            let output = outputSpace[k].matrix(rows: t * b, cols: d * h)
            let hiddenLinear = hiddenLinearSpace[k].matrix(rows: t * b, cols: d * h)
            let hPrevious = previous.map { output.rows($0).columns(cols) } ?? initialHidden.rows(state)
            let dgh = dGatesHiddenSpace.matrix(rows: t * b, cols: d * gh).rows(rows).columns(gateCols)
            VectorMath.gruCellBackward(dInputGates: dg, dHiddenGates: dgh, dHiddenPrevious: hiddenCarry,
                                       gates: gates.rows(rows).columns(gateCols), hiddenLinear: hiddenLinear.rows(rows).columns(cols),
                                       hiddenPrevious: hPrevious, dHidden: dCandidate, dHiddenNext: nil)
            gemm(hiddenCarry, dgh, whh, beta: 1)
        case .rnn, .rnnRelu:
            VectorMath.rnnCellBackward(dPreactivation: dg, hidden: z.candidateHidden.rows(rows).columns(cols), dHidden: dCandidate,
                                       dHiddenNext: nil, activation: (kind.nonlinearity ?? .tanh).vectorMathActivation)
            gemm(hiddenCarry, dg, whh)
        }
        finishZoneoutStep(hiddenCarry: hiddenCarry, cellCarry: cellCarry)
    }
}
