/// Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF)
/// of a buffer that may end in the middle of a sequence.
enum UTF8Validation {
    enum Outcome: Equatable {
        /// Every byte belongs to a complete, valid sequence.
        case complete
        /// Valid up to `at`, where a sequence starts that is valid so far but runs past the end:
        /// more bytes (the next chunk) may complete it.
        case truncated(at: Int)
        /// The sequence starting at `at` is invalid whatever follows.
        case invalid(at: Int)
    }

    /// Scans `bytes` from the start. Only the first problem is reported: the bytes before it
    /// are complete, valid UTF-8.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return .complete }
        var i = 0
        while i < count {
            // ASCII fast path: eight bytes at a time while none has its top bit set.
            while i + 8 <= count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            if i >= count { break }
            let lead = base[i]
            if lead < 0x80 { i += 1; continue }
            // The allowed range of the second byte depends on the lead byte (this is what rules
            // out overlong forms, surrogates and code points above U+10FFFF); later bytes are
            // always 80...BF.
            let length: Int
            var secondLow: UInt8 = 0x80, secondHigh: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondLow = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondHigh = 0x9F
            case 0xF0: length = 4; secondLow = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondHigh = 0x8F
            default: return .invalid(at: i)
            }
            for k in 1..<length {
                if i + k >= count { return .truncated(at: i) }
                let byte = base[i + k]
                let (low, high) = k == 1 ? (secondLow, secondHigh) : (UInt8(0x80), UInt8(0xBF))
                if byte < low || byte > high { return .invalid(at: i) }
            }
            i += length
        }
        return .complete
    }
}
