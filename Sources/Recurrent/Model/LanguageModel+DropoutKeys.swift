extension LanguageModel {
    /// Hands every dropout site its row keys for an input of `batchSize` streams (or clears
    /// them when `dropoutKeys` is nil). Sites: the stack's dropouts between layers are 0 ..< L−1,
    /// the output dropout is L−1, layer k's zoneout masks L + 2k (h) and L + 2k + 1 (c).
    func keyDropoutMasks(batchSize: Int) {
        let layers = configuration.numLayers
        let stackDropouts = (rnn as? RecurrentLayerBase)?.stack.dropouts ?? []
        for (site, layer) in stackDropouts.enumerated() {
            layer.rowKeys = dropoutKeys?.rowKeys(site: site, batchSize: batchSize)
        }
        dropout.rowKeys = dropoutKeys?.rowKeys(site: layers - 1, batchSize: batchSize)
        // Zoneout: sites L + 2k (h) and L + 2k + 1 (c) for layer k.
        if let stack = (rnn as? RecurrentLayerBase)?.stack, stack.zoneoutActive {
            stack.zoneoutKeys = dropoutKeys.map { keys in
                (0..<layers).map { k in (hidden: keys.rowKeys(site: layers + 2 * k, batchSize: batchSize),
                                         cell: keys.rowKeys(site: layers + 2 * k + 1, batchSize: batchSize)) }
            }
        }
    }
}
