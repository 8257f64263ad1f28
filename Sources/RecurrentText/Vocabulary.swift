/// A string compared and hashed by its UTF-8 bytes.
///
/// Swift's `String` and `Character` equality is canonical equivalence: "é" (U+00E9) equals
/// "e" + U+0301. As dictionary keys they would share one token id, and decoding could not
/// give back the bytes that went in. Tokens are keyed by their exact bytes instead.
struct ExactText: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (a: ExactText, b: ExactText) -> Bool {
        a.string.utf8.elementsEqual(b.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable {
            hasher.combine(bytes: UnsafeRawBufferPointer($0))
        }
        if done == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
        hasher.combine(0xFF as UInt8)   // terminator (0xFF never occurs in UTF-8)
    }

    /// Byte-wise (equivalently, code-point-wise) order: deterministic and independent of locale
    /// and of Unicode normalization.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

/// The token strings of a tokenizer and the map back from string to id.
///
/// Single-byte tokens (ASCII characters, "\n", most punctuation) are looked up in a table;
/// everything else in a dictionary keyed by exact bytes.
struct Vocabulary: Sendable {
    let tokens: [String]
    private let ids: [ExactText: Int32]
    private let asciiIDs: [Int32]          // 128 entries, -1 where absent

    /// Fails with the first duplicate (by exact bytes) if `tokens` has one.
    init(tokens: [String]) throws(TextError) {
        var ids: [ExactText: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        var ascii = [Int32](repeating: -1, count: 128)
        for (id, token) in tokens.enumerated() {
            guard ids.updateValue(Int32(id), forKey: ExactText(token)) == nil else {
                throw .invalidTokenizerDescription(reason: "the vocabulary lists \(TextError.quoted(token)) twice")
            }
            if token.utf8.count == 1, let byte = token.utf8.first, byte < 128 { ascii[Int(byte)] = Int32(id) }
        }
        self.tokens = tokens
        self.ids = ids
        self.asciiIDs = ascii
    }

    var count: Int { tokens.count }

    /// The id of `token`, or nil if it is not in the vocabulary.
    @inline(__always)
    func id(of token: String) -> Int32? {
        let utf8 = token.utf8
        if utf8.count == 1, let byte = utf8.first, byte < 128 {
            let id = asciiIDs[Int(byte)]
            return id >= 0 ? id : nil
        }
        return ids[ExactText(token)]
    }
}

/// Counts how often each token string occurs (pass one of building a vocabulary).
struct TokenCounter {
    private(set) var counts: [ExactText: Int] = [:]
    private var asciiCounts = [Int](repeating: 0, count: 128)
    private(set) var total = 0

    @inline(__always)
    mutating func add(_ token: String) {
        total += 1
        let utf8 = token.utf8
        if utf8.count == 1, let byte = utf8.first, byte < 128 {
            asciiCounts[Int(byte)] += 1
        } else {
            counts[ExactText(token), default: 0] += 1
        }
    }

    /// Every distinct token with its count.
    func all() -> [(token: String, count: Int)] {
        var result: [(token: String, count: Int)] = []
        result.reserveCapacity(counts.count + 128)
        for byte in 0..<128 where asciiCounts[byte] > 0 {
            result.append((String(UnicodeScalar(UInt8(byte))), asciiCounts[byte]))
        }
        for (key, count) in counts { result.append((key.string, count)) }
        return result
    }
}
