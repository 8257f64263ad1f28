@testable import Recurrent
import Testing

/// N streams stepped together (`TokenStream(streams:)`): stream i draws exactly the ids it
/// draws alone with the same generator — every cell, projections, each sampling path.
@Suite struct TokenStreamBatchTests {
    typealias S = EngineTestSupport

    /// The ids of `count` tokens after `prime` from one stream alone, with `seed`.
    static func alone(_ model: LanguageModel, _ options: SamplingOptions, prime: [Int], seed: UInt64,
                      count: Int) -> [Int] {
        let stream = TokenStream(model: model, options: options)
        var g = RandomGenerator(seed: seed)
        for id in prime { stream.feed(id) }
        var ids: [Int] = []
        for _ in 0..<count {
            let id = stream.next(generator: &g)
            ids.append(id)
            stream.feed(id)
        }
        return ids
    }

    /// The ids of every stream, stepped together, stream i with seed `seeds[i]`.
    static func together(_ model: LanguageModel, _ options: SamplingOptions, prime: [Int], seeds: [UInt64],
                         count: Int) -> [[Int]] {
        let stream = TokenStream(model: model, options: options, streams: seeds.count)
        var generators = seeds.map { RandomGenerator(seed: $0) }
        for id in prime { stream.feed(Array(repeating: id, count: seeds.count)) }
        var tokens = Array(repeating: 0, count: seeds.count), out = Array(repeating: [Int](), count: seeds.count)
        for _ in 0..<count {
            stream.next(generators: &generators, into: &tokens)
            for i in tokens.indices { out[i].append(tokens[i]) }
            stream.feed(tokens)
        }
        return out
    }

    static func check(_ model: LanguageModel, _ options: SamplingOptions, streams: Int = 5, count: Int = 40) {
        let seeds = (0..<UInt64(streams)).map { 100 + $0 }
        let batched = together(model, options, prime: [1, 2], seeds: seeds, count: count)
        for (i, seed) in seeds.enumerated() {
            #expect(batched[i] == alone(model, options, prime: [1, 2], seed: seed, count: count), "stream \(i)")
        }
        // Not all the same: the streams are independent.
        #expect(Set(batched).count > 1)
    }

    /// The floats, not only the ids: after the same tokens, stream i's state and logits are
    /// bit-equal to those of a stepper fed stream i's tokens alone.
    @Test(arguments: [RecurrentCellKind.lstm, .gru, .rnn])
    func statesAndLogitsAreBitEqual(cell: RecurrentCellKind) throws {
        let model = try S.model(cell: cell, vocabulary: 29, embedding: 40, hidden: 70, layers: 2, seed: 12)
        let n = 4
        let batched = LanguageModelStepper(model: model, streams: n)
        let single = (0..<n).map { _ in LanguageModelStepper(model: model) }
        var g = RandomGenerator(seed: 13)
        for _ in 0..<6 {
            let tokens = (0..<n).map { _ in g.integer(below: 29) }
            batched.computeLogits(batched.advance(tokens))
            for i in 0..<n { single[i].step(tokens[i]) }
        }
        for i in 0..<n {
            #expect(batched.logits.row(i).toArray() == single[i].logits.toArray(), "logits of stream \(i)")
            for k in 0..<2 {
                #expect(batched.state.h.row(k * n + i).toArray() == single[i].state.h.row(k).toArray(), "h of stream \(i), layer \(k)")
            }
        }
    }

    @Test(arguments: [RecurrentCellKind.lstm, .gru, .rnn, .rnnRelu])
    func eachStreamIsTheStreamAlone(cell: RecurrentCellKind) throws {
        // Odd sizes: every kernel tail (N and K not multiples of the vector width).
        let model = try S.model(cell: cell, vocabulary: 23, embedding: 13, hidden: 37, layers: 2, seed: 4)
        Self.check(model, SamplingOptions(temperature: 1.3))
        Self.check(model, SamplingOptions(temperature: 0.9, topK: 5))
        Self.check(model, SamplingOptions(temperature: 0.9, topP: 0.8))
    }

    @Test func peepholesAndProjection() throws {
        var g = RandomGenerator(seed: 6)
        let projected = try LanguageModel(configuration: LanguageModelConfiguration(
            vocabularySize: 19, embeddingSize: 9, hiddenSize: 21, numLayers: 2, projectionSize: 7), generator: &g)
        Self.check(projected, SamplingOptions(temperature: 1.2))
        let peepholes = try S.model(vocabulary: 19, embedding: 9, hidden: 21, peepholes: true, seed: 8)
        Self.check(peepholes, SamplingOptions(temperature: 1.2))
    }

    /// A decoder large enough for rejection sampling from the int8 proposal (V·H ≥ 2²⁰), with
    /// stream counts around the int8 kernel's groups of four streams.
    @Test(arguments: [3, 4, 5, 8, 9])
    func rejectionSamplingPath(streams: Int) throws {
        let model = try S.model(vocabulary: 2_100, embedding: 16, hidden: 512, layers: 1, seed: 9)
        let options = SamplingOptions(temperature: 1)
        #expect(TokenStream(model: model, options: options, streams: streams).decoderSampler != nil)
        Self.check(model, options, streams: streams, count: 12)
    }
}
