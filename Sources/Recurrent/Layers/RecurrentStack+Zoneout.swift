/// Zoneout (Krueger et al. 2017, "Zoneout: Regularizing RNNs by Randomly Preserving Hidden
/// Activations"): in training, each unit of the state keeps its previous value with
/// probability p at every step, instead of taking the cell's new value; evaluation uses the
/// expectation. With the cell's new values h̃(t), c̃(t) computed as usual from h(t−1), c(t−1):
///
///     h(t) = m_h ⊙ h̃(t) + (1 − m_h) ⊙ h(t−1)      m_h ∈ {0, 1}, 1 with probability 1 − p_h (training)
///     c(t) = m_c ⊙ c̃(t) + (1 − m_c) ⊙ c(t−1)      m_c alike with p_c (LSTM only)
///     m = 1 − p at evaluation:  h(t) = p·h(t−1) + (1 − p)·h̃(t)
///
/// as the authors' code does (h̃ = o ⊙ tanh(c̃): the hidden state reads the new cell before its
/// zoneout). h(t) is what the next step, the next layer and the final state read. Masks are per
/// step, stream and unit (T·B, D·H) per layer, drawn at the start of `forward` for every layer
/// (h, then c), row-major; or, with `zoneoutKeys`, keyed by (step, global stream) like
/// `Dropout`'s, so a batch split into micro-batches or across processes gets the masks of the
/// whole batch. Backward, per step, with dh(t) = ∂L/∂output(t) + the carry and dc(t) the carry:
///
///     ∂L/∂h̃(t) = m_h ⊙ dh(t)     direct part of ∂L/∂h(t−1): (1 − m_h) ⊙ dh(t)
///     ∂L/∂c̃(t) = m_c ⊙ dc(t)     direct part of ∂L/∂c(t−1): (1 − m_c) ⊙ dc(t)
///
/// then the cell's backward from ∂L/∂h̃, ∂L/∂c̃ (reading the candidates it produced), and the
/// direct parts added to the carries. No parameters: checkpoints keep PyTorch's names.
/// Not with an LSTM projection.
extension RecurrentStack {
    /// The recorded zoneout buffers of layer `k`, `(T·B, D·H)` each: the "take the new value"
    /// masks (nil when that rate is 0) and the cells' new values h̃, c̃ (c̃ only for an LSTM).
    struct ZoneoutViews {
        var hiddenMask: Matrix?
        var cellMask: Matrix?
        var candidateHidden: Matrix
        var candidateCell: Matrix?
    }

    /// Whether the stack zones out (training or evaluation).
    var zoneoutActive: Bool { zoneoutHidden > 0 || zoneoutCell > 0 }

    /// Sets the zoneout probabilities of h and (LSTM) c, each in [0, 1).
    func setZoneout(hidden: Float, cell: Float) {
        precondition(hidden >= 0 && hidden < 1 && cell >= 0 && cell < 1,
                     "zoneout probabilities must be in [0, 1), got \(hidden) (hidden) and \(cell) (cell)")
        precondition(cell == 0 || kind.hasCellState, "cell zoneout needs an LSTM, not \(kind.rawValue)")
        precondition(projectionSize == 0 || (hidden == 0 && cell == 0), "zoneout is not implemented for an LSTM with a projection")
        zoneoutHidden = hidden
        zoneoutCell = cell
    }

    /// Layer `k`'s views for the last forward's T·B rows, nil without zoneout.
    func zoneoutViews(_ k: Int) -> ZoneoutViews? {
        guard zoneoutActive else { return nil }
        let rows = steps * batchSize, width = numDirections * hiddenSize
        return ZoneoutViews(
            hiddenMask: zoneoutHidden > 0 ? zoneoutHiddenMaskSpace[k].matrix(rows: rows, cols: width) : nil,
            cellMask: zoneoutCell > 0 ? zoneoutCellMaskSpace[k].matrix(rows: rows, cols: width) : nil,
            candidateHidden: candidateHiddenSpace[k].matrix(rows: rows, cols: width),
            candidateCell: kind.hasCellState ? candidateCellSpace[k].matrix(rows: rows, cols: width) : nil)
    }

    /// Fills every layer's masks for this forward: Bernoulli(1 − p) draws in training (keyed
    /// or from `generator`: per layer, h then c), the constant 1 − p in evaluation.
    func drawZoneoutMasks(generator: inout RandomGenerator) {
        for k in 0..<numLayers {
            guard let z = zoneoutViews(k) else { return }
            if let mask = z.hiddenMask {
                fillZoneoutMask(mask, probability: zoneoutHidden, keys: zoneoutKeys?[k].hidden, generator: &generator)
            }
            if let mask = z.cellMask {
                fillZoneoutMask(mask, probability: zoneoutCell, keys: zoneoutKeys?[k].cell, generator: &generator)
            }
        }
    }

