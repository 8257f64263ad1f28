/// A fixed-size, 64-byte-aligned block of Float32 values, zero-initialised.
///
/// `Matrix` values are views into a `Storage`; several views may share one storage (llm.c's
/// "one flat allocation for all parameters, views into it"). Freed when the last view goes.
public final class Storage: @unchecked Sendable {
    /// Number of floats.
    public let count: Int
    package let base: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "Storage count must be non-negative")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride,
                                                   alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}
