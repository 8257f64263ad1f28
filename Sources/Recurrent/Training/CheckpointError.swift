/// Why a checkpoint could not be used, naming the file and saying what to do.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file itself could not be read or written (missing, truncated, not safetensors, …).
    case file(SafeTensorsError)
    /// A tensor is missing or has the wrong shape or type.
    case tensor(SafeTensorsError)
    /// A safetensors file without Recurrent's model metadata.
    case notALanguageModel(file: String, tensorNames: [String])
    /// Written by a newer (or unknown) version of the checkpoint format.
    case unsupportedVersion(file: String, version: String)
    /// A metadata entry is present but malformed.
    case invalidMetadata(file: String, key: String, reason: String)
    /// A weight is NaN or infinite.
    case nonFiniteValue(file: String, name: String, index: Int, value: Float)
    /// The file holds weights only (no optimizer or training state), so training cannot resume.
    case missingTrainingState(file: String)
    /// Resuming with options that change the model (or training) from what the checkpoint has.
    case configurationMismatch(file: String, differences: [String])
    /// The corpus is tokenized differently from the checkpoint's vocabulary.
    case tokenizerMismatch(file: String, reason: String)
    /// A metadata value could not be written as JSON, so the checkpoint was not written.
    case unencodableMetadata(MetadataJSONError)

    public var description: String {
        switch self {
        case .file(let e), .tensor(let e):
            return e.description
        case .unencodableMetadata(let e):
            return e.description
        case let .notALanguageModel(file, names):
            let shown = names.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
            return "'\(file)' is a safetensors file but not a Recurrent language model: its metadata has no \"\(CheckpointKey.model)\" entry"
                + (names.isEmpty ? "" : " (it holds \(names.count) tensors: \(shown)\(names.count > 5 ? ", …" : ""))")
                + "; pass a checkpoint written by `recurrent train`, or add the model and tokenizer metadata as docs/checkpoints.md shows"
        case let .unsupportedVersion(file, version):
            return "'\(file)' uses checkpoint format version \(version), but this recurrent reads version \(CheckpointKey.currentVersion); use a matching version of recurrent"
        case let .invalidMetadata(file, key, reason):
            return "the \"\(key)\" metadata of '\(file)' is invalid (\(reason)); the file is damaged or was written by another program — use another checkpoint"
        case let .nonFiniteValue(file, name, index, value):
            return "tensor \"\(name)\" in '\(file)' holds \(value) at element \(index); the model had diverged when it was saved — use an earlier checkpoint"
        case let .missingTrainingState(file):
            return "'\(file)' holds model weights only (no optimizer or training state), so training cannot resume from it exactly; use a step-*.safetensors or latest.safetensors file written by `recurrent train`"
        case let .configurationMismatch(file, differences):
            return "the options given do not match checkpoint '\(file)': " + differences.joined(separator: "; ")
                + "; drop those options to resume with the checkpoint's settings"
        case let .tokenizerMismatch(file, reason):
            return "'\(file)' was trained with a different tokenizer: \(reason); use the corpus, --level and word options it was trained with, or train a new model"
        }
    }
}
