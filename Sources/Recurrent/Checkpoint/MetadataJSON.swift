import Foundation

/// The package's one JSON writer and reader: the JSON strings a checkpoint's `__metadata__`
/// holds (model and training configurations, training state, tokenizer, series settings),
/// the lines of metrics.jsonl, and (`document`) the commands' `--json` output.
///
/// Written compact with sorted keys, so the same value always gives the same bytes; NaN and
/// ±∞ as the strings `"nan"`, `"inf"`, `"-inf"` (JSON has no such numbers); "/" unescaped
/// unless `escapingSlashes` (the spelling series checkpoints have always had).
public enum MetadataJSON {
    /// `value` as JSON text.
    ///
    /// - Throws: `MetadataJSONError` naming the type when `value` cannot be encoded (never
    ///   silently an empty object).
    public static func encode<T: Encodable>(_ value: T, escapingSlashes: Bool = false) throws(MetadataJSONError) -> String {
        try write(value, formatting: escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes], snakeCase: false)
    }

    /// `value` as a JSON document for people and scripts (the commands' `--json` output):
    /// pretty-printed, keys sorted and in snake_case, "/" unescaped, NaN and ±∞ as in `encode`.
    public static func document<T: Encodable>(_ value: T) throws(MetadataJSONError) -> String {
        try write(value, formatting: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes], snakeCase: true)
    }

    private static func write<T: Encodable>(_ value: T, formatting: JSONEncoder.OutputFormatting,
                                            snakeCase: Bool) throws(MetadataJSONError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw MetadataJSONError(typeName: String(describing: T.self), reason: "\(error)")
        }
    }

    /// Parses text written by `encode`.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

/// A value that could not be written as JSON (so no checkpoint was written).
public struct MetadataJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public var typeName: String
    public var reason: String

    public var description: String {
        "cannot write the \(typeName) as JSON (\(reason)); nothing was saved — please report this as a bug"
    }
}
