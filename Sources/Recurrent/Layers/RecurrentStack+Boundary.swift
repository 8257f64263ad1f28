extension RecurrentStack {
    /// Copies a state handed in by the caller — forward's initial state (h_0, c_0) or backward's
    /// ∂L/∂(h_n, c_n) — into `(L·D·B, H)` views of `hiddenSpace` and `cellSpace`, and returns them
    /// (the cell view has 0 rows when the recurrence has no cell state).
    ///
    /// A nil `state`, or a nil `c`, means zeros, through the same path as an explicit zero state.
    /// Copying first matters: `state` may be a view of the buffers this call then overwrites (a
    /// final state passed straight back in). `role` names the state in failure messages.
    func copyState(_ state: RecurrentState?, hiddenSpace: GrowableBuffer, cellSpace: GrowableBuffer,
                   role: String) -> (hidden: Matrix, cell: Matrix) {
        let stateCount = numLayers * numDirections * batchSize, h = hiddenSize, p = realHiddenSize
        let hidden = hiddenSpace.matrix(rows: stateCount, cols: p)
        let cell = cellSpace.matrix(rows: kind.hasCellState ? stateCount : 0, cols: h)
        if let state {
            precondition(state.h.rows == stateCount && state.h.cols == p,
                         "\(role) h is \(state.h.rows)×\(state.h.cols), expected (L·D·B, \(projectionSize > 0 ? "P" : "H")) = \(stateCount)×\(p)")
            hidden.assign(state.h)
            if kind.hasCellState {
                if let c = state.c {
                    precondition(c.rows == stateCount && c.cols == h,
                                 "\(role) c is \(c.rows)×\(c.cols), expected (L·D·B, H) = \(stateCount)×\(h)")
                    cell.assign(c)
                } else {
                    cell.fill(0)
                }
            }
        } else {
            hidden.fill(0)
            cell.fill(0)
        }
        return (hidden, cell)
    }

    /// A sequence `(T·B, F)` of the caller (input, or ∂L/∂output) in the stack's time-major
    /// order: `sequence` itself, or with `batchFirst` a rearranged copy in `space`.
    func timeMajor(_ sequence: Matrix, space: GrowableBuffer) -> Matrix {
        guard batchFirst else { return sequence }
        let copy = space.matrix(rows: sequence.rows, cols: sequence.cols)
        copySequence(sequence, into: copy, steps: steps, batchSize: batchSize, toTimeMajor: true)
        return copy
    }

    /// The inverse of `timeMajor`: a time-major sequence (output, or ∂L/∂input) in the caller's
    /// layout, rearranged into `space` with `batchFirst`.
    func callerLayout(_ sequence: Matrix, space: GrowableBuffer) -> Matrix {
        guard batchFirst else { return sequence }
        let copy = space.matrix(rows: sequence.rows, cols: sequence.cols)
        copySequence(sequence, into: copy, steps: steps, batchSize: batchSize, toTimeMajor: false)
        return copy
    }
}
