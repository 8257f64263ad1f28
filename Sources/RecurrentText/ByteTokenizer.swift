/// One token per byte: 256 tokens, ids equal to byte values. Reads any file in any encoding;
/// encoding a `String` gives its UTF-8 bytes, and decoding gives back exactly those bytes
/// (`bytes(_:)`), or text in which bytes that are not valid UTF-8 become U+FFFD (`decode`).
public struct ByteTokenizer: Tokenizer {
    public init() {}

    public var level: TokenizerLevel { .byte }
    public var vocabularySize: Int { 256 }
    public var vocabulary: [String] {
        (0..<256).map { (byte: Int) -> String in
            let printable = (0x20..<0x7F).contains(byte) || byte == 0x0A || byte == 0x09
            if printable { return String(UnicodeScalar(UInt8(byte))) }
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "<0x0\(hex)>" : "<0x\(hex)>"
        }
    }
    public var configuration: TokenizerConfiguration { TokenizerConfiguration(level: .byte, vocabulary: []) }

    /// The UTF-8 bytes of `text`; never fails.
    public func encode(_ text: String, unknown: UnknownTokenPolicy) throws(TextError) -> [Int] {
        text.utf8.map { Int($0) }
    }

    /// The raw bytes of `ids` (for writing output in the corpus's own encoding).
    public func bytes<S: Sequence<Int>>(_ ids: S) -> [UInt8] {
        ids.map { id in
            precondition((0..<256).contains(id), "byte token id \(id) outside 0..<256")
            return UInt8(id)
        }
    }

    public func makeDecoder(options: DecodingOptions) -> TokenDecoder {
        TokenDecoder(.bytes(pending: []))
    }

    /// Decodes the longest prefix of `bytes` that is final: everything except an incomplete
    /// UTF-8 sequence at the end, which is returned to wait for more bytes. Invalid bytes
    /// become U+FFFD.
    static func decodePrefix(_ bytes: [UInt8]) -> (text: String, rest: [UInt8]) {
        let split = incompleteTailStart(bytes) ?? bytes.count
        return (String(decoding: bytes[..<split], as: UTF8.self), Array(bytes[split...]))
    }

    /// The start of a trailing sequence that is valid so far but incomplete, if any.
    private static func incompleteTailStart(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty else { return nil }
        for start in stride(from: bytes.count - 1, through: max(0, bytes.count - 3), by: -1) {
            let byte = bytes[start]
            if byte < 0x80 { return nil }          // ASCII: nothing open
            if byte >= 0xC0 {                      // a lead byte: is it waiting for more?
                let outcome = bytes[start...].withUnsafeBufferPointer { UTF8Validation.scan($0) }
                return outcome == .truncated(at: 0) ? start : nil
            }
        }
        return nil
    }
}
