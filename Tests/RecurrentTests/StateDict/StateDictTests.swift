import Foundation
import Testing
@testable import Recurrent

/// `stateDict()` and `load(stateDict:strict:)`: PyTorch names, PyTorch-written files, and
/// failures that list every problem and change nothing.
@Suite struct StateDictTests {
    static func stateDictPath(_ name: String) -> String {
        Fixture.directory.appendingPathComponent("state_dict/\(name).safetensors").path
    }

    /// A state dict saved by PyTorch (`save_file(nn.LSTM(…).state_dict())`) loads in one call
    /// and the layer then gives PyTorch's outputs for the fixture of the same weights.
    @Test(arguments: ["lstm_2layer_bidir", "gru_2layer_bidir"])
    func loadsPyTorchStateDict(name: String) throws {
        let f = try Fixture.recurrent(name)
        let layer = try RecurrentParityTests.makeLayer(f)
        let keys = try layer.load(stateDictFile: Self.stateDictPath(name))
        #expect(keys == StateDictKeys(missingKeys: [], unexpectedKeys: []))
        let state = f.h0.map { RecurrentState(h: $0.matrix(), c: f.c0?.matrix()) }
        let (output, final) = layer.forward(f.input.matrix(), batchSize: f.batch, initialState: state)
        #expect(f.output.mismatch(output) == nil, "\(f.output.mismatch(output) ?? "")")
        #expect(f.hN.mismatch(final.h) == nil)
    }

