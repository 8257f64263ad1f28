import Recurrent

/// The LSTM that PyTorch's `nn.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=3)` is,
/// with the weights PyTorch saved (`save_file(lstm.state_dict(), path)`), in one call.
func loadPyTorchLSTM(from path: String) throws -> LSTM {
    var rng = RandomGenerator(seed: 0)              // initial weights, replaced by the load
    let lstm = LSTM(inputSize: 4, hiddenSize: 6, numLayers: 2, bidirectional: true, projectionSize: 3,
                    generator: &rng)
    try lstm.load(stateDictFile: path)              // throws StateDictError listing any missing,
    return lstm                                     // unexpected or wrongly shaped names
}
