import Foundation
import Testing
import Recurrent

@Suite struct RecurrentCellKindTests {
    @Test(arguments: RecurrentCellKind.allCases)
    func makeLayerBuildsTheNamedCell(kind: RecurrentCellKind) {
        var g = RandomGenerator(seed: 3)
        let layer = kind.makeLayer(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, generator: &g)
        #expect(layer.parameters.reduce(0) { $0 + $1.value.count }
                == kind.parameterCount(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true))
        switch kind {
        case .lstm: #expect((layer as? LSTM)?.peepholes == false)
        case .peephole: #expect((layer as? LSTM)?.peepholes == true)
        case .gru: #expect(layer is GRU)
        case .rnn: #expect((layer as? RNN)?.nonlinearity == .tanh)
        case .rnnRelu: #expect((layer as? RNN)?.nonlinearity == .relu)
        }
    }

    @Test func forgetBiasSetsTheTotalForgetGateBias() {
        var g = RandomGenerator(seed: 1)
        let layer = RecurrentCellKind.lstm.makeLayer(inputSize: 2, hiddenSize: 3, forgetBias: 2.5, generator: &g)
        let bias = Dictionary(uniqueKeysWithValues: layer.parameters.map { ($0.name, $0.value.toArray()) })
        #expect(Array(bias["bias_ih_l0"]![3..<6]) == [2.5, 2.5, 2.5])     // gate order i, f, g, o
        #expect(Array(bias["bias_hh_l0"]![3..<6]) == [0, 0, 0])
    }

    @Test func sameDrawsAsTheLayersOwnInitialisers() {
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        let made = RecurrentCellKind.peephole.makeLayer(inputSize: 2, hiddenSize: 3, generator: &a)
        let direct = LSTM(inputSize: 2, hiddenSize: 3, peepholes: true, generator: &b)
        #expect(made.parameters.map { $0.value.toArray() } == direct.parameters.map { $0.value.toArray() })
    }

    /// Checkpoints keep today's spelling: a peephole LSTM is `"cell":"lstm","peepholes":true`.
    @Test func languageModelConfigurationKeepsTheCheckpointSpelling() throws {
        let c = LanguageModelConfiguration(cell: .peephole, vocabularySize: 5)
        #expect(c.cell == .lstm && c.peepholes && c.kind == .peephole)
        let json = try c.jsonString()
        #expect(json.contains(#""cell":"lstm""#) && json.contains(#""peepholes":true"#))
        let relu = try LanguageModelConfiguration(cell: .rnnRelu, vocabularySize: 5).jsonString()
        #expect(relu.contains(#""cell":"rnn-relu""#))
        let decoded = try JSONDecoder().decode(LanguageModelConfiguration.self, from: Data(json.utf8))
        #expect(decoded == c)
    }
}
