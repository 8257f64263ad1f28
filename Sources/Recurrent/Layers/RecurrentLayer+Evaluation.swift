extension RecurrentLayer {
    /// Runs the whole sequence in evaluation mode — no dropout, whatever `isTraining` says —
    /// and so needs no generator (PyTorch's `module.eval(); module(x)`).
    ///
    /// Shapes and views as `forward(_:batchSize:initialState:generator:)`: input `(T·B, I)`
    /// (or `(B·T, I)` when `batchFirst`), output `(T·B, D·H)`, final state `(L·D·B, H)`. It
    /// records what `backward` needs, so gradients of the deterministic network are available
    /// too. `isTraining` is restored on return. `lengths` (one per sequence, 1…T) runs a padded
    /// batch of variable-length sequences (see `forward(_:batchSize:initialState:lengths:generator:)`).
    public func forward(_ input: Matrix, batchSize: Int, initialState: RecurrentState? = nil,
                        lengths: [Int]? = nil) -> (output: Matrix, finalState: RecurrentState) {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        var unused = RandomGenerator(seed: 0)       // evaluation mode never draws from it
        return forward(input, batchSize: batchSize, initialState: initialState, lengths: lengths, generator: &unused)
    }
}
