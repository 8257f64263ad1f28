import Foundation
import Recurrent
import Testing

/// Models made in PyTorch (`ScriptModel`, saved with `safetensors.torch.save_file` by
/// `Scripts/pytorch_roundtrip.py --make-fixtures`) load into `LanguageModel` and give PyTorch's
/// logits, through the sequence path and the single-step path.
@Suite struct ScriptModelFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/script_model", isDirectory: true)

    /// `lstm-adaptive`: an `nn.AdaptiveLogSoftmaxWithLoss` decoder (cutoffs 3, 7, div 2, head
    /// bias), whose `log_prob` are the logits; `lstm-tied`: `decoder.weight = embedding.weight`,
    /// saved by `safetensors.torch.save_model`, which keeps the matrix once as `decoder.weight`.
    @Test(arguments: ["lstm", "gru", "rnn", "rnn-relu", "lstm-peepholes", "lstm-adaptive", "lstm-tied"])
    func pytorchModelGivesPyTorchLogits(name: String) throws {
        let file = try SafeTensors(contentsOf: Self.directory.appendingPathComponent("\(name).safetensors").path)
        let expected = try SafeTensors(contentsOf: Self.directory.appendingPathComponent("\(name).expected.safetensors").path)
        let model = try LanguageModel(checkpoint: file)
        model.isTraining = false
        let ids = try expected.int64s("input_ids").map { Int32($0) }
        let reference = try expected.matrix("logits", shape: [ids.count, model.vocabularySize])
        var g = RandomGenerator(seed: 0)
        let logits = ids.withUnsafeBufferPointer { model.logits(inputs: $0, batchSize: 1, initialState: nil, generator: &g).logits.copy() }
        let stepper = LanguageModelStepper(model: model)
        for (t, id) in ids.enumerated() {
            let stepped = stepper.step(Int(id))
            for v in 0..<model.vocabularySize {
                let r = reference[t, v]
                #expect(abs(logits[t, v] - r) <= 1e-5 + 1e-5 * abs(r), "\(name) t=\(t) v=\(v)")
                #expect(abs(stepped[0, v] - r) <= 1e-5 + 1e-5 * abs(r), "\(name) step t=\(t) v=\(v)")
            }
        }
    }
}
