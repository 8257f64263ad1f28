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
/// Measured (debug build, seeds 11…18 for data and initialisation, this exact setup): after 200
/// steps the LSTM reached loss 0.021–0.038 and 100 % accuracy on every seed; the RNN loss 0.91
/// (48 %) on one seed and 1.38–1.39 (chance) on the other seven. Given more steps the RNN
/// sometimes gets there (seed 15 by step 400), so the claim is about the same budget. The
/// assertions below leave a wide margin either side.
///
/// The readout, loss and optimizer are local, minimal versions (the library's Linear, losses and
/// optimizers are another piece of work); they are checked here only through the learning result.
@Suite struct EchoLearningTests {
    static let symbols = 4, distractors = 4, delay = 20, hidden = 16, batch = 32, steps = 200
    static let learningRate: Float = 3e-3
    static var vocabulary: Int { symbols + distractors }
    static var length: Int { delay + 1 }

    @Test func lstmRemembersWhereRNNForgets() {
        let seed: UInt64 = 11
        var g = RandomGenerator(seed: 2024 + seed)
        let lstm = LSTM(inputSize: Self.vocabulary, hiddenSize: Self.hidden, generator: &g)
        lstm.setForgetGateBias(3)
        var g2 = RandomGenerator(seed: 2024 + seed)
        let rnn = RNN(inputSize: Self.vocabulary, hiddenSize: Self.hidden, generator: &g2)

        let lstmResult = Self.train(lstm, seed: seed)
        let rnnResult = Self.train(rnn, seed: seed)
        let chance = Float(log(Double(Self.symbols)))

        // LSTM: solved.
        #expect(lstmResult.accuracy >= 0.98, "LSTM accuracy \(lstmResult.accuracy), loss \(lstmResult.loss)")
        #expect(lstmResult.loss < 0.1, "LSTM loss \(lstmResult.loss) vs chance \(chance)")
        // RNN, same budget: not close.
        #expect(rnnResult.accuracy <= 0.6, "RNN accuracy \(rnnResult.accuracy), loss \(rnnResult.loss)")
        #expect(rnnResult.loss > 0.45 * chance, "RNN loss \(rnnResult.loss) vs chance \(chance)")
    }

    struct Result { var loss: Float; var accuracy: Float }

    /// Trains `layer` + a fresh readout for `steps` Adam steps; returns held-out loss and accuracy.
    static func train(_ layer: any RecurrentLayer, seed: UInt64) -> Result {
        var data = RandomGenerator(seed: seed)
        var readoutInit = RandomGenerator(seed: seed + 1)
        let readout = Readout(inputSize: hidden, classes: symbols, generator: &readoutInit)
        var adam = Adam(parameters: layer.parameters + readout.parameters, learningRate: learningRate)
        var unused = RandomGenerator(seed: 0)          // no dropout: never drawn from
        let dOutput = Matrix(rows: length * batch, cols: hidden)
        let lastStep = (length - 1) * batch..<length * batch
        for _ in 0..<steps {
            let (x, labels) = makeBatch(batch, &data)
            layer.zeroGradients()
            readout.zeroGradients()
            let (output, _) = layer.forward(x, batchSize: batch, generator: &unused)
            let (_, _, dLast) = readout.lossAndGradient(output.rows(lastStep), labels: labels)   // (B, H)
            dOutput.fill(0)                                                                     // loss only at the last step
            dOutput.rows(lastStep).assign(dLast)
            _ = layer.backward(dOutput: dOutput)
            adam.step()
        }
        let evalBatch = 512
        var evalData = RandomGenerator(seed: 777)
        let (x, labels) = makeBatch(evalBatch, &evalData)
        let (output, _) = layer.forward(x, batchSize: evalBatch, generator: &unused)
        let (loss, accuracy, _) = readout.lossAndGradient(output.rows((length - 1) * evalBatch..<length * evalBatch), labels: labels)
        return Result(loss: loss, accuracy: accuracy)
    }

