import Foundation
@testable import Recurrent
import Testing

/// Exact rejection sampling from an int8 proposal (`DecoderSampler`) and the generation loop
/// that chooses it (`TokenStream`).
@Suite struct DecoderSamplerTests {
    typealias S = EngineTestSupport

    /// A decoder whose logits span several nats, so the proposal's error matters.
    static func decoder(vocabulary: Int, hidden: Int, seed: UInt64) -> Linear {
        var g = RandomGenerator(seed: seed)
        let linear = Linear(inputSize: hidden, outputSize: vocabulary, generator: &g)
        linear.weight.value.scale(by: 3)
        return linear
    }

    static func hidden(_ size: Int, _ g: inout RandomGenerator) -> Matrix {
        let h = Matrix(rows: 1, cols: size)
        for j in 0..<size { h[0, j] = g.uniform(-1, 1) }
        return h
    }

    /// u_v ≥ z_v for every token: the bound the exactness rests on, for fine and coarse
    /// quantisation, with and without int16 rounding of h (every kernel path that runs here).
    @Test(arguments: [127, 7, 2])
    func upperBoundsHold(levels: Int) {
        let linear = Self.decoder(vocabulary: 300, hidden: 70, seed: 5)
        let sampler = DecoderSampler(decoder: linear, levels: levels)
        var g = RandomGenerator(seed: 9)
        for _ in 0..<20 {
            let h = Self.hidden(70, &g)
            guard let top = sampler.upperBounds(h) else { Issue.record("bounds not finite"); return }
            let upper = sampler.proposalValues
            #expect(top == upper.max())
            for v in 0..<300 {
                let z = sampler.exactLogit(v, h)
                #expect(z <= upper[v], "levels \(levels) token \(v): z \(z) above its bound \(upper[v])")
            }
        }
    }

    /// The single-token logit equals the full Float32 product's entry (same kernel, same order).
    @Test func exactLogitIsTheFullProductsEntry() {
        let linear = Self.decoder(vocabulary: 37, hidden: 45, seed: 2)
        let sampler = DecoderSampler(decoder: linear)
        var g = RandomGenerator(seed: 4)
        let h = Self.hidden(45, &g)
        let full = linear.forward(h).toArray()
        for v in 0..<37 { #expect(sampler.exactLogit(v, h) == full[v]) }
    }

    /// Draws follow softmax(z/τ) of the Float32 logits: a χ² test over 40,000 draws with a
    /// coarse proposal (3 levels) that rejects often.
    @Test func drawsFollowTheSoftmax() {
        let v = 12, hiddenSize = 16, draws = 40_000
        let temperature = 0.7
        let linear = Self.decoder(vocabulary: v, hidden: hiddenSize, seed: 8)
        let sampler = DecoderSampler(decoder: linear, levels: 3)
        var g = RandomGenerator(seed: 12)
        let h = Self.hidden(hiddenSize, &g)
        let z = linear.forward(h).toArray().map { Double($0) / temperature }
        let m = z.max()!
        let e = z.map { Foundation.exp($0 - m) }
        let p = e.map { $0 / e.reduce(0, +) }
        var counts = [Int](repeating: 0, count: v)
        for _ in 0..<draws { counts[sampler.sample(hidden: h, temperature: temperature, generator: &g)] += 1 }
        var chi2 = 0.0
        for k in 0..<v where p[k] * Double(draws) >= 5 {
            let expected = p[k] * Double(draws)
            chi2 += (Double(counts[k]) - expected) * (Double(counts[k]) - expected) / expected
        }
        // 11 degrees of freedom at most: P(χ² > 40) ≈ 3·10⁻⁵.
        #expect(chi2 < 40, "χ² = \(chi2), counts \(counts), p \(p)")
        let rate = Double(sampler.accepted) / Double(sampler.candidates)
        #expect(sampler.accepted == draws)
        #expect(rate < 0.99, "a 3-level proposal should reject sometimes (acceptance \(rate))")
    }

    @Test func sameSeedSameTokens() {
        let linear = Self.decoder(vocabulary: 50, hidden: 20, seed: 3)
        let sampler = DecoderSampler(decoder: linear, levels: 5)
        var g = RandomGenerator(seed: 1)
        let h = Self.hidden(20, &g)
        func run() -> [Int] {
            var r = RandomGenerator(seed: 77)
            return (0..<200).map { _ in sampler.sample(hidden: h, temperature: 1.3, generator: &r) }
        }
        #expect(run() == run())
    }

    /// A small vocabulary keeps the plain path: the very tokens of stepper + TokenSampler.
    @Test func tokenStreamOnASmallModelIsThePlainPath() throws {
        let model = try S.model(vocabulary: 9, hidden: 8, layers: 2)
        let options = SamplingOptions(temperature: 0.9)
        let stream = TokenStream(model: model, options: options)
        #expect(stream.decoderSampler == nil)
        let stepper = LanguageModelStepper(model: model)
        let sampler = TokenSampler(vocabularySize: 9, options: options)
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        var ids: [Int] = [], expected: [Int] = []
        stream.feed(2)
        var logits = stepper.step(2)
        for _ in 0..<30 {
            let x = stream.next(generator: &a)
            ids.append(x)
            stream.feed(x)
            let y = sampler.sample(logits, generator: &b)
            expected.append(y)
            logits = stepper.step(y)
        }
        #expect(ids == expected)
    }

    @Test func rejectionOnlyForPlainSamplingFromLargeDecoders() {
        let word = LanguageModelConfiguration(vocabularySize: 21_388, embeddingSize: 256, hiddenSize: 512)
        let char = LanguageModelConfiguration(vocabularySize: 65, embeddingSize: 65, hiddenSize: 512)
        #expect(TokenStream.usesRejection(word, SamplingOptions(temperature: 0.8)))
        #expect(!TokenStream.usesRejection(char, SamplingOptions()))
        #expect(!TokenStream.usesRejection(word, SamplingOptions(topK: 40)))
        #expect(!TokenStream.usesRejection(word, SamplingOptions(topP: 0.9)))
        #expect(!TokenStream.usesRejection(word, SamplingOptions(greedy: true)))
        #expect(TokenStream.usesRejection(word, SamplingOptions(topP: 1)))
    }
}
