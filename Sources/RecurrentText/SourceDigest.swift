/// A 64-bit digest of a corpus's bytes, to tell whether a token cache was made from the same
/// text (not a cryptographic hash: it detects changes, it does not resist forgery).
///
/// The bytes are taken as little-endian 64-bit words, h ← (h ⊕ w)·P then h ← h ⊕ (h ≫ 29)
/// with P the FNV-64 prime, and the length is mixed in at the end. A word per step keeps it at
/// memory speed; the carried partial word makes the result independent of how the bytes
/// arrive in chunks.
struct SourceDigest {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    private var partial: UInt64 = 0
    private var partialCount = 0
    private(set) var byteCount = 0

    @inline(__always)
    private mutating func mix(_ word: UInt64) {
        hash = (hash ^ word) &* 0x100_0000_01b3
        hash ^= hash >> 29
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        byteCount += bytes.count
        var i = 0
        // Finish a word begun in the previous chunk.
        while partialCount > 0 && i < bytes.count {
            partial |= UInt64(bytes[i]) << (8 * UInt64(partialCount))
            partialCount += 1
            i += 1
            if partialCount == 8 {
                mix(partial)
                partial = 0
                partialCount = 0
            }
        }
        while i + 8 <= bytes.count {
            mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        while i < bytes.count {
            partial |= UInt64(bytes[i]) << (8 * UInt64(partialCount))
            partialCount += 1
            i += 1
        }
    }

    /// The digest of the bytes added so far.
    var value: UInt64 {
        var copy = self
        if copy.partialCount > 0 { copy.mix(copy.partial) }
        copy.mix(UInt64(byteCount))
        return copy.hash
    }

    /// `value` as 16 hex digits.
    var text: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The digest of everything `source` holds, read in chunks.
    static func of(_ source: TextSource, chunkSize: Int) throws(TextError) -> SourceDigest {
        var digest = SourceDigest()
        try source.forEachChunk(chunkSize: chunkSize) { (chunk) throws(TextError) in digest.add(chunk) }
        return digest
    }
}
