extension TokenArray {
    /// "<count>:<FNV-1a 64 of the ids, hex>": tells whether a resumed run trains on the same tokens.
    public func fingerprint() -> String {
        var fingerprint = TokenFingerprint()
        forEachBlock { fingerprint.add($0) }
        return fingerprint.text
    }

    /// Calls `body` with consecutive blocks of the ids (as `Int32`, at most 65,536 at a time),
    /// in order: one pass over tokens that may be memory-mapped, with one small buffer.
    func forEachBlock(_ body: (UnsafeBufferPointer<Int32>) -> Void) {
        var buffer = [Int32](repeating: 0, count: Swift.min(count, 1 << 16))
        var start = 0
        buffer.withUnsafeMutableBufferPointer { b in
            while start < count {
                let n = Swift.min(b.count, count - start)
                copy(from: start, count: n, to: b.baseAddress!, stride: 1)
                body(UnsafeBufferPointer(rebasing: b[0..<n]))
                start += n
            }
        }
    }
}

/// The running form of `TokenArray.fingerprint()`: FNV-1a 64 over each id's four bytes
/// (the `UInt32` bit pattern, least significant first), so ids can be added as they are made.
struct TokenFingerprint {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var count = 0

    mutating func add<Element: FixedWidthInteger>(_ ids: UnsafeBufferPointer<Element>) {
        var h = hash
        for id in ids {
            var v = UInt32(truncatingIfNeeded: id)   // zero-extended, or an Int32's bit pattern
            for _ in 0..<4 {
                h = (h ^ UInt64(v & 0xFF)) &* 0x100_0000_01b3
                v >>= 8
            }
        }
        hash = h
        count += ids.count
    }

    /// "<count>:<hash, hex>".
    var text: String { "\(count):\(String(hash, radix: 16))" }
}
