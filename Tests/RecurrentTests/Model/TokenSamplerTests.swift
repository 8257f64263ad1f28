import Foundation
import Recurrent
import Testing

/// Temperature, top-k, top-p and greedy sampling.
@Suite struct TokenSamplerTests {
    static let logits = Matrix(rows: 1, cols: 6, values: [1.0, 3.0, 0.5, 2.5, -1.0, 2.9])

    @Test func greedyIsArgmaxAndDrawsNothing() {
        let sampler = TokenSampler(vocabularySize: 6, options: SamplingOptions(greedy: true))
        var g = RandomGenerator(seed: 1)
        let before = g
        #expect(sampler.sample(Self.logits, generator: &g) == 1)
        #expect(g == before)
    }

    /// Frequencies follow softmax(z / τ) within sampling error.
    @Test(arguments: [1.0, 0.5, 2.0])
    func frequenciesFollowTheTemperature(temperature: Double) {
        let sampler = TokenSampler(vocabularySize: 6, options: SamplingOptions(temperature: temperature))
        var g = RandomGenerator(seed: 2)
        var counts = [Int](repeating: 0, count: 6)
        let n = 20_000
        for _ in 0..<n { counts[sampler.sample(Self.logits, generator: &g)] += 1 }
        let z = Self.logits.toArray().map { exp(Double($0) / temperature) }
        let total = z.reduce(0, +)
        for i in 0..<6 {
            let p = z[i] / total
            #expect(abs(Double(counts[i]) / Double(n) - p) < 4 * (p * (1 - p) / Double(n)).squareRoot() + 1e-3)
        }
    }

    @Test func topKKeepsTheKMostLikely() {
        let sampler = TokenSampler(vocabularySize: 6, options: SamplingOptions(topK: 2))
        var g = RandomGenerator(seed: 3)
        let seen = Set((0..<2000).map { _ in sampler.sample(Self.logits, generator: &g) })
        #expect(seen == [1, 5])
        let one = TokenSampler(vocabularySize: 6, options: SamplingOptions(topK: 1))
        #expect((0..<50).allSatisfy { _ in one.sample(Self.logits, generator: &g) == 1 })
    }

    /// Nucleus: the smallest most-likely set whose mass reaches p.
    @Test func topPKeepsTheNucleus() {
        // softmax ≈ [0.049, 0.364, 0.030, 0.221, 0.007, 0.329]; sorted 1, 5, 3, 0, …, cumulative 0.364, 0.693, 0.914, 0.963.
        var g = RandomGenerator(seed: 4)
        func support(_ p: Double) -> Set<Int> {
            let sampler = TokenSampler(vocabularySize: 6, options: SamplingOptions(topP: p))
            return Set((0..<3000).map { _ in sampler.sample(Self.logits, generator: &g) })
        }
        #expect(support(0.1) == [1])
        #expect(support(0.5) == [1, 5])
        #expect(support(0.9) == [1, 5, 3])
        #expect(support(0.95) == [1, 5, 3, 0])
    }

    /// The quickselect behind top-k agrees with sorting, ties included.
    @Test func topKOnRandomLogits() {
        var g = RandomGenerator(seed: 5)
        for trial in 0..<50 {
            let v = 5 + trial * 3
            let values = (0..<v).map { _ in Float(g.integer(below: 8)) }   // many ties
            let k = 1 + g.integer(below: v)
            let threshold = values.sorted(by: >)[k - 1]
            let expected = Set(values.indices.filter { values[$0] >= threshold })
            let sampler = TokenSampler(vocabularySize: v, options: SamplingOptions(temperature: 0.3, topK: k))
            let logits = Matrix(rows: 1, cols: v, values: values)
            let seen = Set((0..<200).map { _ in sampler.sample(logits, generator: &g) })
            #expect(seen.isSubset(of: expected))
        }
    }

    @Test func invalidOptionsAreListed() {
        #expect(SamplingOptions(temperature: 0).problems().count == 1)
        #expect(SamplingOptions(topK: 0, topP: 1.5).problems().count == 2)
        #expect(SamplingOptions().problems().isEmpty)
    }
}
