import Recurrent
import RecurrentText

/// Any bytes as a text checkpoint (`recurrent generate`/`--resume`): the model's configuration,
/// the tokenizer, the training configuration and state are read from its metadata; each is
/// either a readable error or a value that works — a loaded model generates a few tokens.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextCheckpoint(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let file = try? SafeTensors(bytes: bytes) else { return 0 }
    if let json = file.metadata[CheckpointKey.trainingConfiguration] { _ = try? TrainingConfiguration(jsonString: json) }
    if let json = file.metadata[CheckpointKey.trainingState] { _ = try? TrainingState(jsonString: json) }
    let tokenizer = try? TextModel.tokenizer(in: file)
    if let tokenizer {
        let text = tokenizer.decode(0..<min(tokenizer.vocabularySize, 64))
        _ = try? tokenizer.encode(text, unknown: .mapToUnknown)
    }
    guard let tokenizer, let model = try? LanguageModel(checkpoint: file),
          model.vocabularySize == tokenizer.vocabularySize,
          model.configuration.parameterCount < 1 << 16 else { return 0 }   // generation speed, not safety
    let textModel = TextModel(model: model, tokenizer: tokenizer, path: "<fuzz>", file: file)
    guard var generator = try? TextGenerator(textModel: textModel, seed: 1) else { return 0 }
    _ = try? generator.generate(prime: "", length: 3) { _ in }
    return 0
}
