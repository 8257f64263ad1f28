/// A set of byte strings (token UTF-8), each with a dense index 0, 1, 2, … in insertion order.
///
/// Why not `Dictionary<String, Int>`: `String` equality is canonical equivalence ("é" ==
/// "e" + U+0301), which would merge tokens whose bytes differ; and looking up a word found in
/// a byte buffer would first have to build a `String`. Here keys are looked up straight from a
/// buffer, compared byte for byte, with no allocation: open addressing with linear probing,
/// keys stored end to end in one arena.
///
/// The hash is FNV-1a followed by the MurmurHash3 finalizer: deterministic (no per-process
/// seed), so runs are reproducible.
struct ByteStringTable: Sendable {
    /// All keys, end to end.
    private var arena: [UInt8] = []
    /// Entry i's key is `arena[starts[i] ..< starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Power-of-two slots holding entry index + 1 (0 = empty).
    private var slots: [Int32]

    init(minimumCapacity: Int = 16) {
        var size = 16
        while size < minimumCapacity * 2 { size *= 2 }
        slots = [Int32](repeating: 0, count: size)
    }

    var count: Int { hashes.count }

    /// The key of entry `index`.
    func key(_ index: Int) -> String {
        String(decoding: arena[starts[index]..<starts[index + 1]], as: UTF8.self)
    }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// The index of `key`, or nil.
    @inline(__always)
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(key)
        return find(key, hash: h).entry
    }

    /// The index of `key`, inserting it (with the next index) if it is new.
    @inline(__always)
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        let h = Self.hash(key)
        let (entry, slot) = find(key, hash: h)
        if let entry { return (entry, false) }
        let index = hashes.count
        arena.append(contentsOf: key)
        starts.append(arena.count)
        hashes.append(h)
        slots[slot] = Int32(index + 1)
        if hashes.count * 2 > slots.count { grow() }
        return (index, true)
    }

    /// The entry holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (entry: Int?, slot: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                while true {
                    let occupant = Int(slots[slot]) - 1
                    if occupant < 0 { return (nil, slot) }
                    if hashes[occupant] == h {
                        let start = starts[occupant], length = starts[occupant + 1] - start
                        if length == key.count && (length == 0 || memoryEqual(arena.baseAddress! + start, key.baseAddress!, length)) {
                            return (occupant, slot)
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for (index, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = Int32(index + 1)
        }
        slots = bigger
    }
}

@inline(__always)
private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for i in 0..<count where a[i] != b[i] { return false }
    return true
}

extension String {
    /// Calls `body` with the UTF-8 bytes of this string, without copying a native string.
    @inline(__always)
    func withUTF8Buffer<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
