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
/// everything else in a `ByteStringTable` keyed by exact bytes.
struct Vocabulary: Sendable {
    let tokens: [String]
    private let ids: ByteStringTable       // entry index = token id
    private let asciiIDs: [Int32]          // 128 entries, -1 where absent

    /// Fails with the first duplicate (by exact bytes) if `tokens` has one (a stored
    /// vocabulary from a damaged checkpoint).
    init(tokens: [String]) throws(TextError) {
        let (ids, ascii, duplicate) = Self.index(tokens)
        if let duplicate {
            throw .invalidTokenizerDescription(reason: "the vocabulary lists \(TextError.quoted(duplicate)) twice")
        }
        self.tokens = tokens
        self.ids = ids
        self.asciiIDs = ascii
    }

    /// A vocabulary built from counted tokens, distinct by construction.
    init(distinctTokens tokens: [String]) {
        let (ids, ascii, duplicate) = Self.index(tokens)
        precondition(duplicate == nil, "counted tokens are distinct")
        self.tokens = tokens
        self.ids = ids
        self.asciiIDs = ascii
    }

    private static func index(_ tokens: [String]) -> (ByteStringTable, [Int32], duplicate: String?) {
        var ids = ByteStringTable(minimumCapacity: tokens.count)
        var ascii = [Int32](repeating: -1, count: 128)
        for (id, token) in tokens.enumerated() {
            let inserted = token.withUTF8Buffer { ids.insert($0).inserted }
            if !inserted { return (ids, ascii, token) }
            if token.utf8.count == 1, let byte = token.utf8.first, byte < 128 { ascii[Int(byte)] = Int32(id) }
        }
        return (ids, ascii, nil)
    }

    var count: Int { tokens.count }

    /// The id of `token`, or nil if it is not in the vocabulary.
    func id(of token: String) -> Int32? {
        token.withUTF8Buffer { id(ofBytes: $0) }
    }

    /// The id of the token with UTF-8 `bytes`, or nil.
    @inline(__always)
    func id(ofBytes bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        if bytes.count == 1 && bytes[0] < 128 { return id(ofASCII: bytes[0]) }
        return ids.index(of: bytes).map { Int32($0) }
    }

    /// The id of the one-character token `byte` (ASCII), or nil.
    @inline(__always)
    func id(ofASCII byte: UInt8) -> Int32? {
        let id = asciiIDs[Int(byte)]
        return id >= 0 ? id : nil
    }
}

/// Counts how often each token occurs (pass one of building a vocabulary).
struct TokenCounter: TokenSink {
    private var table = ByteStringTable()
    private var counts: [Int] = []
    private var asciiCounts = [Int](repeating: 0, count: 128)
    private(set) var total = 0

    @inline(__always)
    mutating func asciiToken(_ byte: UInt8) {
        total += 1
        asciiCounts[Int(byte)] += 1
    }

    @inline(__always)
    mutating func tokenBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count == 1 && bytes[0] < 128 {
            asciiToken(bytes[0])
            return
        }
        total += 1
        let (index, inserted) = table.insert(bytes)
        if inserted { counts.append(1) } else { counts[index] += 1 }
    }

    /// Every distinct token with its count.
    func all() -> [(token: String, count: Int)] {
        var result: [(token: String, count: Int)] = []
        result.reserveCapacity(counts.count + 128)
        for byte in 0..<128 where asciiCounts[byte] > 0 {
            result.append((String(UnicodeScalar(UInt8(byte))), asciiCounts[byte]))
        }
        for (index, count) in counts.enumerated() { result.append((table.key(index), count)) }
        return result
    }
}
