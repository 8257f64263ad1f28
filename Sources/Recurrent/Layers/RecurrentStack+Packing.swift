extension RecurrentStack {
    /// W_hh of layer `k`, direction `d`, packed into the GEMM micro-kernel's panel layout for
    /// the per-step products of one sequence: W_hhᵀ `(H, G·H)` for forward's h(t−1)·W_hhᵀ, or
    /// W_hh `(G·H, H)` for backward's dA(t)·W_hh.
    ///
    /// A plain `gemm` would pack its right operand again at each of the T steps — as much
    /// memory traffic as the product itself for a batch of 50 — so each forward and backward
    /// packs once, into a buffer kept from call to call (no allocation after the first), and
    /// every step reuses it. Packing here, not once per optimizer step elsewhere, keeps the
    /// copy in step with the weights whoever changes them.
    func packHiddenWeight(layer k: Int, direction d: Int, forBackward: Bool) -> PackedMatrix {
        let h = realHiddenSize, gh = gateCount * hiddenSize, count = numLayers * numDirections
        let whh = hiddenWeight(k).rows(d * gh..<(d + 1) * gh)                      // (G·H, P or H)
        let index = k * numDirections + d
        if forBackward {
            if packedHiddenWeightsBackward.count != count {
                packedHiddenWeightsBackward = (0..<count).map { _ in PackedMatrix(rows: gh, cols: h) }
            }
            let packed = packedHiddenWeightsBackward[index]
            packed.pack(whh, .none)
            return packed
        }
        if packedHiddenWeights.count != count {
            packedHiddenWeights = (0..<count).map { _ in PackedMatrix(rows: h, cols: gh) }
        }
        let packed = packedHiddenWeights[index]
        packed.pack(whh, .transposed)
        return packed
    }
}
