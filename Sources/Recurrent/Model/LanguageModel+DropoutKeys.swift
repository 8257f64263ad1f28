extension LanguageModel {
    /// Hands every dropout site its row keys for an input of `batchSize` streams (or clears
    /// them when `dropoutKeys` is nil). Sites: the stack's dropouts between layers are 0 ..< L−1,
    /// the output dropout is L−1.
    func keyDropoutMasks(batchSize: Int) {
        let layers = configuration.numLayers
        let stackDropouts = (rnn as? RecurrentLayerBase)?.stack.dropouts ?? []
        for (site, layer) in stackDropouts.enumerated() {
            layer.rowKeys = dropoutKeys?.rowKeys(site: site, batchSize: batchSize)
        }
        dropout.rowKeys = dropoutKeys?.rowKeys(site: layers - 1, batchSize: batchSize)
    }
}
