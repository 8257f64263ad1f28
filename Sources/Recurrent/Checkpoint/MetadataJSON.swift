import Foundation

/// The package's one JSON writer and reader: the JSON strings a checkpoint's `__metadata__`
/// holds (model and training configurations, training state, tokenizer, series settings).
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
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
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
