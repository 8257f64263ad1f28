import Foundation
import Recurrent
import Testing

/// The language model with an LSTM projection: PyTorch names and shapes, checkpoint round
/// trip, the sampling path against the sequence path, and configurations written before it.
@Suite struct LanguageModelProjectionTests {
    static func model(seed: UInt64 = 1) throws -> LanguageModel {
        var g = RandomGenerator(seed: seed)
        return try LanguageModel(configuration: LanguageModelConfiguration(vocabularySize: 7, embeddingSize: 5, hiddenSize: 8,
                                                                           numLayers: 2, projectionSize: 3),
                                 generator: &g)
    }

    @Test func namesShapesAndCount() throws {
        let m = try Self.model()
        let shapes = Dictionary(uniqueKeysWithValues: m.parameters.map { ($0.name, $0.shape) })
        #expect(shapes["rnn.weight_hr_l0"] == [3, 8])
        #expect(shapes["rnn.weight_hh_l1"] == [32, 3])
        #expect(shapes["rnn.weight_ih_l1"] == [32, 3])
        #expect(shapes["decoder.weight"] == [7, 3])
        #expect(m.parameters.reduce(0) { $0 + $1.value.count } == m.configuration.parameterCount)
    }

    @Test func checkpointRoundTripAndSampling() throws {
        let m = try Self.model()
        var file = SafeTensors()
        try m.write(into: &file)
        #expect(file.metadata[CheckpointKey.model]?.contains("\"projection_size\":3") == true)
        let back = try LanguageModel(checkpoint: SafeTensors(bytes: file.serialized()))
        #expect(back.configuration == m.configuration)
        let tokens: [Int32] = [1, 4, 2, 6, 0]
        let a = tokens.withUnsafeBufferPointer { m.logits(inputs: $0, batchSize: 1).logits.toArray() }
        let b = tokens.withUnsafeBufferPointer { back.logits(inputs: $0, batchSize: 1).logits.toArray() }
        #expect(a == b)
        // One token at a time through the single-step cells: the same logits.
        let stepper = LanguageModelStepper(model: back)
        var stepped: [Float] = []
        for t in tokens { stepped += stepper.step(Int(t)).toArray() }
        #expect(zip(stepped, a).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-5 * abs($1) })
    }

    @Test func configurationsWithoutProjectionAreUnchanged() throws {
        let plain = LanguageModelConfiguration(vocabularySize: 65, embeddingSize: 64, hiddenSize: 512, numLayers: 2, dropout: 0.2)
        #expect(try plain.jsonString()
                == #"{"cell":"lstm","dropout":0.2,"embedding_size":64,"hidden_size":512,"num_layers":2,"peepholes":false,"vocabulary_size":65}"#)
        let old = try JSONDecoder().decode(LanguageModelConfiguration.self, from: Data(try plain.jsonString().utf8))
        #expect(old.projectionSize == 0)
        #expect(!LanguageModelConfiguration(cell: .gru, vocabularySize: 5, hiddenSize: 8, projectionSize: 3).problems().isEmpty)
        #expect(!LanguageModelConfiguration(vocabularySize: 5, hiddenSize: 8, projectionSize: 8).problems().isEmpty)
    }
}
