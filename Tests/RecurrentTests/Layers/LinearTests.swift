import Testing
import Recurrent

@Suite struct LinearTests {
    /// A layer with chosen weights: W = [[1, 2, 3], [−1, 0, 1]], b = [0.5, −0.5].
    func handLayer() -> Linear {
        var rng = RandomGenerator(seed: 0)
        let layer = Linear(inputSize: 3, outputSize: 2, generator: &rng)
        layer.weight.value.assign(Matrix(rows: 2, cols: 3, values: [1, 2, 3, -1, 0, 1]))
        layer.bias!.value.assign(Matrix(rows: 1, cols: 2, values: [0.5, -0.5]))
        return layer
    }

    @Test func forwardByHand() {
        let layer = handLayer()
        let y = layer.forward(Matrix(rows: 2, cols: 3, values: [1, 1, 1, 0, 2, -1]))
        // Row 0: [1+2+3, −1+0+1] + b; row 1: [0+4−3, 0+0−1] + b.
        #expect(y.toArray() == [6.5, -0.5, 1.5, -1.5])
        #expect(layer.parameters.map(\.name) == ["weight", "bias"])
        #expect(layer.weight.shape == [2, 3] && layer.bias!.shape == [2])
    }

    @Test func backwardByHand() {
        let layer = handLayer()
        let x = Matrix(rows: 2, cols: 3, values: [1, 1, 1, 0, 2, -1])
        _ = layer.forward(x)
        let dX = layer.backward(Matrix(rows: 2, cols: 2, values: [1, 0, 0, 2]))
        // dW = dYᵀX: row 0 = 1·x0, row 1 = 2·x1; db = column sums; dX = dY·W.
        #expect(layer.weight.gradient.toArray() == [1, 1, 1, 0, 4, -2])
        #expect(layer.bias!.gradient.toArray() == [1, 2])
        #expect(dX.toArray() == [1, 2, 3, -2, 0, 2])
    }

    @Test(arguments: [true, false])
    func gradientsMatchFiniteDifferences(bias: Bool) {
        var rng = RandomGenerator(seed: 7)
        let layer = Linear(inputSize: 5, outputSize: 4, bias: bias, generator: &rng)
        let x = NNTestSupport.randomMatrix(6, 5, &rng)          // N = 6
        let weights = NNTestSupport.randomMatrix(6, 4, &rng)    // dL/dY
        func objective() -> Double { NNTestSupport.dot(layer.forward(x), weights) }
        _ = layer.forward(x)
        let dX = layer.backward(weights).copy()
        for (analytic, value) in [(dX, x), (layer.weight.gradient, layer.weight.value)]
            + (layer.bias.map { [($0.gradient, $0.value)] } ?? []) {
            let numeric = NNTestSupport.finiteDifference(of: value, objective)
            let a = analytic.toArray().map(Double.init)
            #expect(NNTestSupport.close(a, numeric, absolute: 1e-3, relative: 1e-3),
                    "max difference \(NNTestSupport.maxDifference(a, numeric))")
        }
        #expect(layer.parameters.count == (bias ? 2 : 1))
    }

    @Test func backwardAccumulatesParameterGradients() {
        let layer = handLayer()
        let x = Matrix(rows: 1, cols: 3, values: [1, 2, 3])
        _ = layer.forward(x)
        let dY = Matrix(rows: 1, cols: 2, values: [1, 1])
        layer.backward(dY, dInput: nil)
        layer.backward(dY, dInput: nil)
        #expect(layer.weight.gradient.toArray() == [2, 4, 6, 2, 4, 6])
        #expect(layer.bias!.gradient.toArray() == [2, 2])
        // dInput with accumulate: true adds to what is there.
        let dX = Matrix(rows: 1, cols: 3, values: [10, 10, 10])
        layer.backward(dY, dInput: dX, accumulate: true)
        #expect(dX.toArray() == [10, 12, 14])
    }

    @Test func initialisationIsUniformWithinOneOverRootFanIn() {
        var rng = RandomGenerator(seed: 8)
        let layer = Linear(inputSize: 16, outputSize: 300, generator: &rng)
        let bound: Float = 0.25
        let w = layer.weight.value.toArray(), b = layer.bias!.value.toArray()
        #expect(w.allSatisfy { abs($0) <= bound } && b.allSatisfy { abs($0) <= bound })
        // U(−a, a) has variance a²/3.
        let variance = w.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)
        #expect(abs(variance - Double(bound * bound) / 3) < 0.002)
        #expect(w.max()! > 0.24 && w.min()! < -0.24)
    }

    @Test func reusesItsBuffersAcrossBatchSizes() {
        var rng = RandomGenerator(seed: 9)
        let layer = Linear(inputSize: 2, outputSize: 2, generator: &rng)
        let big = layer.forward(NNTestSupport.randomMatrix(4, 2, &rng))
        let small = layer.forward(NNTestSupport.randomMatrix(2, 2, &rng))
        #expect(small.rows == 2)
        #expect(small.storage === big.storage)    // no new allocation for a smaller batch
    }
}
