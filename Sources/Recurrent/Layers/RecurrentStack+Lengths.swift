/// Variable-length batches: sequence b has its own length `lengths[b]` ≤ T, the equivalent of
/// PyTorch's `pack_padded_sequence` → module → `pad_packed_sequence`:
///
/// - outputs at t ≥ lengths[b] are zero;
/// - h_n, c_n of the forward direction are taken at t = lengths[b] − 1;
/// - the reverse direction of a bidirectional layer starts at t = lengths[b] − 1 from the
///   initial state, so it never sees the padding;
/// - gradients with respect to the input (and the weights) at t ≥ lengths[b] are zero, and
///   ∂L/∂output there is ignored (as in PyTorch, where those outputs are constant zeros).
///
/// How: every step still runs on all B rows (the fast path's GEMMs unchanged), and a row that
/// is inactive at step t (t ≥ lengths[b]) then *holds* its state — its h and c rows at t are
/// overwritten by the state it carries: the previous step's in the forward direction (so at
/// t = T−1 it holds its own last step's state), the initial state in the reverse direction
/// (so its first real step reads h_0, c_0). Backward makes the held steps the identity: ∂L/∂output
/// past each length is zeroed (in a copy), and the carried ∂L/∂h, ∂L/∂c of an inactive row are
/// saved and zeroed before the step and put back after it — so every ∂L/∂pre-activation of the
/// row is zero and no weight (peepholes included) or input gradient comes from padding. The
/// recorded outputs keep the held states (backward reads them as h(t−1)); the caller gets a
/// copy with zeros past each length.
extension RecurrentStack {
    /// Whether the last forward had sequences shorter than T.
    var hasLengths: Bool { !lengths.isEmpty }

    /// Checks and records `lengths` for a forward of `steps` × `batchSize`; all-T lengths
    /// (or nil) take the plain path.
    func setLengths(_ newLengths: [Int]?) {
        guard let newLengths, newLengths.contains(where: { $0 != steps }) else {
            lengths = []
            return
        }
        precondition(newLengths.count == batchSize,
                     "recurrent forward: \(newLengths.count) lengths for a batch of \(batchSize) sequences")
        precondition(newLengths.allSatisfy { $0 >= 1 && $0 <= steps },
                     "recurrent forward: every length must be in 1...\(steps) (the padded length T), got \(newLengths)")
        lengths = newLengths
    }

    /// After step `t` of layer `k`, direction `d`: rows inactive at `t` take the state they
    /// carry (see above). `cell` is nil for a GRU or RNN.
    func holdInactiveRows(step t: Int, direction d: Int, layer k: Int, hidden: Matrix, hiddenColumns: Range<Int>,
                          cell: Matrix?, cellColumns: Range<Int>) {
        let b = batchSize, firstState = stateRows(layer: k, direction: d).lowerBound
        for sequence in 0..<b where lengths[sequence] <= t {
            let row = t * b + sequence
            let h = hidden.row(row).columns(hiddenColumns), c = cell?.row(row).columns(cellColumns)
            if d == 0 {
                // Forward: t ≥ 1 here (lengths ≥ 1); keep the previous step's state.
                h.assign(hidden.row(row - b).columns(hiddenColumns))
                if let c, let cell { c.assign(cell.row(row - b).columns(cellColumns)) }
            } else if t == steps - 1 {
                // Reverse, before the sequence starts: the initial state.
                h.assign(initialHidden.row(firstState + sequence))
                if let c { c.assign(initialCell.row(firstState + sequence)) }
            } else {
                // Reverse: the next step already holds the initial state.
                h.assign(hidden.row(row + b).columns(hiddenColumns))
                if let c, let cell { c.assign(cell.row(row + b).columns(cellColumns)) }
            }
        }
    }

    /// Before backward step `t`: saves the carried ∂L/∂h `(B, P)` and ∂L/∂c `(B, H)` of the
    /// rows inactive at `t` and zeroes them, so the step computes zeros for those rows.
    func saveInactiveCarry(step t: Int, hidden: Matrix, cell: Matrix?) {
        let savedHidden = savedCarryHiddenSpace.matrix(rows: batchSize, cols: hidden.cols)
        let savedCell = savedCarryCellSpace.matrix(rows: batchSize, cols: cell?.cols ?? 0)
        for sequence in 0..<batchSize where lengths[sequence] <= t {
            savedHidden.row(sequence).assign(hidden.row(sequence))
            hidden.row(sequence).fill(0)
            if let cell {
                savedCell.row(sequence).assign(cell.row(sequence))
                cell.row(sequence).fill(0)
            }
        }
    }

    /// After backward step `t`: the inactive rows get their saved carry back (a held step is
    /// the identity).
    func restoreInactiveCarry(step t: Int, hidden: Matrix, cell: Matrix?) {
        let savedHidden = savedCarryHiddenSpace.matrix(rows: batchSize, cols: hidden.cols)
        let savedCell = savedCarryCellSpace.matrix(rows: batchSize, cols: cell?.cols ?? 0)
        for sequence in 0..<batchSize where lengths[sequence] <= t {
            hidden.row(sequence).assign(savedHidden.row(sequence))
            if let cell { cell.row(sequence).assign(savedCell.row(sequence)) }
        }
    }

    /// A time-major sequence `(T·B, F)` (the top layer's output, or ∂L/∂output) with zeros at
    /// t ≥ lengths[b], in `space` — a copy, since the recorded output keeps the held states
    /// backward needs (`sequence` may already be a view of `space`).
    func zeroPastLengths(_ sequence: Matrix, space: GrowableBuffer) -> Matrix {
        let masked = space.matrix(rows: sequence.rows, cols: sequence.cols)
        if masked.pointer != sequence.pointer { masked.assign(sequence) }
        for sequence in 0..<batchSize {
            for t in lengths[sequence]..<steps { masked.row(t * batchSize + sequence).fill(0) }
        }
        return masked
    }
}
