import Foundation
import Testing
@testable import Recurrent

/// Learning test: remember a symbol for 20 steps.
///
/// Each sequence is T = 21 steps of one-hot inputs over K + D = 4 + 4 tokens: at t = 0 one of
/// K = 4 symbols, at t = 1…20 random distractor tokens (so the state is disturbed every step). At
/// the last step, 20 steps after the symbol, a linear readout of h(T−1) must name the symbol:
/// softmax cross-entropy over K classes, chance loss ln 4 ≈ 1.386, chance accuracy 25 %.
///
/// An LSTM and a tanh RNN, both H = 16, train on the identical data stream with the same
/// budget: 200 Adam steps (lr 3e-3) of batch 32. The LSTM's forget bias starts at 3 ("chrono"
/// initialisation for lags up to ~20: it keeps σ(3) ≈ 95 % of the cell per step, a memory of
/// ~20 steps; with bias 1 it keeps 73 % and plateaus at ~50 % accuracy in this budget). The
/// RNN's gradient through 20 tanh steps vanishes. Evaluated on 512 fresh sequences.
///
/// Measured (seeds 11…18 for data and initialisation, this exact setup): after 200 steps the
/// LSTM reached held-out loss 0.021–0.048 and 100 % accuracy on every seed; the RNN 0.71 (47 %)
/// on one seed and 1.384–1.391 (chance) on the other seven. Given more steps the RNN sometimes
/// gets there (one seed by step 400), so the claim is about the same budget. The test runs seed
/// 11 (LSTM 0.022 / 100 %, RNN 1.39 / 24 %); its bounds leave a wide margin either side.
///
/// The readout, loss and optimizer are the library's `Linear`, `SoftmaxCrossEntropy` and `Adam`.
@Suite struct EchoLearningTests {
    static let symbols = 4, distractors = 4, delay = 20, hidden = 16, batch = 32, steps = 200
    static let learningRate: Float = 3e-3
    static var vocabulary: Int { symbols + distractors }
    static var length: Int { delay + 1 }

    @Test func lstmRemembersWhereRNNForgets() throws {
        let seed: UInt64 = 11
        var g = RandomGenerator(seed: 2024 + seed)
        let lstm = LSTM(inputSize: Self.vocabulary, hiddenSize: Self.hidden, generator: &g)
        lstm.setForgetGateBias(3)
        var g2 = RandomGenerator(seed: 2024 + seed)
        let rnn = RNN(inputSize: Self.vocabulary, hiddenSize: Self.hidden, generator: &g2)

        let lstmResult = try Self.train(lstm, seed: seed)
        let rnnResult = try Self.train(rnn, seed: seed)
        let chance = Float(log(Double(Self.symbols)))

        // LSTM: solved.
        #expect(lstmResult.accuracy >= 0.98, "LSTM accuracy \(lstmResult.accuracy), loss \(lstmResult.loss)")
        #expect(lstmResult.loss < 0.1, "LSTM loss \(lstmResult.loss) vs chance \(chance)")
        // RNN, same budget: not close.
        #expect(rnnResult.accuracy <= 0.6, "RNN accuracy \(rnnResult.accuracy), loss \(rnnResult.loss)")
        #expect(rnnResult.loss > 0.45 * chance, "RNN loss \(rnnResult.loss) vs chance \(chance)")
    }

    struct Result { var loss: Float; var accuracy: Float }

    /// Trains `layer` + a fresh `Linear` readout for `steps` Adam steps; returns held-out loss
    /// and accuracy.
    static func train(_ layer: any RecurrentLayer, seed: UInt64) throws -> Result {
        var data = RandomGenerator(seed: seed)
        var readoutInit = RandomGenerator(seed: seed + 1)
        let readout = Linear(inputSize: hidden, outputSize: symbols, generator: &readoutInit)
        let parameters = layer.parameters.map { $0.prefixed("rnn") } + readout.parameters.map { $0.prefixed("linear") }
        let adam = try Adam(parameters: parameters, learningRate: Double(learningRate))
        let crossEntropy = SoftmaxCrossEntropy()
        var unused = RandomGenerator(seed: 0)          // no dropout: never drawn from
        let dOutput = Matrix(rows: length * batch, cols: hidden)
        let lastStep = (length - 1) * batch..<length * batch
        for _ in 0..<steps {
            let (x, labels) = makeBatch(batch, &data)
            layer.zeroGradients()
            readout.zeroGradients()
            let (output, _) = layer.forward(x, batchSize: batch, generator: &unused)
            let logits = readout.forward(output.rows(lastStep))                            // (B, K)
            _ = crossEntropy.lossAndGradient(logits: logits, targets: labels)              // logits ← dLoss/dlogits
            dOutput.fill(0)                                                                // loss only at the last step
            dOutput.rows(lastStep).assign(readout.backward(logits))
            _ = layer.backward(dOutput: dOutput)
            adam.step()
        }
        let evalBatch = 512
        var evalData = RandomGenerator(seed: 777)
        let (x, labels) = makeBatch(evalBatch, &evalData)
        let (output, _) = layer.forward(x, batchSize: evalBatch, generator: &unused)
        let logits = readout.forward(output.rows((length - 1) * evalBatch..<length * evalBatch))
        var correct = 0
        for r in 0..<evalBatch {
            var best = 0
            for c in 1..<symbols where logits[r, c] > logits[r, best] { best = c }
            if best == Int(labels[r]) { correct += 1 }
        }
        return Result(loss: crossEntropy.loss(logits: logits, targets: labels), accuracy: Float(correct) / Float(evalBatch))
    }

    /// Time-major one-hot inputs (T·B, K + D) and the symbol of each sequence.
    static func makeBatch(_ b: Int, _ g: inout RandomGenerator) -> (Matrix, [Int32]) {
        let x = Matrix(rows: length * b, cols: vocabulary)
        var labels: [Int32] = []
        for s in 0..<b {
            let symbol = g.integer(below: symbols)
            labels.append(Int32(symbol))
            x[s, symbol] = 1
            for t in 1..<length { x[t * b + s, symbols + g.integer(below: distractors)] = 1 }
        }
        return (x, labels)
    }
}
