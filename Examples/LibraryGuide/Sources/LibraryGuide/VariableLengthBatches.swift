import Recurrent

/// A padded batch of B sequences, time-major (T·B, I), with `lengths[b]` real steps each: what
/// PyTorch runs as `pack_padded_sequence(x, lengths, enforce_sorted=False)`. Returns the
/// outputs (T·B, D·P), zero past each length, the final state taken at each sequence's own
/// end, and — for a loss L with ∂L/∂output = `dOutput` and ∂L/∂(h_n, c_n) = `dFinal` — the
/// gradient of L with respect to the input (zero past each length); the parameters' gradients
/// are in `lstm.parameters[i].gradient`.
func runPaddedBatch(_ lstm: LSTM, input: Matrix, lengths: [Int], dOutput: Matrix, dFinal: RecurrentState)
    -> (output: [Float], final: RecurrentState, dInput: [Float]) {
    lstm.zeroGradients()
    let (output, final) = lstm.forward(input, batchSize: lengths.count, lengths: lengths)
    let outputValues = output.toArray()                  // output is a view; the next call reuses it
    let finalState = final.copy()
    let (dInput, _) = lstm.backward(dOutput: dOutput, dFinalState: dFinal)
    return (outputValues, finalState, dInput.toArray())
}
