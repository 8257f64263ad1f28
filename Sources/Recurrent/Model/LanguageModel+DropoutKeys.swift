extension LanguageModel {
    /// Hands every dropout site its keys for an input of `batchSize` streams (or clears them
    /// when `dropoutKeys` is nil, so the masks come from the generator again).
    ///
    /// Per stream, each sequence's mask rows keyed by its global stream: the stack's dropouts
    /// between layers (sites 0 ..< L−1), the output dropout (L−1), and AWD-LSTM's locked
    /// dropouts — on the embedding output (`Site.inputLocked`), on the top layer's output
    /// (`Site.outputLocked`) and between layers (`Site.stackLocked` + k). Per batch, keyed by
    /// the step alone: embedding dropout's word mask (`Site.embedding`) and each layer's weight
    /// drop (`Site.weightDrop` + k). So one process, N processes and K micro-batches draw the
    /// same masks for a step. Zoneout (per stream): layer k's masks at sites L + 2k (h) and
    /// L + 2k + 1 (c).
    func keyDropoutMasks(batchSize: Int) {
        let layers = configuration.numLayers
        let stack = (rnn as? RecurrentLayerBase)?.stack
        for (site, layer) in (stack?.dropouts ?? []).enumerated() {
            layer.rowKeys = dropoutKeys?.rowKeys(site: site, batchSize: batchSize)
        }
        dropout.rowKeys = dropoutKeys?.rowKeys(site: layers - 1, batchSize: batchSize)
        inputDropout.rowKeys = dropoutKeys?.rowKeys(site: Site.inputLocked, batchSize: batchSize)
        outputDropout.rowKeys = dropoutKeys?.rowKeys(site: Site.outputLocked, batchSize: batchSize)
        embeddingDropout.maskKeys = dropoutKeys?.batchKeys(site: Site.embedding, rows: 1)
        guard let stack else { return }
        for (k, layer) in stack.lockedDropouts.enumerated() {
            layer.rowKeys = dropoutKeys?.rowKeys(site: Site.stackLocked + k, batchSize: batchSize)
        }
        stack.weightDropKeys = dropoutKeys.map { keys in
            stack.weights.indices.map { k in keys.batchKeys(site: Site.weightDrop + k, rows: stack.weights[k].hiddenWeight.rows) }
        }
        if stack.zoneoutActive {
            stack.zoneoutKeys = dropoutKeys.map { keys in
                (0..<layers).map { k in (hidden: keys.rowKeys(site: layers + 2 * k, batchSize: batchSize),
                                         cell: keys.rowKeys(site: layers + 2 * k + 1, batchSize: batchSize)) }
            }
        }
    }

    /// Dropout site numbers of AWD-LSTM's regularisers (past any stack's 0 ..< L).
    enum Site {
        static let embedding = 1 << 20
        static let inputLocked = embedding + 1
        static let outputLocked = embedding + 2
        static let stackLocked = 1 << 21
        static let weightDrop = 1 << 22
    }
}
