import Foundation
import Recurrent
import RecurrentONNX
import RecurrentSeries
import RecurrentText

/// A checkpoint `export` can write: a text model, a forecaster or a classifier, recognised by
/// the `format` entry of its metadata.
enum ExportedModel {
    case text(TextModel)
    case forecaster(ForecastCheckpoint, path: String)
    case classifier(ClassifierCheckpoint, path: String)

    /// Loads `path` (a file or training directory, resolved as `generate` does). Anything that is
    /// not a forecast or classifier checkpoint goes through `generate`'s checks and
    /// `TextModel.load`, so a missing, damaged, unknown or foreign file gives `generate`'s error.
    static func load(_ path: String) throws -> ExportedModel {
        switch SniffedFile.sniff(path) {
        case .safetensors(let format) where format == ForecastCheckpoint.format || format == ClassifierCheckpoint.format:
            break
        default:
            // A text file, a device, an empty file…: refused before reading, in generate's words.
            try InputFileCheck.requireCheckpoint(path, format: CheckpointKey.formatName, command: "export")
        }
        let resolved = TextModel.resolve(path, preferring: [CheckpointDirectory.bestFileName,
                                                            CheckpointDirectory.latestFileName,
                                                            TextModel.keptFileName,
                                                            "forecast.safetensors", "classifier.safetensors"])
        if let file = try? SafeTensors(contentsOf: resolved) {
            switch file.metadata["format"] {
            case ForecastCheckpoint.format: return .forecaster(try ForecastCheckpoint(file), path: resolved)
            case ClassifierCheckpoint.format: return .classifier(try ClassifierCheckpoint(file), path: resolved)
            default: break
            }
        }
        return .text(try TextModel.load(path))
    }

    /// The file it was read from.
    var path: String {
        switch self {
        case .text(let m): m.path
        case .forecaster(_, let path), .classifier(_, let path): path
        }
    }

    /// "lstm text model, 2×256, V 65" and the like, for the messages.
    var summary: String {
        switch self {
        case .text(let m):
            let c = m.model.configuration
            return "\(c.cell.rawValue)\(c.peepholes ? " (peepholes)" : "") text model, \(c.numLayers)×\(c.hiddenSize), "
                + "\(c.vocabularySize) tokens"
        case .forecaster(let f, _):
            let c = f.model.configuration
            return "\(c.cell.rawValue) forecaster, \(c.numLayers)×\(c.hiddenSize), lookback \(c.lookback), horizon \(c.horizon)"
        case .classifier(let k, _):
            let c = k.model.configuration
            return "\(c.cell.rawValue) classifier, \(c.numLayers)×\(c.hiddenSize)\(c.bidirectional ? " bidirectional" : ""), "
                + "\(c.classCount) classes"
        }
    }

    /// Tensors and the metadata that rebuilds the model, without optimizer or training state.
    /// Series checkpoints hold nothing else already and are written as they are.
    func weightsOnly() throws -> SafeTensors {
        switch self {
        case .text(let m):
            var file = SafeTensors()
            try TextModel.write(model: m.model, tokenizer: m.tokenizer, into: &file)
            return file
        case .forecaster(let f, _): return try f.safeTensors
        case .classifier(let k, _): return try k.safeTensors
        }
    }

    /// The serialized ONNX model.
    func onnx() throws -> Data {
        switch self {
        case .text(let m):
            return try ONNXExport.languageModel(m.model, modelJSON: m.file.metadata[CheckpointKey.model],
                                                tokenizerJSON: try m.tokenizer.configuration.jsonString(),
                                                producerVersion: recurrentVersion)
        case .forecaster(let f, _): return try ONNXExport.forecaster(f, producerVersion: recurrentVersion)
        case .classifier(let k, _): return try ONNXExport.classifier(k, producerVersion: recurrentVersion)
        }
    }

    /// Writes 3 example sequences in the graph's input layout and this program's outputs for
    /// them (evaluation mode), for Scripts/check_onnx_export.py. Inputs are drawn from a fixed
    /// seed: standard normal encoded values (forecaster), values at the training data's scale
    /// (numeric classifier), or token ids (text classifier).
    func dumpCheck(to path: String) throws {
        let batch = 3
        var rng = RandomGenerator(seed: 1)
        var file = SafeTensors(metadata: ["checkpoint": self.path])
        switch self {
        case .text:
            throw CommandFailure("--dump-check is for forecast and classifier checkpoints; for a text model use "
                + "evaluate --dump-logits")
        case .forecaster(let f, _):
            let c = f.model.configuration
            let inputs = Matrix(rows: c.lookback * batch, cols: c.inputSize)          // (L·B, F) time-major
            inputs.forEachRow { _, row in for i in row.indices { row[i] = rng.normal() } }
            f.model.isTraining = false
            let outputs = f.model.forward(inputs, batchSize: batch, generator: &rng)  // (B, H)
            file.put("inputs", matrix: inputs, shape: [c.lookback, batch, c.inputSize])
            file.put("outputs", matrix: outputs, shape: [batch, c.horizon])
        case .classifier(let k, _):
            let spec = k.input, c = k.model.configuration
            k.model.isTraining = false
            let outputs: Matrix
            if let vocabulary = c.vocabularySize {
                let ids = (0..<spec.steps * batch).map { _ in Int32(rng.integer(below: vocabulary)) }   // (T·B)
                outputs = k.model.forward(tokens: ids, batchSize: batch, generator: &rng)
                file.put("input_ids", int64s: ids.map { Int64($0) }, shape: [spec.steps, batch])
            } else {
                let f = spec.features
                // Each example as the CSV holds it (x[t·F + f]), standardised as predict does.
                var raw: [[Float]] = [], standardized: [[Float]] = []
                for _ in 0..<batch {
                    var z = (0..<spec.steps * f).map { _ in rng.normal() }
                    var x = z
                    if let s = spec.standardizer {
                        for i in x.indices { x[i] = Float(s.inverse(Double(z[i]), feature: i % f)) }
                        z = x
                        s.transform(&z)
                    }
                    raw.append(x)
                    standardized.append(z)
                }
                let timeMajor = { (examples: [[Float]]) -> Matrix in   // (T·B, F)
                    let m = Matrix(rows: spec.steps * batch, cols: f)
                    for t in 0..<spec.steps { for b in 0..<batch { for j in 0..<f { m[t * batch + b, j] = examples[b][t * f + j] } } }
                    return m
                }
                outputs = k.model.forward(timeMajor(standardized), batchSize: batch, generator: &rng)
                file.put("inputs", matrix: timeMajor(raw), shape: [spec.steps, batch, f])
            }
            file.put("outputs", matrix: outputs, shape: [batch, c.classCount])
        }
        try file.write(to: path)
        Console.message("wrote example inputs and outputs to \(path)")
    }
}
