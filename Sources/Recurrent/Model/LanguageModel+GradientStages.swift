/// Told by `LanguageModel`'s backward pass, as it runs, when a stage's parameter gradients are
/// final, so that data-parallel training can start summing them while the rest of the backward
/// goes on (`DataParallelShare`). Stages finish in this order: the output layer, the recurrent
/// layers L−1 … 0, then the embedding (when `lossAndGradients` returns).
protocol BackwardObserver: AnyObject {
    /// The output layer's gradients (decoder or adaptive softmax) are final; the recurrent
    /// backward is about to start.
    func outputFinished()
    /// Recurrent layer `layer`'s gradients (both directions) are final.
    func recurrentLayerFinished(_ layer: Int)
    /// Called before every time step of the recurrent backward: MPI advances a nonblocking sum
    /// only inside MPI calls, so this is where sums started earlier make progress.
    func poll()
}

extension LanguageModel {
    /// The parameters grouped by the stage of the backward pass after which their gradients are
    /// final, in the order it finishes them: [output layer, recurrent layer L−1, …, layer 0,
    /// embedding]. Each parameter is in exactly one group; a tied decoder weight (the embedding's
    /// matrix, whose gradient the embedding's backward adds to last) is in the embedding's.
    var gradientStages: [[Parameter]] {
        guard let layer = rnn as? RecurrentLayerBase else {
            preconditionFailure("LanguageModel: an unknown recurrent layer \(type(of: rnn))")
        }
        let stack = layer.stack
        let recurrent = rnn.parameters.map { $0.prefixed("rnn") }
        let layers = stride(from: stack.numLayers - 1, through: 0, by: -1).map { Array(recurrent[stack.layerParameters[$0]]) }
        let decoder = output.parameters.map { $0.prefixed("decoder") }
        if configuration.tieWeights {
            // The model's `parameters` list the shared matrix once, as decoder.weight.
            let tied = decoder.filter { $0.name == "decoder.weight" }
            return [decoder.filter { $0.name != "decoder.weight" }] + layers + [tied]
        }
        return [decoder] + layers + [embedding.parameters.map { $0.prefixed("embedding") }]
    }

    /// The recurrent engine, for its backward observer.
    var recurrentStack: RecurrentStack {
        guard let layer = rnn as? RecurrentLayerBase else {
            preconditionFailure("LanguageModel: an unknown recurrent layer \(type(of: rnn))")
        }
        return layer.stack
    }
}
