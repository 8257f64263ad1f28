import Recurrent
/// A long sequence of token ids in the narrowest integer type the vocabulary allows:
/// one byte per token for V ≤ 256 (byte level, most character vocabularies), two for
/// V ≤ 65,536, four beyond. In memory, this plus the vocabulary is all a corpus takes; from a
/// `TokenCache` the ids stay in a memory-mapped file and are read from it as they are used.
///
/// `tokens(in:)` shares storage (and counts from 0), so a train/validation split copies nothing.
/// Elements read as `Int32`.
public struct TokenArray: RandomAccessCollection, Sendable, StridedTokenCopying {
    enum Storage: Sendable {
        case uint8([UInt8])
        case uint16([UInt16])
        case int32([Int32])
        /// Ids in a memory-mapped token cache.
        case mapped8(MappedTokens<UInt8>)
        case mapped16(MappedTokens<UInt16>)
        case mapped32(MappedTokens<Int32>)
    }

    let storage: Storage
    /// The window of `storage` this array shows.
    let window: Range<Int>

    init(_ storage: Storage) {
        self.storage = storage
        switch storage {
        case .uint8(let a): window = 0..<a.count
        case .uint16(let a): window = 0..<a.count
        case .int32(let a): window = 0..<a.count
        case .mapped8(let m): window = 0..<m.ids.count
        case .mapped16(let m): window = 0..<m.ids.count
        case .mapped32(let m): window = 0..<m.ids.count
        }
    }

    private init(storage: Storage, window: Range<Int>) {
        self.storage = storage
        self.window = window
    }

    /// Packs `ids` (each in `0..<vocabularySize`) in the narrowest type for `vocabularySize`.
    public init<S: Sequence<Int>>(_ ids: S, vocabularySize: Int) {
        switch TokenArray.bytesPerToken(forVocabularySize: vocabularySize) {
        case 1: self.init(.uint8(ids.map { UInt8(truncatingIfNeeded: Self.checked($0, vocabularySize)) }))
        case 2: self.init(.uint16(ids.map { UInt16(truncatingIfNeeded: Self.checked($0, vocabularySize)) }))
        default: self.init(.int32(ids.map { Int32(Self.checked($0, vocabularySize)) }))
        }
    }

    private static func checked(_ id: Int, _ vocabularySize: Int) -> Int {
        precondition(id >= 0 && id < vocabularySize, "token id \(id) outside 0..<\(vocabularySize)")
        return id
    }

    /// 1, 2 or 4.
    public static func bytesPerToken(forVocabularySize size: Int) -> Int {
        size <= 1 << 8 ? 1 : size <= 1 << 16 ? 2 : 4
    }

    public var bytesPerToken: Int {
        switch storage {
        case .uint8, .mapped8: return 1
        case .uint16, .mapped16: return 2
        case .int32, .mapped32: return 4
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { window.count }

    @inline(__always)
    public subscript(position: Int) -> Int32 {
        precondition(position >= 0 && position < window.count, "token index \(position) outside 0..<\(window.count)")
        let i = window.lowerBound + position
        switch storage {
        case .uint8(let a): return Int32(a[i])
        case .uint16(let a): return Int32(a[i])
        case .int32(let a): return a[i]
        case .mapped8(let m): return Int32(m.ids[i])
        case .mapped16(let m): return Int32(m.ids[i])
        case .mapped32(let m): return m.ids[i]
        }
    }

    /// The tokens in `range` (indices of this array) as an array of their own, indexed from 0,
    /// sharing storage.
    public func tokens(in range: Range<Int>) -> TokenArray {
        precondition(range.lowerBound >= 0 && range.upperBound <= window.count, "range \(range) outside 0..<\(window.count)")
        return TokenArray(storage: storage, window: (window.lowerBound + range.lowerBound)..<(window.lowerBound + range.upperBound))
    }

    /// Copies `count` ids starting at `start` into `destination[0], destination[stride], …`
    /// (how a batch column is filled). One switch per call, not per token.
    public func copy(from start: Int, count: Int, to destination: UnsafeMutablePointer<Int32>, stride: Int) {
        precondition(start >= 0 && count >= 0 && start + count <= window.count, "copy range outside the tokens")
        let base = window.lowerBound + start
        switch storage {
        case .uint8(let a):
            a.withUnsafeBufferPointer { p in for k in 0..<count { destination[k * stride] = Int32(p[base + k]) } }
        case .uint16(let a):
            a.withUnsafeBufferPointer { p in for k in 0..<count { destination[k * stride] = Int32(p[base + k]) } }
        case .int32(let a):
            a.withUnsafeBufferPointer { p in for k in 0..<count { destination[k * stride] = p[base + k] } }
        case .mapped8(let m):
            for k in 0..<count { destination[k * stride] = Int32(m.ids[base + k]) }
        case .mapped16(let m):
            for k in 0..<count { destination[k * stride] = Int32(m.ids[base + k]) }
        case .mapped32(let m):
            for k in 0..<count { destination[k * stride] = m.ids[base + k] }
        }
    }
}

/// Token ids of type `Element` inside a `MappedFile`, which they keep mapped.
struct MappedTokens<Element: FixedWidthInteger>: @unchecked Sendable {
    let file: MappedFile
    let ids: UnsafeBufferPointer<Element>
}
