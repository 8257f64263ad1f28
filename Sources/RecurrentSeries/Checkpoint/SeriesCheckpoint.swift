import Recurrent

/// A trained series model in one safetensors file: the model's parameters under their
/// PyTorch names (F32), and metadata (JSON strings) to rebuild and use it: `format` (the kind
/// of checkpoint and its version), `model` (the model's configuration) and what each kind adds.
///
/// `ForecastCheckpoint` and `ClassifierCheckpoint` differ in their models and metadata; the
/// reading, writing and rebuilding around them is shared here.
public protocol SeriesCheckpoint {
    /// The `format` metadata entry, e.g. `recurrent-forecast-1`.
    static var format: String { get }
    /// The safetensors contents.
    var safeTensors: SafeTensors { get throws(MetadataJSONError) }
    /// Rebuilds the model from `file` and loads its weights; errors name the file.
    init(_ file: SafeTensors) throws
}

extension SeriesCheckpoint {
    /// Writes the checkpoint atomically (temporary file, fsync, rename).
    public func write(to path: String) throws {
        try safeTensors.write(to: path)
    }

    public init(contentsOf path: String) throws {
        try self.init(SafeTensors(contentsOf: path))
    }

    /// A file with `parameters` in their order, `format`, `model` (`configuration` as JSON) and
    /// the other metadata `entries` (JSON strings, keyed by name).
    static func safeTensors(configuration: some Encodable, entries: [String: String],
                            parameters: [Parameter]) throws(MetadataJSONError) -> SafeTensors {
        var metadata = entries
        metadata["format"] = format
        metadata["model"] = try CheckpointMetadata.encode(configuration)
        var file = SafeTensors(metadata: metadata)
        for p in parameters { file.put(p) }
        return file
    }

    /// The network `make` builds, with the weights stored in `file` (checked by name and shape).
    static func loadNetwork<Network: ParameterContainer>(
        from file: SafeTensors, _ make: (inout RandomGenerator) -> Network
    ) throws -> Network {
        var generator = RandomGenerator(seed: 0)        // the initial weights are overwritten
        let network = make(&generator)
        try network.load(from: file)
        return network
    }
}
