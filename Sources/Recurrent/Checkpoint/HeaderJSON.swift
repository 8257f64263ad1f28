/// A minimal, strict JSON parser and writer for safetensors headers.
///
/// Our own rather than Foundation's `JSONSerialization` because the header needs what that
/// one hides: object keys in file order with duplicates kept (two tensors under one name would
/// alias bytes, so the reader must see and reject them), integers as exact text (offsets are
/// u64), and byte positions for error messages. Input is UTF-8 already validated by the caller.
enum HeaderJSON: Equatable {
    /// Key/value pairs in file order, duplicates kept.
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    /// The number exactly as written (grammar-checked), e.g. `"120"`, `"-1"`, `"2.5e3"`.
    case number(String)
    case bool(Bool)
    case null

    static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// A short name of the kind of value, for error messages.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number(let text): "the number \(text)"
        case .bool(let b): "\(b)"
        case .null: "null"
        }
    }

    /// The value as a non-negative integer that fits in `UInt64`, else nil (negative,
    /// fractional, exponent form, or too large).
    var unsignedInteger: UInt64? {
        guard case .number(let text) = self else { return nil }
        return UInt64(text)  // accepts exactly ASCII digits; JSON already excluded leading zeros
    }

    struct ParseError: Error {
        let message: String
        let offset: Int
    }

    /// Parses one JSON value surrounded by optional whitespace (the reference writer pads the
    /// header with spaces).
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> HeaderJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw ParseError(message: "unexpected text after the JSON value", offset: parser.position)
        }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        /// Deeper nesting than any header needs; the bound keeps hostile input from
        /// exhausting the stack.
        static let maximumDepth = 64

        init(bytes: [UInt8]) { self.bytes = bytes }

        func fail(_ message: String, at offset: Int? = nil) -> ParseError {
            ParseError(message: message, offset: offset ?? position)
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(ParseError) {
            guard current == byte else {
                throw fail("expected '\(Character(Unicode.Scalar(byte)))'" + (current == nil ? " but the header ended" : ""))
            }
            position += 1
        }

        mutating func parseValue(depth: Int) throws(ParseError) -> HeaderJSON {
            guard depth < Parser.maximumDepth else { throw fail("nested more than \(Parser.maximumDepth) levels deep") }
            guard let c = current else { throw fail("the header ended where a value was expected") }
            switch c {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: throw fail("unexpected character '\(Character(Unicode.Scalar(c)))'")
            }
        }

        mutating func literal(_ word: StaticString) throws(ParseError) {
            let start = position
            let text = word.utf8Start
            for i in 0..<word.utf8CodeUnitCount {
                guard current == text[i] else { throw fail("invalid literal", at: start) }
                position += 1
            }
        }

        mutating func parseObject(depth: Int) throws(ParseError) -> HeaderJSON {
            position += 1  // '{'
            var pairs: [(key: String, value: HeaderJSON)] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") { position += 1; return .object(pairs) }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try parseString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                pairs.append((key, value))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object(pairs)
            }
        }

        mutating func parseArray(depth: Int) throws(ParseError) -> HeaderJSON {
            position += 1  // '['
            var items: [HeaderJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        }

        mutating func parseNumber() throws(ParseError) -> String {
            let start = position
            func digits(_ p: inout Parser) -> Int {
                var n = 0
                while let c = p.current, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { p.position += 1; n += 1 }
                return n
            }
            if current == UInt8(ascii: "-") { position += 1 }
            if current == UInt8(ascii: "0") {
                position += 1
                if let c = current, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                    throw fail("number with a leading zero", at: start)
                }
            } else if digits(&self) == 0 {
                throw fail("invalid number", at: start)
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits(&self) > 0 else { throw fail("invalid number", at: start) }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw fail("invalid number", at: start) }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func parseString() throws(ParseError) -> String {
            let start = position
            position += 1  // '"'
            var out: [UInt8] = []
            while true {
                guard let c = current else { throw fail("unterminated string", at: start) }
                position += 1
                switch c {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let e = current else { throw fail("unterminated string", at: start) }
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            // A UTF-16 surrogate pair: the low half must follow as another \u escape.
                            guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                                  bytes[position + 1] == UInt8(ascii: "u") else {
                                throw fail("lone UTF-16 surrogate in \\u escape")
                            }
                            position += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid UTF-16 surrogate pair") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw fail("lone UTF-16 surrogate in \\u escape")
                        }
                        out.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8))
                    default:
                        throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'", at: position - 2)
                    }
                default:
                    guard c >= 0x20 else { throw fail("unescaped control character in a string", at: position - 1) }
                    out.append(c)
                }
            }
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw fail("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw fail("invalid hex digit in \\u escape")
                }
                v = v << 4 | d
                position += 1
            }
            return v
        }
    }

    // MARK: Writing

    /// Appends `s` as a JSON string literal, escaping as serde_json does (the reference
    /// writer): `"`, `\`, and control characters; everything else as raw UTF-8.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(c >> 4)])
                out.append(hexDigits[Int(c & 0xF)])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
