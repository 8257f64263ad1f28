extension LanguageModel {
    /// Logits for T·B token ids (time-major), starting from `initialState` (nil: zeros).
    ///
    /// Returns logits `(T·B, V)` — a view into the decoder's buffer, valid until the next call —
    /// and the final state (a view into the recurrent layer's buffers; `copy()` it to keep it).
    /// Records what `backward` needs. `generator` is drawn from only for dropout in training.
    /// With an adaptive softmax the logits are its log-probabilities (the same distribution).
    public func logits(inputs: UnsafeBufferPointer<Int32>, batchSize: Int, initialState: RecurrentState?,
                       generator: inout RandomGenerator) -> (logits: Matrix, finalState: RecurrentState) {
        let (features, state) = self.features(inputs: inputs, batchSize: batchSize, initialState: initialState,
                                              generator: &generator)
        return (output.logits(features), state)                                   // (T·B, V)
    }

    /// The top layer's output after dropout, (T·B, H), and the final state: what the output
    /// layer reads.
    func features(inputs: UnsafeBufferPointer<Int32>, batchSize: Int, initialState: RecurrentState?,
                  generator: inout RandomGenerator) -> (features: Matrix, finalState: RecurrentState) {
        precondition(batchSize > 0 && inputs.count % batchSize == 0 && !inputs.isEmpty,
                     "LanguageModel: \(inputs.count) tokens is not a positive multiple of batch size \(batchSize)")
        keyDropoutMasks(batchSize: batchSize)
        let embedded = embedding.forward(inputs)                                   // (T·B, E)
        let words = embeddingDropout.forward(embedded, tokens: inputs, vocabularySize: vocabularySize, generator: &generator)
        let x = inputDropout.forward(words, batchSize: batchSize, generator: &generator)
        let (y, state) = rnn.forward(x, batchSize: batchSize, initialState: initialState, generator: &generator)
        let top = outputDropout.forward(y, batchSize: batchSize, generator: &generator)
        return (dropout.forward(top, generator: &generator), state)                // (T·B, H)
    }

    /// Mean cross-entropy of predicting `targets` from `inputs` (both T·B ids, time-major),
    /// without gradients. Returns the loss (nats per token) and the final state (a view).
    public func loss(inputs: UnsafeBufferPointer<Int32>, targets: UnsafeBufferPointer<Int32>, batchSize: Int,
                     initialState: RecurrentState?, generator: inout RandomGenerator) -> (loss: Float, finalState: RecurrentState) {
        precondition(targets.count == inputs.count, "LanguageModel: \(targets.count) targets for \(inputs.count) inputs")
        let (features, state) = self.features(inputs: inputs, batchSize: batchSize, initialState: initialState,
                                              generator: &generator)
        return (output.loss(features, targets: targets), state)
    }

    /// Forward, fused softmax cross-entropy and backward through the whole unroll: *adds*
    /// d(mean loss)/dθ into every parameter's gradient and returns the loss and the final
    /// state (a view; `copy()` it to carry it to the next batch — truncated BPTT: no gradient
    /// flows back through `initialState`).
    ///
    ///     dlogits = (softmax(logits) − onehot(targets)) / (T·B)      written over the logits
    ///     dy = dlogits·W (decoder), through dropout, rnn (BPTT) and into the embedding rows
    ///
    /// (with an adaptive softmax, dy comes from its head and the clusters the targets fall in).
    public func lossAndGradients(inputs: UnsafeBufferPointer<Int32>, targets: UnsafeBufferPointer<Int32>, batchSize: Int,
                                 initialState: RecurrentState?,
                                 generator: inout RandomGenerator) -> (loss: Float, finalState: RecurrentState) {
        lossAndGradients(inputs: inputs, targets: targets, batchSize: batchSize, initialState: initialState,
                         generator: &generator, observer: nil)
    }

    /// `lossAndGradients`, telling `observer` as each stage's gradients become final
    /// (`gradientStages`: output layer, recurrent layers top to bottom; the embedding's are final
    /// when it returns).
    func lossAndGradients(inputs: UnsafeBufferPointer<Int32>, targets: UnsafeBufferPointer<Int32>, batchSize: Int,
                          initialState: RecurrentState?, generator: inout RandomGenerator,
                          observer: (any BackwardObserver)?) -> (loss: Float, finalState: RecurrentState) {
        precondition(targets.count == inputs.count, "LanguageModel: \(targets.count) targets for \(inputs.count) inputs")
        let (features, state) = self.features(inputs: inputs, batchSize: batchSize, initialState: initialState,
                                              generator: &generator)
        let (value, dDropped) = output.lossAndGradient(features, targets: targets)  // (T·B, H)
        observer?.outputFinished()
        let dY = outputDropout.backward(dropout.backward(dDropped))
        let stack = observer.map { _ in recurrentStack }
        stack?.backwardObserver = observer
        let (dX, _) = rnn.backward(dOutput: dY, dFinalState: nil)                   // (T·B, E)
        stack?.backwardObserver = nil
        embedding.backward(embeddingDropout.backward(inputDropout.backward(dX)))
        return (value, state)
    }
}
