extension LanguageModel {
    /// Logits `(T·B, V)` for T·B token ids (time-major) in evaluation mode — no dropout,
    /// whatever `isTraining` says — so no generator is needed. Views as
    /// `logits(inputs:batchSize:initialState:generator:)`; `isTraining` is restored on return.
    public func logits(inputs: UnsafeBufferPointer<Int32>, batchSize: Int,
                       initialState: RecurrentState? = nil) -> (logits: Matrix, finalState: RecurrentState) {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        var unused = RandomGenerator(seed: 0)       // evaluation mode never draws from it
        return logits(inputs: inputs, batchSize: batchSize, initialState: initialState, generator: &unused)
    }

    /// Mean cross-entropy (nats per token) of predicting `targets` from `inputs` (both T·B
    /// ids, time-major) in evaluation mode, and the final state (a view).
    public func loss(inputs: UnsafeBufferPointer<Int32>, targets: UnsafeBufferPointer<Int32>, batchSize: Int,
                     initialState: RecurrentState? = nil) -> (loss: Float, finalState: RecurrentState) {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        var unused = RandomGenerator(seed: 0)       // evaluation mode never draws from it
        return loss(inputs: inputs, targets: targets, batchSize: batchSize, initialState: initialState,
                    generator: &unused)
    }
}