    /// Time-major one-hot inputs (T·B, K + D) and the symbol of each sequence.
    static func makeBatch(_ b: Int, _ g: inout RandomGenerator) -> (Matrix, [Int]) {
        let x = Matrix(rows: length * b, cols: vocabulary)
        var labels: [Int] = []
        for s in 0..<b {
            let symbol = g.integer(below: symbols)
            labels.append(symbol)
            x[s, symbol] = 1
            for t in 1..<length { x[t * b + s, symbols + g.integer(below: distractors)] = 1 }
        }
        return (x, labels)
    }

    /// logits = h·Wᵀ + b, mean softmax cross-entropy over the batch.
    final class Readout: ParameterContainer {
        let weight: Parameter, bias: Parameter
        var parameters: [Parameter] { [weight, bias] }
        private let logits: Matrix, dInput: Matrix

        init(inputSize: Int, classes: Int, generator: inout RandomGenerator) {
            let bound = 1 / Float(inputSize).squareRoot()
            weight = Parameter(name: "weight", shape: [classes, inputSize],
                               value: Matrix(rows: classes, cols: inputSize,
                                             values: (0..<classes * inputSize).map { _ in generator.uniform(-bound, bound) }),
                               gradient: Matrix(rows: classes, cols: inputSize))
            bias = Parameter(name: "bias", shape: [classes], value: Matrix(rows: 1, cols: classes),
                             gradient: Matrix(rows: 1, cols: classes))
            logits = Matrix(rows: 512, cols: classes)
            dInput = Matrix(rows: 512, cols: inputSize)
        }

        /// Mean loss, accuracy, and ∂loss/∂h `(B, H)`; adds the readout's own gradients.
        func lossAndGradient(_ h: Matrix, labels: [Int]) -> (Float, Float, Matrix) {
            let b = h.rows, k = weight.value.rows
            let z = logits.rows(0..<b)
            gemm(z, h, .none, weight.value, .transposed)
            z.addRowVector(bias.value)
            var loss: Double = 0, correct = 0
            for r in 0..<b {
                var best = 0
                for c in 1..<k where z[r, c] > z[r, best] { best = c }
                if best == labels[r] { correct += 1 }
            }
            z.softmaxRows()
            for r in 0..<b {
                loss -= log(Double(max(z[r, labels[r]], 1e-30)))
                z[r, labels[r]] -= 1
            }
            z.scale(by: 1 / Float(b))                               // ∂loss/∂logits
            gemm(weight.gradient, z, .transposed, h, .none, beta: 1)
            z.sumRows(into: bias.gradient)
            let dh = dInput.rows(0..<b)
            gemm(dh, z, .none, weight.value, .none)
            return (Float(loss / Double(b)), Float(correct) / Float(b), dh)
        }
    }

    /// Adam (Kingma & Ba) with PyTorch's defaults β = (0.9, 0.999), ε = 1e-8.
    struct Adam {
        let parameters: [Parameter]
        let learningRate: Float
        var m: [[Float]], v: [[Float]], t = 0

        init(parameters: [Parameter], learningRate: Float) {
            self.parameters = parameters
            self.learningRate = learningRate
            m = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            v = m
        }

        mutating func step() {
            t += 1
            let c1 = 1 - pow(0.9, Float(t)), c2 = 1 - pow(0.999, Float(t))
            for (i, p) in parameters.enumerated() {
                var j = 0
                for r in 0..<p.value.rows {
                    for c in 0..<p.value.cols {
                        let grad = p.gradient[r, c]
                        m[i][j] = 0.9 * m[i][j] + 0.1 * grad
                        v[i][j] = 0.999 * v[i][j] + 0.001 * grad * grad
                        p.value[r, c] -= learningRate * (m[i][j] / c1) / ((v[i][j] / c2).squareRoot() + 1e-8)
                        j += 1
                    }
                }
            }
        }
    }
}
