import Foundation
import Recurrent

/// A language model with its tokenizer: what `generate` and `evaluate` load from a checkpoint.
public struct TextModel {
    public let model: LanguageModel
    public let tokenizer: any Tokenizer
    /// The file it was loaded from.
    public let path: String
    /// The whole file, for resuming (optimizer and training state).
    public let file: SafeTensors

    public init(model: LanguageModel, tokenizer: any Tokenizer, path: String, file: SafeTensors) {
        self.model = model
        self.tokenizer = tokenizer
        self.path = path
        self.file = file
    }

    /// Loads a checkpoint: `path` is a `.safetensors` file, or a training output directory
    /// (then its `best.safetensors`, or `latest.safetensors` when there is no best, or the
    /// `model.safetensors` that `recurrent demo --output` keeps).
    ///
    /// - Throws: `CheckpointError` naming the file: missing, truncated or foreign, no model or
    ///   tokenizer metadata, a tensor missing or of the wrong shape, a vocabulary whose size is
    ///   not the model's.
    public static func load(_ path: String, preferring preferred: [String] = [CheckpointDirectory.bestFileName,
                                                                              CheckpointDirectory.latestFileName,
                                                                              TextModel.keptFileName])
    throws(CheckpointError) -> TextModel {
        let resolved = resolve(path, preferring: preferred)
        let file: SafeTensors
        do { file = try SafeTensors(contentsOf: resolved) } catch { throw .file(error) }
        let model = try LanguageModel(checkpoint: file)
        let tokenizer = try TextModel.tokenizer(in: file)
        guard tokenizer.vocabularySize == model.vocabularySize else {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.tokenizer,
                                   reason: "the tokenizer has \(tokenizer.vocabularySize) tokens but the model \(model.vocabularySize)")
        }
        return TextModel(model: model, tokenizer: tokenizer, path: resolved, file: file)
    }

    /// The file `recurrent demo --output DIR` keeps its model in.
    public static let keptFileName = "model.safetensors"

    /// A directory → the first of `preferred` inside it that exists (else the first, for the
    /// error message); a file → itself.
    public static func resolve(_ path: String, preferring preferred: [String]) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let first = preferred.first else { return path }
        let base = path.hasSuffix("/") ? path : path + "/"
        for name in preferred where FileManager.default.fileExists(atPath: base + name) { return base + name }
        return base + first
    }

    /// The tokenizer stored in a checkpoint's metadata.
    public static func tokenizer(in file: SafeTensors) throws(CheckpointError) -> any Tokenizer {
        guard let json = file.metadata[CheckpointKey.tokenizer] else {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.tokenizer,
                                   reason: "it is missing, so the model's token ids cannot be turned into text")
        }
        do {
            return try TokenizerConfiguration(jsonString: json).makeTokenizer()
        } catch {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.tokenizer, reason: error.description)
        }
    }

    /// Writes the model's weights and configuration and the tokenizer into `file`.
    public static func write(model: LanguageModel, tokenizer: any Tokenizer,
                             into file: inout SafeTensors) throws(MetadataJSONError) {
        try model.write(into: &file)
        file.metadata[CheckpointKey.tokenizer] = try tokenizer.configuration.jsonString()
    }
}
