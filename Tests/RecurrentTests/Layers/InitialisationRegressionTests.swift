import Testing
@testable import Recurrent

/// A model built from a seed must start with bit-identical weights on every version of the
/// code (checkpoints, experiments and fixtures rely on it): these digests pin, for a fixed
/// seed, every parameter's name, shape and float bits, in `parameters` order, and the
/// generator's state afterwards (so also how many numbers were drawn). A refactoring that
/// draws in another order, or one number more, changes a digest.
@Suite struct InitialisationRegressionTests {
    /// FNV-1a (64 bit) over the names, shapes and float bit patterns, then the generator state.
    static func digest(_ parameters: [Parameter], after generator: RandomGenerator) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ word: UInt64) {
            for byte in 0..<8 {
                hash ^= (word >> (8 * UInt64(byte))) & 0xff
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        for p in parameters {
            for unit in p.name.utf8 { mix(UInt64(unit)) }
            for size in p.shape { mix(UInt64(size)) }
            for value in p.value.toArray() { mix(UInt64(value.bitPattern)) }
        }
        for word in generator.state { mix(word) }
        return hash
    }

    /// Builds one model from seed 42 and returns its digest.
    static func digest(_ build: (inout RandomGenerator) -> any ParameterContainer) -> UInt64 {
        var generator = RandomGenerator(seed: 42)
        let model = build(&generator)
        return digest(model.parameters, after: generator)
    }

    static let recordedDigests: [String: UInt64] = [
        "lstm": 0x4d57_ebdb_5d0d_5558,
        "gru": 0xc643_034f_962b_2c83,
        "rnn": 0xe1e1_316b_9288_f207,
        "lstmCell": 0xa332_7b77_2f05_7a5e,
        "gruCell": 0x6620_0443_36c9_ba61,
        "rnnCell": 0x61e7_a928_29fa_34d6,
    ]

    static func models() -> [String: UInt64] {
        [
            "lstm": digest { LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, peepholes: true,
                                  forgetBias1: true, generator: &$0) },
            "gru": digest { GRU(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, generator: &$0) },
            "rnn": digest { RNN(inputSize: 3, hiddenSize: 4, numLayers: 2, nonlinearity: .relu, bias: false,
                                bidirectional: true, generator: &$0) },
            "lstmCell": digest { LSTMCell(inputSize: 3, hiddenSize: 4, peepholes: true, generator: &$0) },
            "gruCell": digest { GRUCell(inputSize: 3, hiddenSize: 4, generator: &$0) },
            "rnnCell": digest { RNNCell(inputSize: 3, hiddenSize: 4, nonlinearity: .relu, generator: &$0) },
        ]
    }

    @Test func initialWeightsForASeedNeverChange() {
        let digests = Self.models()
        for (name, recorded) in Self.recordedDigests.sorted(by: { $0.key < $1.key }) {
            #expect(digests[name] == recorded, "\(name): digest \(String(digests[name] ?? 0, radix: 16))")
        }
    }
}
