import Foundation
import Recurrent
import Testing

/// `recurrent export`: the weights-only file loads everywhere a checkpoint does and generates the
/// same text; bad checkpoints give `generate`'s errors; what ONNX cannot express is refused by
/// name. (ONNX Runtime runs the exported graphs in CI: `.ci/run`, stage onnx.)
@Suite(.serialized) struct ExportCLITests {
    static let small = ["--hidden-size", "8", "--embedding-size", "8", "--layers", "2", "--seq-length", "8",
                        "--batch-size", "4", "--steps", "3", "--validation-fraction", "0", "--log-every", "1000"]

    /// A directory with `a.txt` and a peephole LSTM trained on it for 3 steps in `run/`.
    static func trained(_ name: String) throws -> URL {
        let d = try CLI.temporaryDirectory(name)
        let text = String(repeating: "jerry: hello there.\nnora: what?\n", count: 20)
        try text.write(to: d.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let train = try CLI.run(["train", "a.txt", "--peepholes", "--output", "run"] + small, in: d)
        #expect(train.succeeded, "\(train.stderr)")
        return d
    }

    @Test func weightsOnlyFileGeneratesTheSameText() throws {
        let d = try Self.trained("export-weights")
        let export = try CLI.run(["export", "run", "--weights", "small.safetensors"], in: d)
        #expect(export.succeeded, "\(export.stderr)")
        #expect(export.stderr.contains("weights only"))

        let full = try SafeTensors(contentsOf: d.appendingPathComponent("run/latest.safetensors").path)
        let small = try SafeTensors(contentsOf: d.appendingPathComponent("small.safetensors").path)
        let modelNames = full.names.filter { $0.hasPrefix("embedding.") || $0.hasPrefix("rnn.") || $0.hasPrefix("decoder.") }
        #expect(Set(small.names) == Set(modelNames))
        #expect(small.names.count < full.names.count)           // the optimizer state is gone
        #expect(small.metadata[CheckpointKey.model] == full.metadata[CheckpointKey.model])
        #expect(small.metadata[CheckpointKey.tokenizer] == full.metadata[CheckpointKey.tokenizer])
        #expect(small.metadata[CheckpointKey.trainingState] == nil)
        for name in modelNames { #expect(try small.floats(name) == full.floats(name), "\(name)") }

        let generate = ["--prime", "jerry:", "--length", "40", "--seed", "3"]
        let a = try CLI.run(["generate", "run/latest.safetensors"] + generate, in: d)
        let b = try CLI.run(["generate", "small.safetensors"] + generate, in: d)
        #expect(a.succeeded && b.succeeded, "\(a.stderr)\(b.stderr)")
        #expect(a.stdout == b.stdout && !a.stdout.isEmpty)
        let ea = try CLI.run(["evaluate", "run", "a.txt"], in: d), eb = try CLI.run(["evaluate", "small.safetensors", "a.txt"], in: d)
        #expect(ea.stdout.split(separator: "\n").dropFirst() == eb.stdout.split(separator: "\n").dropFirst())
        let inspect = try CLI.run(["inspect", "small.safetensors", "a.txt", "--max-tokens", "50"], in: d)
        #expect(inspect.succeeded, "\(inspect.stderr)")
        let resume = try CLI.run(["train", "a.txt", "--resume", "small.safetensors"] + Self.small, in: d)
        #expect(!resume.succeeded && resume.stderr.contains("weights only"))
    }

    @Test func onnxFileIsWrittenForEveryKindOfCheckpoint() throws {
        let d = try Self.trained("export-onnx")
        let text = try CLI.run(["export", "run", "--onnx", "model.onnx", "--weights", "w.safetensors"], in: d)
        #expect(text.succeeded, "\(text.stderr)")
        #expect(text.stderr.contains("lstm (peepholes) text model, 2×8") && text.stderr.contains("opset 17"))
        let bytes = try Data(contentsOf: d.appendingPathComponent("model.onnx"))
        #expect(bytes.count > 1000)
        // A protobuf ModelProto: field 1 (ir_version, varint) = 8 comes first.
        #expect(Array(bytes.prefix(2)) == [0x08, 0x08])
        #expect(String(decoding: bytes, as: UTF8.self).contains("recurrent.tokenizer"))

        let series = try #require(Self.dataDirectory())
        let forecast = try CLI.run(["forecast", "train", series + "/lynx.csv", "--column", "lynx", "--lookback", "12",
                                    "--horizon", "3", "--hidden", "4", "--epochs", "1", "--statistics-fits", "1",
                                    "--output", "f"], in: d)
        #expect(forecast.succeeded, "\(forecast.stderr)")
        let f = try CLI.run(["export", "f", "--onnx", "f.onnx"], in: d)
        #expect(f.succeeded && f.stderr.contains("lstm forecaster, 1×4, lookback 12, horizon 3"), "\(f.stderr)")
        let classify = try CLI.run(["classify", "train", series + "/digits.csv", "--label-last", "--steps", "8",
                                    "--features", "8", "--hidden", "4", "--epochs", "1", "--cell", "gru",
                                    "--bidirectional", "--output", "k"], in: d)
        #expect(classify.succeeded, "\(classify.stderr)")
        let k = try CLI.run(["export", "k/classifier.safetensors", "--onnx", "k.onnx", "--weights", "k-w.safetensors"], in: d)
        #expect(k.succeeded && k.stderr.contains("gru classifier, 1×4 bidirectional, 10 classes"), "\(k.stderr)")
        let predict = try CLI.run(["classify", "predict", "k-w.safetensors", series + "/digits.csv"], in: d)
        #expect(predict.succeeded, "\(predict.stderr)")
    }

    @Test func badCheckpointsGiveGeneratesErrors() throws {
        let d = try Self.trained("export-bad")
        let full = try Data(contentsOf: d.appendingPathComponent("run/latest.safetensors"))
        try full.prefix(full.count / 2).write(to: d.appendingPathComponent("cut.safetensors"))
        var foreign = SafeTensors()
        foreign.put("x", floats: [1, 2], shape: [2])
        try foreign.write(to: d.appendingPathComponent("foreign.safetensors").path)
        for bad in ["nothing.safetensors", "a.txt", "cut.safetensors", "foreign.safetensors"] {
            let export = try CLI.run(["export", bad, "--onnx", "x.onnx"], in: d)
            let generate = try CLI.run(["generate", bad], in: d)
            #expect(!export.signaled && export.status == 1 && export.stderr.contains(bad))
            #expect(export.stderr == generate.stderr.replacingOccurrences(of: "recurrent generate", with: "recurrent export"),
                    "export: \(export.stderr)\ngenerate: \(generate.stderr)")
            #expect(!FileManager.default.fileExists(atPath: d.appendingPathComponent("x.onnx").path))
        }
        let nothing = try CLI.run(["export", "run"], in: d)
        #expect(nothing.status != 0 && nothing.stderr.contains("--weights FILE, --onnx FILE"))
        let same = try CLI.run(["export", "run", "--weights", "run/latest.safetensors"], in: d)
        #expect(same.status != 0 && same.stderr.contains("is the checkpoint being exported"))
        #expect(try Data(contentsOf: d.appendingPathComponent("run/latest.safetensors")) == full)
    }

    /// A configuration key the graph cannot express is refused by name; a zero value is "off".
    @Test func featuresOnnxCannotExpressAreRefusedByName() throws {
        let d = try Self.trained("export-refuse")
        let file = try SafeTensors(contentsOf: d.appendingPathComponent("run/latest.safetensors").path)
        func variant(_ name: String, _ extra: String) throws {
            var copy = file
            let json = try #require(file.metadata[CheckpointKey.model])
            copy.metadata[CheckpointKey.model] = String(json.dropLast()) + "," + extra + "}"
            try copy.write(to: d.appendingPathComponent(name).path)
        }
        try variant("proj.safetensors", "\"proj_size\":4")
        try variant("proj0.safetensors", "\"proj_size\":0")
        try variant("zoneout.safetensors", "\"zoneout_cell\":0.1")
        try variant("future.safetensors", "\"something_new\":2")
        let proj = try CLI.run(["export", "proj.safetensors", "--onnx", "p.onnx"], in: d)
        #expect(proj.status == 1 && proj.stderr.contains("LSTM projections (proj_size = 4)"), "\(proj.stderr)")
        let zoneout = try CLI.run(["export", "zoneout.safetensors", "--onnx", "p.onnx"], in: d)
        #expect(zoneout.status == 1 && zoneout.stderr.contains("zoneout (zoneout_cell = 0.1)"), "\(zoneout.stderr)")
        let future = try CLI.run(["export", "future.safetensors", "--onnx", "p.onnx"], in: d)
        #expect(future.status == 1 && future.stderr.contains("something_new = 2"))
        #expect(!FileManager.default.fileExists(atPath: d.appendingPathComponent("p.onnx").path))
        let off = try CLI.run(["export", "proj0.safetensors", "--onnx", "p.onnx"], in: d)
        #expect(off.succeeded, "\(off.stderr)")

        // A real projected LSTM: no ONNX graph, but its weights-only file generates.
        let train = try CLI.run(["train", "a.txt", "--projection-size", "4", "--output", "projected"] + Self.small, in: d)
        #expect(train.succeeded, "\(train.stderr)")
        let projected = try CLI.run(["export", "projected", "--onnx", "q.onnx", "--weights", "q.safetensors"], in: d)
        #expect(projected.status == 1 && projected.stderr.contains("LSTM projections (projection_size = 4)"), "\(projected.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d.appendingPathComponent("q.onnx").path))
        let generate = try CLI.run(["generate", "q.safetensors", "--prime", "jerry:", "--length", "10", "--seed", "1"], in: d)
        #expect(generate.succeeded, "\(generate.stderr)")
    }

    /// Word-level models with an adaptive softmax, with tied weights and with AWD-LSTM's
    /// training-only regularisers export (ONNX Runtime checks their outputs in CI's onnx stage).
    @Test func adaptiveSoftmaxTiedWeightsAndRegularisersExport() throws {
        let d = try Self.trained("export-output-layers")
        let variants: [(String, [String])] = [
            ("adaptive", ["--softmax", "adaptive", "--embedding-size", "8"]),
            ("tied", ["--tie-weights"]),
            ("awd", ["--embedding-size", "8", "--hidden-dropout", "0.2", "--weight-drop", "0.2", "--input-dropout", "0.1",
                     "--embedding-dropout", "0.1"]),
        ]
        for (name, options) in variants {
            let train = try CLI.run(["train", "a.txt", "--level", "word", "--hidden-size", "16", "--output", name]
                                    + options + Array(Self.small.dropFirst(4)), in: d)
            #expect(train.succeeded, "\(name): \(train.stderr)")
            let export = try CLI.run(["export", name, "--onnx", name + ".onnx"], in: d)
            #expect(export.succeeded, "\(name): \(export.stderr)")
            let graph = String(decoding: try Data(contentsOf: d.appendingPathComponent(name + ".onnx")), as: UTF8.self)
            if name == "adaptive" { #expect(graph.contains("LogSoftmax") && graph.contains("decoder.tail.1.1.weight_t")) }
        }
    }

    /// The repository's Data/ folder (walking up from this file to Package.swift).
    static func dataDirectory(file: String = #filePath) -> String? {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("Data").path
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }
}