    private func fillZoneoutMask(_ mask: Matrix, probability p: Float, keys: DropoutRowKeys?, generator: inout RandomGenerator) {
        for r in 0..<mask.rows {
            let mp = mask.pointer + r * mask.rowStride
            guard isTraining else {
                for c in 0..<mask.cols { mp[c] = 1 - p }
                continue
            }
            if let keys { keys.fillUniform(row: r, mp, count: mask.cols) } else { generator.fillUniform(mp, count: mask.cols) }
            for c in 0..<mask.cols { mp[c] = mp[c] >= p ? 1 : 0 }
        }
    }

    /// After the cell's step at time rows `rows`, direction columns `cols`: records h̃ (and c̃)
    /// and replaces them in place by m ⊙ h̃ + (1 − m) ⊙ h(t−1) (and the same for c).
    func zoneOut(_ z: ZoneoutViews, rows: Range<Int>, columns cols: Range<Int>, hidden: Matrix, hiddenPrevious: Matrix,
                 cell: Matrix?, cellPrevious: Matrix?) {
        Self.mix(hidden.rows(rows).columns(cols), previous: hiddenPrevious, mask: z.hiddenMask?.rows(rows).columns(cols),
                 candidate: z.candidateHidden.rows(rows).columns(cols))
        if let cell, let cellPrevious, let candidate = z.candidateCell {
            Self.mix(cell.rows(rows).columns(cols), previous: cellPrevious, mask: z.cellMask?.rows(rows).columns(cols),
                     candidate: candidate.rows(rows).columns(cols))
        }
    }

    /// candidate = value; value = mask ⊙ value + (1 − mask) ⊙ previous (unchanged with no
    /// mask) — exactly the new or the previous value for a 0/1 mask.
    private static func mix(_ value: Matrix, previous: Matrix, mask: Matrix?, candidate: Matrix) {
        for r in 0..<value.rows {
            let v = value.pointer + r * value.rowStride, c = candidate.pointer + r * candidate.rowStride
            for j in 0..<value.cols { c[j] = v[j] }
            guard let mask else { continue }
            let p = previous.pointer + r * previous.rowStride, m = mask.pointer + r * mask.rowStride
            for j in 0..<value.cols { v[j] = m[j] * v[j] + (1 - m[j]) * p[j] }
        }
    }

    /// Before backward step `rows`: dh = ∂L/∂output + `hiddenCarry` split into ∂L/∂h̃ = m ⊙ dh,
    /// returned `(B, H)`, and the direct part (1 − m) ⊙ dh, kept for `finishZoneoutStep`; the
    /// cell carry becomes ∂L/∂c̃ = m ⊙ dc in place, its direct part kept alike.
    func zoneoutGradients(_ z: ZoneoutViews, rows: Range<Int>, columns cols: Range<Int>, dOutput: Matrix,
                          hiddenCarry: Matrix, cellCarry: Matrix?) -> Matrix {
        let b = hiddenCarry.rows, h = hiddenCarry.cols
        let dCandidate = zoneoutDHiddenSpace.matrix(rows: b, cols: h)
        let directHidden = zoneoutDirectHiddenSpace.matrix(rows: b, cols: h)
        let mask = z.hiddenMask?.rows(rows).columns(cols)
        for r in 0..<b {
            let d = dCandidate.pointer + r * dCandidate.rowStride, direct = directHidden.pointer + r * directHidden.rowStride
            let o = dOutput.pointer + r * dOutput.rowStride, carry = hiddenCarry.pointer + r * hiddenCarry.rowStride
            let m = mask.map { $0.pointer + r * $0.rowStride }
            for j in 0..<h {
                let total = o[j] + carry[j], keep = m?[j] ?? 1
                d[j] = keep * total
                direct[j] = (1 - keep) * total
            }
        }
        if let cellCarry {
            let directCell = zoneoutDirectCellSpace.matrix(rows: b, cols: cellCarry.cols)
            let cellMask = z.cellMask?.rows(rows).columns(cols)
            for r in 0..<b {
                let carry = cellCarry.pointer + r * cellCarry.rowStride, direct = directCell.pointer + r * directCell.rowStride
                let m = cellMask.map { $0.pointer + r * $0.rowStride }
                for j in 0..<cellCarry.cols {
                    let total = carry[j], keep = m?[j] ?? 1
                    carry[j] = keep * total
                    direct[j] = (1 - keep) * total
                }
            }
        }
        return dCandidate
    }

    /// After backward step: the carries (now ∂L/∂h(t−1), ∂L/∂c(t−1) through the cell) get the
    /// direct parts of `zoneoutGradients`.
    func finishZoneoutStep(hiddenCarry: Matrix, cellCarry: Matrix?) {
        hiddenCarry.add(zoneoutDirectHiddenSpace.matrix(rows: hiddenCarry.rows, cols: hiddenCarry.cols))
        if let cellCarry { cellCarry.add(zoneoutDirectCellSpace.matrix(rows: cellCarry.rows, cols: cellCarry.cols)) }
    }
}
