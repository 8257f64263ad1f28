/// AWD-LSTM's regularisers inside the stack (Merity, Keskar & Socher 2018): weight drop
/// (DropConnect, Wan et al. 2013) on the recurrent matrices, and variational dropout between
/// layers (`lockedDropouts`).
///
/// Weight drop: in training, each forward draws one mask M `(D·G·H, P)` per layer — as
/// AWD-LSTM's `WeightDrop`, `F.dropout(weight_hh_raw, p)`, draws one per call — and every time
/// step of every sequence uses the dropped matrix
///
///     W̃_hh = M ⊙ W_hh,   M = 1/(1−p) with probability 1−p, else 0
///
/// Backward forms ∂L/∂W̃_hh as usual (into a scratch buffer) and adds M ⊙ ∂L/∂W̃_hh into the
/// gradient of the raw W_hh, the parameter the optimizer updates and checkpoints keep under
/// its PyTorch name. Evaluation uses W_hh itself (dropout's expectation). Masks are drawn from
/// the generator at the start of `forward`, layer by layer, row-major, kept when ≥ p — or,
/// with `weightDropKeys` set (a language model's training step), row r of layer k's mask is
/// row r of its keys: one mask per step, the same in every micro-batch and process.
extension RecurrentStack {
    /// Sets the variational dropout between layers and the weight drop (both in [0, 1)).
    func setRegularization(lockedDropout: Float, weightDrop: Float) {
        precondition(lockedDropout >= 0 && lockedDropout < 1 && weightDrop >= 0 && weightDrop < 1,
                     "locked dropout and weight drop must be in [0, 1), got \(lockedDropout) and \(weightDrop)")
        lockedDropouts = lockedDropout > 0 ? (0..<max(0, numLayers - 1)).map { _ in LockedDropout(lockedDropout) } : []
        self.weightDrop = weightDrop
    }

    /// Draws the masks and forms M ⊙ W_hh for every layer (training with weight drop only).
    func dropHiddenWeights(generator: inout RandomGenerator) {
        weightDropped = isTraining && weightDrop > 0
        guard weightDropped else { return }
        let keepScale = 1 / (1 - weightDrop)
        for k in 0..<numLayers {
            let w = weights[k].hiddenWeight
            let mask = hiddenMaskSpace[k].matrix(rows: w.rows, cols: w.cols)
            let dropped = droppedHiddenSpace[k].matrix(rows: w.rows, cols: w.cols)
            for r in 0..<w.rows {
                let mp = mask.pointer + r * mask.rowStride, wp = w.pointer + r * w.rowStride
                let dp = dropped.pointer + r * dropped.rowStride
                if let keys = weightDropKeys?[k] { keys.fillUniform(row: r, mp, count: w.cols) } else {
                    generator.fillUniform(mp, count: w.cols)
                }
                for c in 0..<w.cols {
                    mp[c] = mp[c] >= weightDrop ? keepScale : 0
                    dp[c] = mp[c] * wp[c]
                }
            }
        }
    }

    /// The W_hh of layer `k` the last forward used: M ⊙ W_hh with weight drop, else W_hh.
    func hiddenWeight(_ k: Int) -> Matrix {
        let w = weights[k].hiddenWeight
        return weightDropped ? droppedHiddenSpace[k].matrix(rows: w.rows, cols: w.cols) : w
    }

    /// Rows `rows` (one direction's) of where backward accumulates ∂L/∂W̃_hh of layer `k`: a
    /// scratch buffer, those rows zeroed, with weight drop (`finishHiddenWeightGradient` masks
    /// it into the gradient), else the gradient itself.
    func hiddenWeightGradientTarget(_ k: Int, rows: Range<Int>) -> Matrix {
        let g = weights[k].hiddenWeightGradient
        guard weightDropped else { return g.rows(rows) }
        let scratch = dDroppedHiddenSpace.matrix(rows: g.rows, cols: g.cols).rows(rows)
        scratch.fill(0)
        return scratch
    }

    /// ∂L/∂W_hh += M ⊙ ∂L/∂W̃_hh for layer `k` (nothing without weight drop).
    func finishHiddenWeightGradient(_ k: Int) {
        guard weightDropped else { return }
        let g = weights[k].hiddenWeightGradient
        let scratch = dDroppedHiddenSpace.matrix(rows: g.rows, cols: g.cols)
        let mask = hiddenMaskSpace[k].matrix(rows: g.rows, cols: g.cols)
        for r in 0..<g.rows {
            let gp = g.pointer + r * g.rowStride, sp = scratch.pointer + r * scratch.rowStride
            let mp = mask.pointer + r * mask.rowStride
            for c in 0..<g.cols { gp[c] += mp[c] * sp[c] }
        }
    }
}
