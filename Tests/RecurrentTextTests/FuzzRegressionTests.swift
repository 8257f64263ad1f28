import Foundation
import Recurrent
import Testing
@testable import RecurrentText

/// Text checkpoints with damaged model sizes (what FuzzTextCheckpoint mutates): an error naming
/// the file, before a model of that size is allocated.
@Suite struct TextFuzzRegressionTests {
    @Test func modelSizesTheFileCannotHoldAreErrors() throws {
        let path = packageRoot().appendingPathComponent("FuzzTesting/Seeds/FuzzTextCheckpoint/char-lstm.safetensors").path
        let seed = try SafeTensors(contentsOf: path)
        _ = try LanguageModel(checkpoint: seed)
        for (key, value) in [("\"hidden_size\":4", "\"hidden_size\":1000000000"), ("\"num_layers\":1", "\"num_layers\":100000000"),
                             ("\"vocabulary_size\":52", "\"vocabulary_size\":4000000000000"),
                             ("\"embedding_size\":4", "\"embedding_size\":9000000000000000000")] {
            var file = seed
            file.metadata[CheckpointKey.model] = seed.metadata[CheckpointKey.model]!.replacingOccurrences(of: key, with: value)
            #expect(file.metadata[CheckpointKey.model] != seed.metadata[CheckpointKey.model])
            do {
                _ = try LanguageModel(checkpoint: file)
                Issue.record("\(value) loaded")
            } catch {
                #expect(error.description.contains(path), "\(error)")
            }
        }
    }
}

/// The inputs FuzzTextCheckpoint crashed on, replayed as its harness does: read, load, generate.
@Suite struct TextCheckpointFuzzRegressionTests {
    @Test func crashInputsLoadOrFailCleanly() throws {
        let directory = packageRoot().appendingPathComponent("FuzzTesting/Regressions/FuzzTextCheckpoint")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var generated = 0
        for name in names {
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            guard let file = try? SafeTensors(bytes: bytes), let tokenizer = try? TextModel.tokenizer(in: file),
                  let model = try? LanguageModel(checkpoint: file), model.vocabularySize == tokenizer.vocabularySize else { continue }
            var generator = try TextGenerator(textModel: TextModel(model: model, tokenizer: tokenizer, path: name, file: file), seed: 1)
            let ids = try generator.generate(prime: "", length: 3) { _ in }
            #expect(ids.count == 3 && ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize })
            generated += 1
        }
        #expect(generated >= 1, "no regression input reached generation")
    }
}
