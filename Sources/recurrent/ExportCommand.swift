import ArgumentParser
import Foundation
import Recurrent
import RecurrentONNX
import RecurrentSeries
import RecurrentText

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained model as a small weights-only file, or as an ONNX graph.",
        discussion: """
        --weights FILE writes a safetensors file with the model's tensors and the metadata that \
        rebuilds it (model and tokenizer), without the optimizer state and training history: \
        the smallest file generate, evaluate and inspect load. It cannot resume training.

        --onnx FILE writes an ONNX model (opset \(ONNXFormat.opset)) that ONNX Runtime and other \
        ONNX tools run. A text model's graph takes token ids (T, B) and the state h0 (and c0 for \
        an LSTM), each (layers, B, hidden), and returns logits (T, B, V) and the next state hn \
        (cn), so it can generate one token at a time. Forecast and classifier checkpoints \
        (from forecast train / classify train) export too. Inputs, outputs and a Python example: \
        docs/export.md.

        RUN is a .safetensors checkpoint, or a training directory (its best.safetensors, else \
        latest.safetensors).

        Examples:
          recurrent export checkpoints/scripts --weights scripts.safetensors
          recurrent export checkpoints/scripts --onnx scripts.onnx
          recurrent export runs/co2/forecast.safetensors --onnx co2.onnx
        """)

    @Argument(help: ArgumentHelp("A checkpoint file or training directory.", valueName: "run"))
    var checkpoint: String

    @Option(help: "Write the weights-only safetensors file here.")
    var weights: String?

    @Option(help: "Write the ONNX model here.")
    var onnx: String?

    /// For the ONNX Runtime check (Scripts/check_onnx_export.py): with a forecast or classifier
    /// checkpoint, writes a batch of inputs in the graph's layout (`inputs` F32 or `input_ids`
    /// I64) and this program's outputs for them (`outputs` F32) to a safetensors file.
    @Option(name: .customLong("dump-check"), help: .hidden)
    var dumpCheck: String?

    func validate() throws {
        for (flag, path) in [("--weights", weights), ("--onnx", onnx)] {
            if let path, path.isEmpty { throw ValidationError("\(flag) needs a file name") }
        }
    }

    func run() throws {
        try runReportingErrors {
            // Here rather than in validate(), so a mistyped option is reported as such first.
            guard weights != nil || onnx != nil || dumpCheck != nil else {
                throw CommandFailure("give --weights FILE, --onnx FILE or both (recurrent export --help)")
            }
            let model = try ExportedModel.load(checkpoint)
            for output in [weights, onnx].compactMap({ $0 }) where Self.sameFile(output, model.path) {
                throw CommandFailure("\(output) is the checkpoint being exported; write the export to another file "
                    + "so the checkpoint (and its training state) is kept")
            }
            if let weights {
                try model.weightsOnly().write(to: weights)
                Console.message("wrote \(weights): \(model.summary), weights only (\(Self.size(of: weights)))")
            }
            if let onnx {
                let data = try model.onnx()
                do {
                    try data.write(to: URL(fileURLWithPath: onnx), options: .atomic)
                } catch {
                    throw CommandFailure("cannot write \(onnx): \(error.localizedDescription)")
                }
                Console.message("wrote \(onnx): \(model.summary), ONNX opset \(ONNXFormat.opset) (\(Self.size(of: onnx)))")
            }
            if let dumpCheck { try model.dumpCheck(to: dumpCheck) }
        }
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath()
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath()
    }

    static func size(of path: String) -> String {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / 1e6) : String(format: "%.1f kB", Double(bytes) / 1e3)
    }
}
