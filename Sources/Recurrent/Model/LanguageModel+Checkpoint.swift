import Foundation

/// Metadata keys of a Recurrent checkpoint (`__metadata__` of the safetensors file, all values
/// strings). The layout is documented in `docs/checkpoints.md`.
public enum CheckpointKey {
    /// `"recurrent-language-model"`.
    public static let format = "format"
    /// `"1"`.
    public static let formatVersion = "format_version"
    /// The `LanguageModelConfiguration` as JSON.
    public static let model = "model"
    /// The tokenizer description as JSON (`TokenizerConfiguration` in RecurrentText).
    public static let tokenizer = "tokenizer"
    /// The `TrainingConfiguration` as JSON (absent in weights-only files).
    public static let trainingConfiguration = "training_config"
    /// The `TrainingState` as JSON (absent in weights-only files).
    public static let trainingState = "training_state"
    /// The fraction of the corpus held out for validation, decimal text (text training runs).
    public static let validationFraction = "validation_fraction"
    /// The validation loss at this checkpoint, decimal text (written by `CheckpointDirectory`).
    public static let validationLoss = CheckpointDirectory.validationLossKey

    public static let formatName = "recurrent-language-model"
    public static let currentVersion = "1"
}

extension LanguageModel {
    /// Adds every parameter as an F32 tensor under its PyTorch name and shape, and the model
    /// configuration (plus the format name and version) to the metadata.
    public func write(into file: inout SafeTensors) throws(MetadataJSONError) {
        for p in parameters { file.put(p) }
        file.metadata[CheckpointKey.format] = CheckpointKey.formatName
        file.metadata[CheckpointKey.formatVersion] = CheckpointKey.currentVersion
        file.metadata[CheckpointKey.model] = try configuration.jsonString()
    }

    /// The model configuration stored in `file`'s metadata.
    ///
    /// - Throws: `CheckpointError` when the metadata has no model configuration (a file not
    ///   written by Recurrent, or written without metadata) or it cannot be parsed.
    public static func configuration(in file: SafeTensors) throws(CheckpointError) -> LanguageModelConfiguration {
        if let version = file.metadata[CheckpointKey.formatVersion], version != CheckpointKey.currentVersion {
            throw .unsupportedVersion(file: file.origin, version: version)
        }
        guard let json = file.metadata[CheckpointKey.model] else {
            throw .notALanguageModel(file: file.origin, tensorNames: file.names)
        }
        let configuration: LanguageModelConfiguration
        do {
            configuration = try JSONDecoder().decode(LanguageModelConfiguration.self, from: Data(json.utf8))
        } catch {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.model, reason: "\(error)")
        }
        let problems = configuration.problems()
        guard problems.isEmpty else {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.model, reason: problems.joined(separator: "; "))
        }
        return configuration
    }

    /// Builds the model a checkpoint describes and loads its weights.
    public convenience init(checkpoint file: SafeTensors) throws(CheckpointError) {
        let configuration = try LanguageModel.configuration(in: file)
        // At least the embedding, the output layer's weights and the recurrent weights (one
        // gate) per layer; with a projection the recurrence and the output layer read P
        // features, not H.
        let v = Double(configuration.vocabularySize), e = Double(configuration.embeddingSize)
        let h = Double(configuration.hiddenSize)
        let r = configuration.projectionSize > 0 ? Double(configuration.projectionSize) : h
        let outputWeights = Double(configuration.outputParameterCount) - (configuration.adaptiveSoftmax == nil ? v : 0)
        let fewest = v * e + outputWeights + h * (e + r * Double(configuration.numLayers))
        guard file.holds(atLeast: fewest) else {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.model, reason:
                "it describes a model of at least \(fewest) parameters, but the file holds only \(file.elementCount) values")
        }
        // The initial values are overwritten; any seed will do.
        var generator = RandomGenerator(seed: 0)
        do {
            try self.init(configuration: configuration, generator: &generator)
        } catch {
            throw .invalidMetadata(file: file.origin, key: CheckpointKey.model, reason: error.description)
        }
        try loadParameters(from: file)
    }

    /// Copies every parameter from `file` (F32, F16, BF16 or F64 tensors under the PyTorch
    /// names, exact shapes). Checks everything before changing anything: on error the model is
    /// unchanged. Other tensors in the file (optimizer state, …) are ignored. A tied matrix is
    /// read from `decoder.weight`, or from `embedding.weight` when only that name is present.
    public func loadParameters(from file: SafeTensors) throws(CheckpointError) {
        var values: [[Float]] = []
        values.reserveCapacity(parameters.count)
        for p in parameters {
            let floats: [Float]
            do {
                floats = try file.floats(storedName(of: p, in: file), shape: p.shape)
            } catch {
                throw .tensor(error)
            }
            if let bad = floats.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteValue(file: file.origin, name: p.name, index: bad, value: floats[bad])
            }
            values.append(floats)
        }
        for (p, floats) in zip(parameters, values) {
            var i = 0
            p.value.forEachRow { _, row in
                for c in row.indices { row[c] = floats[i]; i += 1 }
            }
        }
    }

    /// The name `p` is stored under in `file`: its own, except a tied decoder weight that a
    /// file holds only as `embedding.weight`.
    private func storedName(of p: Parameter, in file: SafeTensors) -> String {
        guard configuration.tieWeights, p.name == "decoder.weight", file[p.name] == nil,
              file["embedding.weight"] != nil else { return p.name }
        return "embedding.weight"
    }
}
