import Foundation
import Recurrent

/// JSON values in a safetensors `__metadata__` (which holds only strings).
enum CheckpointMetadata {
    /// `MetadataJSON` with "/" escaped, as series checkpoints have always been written.
    static func encode<T: Encodable>(_ value: T) throws(MetadataJSONError) -> String {
        try MetadataJSON.encode(value, escapingSlashes: true)
    }

    static func decode<T: Decodable>(_ type: T.Type, key: String, from file: SafeTensors) throws -> T {
        guard let text = file.metadata[key] else {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "its metadata has no '\(key)' entry; "
                + "it was not written by this version of recurrent")
        }
        do {
            return try MetadataJSON.decode(type, from: text)
        } catch {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "its '\(key)' metadata cannot be read (\(error))")
        }
    }

    /// Checks the `format` entry names the expected kind of checkpoint.
    static func requireFormat(_ expected: String, in file: SafeTensors, what: String) throws {
        guard let format = file.metadata["format"] else {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "it has no 'format' metadata, so it is not a "
                + "\(what) checkpoint written by recurrent")
        }
        guard format == expected else {
            throw SeriesError.invalidCheckpoint(file: file.origin, reason: "it is a '\(format)' checkpoint, not a \(what) "
                + "checkpoint ('\(expected)')")
        }
    }
}

extension ParameterContainer {
    /// Loads every parameter from `file` by name, checking PyTorch shapes.
    func load(from file: SafeTensors) throws {
        for p in parameters { try file.load(into: p) }
    }
}
