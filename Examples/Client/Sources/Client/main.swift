import Foundation
import Recurrent

// Next-value prediction of a sine wave with LSTM(1 → 16) → Linear(16 → 1), mean squared error
// and Adam, on the core library alone; the parameters end up in a safetensors checkpoint.
let steps = 24, batchSize = 4                        // T, B
var generator = RandomGenerator(seed: 1)
let lstm = LSTM(inputSize: 1, hiddenSize: 16, generator: &generator)
let head = Linear(inputSize: 16, outputSize: 1, generator: &generator)
let parameters = lstm.parameters + head.parameters.map { $0.prefixed("head.") }
let optimizer = try Adam(parameters: parameters, learningRate: 0.01)

// Sequence b starts at phase b; row t·B + b of input is sin(0.3 (t + b)), of target the next value.
func wave(_ shift: Int) -> Matrix {
    var values: [Float] = []
    for t in 0..<steps {
        for b in 0..<batchSize { values.append(Float(sin(0.3 * Double(t + b + shift)))) }
    }
    return Matrix(rows: steps * batchSize, cols: 1, values: values)
}
let input = wave(0), target = wave(1)                // (T·B, 1)
let loss = MeanSquaredError()
let dPrediction = Matrix(rows: steps * batchSize, cols: 1)
var first: Float = 0, last: Float = 0
for step in 1...150 {
    lstm.zeroGradients()
    head.zeroGradients()
    let (hidden, _) = lstm.forward(input, batchSize: batchSize, initialState: nil, generator: &generator)  // (T·B, 16)
    let prediction = head.forward(hidden)                                                               // (T·B, 1)
    last = loss.lossAndGradient(prediction: prediction, target: target, dPrediction: dPrediction)
    if step == 1 { first = last }
    _ = lstm.backward(dOutput: head.backward(dPrediction), dFinalState: nil)
    optimizer.step()
}
print("mean squared error: \(first) at step 1, \(last) at step 150")

var checkpoint = SafeTensors(metadata: ["model": "sine LSTM"])
for parameter in parameters { checkpoint.put(parameter) }
try checkpoint.write(to: "sine.safetensors")
print("wrote sine.safetensors (\(checkpoint.count) tensors)")
guard last < first / 10 else { fatalError("the LSTM did not learn the wave") }
