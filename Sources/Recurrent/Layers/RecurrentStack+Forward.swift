extension RecurrentStack {
    /// See `RecurrentLayer.forward`. Records inputs, activated gates, cells, tanh(cells) and
    /// outputs of every layer for `backward`.
    func forward(_ input: Matrix, batchSize: Int, initialState: RecurrentState?, lengths: [Int]? = nil,
                 generator: inout RandomGenerator) -> (output: Matrix, finalState: RecurrentState) {
        precondition(batchSize > 0 && input.rows > 0 && input.rows % batchSize == 0,
                     "recurrent forward: \(input.rows) input rows is not a positive multiple of batch size \(batchSize)")
        precondition(input.cols == inputSize, "recurrent forward: input has \(input.cols) features, layer expects \(inputSize)")
        let t = input.rows / batchSize, b = batchSize, h = hiddenSize, d = numDirections
        steps = t
        self.batchSize = b
        setLengths(lengths)
        let stateCount = numLayers * d * b

        // Copy the initial state first: it may be the previous forward's final state, whose
        // buffers this forward overwrites. nil → zeros, then the very same path.
        (initialHidden, initialCell) = copyState(initialState, hiddenSpace: initialHiddenSpace,
                                                 cellSpace: initialCellSpace, role: "recurrent forward: initial")

        dropHiddenWeights(generator: &generator)
        drawZoneoutMasks(generator: &generator)
        var x = timeMajor(input, space: inputSpace)
        layerInputs = []
        for k in 0..<numLayers {
            if k > 0 {
                dropouts[k - 1].isTraining = isTraining
                x = dropouts[k - 1].forward(x, generator: &generator)
                if !lockedDropouts.isEmpty {
                    lockedDropouts[k - 1].isTraining = isTraining
                    x = lockedDropouts[k - 1].forward(x, batchSize: b, generator: &generator)
                }
            }
            layerInputs.append(x)
            x = forwardLayer(k, input: x)
        }

        let p = realHiddenSize                                                     // h has P (or H) features
        let finalHidden = finalHiddenSpace.matrix(rows: stateCount, cols: p)
        let finalCell = finalCellSpace.matrix(rows: kind.hasCellState ? stateCount : 0, cols: h)
        for k in 0..<numLayers {
            for dir in 0..<d {
                let last = stepRows(time(steps - 1, direction: dir)), cols = dir * h..<(dir + 1) * h
                let rows = stateRows(layer: k, direction: dir)
                finalHidden.rows(rows).assign(outputSpace[k].matrix(rows: t * b, cols: d * p).rows(last).columns(dir * p..<(dir + 1) * p))
                if kind.hasCellState {
                    finalCell.rows(rows).assign(cellSpace[k].matrix(rows: t * b, cols: d * h).rows(last).columns(cols))
                }
            }
        }

        let output = callerLayout(hasLengths ? zeroPastLengths(x, space: maskedOutputSpace) : x, space: outputBatchFirstSpace)
        return (output, RecurrentState(h: finalHidden, c: kind.hasCellState ? finalCell : nil))
    }

    /// Runs layer `k` over the whole sequence in both directions; returns its output `(T·B, D·H)`.
    private func forwardLayer(_ k: Int, input x: Matrix) -> Matrix {
        if projectionSize > 0 { return forwardProjectedLayer(k, input: x) }
        let t = steps, b = batchSize, h = hiddenSize, d = numDirections, gh = gateCount * h
        let w = weights[k]
        // The input projection of every step and both directions: one GEMM before the loop.
        let gates = gatesSpace[k].matrix(rows: t * b, cols: d * gh)                // (T·B, D·G·H)
        gemm(gates, x, .none, w.inputWeight, .transposed)
        let output = outputSpace[k].matrix(rows: t * b, cols: d * h)               // (T·B, D·H)
        let zoneout = zoneoutViews(k)

        switch kind {
        case .lstm, .peephole:
            let cell = cellSpace[k].matrix(rows: t * b, cols: d * h)               // (T·B, D·H)
            let tanhCell = tanhCellSpace[k].matrix(rows: t * b, cols: d * h)       // (T·B, D·H)
            let bias = combinedBias(k)
            for dir in 0..<d {
                let gateCols = dir * gh..<(dir + 1) * gh, cols = dir * h..<(dir + 1) * h
                let whh = packHiddenWeight(layer: k, direction: dir, forBackward: false)  // W_hhᵀ (H, G·H)
                let peepholes = w.peepholes.map { VectorMath.LSTMPeepholes(concatenated: $0.row(dir)) }
                let state = stateRows(layer: k, direction: dir)
                for s in 0..<t {
                    let rows = stepRows(time(s, direction: dir))
                    let previous = s == 0 ? nil : stepRows(time(s - 1, direction: dir))
                    let hPrevious = previous.map { output.rows($0).columns(cols) } ?? initialHidden.rows(state)
                    let cPrevious = previous.map { cell.rows($0).columns(cols) } ?? initialCell.rows(state)
                    let g = gates.rows(rows).columns(gateCols)
                    gemm(g, hPrevious, whh, beta: 1)
                    VectorMath.lstmCellForward(cell: cell.rows(rows).columns(cols), tanhCell: tanhCell.rows(rows).columns(cols),
                                               hidden: output.rows(rows).columns(cols), gates: g,
                                               bias: bias.columns(gateCols), cellPrevious: cPrevious, peepholes: peepholes)
                    if let zoneout { zoneOut(zoneout, rows: rows, columns: cols, hidden: output, hiddenPrevious: hPrevious,
                                             cell: cell, cellPrevious: cPrevious) }
                    if hasLengths { holdInactiveRows(step: time(s, direction: dir), direction: dir, layer: k,
                                                     hidden: output, hiddenColumns: cols, cell: cell, cellColumns: cols) }
                }
            }
        case .gru:
            let hiddenLinear = hiddenLinearSpace[k].matrix(rows: t * b, cols: d * h)   // (T·B, D·H): W_hn h + b_hn
            let hiddenProduct = hiddenProductSpace.matrix(rows: b, cols: gh)          // (B, 3H) scratch
            for dir in 0..<d {
                let gateCols = dir * gh..<(dir + 1) * gh, cols = dir * h..<(dir + 1) * h
                let whh = packHiddenWeight(layer: k, direction: dir, forBackward: false)  // W_hhᵀ (H, 3H)
                let state = stateRows(layer: k, direction: dir)
                for s in 0..<t {
                    let rows = stepRows(time(s, direction: dir))
                    let hPrevious = s == 0 ? initialHidden.rows(state)
                                           : output.rows(stepRows(time(s - 1, direction: dir))).columns(cols)
                    gemm(hiddenProduct, hPrevious, whh)
                    VectorMath.gruCellForward(hidden: output.rows(rows).columns(cols),
                                              hiddenLinear: hiddenLinear.rows(rows).columns(cols),
                                              inputGates: gates.rows(rows).columns(gateCols),
                                              inputBias: w.inputBias.columns(gateCols), hiddenGates: hiddenProduct,
                                              hiddenBias: w.hiddenBias.columns(gateCols), hiddenPrevious: hPrevious)
                    if let zoneout { zoneOut(zoneout, rows: rows, columns: cols, hidden: output, hiddenPrevious: hPrevious,
                                             cell: nil, cellPrevious: nil) }
                    if hasLengths { holdInactiveRows(step: time(s, direction: dir), direction: dir, layer: k,
                                                     hidden: output, hiddenColumns: cols, cell: nil, cellColumns: cols) }
                }
            }
        case .rnn, .rnnRelu:
            let activation = (kind.nonlinearity ?? .tanh).vectorMathActivation
            let bias = combinedBias(k)
            for dir in 0..<d {
                let cols = dir * h..<(dir + 1) * h
                let whh = packHiddenWeight(layer: k, direction: dir, forBackward: false)  // W_hhᵀ (H, H)
                let state = stateRows(layer: k, direction: dir)
                for s in 0..<t {
                    let rows = stepRows(time(s, direction: dir))
                    let hPrevious = s == 0 ? initialHidden.rows(state)
                                           : output.rows(stepRows(time(s - 1, direction: dir))).columns(cols)
                    let a = gates.rows(rows).columns(cols)
                    gemm(a, hPrevious, whh, beta: 1)
                    VectorMath.rnnCellForward(hidden: output.rows(rows).columns(cols), preactivation: a,
                                              bias: bias.columns(cols), activation: activation)
                    if let zoneout { zoneOut(zoneout, rows: rows, columns: cols, hidden: output, hiddenPrevious: hPrevious,
                                             cell: nil, cellPrevious: nil) }
                    if hasLengths { holdInactiveRows(step: time(s, direction: dir), direction: dir, layer: k,
                                                     hidden: output, hiddenColumns: cols, cell: nil, cellColumns: cols) }
                }
            }
        }
        return output
    }

    /// b_ih + b_hh of layer `k`, `(1, D·G·H)`, recomputed each forward (the optimizer moves them).
    func combinedBias(_ k: Int) -> Matrix {
        let w = weights[k]
        let bias = combinedBiasSpace[k].matrix(rows: 1, cols: w.inputBias.cols)
        bias.assign(w.inputBias)
        bias.add(w.hiddenBias)
        return bias
    }
}
