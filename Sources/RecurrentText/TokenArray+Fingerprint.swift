extension TokenArray {
    /// "<count>:<FNV-1a 64 of the ids, hex>": tells whether a resumed run trains on the same tokens.
    public func fingerprint() -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var buffer = [Int32](repeating: 0, count: 1 << 16)
        var start = 0
        buffer.withUnsafeMutableBufferPointer { b in
            while start < count {
                let n = Swift.min(b.count, count - start)
                copy(from: start, count: n, to: b.baseAddress!, stride: 1)
                for i in 0..<n {
                    var v = UInt32(bitPattern: b[i])
                    for _ in 0..<4 {
                        hash = (hash ^ UInt64(v & 0xFF)) &* 0x100_0000_01b3
                        v >>= 8
                    }
                }
                start += n
            }
        }
        return "\(count):\(String(hash, radix: 16))"
    }
}
