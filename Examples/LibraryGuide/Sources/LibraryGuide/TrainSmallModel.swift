import Recurrent

/// Many-to-one regression: an LSTM reads T numbers, a linear head maps its last hidden state
/// to their mean. Its state dict is that of `rnn = nn.LSTM(1, 16); head = nn.Linear(16, 1)`.
final class MeanModel: ParameterContainer {
    let rnn: LSTM
    let head: Linear

    init(generator: inout RandomGenerator) {
        rnn = LSTM(inputSize: 1, hiddenSize: 16, generator: &generator)
        head = Linear(inputSize: 16, outputSize: 1, generator: &generator)
    }

    var parameters: [Parameter] {
        rnn.parameters.map { $0.prefixed("rnn") } + head.parameters.map { $0.prefixed("head") }
    }

    /// Predictions (B, 1) for x (T·B, 1), time-major, in training mode (dropout would draw
    /// from `generator`).
    func forward(_ x: Matrix, batchSize: Int, generator: inout RandomGenerator) -> Matrix {
        readOut(rnn.forward(x, batchSize: batchSize, generator: &generator).output, batchSize: batchSize)
    }

    /// The same in evaluation mode: no generator.
    func predict(_ x: Matrix, batchSize: Int) -> Matrix {
        readOut(rnn.forward(x, batchSize: batchSize).output, batchSize: batchSize)
    }

    private func readOut(_ output: Matrix, batchSize: Int) -> Matrix {
        head.forward(output.rows(output.rows - batchSize..<output.rows))      // h(T−1): (B, 16)
    }

    /// Adds every gradient for ∂loss/∂prediction (B, 1).
    func backward(_ dPrediction: Matrix, steps: Int) {
        let dLast = head.backward(dPrediction)                                    // (B, 16)
        let dOutput = Matrix(rows: steps * dLast.rows, cols: dLast.cols)          // zero but the last step
        dOutput.rows(dOutput.rows - dLast.rows..<dOutput.rows).assign(dLast)
        _ = rnn.backward(dOutput: dOutput)                                        // dInput unused
    }
}

/// T = 8 numbers in [−1, 1] per sequence and their mean, for a batch of B.
func meanBatch(steps: Int, batchSize: Int, generator: inout RandomGenerator) -> (x: Matrix, y: Matrix) {
    let x = Matrix(rows: steps * batchSize, cols: 1), y = Matrix(rows: batchSize, cols: 1)
    for t in 0..<steps {
        for b in 0..<batchSize {
            x[t * batchSize + b, 0] = generator.uniform(-1, 1)
            y[b, 0] += x[t * batchSize + b, 0] / Float(steps)
        }
    }
    return (x, y)
}

/// Trains for 300 Adam steps, evaluates on fresh data, saves and reloads the weights;
/// returns the test mean squared error.
func trainSmallModel(saveTo path: String) throws -> Float {
    var rng = RandomGenerator(seed: 42)
    let model = MeanModel(generator: &rng)
    let optimizer = try Adam(parameters: model.parameters, learningRate: 1e-2)
    let mse = MeanSquaredError()
    for _ in 0..<300 {
        let (x, y) = meanBatch(steps: 8, batchSize: 32, generator: &rng)
        model.zeroGradients()
        let prediction = model.forward(x, batchSize: 32, generator: &rng)
        let dPrediction = Matrix(rows: 32, cols: 1)
        _ = mse.lossAndGradient(prediction: prediction, target: y, dPrediction: dPrediction)
        model.backward(dPrediction, steps: 8)
        try clipGradientNorm(model.parameters, maxNorm: 1)
        optimizer.step()
    }
    let (x, y) = meanBatch(steps: 8, batchSize: 256, generator: &rng)
    let testLoss = mse.loss(prediction: model.predict(x, batchSize: 256), target: y)

    try model.stateDict().write(to: path)                   // PyTorch: load_state_dict(load_file(path))
    let reloaded = MeanModel(generator: &rng)
    try reloaded.load(stateDictFile: path)
    precondition(reloaded.predict(x, batchSize: 256).toArray() == model.predict(x, batchSize: 256).toArray())
    return testLoss
}