    /// Names, order, shapes and values of `stateDict()` are PyTorch's and round-trip.
    @Test func roundTripsEveryModule() throws {
        var g = RandomGenerator(seed: 4)
        let modules: [(any ParameterContainer, any ParameterContainer, [String])] = [
            (LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, generator: &g),
             LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, generator: &g),
             ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse",
              "bias_ih_l0_reverse", "bias_hh_l0_reverse", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
              "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"]),
            (GRUCell(inputSize: 3, hiddenSize: 4, generator: &g), GRUCell(inputSize: 3, hiddenSize: 4, generator: &g),
             ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]),
            (LSTMCell(inputSize: 3, hiddenSize: 4, peepholes: true, generator: &g),
             LSTMCell(inputSize: 3, hiddenSize: 4, peepholes: true, generator: &g),
             ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_ci", "weight_cf", "weight_co"]),
            (RNN(inputSize: 3, hiddenSize: 4, bias: false, generator: &g), RNN(inputSize: 3, hiddenSize: 4, bias: false, generator: &g),
             ["weight_ih_l0", "weight_hh_l0"]),
            (Linear(inputSize: 3, outputSize: 2, generator: &g), Linear(inputSize: 3, outputSize: 2, generator: &g),
             ["weight", "bias"]),
            (Embedding(vocabularySize: 5, embeddingSize: 2, generator: &g), Embedding(vocabularySize: 5, embeddingSize: 2, generator: &g),
             ["weight"]),
        ]
        for (source, target, names) in modules {
            let dict = source.stateDict()
            #expect(dict.names == names)
            for p in source.parameters { #expect(dict[p.name]?.shape == p.shape) }
            #expect(target.stateDict() != dict)
            try target.load(stateDict: dict)
            #expect(target.stateDict() == dict)
            // Through a file, too.
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("statedict-\(UUID()).safetensors").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try dict.write(to: path)
            let fresh = try SafeTensors(contentsOf: path)
            #expect(fresh == dict)
        }
    }

    /// Missing, unexpected and wrongly shaped names are all listed, PyTorch-style, and the
    /// module is unchanged.
    @Test func failureListsEveryProblemAndChangesNothing() throws {
        var g = RandomGenerator(seed: 5)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, generator: &g)
        let before = lstm.stateDict()
        var dict = LSTM(inputSize: 3, hiddenSize: 4, generator: &g).stateDict()
        dict["bias_hh_l0"] = nil
        dict["weight_hr_l0"] = SafeTensors.Tensor(floats: [1, 2], shape: [2, 1])
        dict["weight_ih_l0"] = SafeTensors.Tensor(floats: [Float](repeating: 0, count: 32), shape: [16, 2])
        dict["bias_ih_l0"] = SafeTensors.Tensor(int64s: [Int64](repeating: 0, count: 16), shape: [16])
        do {
            try lstm.load(stateDict: dict)
            Issue.record("a bad state dict loaded")
        } catch {
            #expect(error.module == "LSTM")
            #expect(error.missingKeys == ["bias_hh_l0"])
            #expect(error.unexpectedKeys == ["weight_hr_l0"])
            #expect(error.shapeMismatches == [.init(name: "weight_ih_l0", stateDictShape: [16, 2], moduleShape: [16, 3])])
            #expect(error.wrongTypes == [.init(name: "bias_ih_l0", dtype: "I64")])
            let message = error.description
            #expect(message.contains("Missing key(s) in state_dict: \"bias_hh_l0\""))
            #expect(message.contains("Unexpected key(s) in state_dict: \"weight_hr_l0\""))
            #expect(message.contains("size mismatch for weight_ih_l0"))
        }
        #expect(lstm.stateDict() == before)

        // Not strict: missing and unexpected names are reported and the rest loads; shape
        // problems still fail.
        var partial = LSTM(inputSize: 3, hiddenSize: 4, generator: &g).stateDict()
        partial["bias_hh_l0"] = nil
        partial["extra"] = SafeTensors.Tensor(floats: [1], shape: [1])
        let keys = try lstm.load(stateDict: partial, strict: false)
        #expect(keys == StateDictKeys(missingKeys: ["bias_hh_l0"], unexpectedKeys: ["extra"]))
        #expect(lstm.stateDict()["weight_hh_l0"] == partial["weight_hh_l0"])
        #expect(lstm.stateDict()["bias_hh_l0"] == before["bias_hh_l0"])
        #expect(throws: StateDictError.self) { try lstm.load(stateDict: dict, strict: false) }
    }

    @Test func unreadableFileIsAnErrorValue() {
        var g = RandomGenerator(seed: 5)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, generator: &g)
        do {
            try lstm.load(stateDictFile: "/nonexistent/lstm.safetensors")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.fileError?.problem == .fileNotFound)
            #expect(error.description.contains("/nonexistent/lstm.safetensors"))
        }
    }

    /// The text model loads a ScriptModel state dict written by PyTorch in one call.
    @Test func languageModelLoadsPyTorchStateDict() throws {
        let path = Fixture.directory.appendingPathComponent("script_model/lstm.safetensors").path
        let file = try SafeTensors(contentsOf: path)
        var g = RandomGenerator(seed: 1)
        let model = try LanguageModel(configuration: LanguageModel.configuration(in: file), generator: &g)
        try model.load(stateDictFile: path, strict: true)
        let reference = try LanguageModel(checkpoint: file)
        #expect(model.stateDict() == reference.stateDict())
    }
}

/// docs/library.md's example error: the guide's projected state dict into an LSTM built
/// without the projection.
@Suite struct StateDictGuideErrorTests {
    @Test func projectedStateDictIntoPlainLSTM() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/LibraryGuide/Fixtures/lstmp_bidir.safetensors").path
        var g = RandomGenerator(seed: 0)
        let lstm = LSTM(inputSize: 4, hiddenSize: 6, numLayers: 2, bidirectional: true, generator: &g)
        #expect(throws: StateDictError.self) { try lstm.load(stateDictFile: path) }
        do {
            try lstm.load(stateDictFile: path)
        } catch {
            #expect(error.missingKeys.isEmpty)
            #expect(error.unexpectedKeys == ["weight_hr_l0", "weight_hr_l0_reverse", "weight_hr_l1", "weight_hr_l1_reverse"])
            #expect(error.shapeMismatches.first == .init(name: "weight_hh_l0", stateDictShape: [24, 3], moduleShape: [24, 6]))
        }
        let projected = LSTM(inputSize: 4, hiddenSize: 6, numLayers: 2, bidirectional: true, projectionSize: 3, generator: &g)
        try projected.load(stateDictFile: path)
    }
}
