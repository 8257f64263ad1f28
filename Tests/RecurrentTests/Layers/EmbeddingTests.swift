import Testing
import Recurrent

@Suite struct EmbeddingTests {
    @Test func forwardCopiesTheRowsOfTheTokens() {
        var rng = RandomGenerator(seed: 1)
        let embedding = Embedding(vocabularySize: 5, embeddingSize: 3, generator: &rng)
        let tokens: [Int32] = [4, 0, 4, 2]
        let out = embedding.forward(tokens)
        #expect(out.rows == 4 && out.cols == 3)
        for (n, t) in tokens.enumerated() {
            #expect(out.row(n).toArray() == embedding.weight.value.row(Int(t)).toArray())
        }
        #expect(embedding.weight.name == "weight" && embedding.weight.shape == [5, 3])
        #expect(embedding.parameters.count == 1)
    }

    @Test func backwardScatterAddsRepeatedTokens() {
        var rng = RandomGenerator(seed: 2)
        let embedding = Embedding(vocabularySize: 4, embeddingSize: 2, generator: &rng)
        _ = embedding.forward([1, 3, 1])
        embedding.backward(Matrix(rows: 3, cols: 2, values: [1, 2, 10, 20, 100, 200]))
        // Token 1 appears at rows 0 and 2: its gradient is their sum; tokens 0 and 2 get nothing.
        #expect(embedding.weight.gradient.toArray() == [0, 0, 101, 202, 0, 0, 10, 20])
        // Backward adds: a second call doubles the gradient.
        embedding.backward(Matrix(rows: 3, cols: 2, values: [1, 2, 10, 20, 100, 200]))
        #expect(embedding.weight.gradient.toArray() == [0, 0, 202, 404, 0, 0, 20, 40])
    }

    @Test func gradientMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 3)
        let embedding = Embedding(vocabularySize: 6, embeddingSize: 4, generator: &rng)
        let tokens: [Int32] = [5, 1, 1, 0, 3, 5]          // T = 3, B = 2
        let weights = NNTestSupport.randomMatrix(6, 4, &rng)
        func objective() -> Double { NNTestSupport.dot(embedding.forward(tokens), weights) }
        _ = embedding.forward(tokens)
        embedding.backward(weights)                          // dL/dOutput = weights
        let numeric = NNTestSupport.finiteDifference(of: embedding.weight.value, objective)
        let analytic = embedding.weight.gradient.toArray().map(Double.init)
        #expect(NNTestSupport.close(analytic, numeric, absolute: 1e-4, relative: 1e-3),
                "max difference \(NNTestSupport.maxDifference(analytic, numeric))")
    }

    @Test func forwardIntoAStridedView() {
        var rng = RandomGenerator(seed: 4)
        let embedding = Embedding(vocabularySize: 3, embeddingSize: 2, generator: &rng)
        let wide = Matrix(rows: 2, cols: 5)
        let tokens: [Int32] = [2, 1]
        tokens.withUnsafeBufferPointer { embedding.forward($0, into: wide.columns(1..<3)) }
        #expect(wide.row(0).toArray() == [0] + embedding.weight.value.row(2).toArray() + [0, 0])
        #expect(wide.row(1).toArray() == [0] + embedding.weight.value.row(1).toArray() + [0, 0])
    }

    @Test func initialisationIsStandardNormal() {
        var rng = RandomGenerator(seed: 5)
        let embedding = Embedding(vocabularySize: 200, embeddingSize: 50, generator: &rng)
        let values = embedding.weight.value.toArray().map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(abs(mean) < 0.05)              // σ of the mean is 0.01 for 10,000 draws
        #expect(abs(variance - 1) < 0.06)
    }
}
